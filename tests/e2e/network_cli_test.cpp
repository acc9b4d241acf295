// End-to-end tests of `chipsim network`: the DOT file, the chokepoint report and exit codes.
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <string>

#include "tests/e2e/cli_helpers.hpp"

namespace fs = std::filesystem;
using e2e::chipsim;
using e2e::quote;

namespace {
const std::string small_scenario = std::string(CHIPSIM_TEST_DATA_DIR) + "/e2e/small.yaml";
}

TEST_CASE("cli: network writes the month's network as DOT and reports chokepoints",
          "[e2e][cli][network]") {
  e2e::TempDir tmp;
  const std::string dot = tmp / "net.dot";
  const auto o =
      chipsim("network " + quote(small_scenario) + " --month 2024-06 --dot " + quote(dot));
  REQUIRE(o.status == 0);
  CHECK(o.err.empty());
  const std::string text = e2e::slurp(dot);
  CHECK_THAT(text, Catch::StartsWith("digraph"));
  CHECK_THAT(text, Catch::Contains("fab fab-co/f1 (twn)"));
  CHECK_THAT(text, Catch::Contains("lab lab-cn"));
  CHECK_THAT(o.out, Catch::Contains("in 2024-06"));
  // 1000 wafers x 10 chips x 1 H100e reach the west; China waits for its licence
  CHECK_THAT(o.out, Catch::Contains("west: at most 10000 H100e per month"));
  CHECK_THAT(o.out, Catch::Contains("china: at most 0 H100e per month"));
  // only the DOT file is left behind (no temporary file)
  CHECK(std::distance(fs::directory_iterator(tmp.path()), fs::directory_iterator()) == 1);

  SECTION("an existing file is replaced") {
    const auto again = chipsim("network " + quote(small_scenario) + " -q --dot " + quote(dot));
    CHECK(again.status == 0);
    CHECK(again.out.empty());
    CHECK_THAT(e2e::slurp(dot), Catch::StartsWith("digraph"));
  }
}

TEST_CASE("cli: network --dot - writes DOT on stdout and the report on stderr",
          "[e2e][cli][network]") {
  const auto o = chipsim("network " + quote(small_scenario) + " --dot -");
  REQUIRE(o.status == 0);
  CHECK_THAT(o.out, Catch::StartsWith("digraph"));
  CHECK_THAT(o.err, Catch::Contains("chokepoints"));
  // before the control starts in June, China gets the chips too
  CHECK_THAT(o.err, Catch::Contains("china: at most 10000 H100e per month"));
}

TEST_CASE("cli: network rejects a month outside the scenario with status 2",
          "[e2e][cli][network]") {
  e2e::TempDir tmp;
  const std::string dot = tmp / "net.dot";
  const auto outside =
      chipsim("network " + quote(small_scenario) + " --month 2025-01 --dot " + quote(dot));
  CHECK(outside.status == 2);
  CHECK_THAT(outside.err, Catch::Contains("--month 2025-01: error: outside the scenario"));
  CHECK_THAT(outside.err, Catch::Contains("2024-01 to 2024-12"));
  const auto malformed = chipsim("network " + quote(small_scenario) + " --month 2024-13");
  CHECK(malformed.status == 2);
  CHECK_THAT(malformed.err, Catch::Contains("expected a month YYYY-MM"));
  CHECK(chipsim("network " + quote(small_scenario) + " --choose nope=x").status == 2);
  CHECK(chipsim("network " + quote(tmp / "missing.yaml")).status == 2);
  CHECK_FALSE(fs::exists(dot));
  const auto help = chipsim("network --help");
  CHECK(help.status == 0);
  CHECK_THAT(help.out, Catch::Contains("--dot"));
}

TEST_CASE("cli: network exits 1 when the DOT file cannot be written", "[e2e][cli][network]") {
  e2e::TempDir tmp;
  const std::string file = tmp / "plain";
  { std::ofstream f(file); }
  const auto o =
      chipsim("network " + quote(small_scenario) + " -q --dot " + quote(file + "/net.dot"));
  CHECK(o.status == 1);
  CHECK_THAT(o.err, Catch::Contains("cannot write the network"));
}
