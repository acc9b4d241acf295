// End-to-end tests of `chipsim generate`: generated scenarios validate and run with the sizes
// asked for, the same seed gives the same file, and bad sizes are usage errors.
#include <catch2/catch.hpp>
#include <cstddef>
#include <map>
#include <string>
#include <vector>

#include "sim/io/result_file.hpp"
#include "tests/e2e/cli_helpers.hpp"

using e2e::chipsim;
using e2e::quote;

namespace {

/// `chipsim generate` with the given sizes into `path`; returns its outcome.
e2e::Outcome generate(const std::string& sizes, const std::string& path) {
  return chipsim("generate " + sizes + " -o " + quote(path));
}

/// Generates a scenario of `sizes` in `tmp` and runs it (`run_options` added) at 1 and at 2
/// threads into tmp/1.h5 and tmp/2.h5.
void generate_and_run_at_1_and_2_threads(const e2e::TempDir& tmp, const std::string& sizes,
                                         const std::string& run_options) {
  const std::string yaml = tmp / "generated.yaml";
  REQUIRE(generate(sizes, yaml).status == 0);
  for (int threads : {1, 2}) {
    const auto r = chipsim("run -q --threads " + std::to_string(threads) + " " + run_options +
                           quote(yaml) + " -o " + quote(tmp / (std::to_string(threads) + ".h5")));
    INFO(r.err);
    REQUIRE(r.status == 0);
  }
}

}  // namespace

TEST_CASE("cli generate: scenarios of the asked sizes validate and run", "[e2e][generate]") {
  struct Size {
    int labs, countries, products, months;
  };
  const Size size = GENERATE(Size{1, 1, 1, 1}, Size{2, 2, 1, 3}, Size{7, 3, 4, 12},
                             Size{40, 5, 9, 24}, Size{25, 11, 2, 6});
  e2e::TempDir tmp;
  const std::string yaml = tmp / "gen.yaml";
  const std::string h5 = tmp / "gen.h5";
  const std::string sizes = "--labs " + std::to_string(size.labs) + " --countries " +
                            std::to_string(size.countries) + " --products " +
                            std::to_string(size.products) + " --months " +
                            std::to_string(size.months) + " --seed 5";
  INFO(sizes);
  const auto g = generate(sizes, yaml);
  REQUIRE(g.status == 0);
  const auto v = chipsim("validate " + quote(yaml));
  INFO(v.err);
  REQUIRE(v.status == 0);
  const auto r = chipsim("run -q " + quote(yaml) + " -o " + quote(h5));
  INFO(r.err);
  REQUIRE(r.status == 0);

  const sim::world::RunResults results = sim::io::read_results(h5);
  std::map<std::string, std::size_t> kinds;
  for (const std::string& k : results.agent_kinds) ++kinds[k];
  CHECK(kinds["ai_lab"] == static_cast<std::size_t>(size.labs));
  CHECK(results.country_ids.size() == static_cast<std::size_t>(size.countries));
  CHECK(results.product_ids.size() == static_cast<std::size_t>(size.products));
  CHECK(results.months.size() == static_cast<std::size_t>(size.months));
  CHECK(kinds["government"] >= 1);
  CHECK(kinds["chipmaker"] >= 1);
  CHECK(kinds["foundry"] >= 1);
}

TEST_CASE("cli generate: the same seed gives the same file, another seed another",
          "[e2e][generate]") {
  e2e::TempDir tmp;
  const std::string sizes = "--labs 30 --countries 4 --products 5 --months 12";
  REQUIRE(generate(sizes + " --seed 3", tmp / "a.yaml").status == 0);
  REQUIRE(generate(sizes + " --seed 3", tmp / "b.yaml").status == 0);
  REQUIRE(generate(sizes + " --seed 4", tmp / "c.yaml").status == 0);
  CHECK(e2e::slurp(tmp / "a.yaml") == e2e::slurp(tmp / "b.yaml"));
  CHECK(e2e::slurp(tmp / "a.yaml") != e2e::slurp(tmp / "c.yaml"));

  // without -o the scenario goes to standard output
  const auto o = chipsim("generate " + sizes + " --seed 3");
  REQUIRE(o.status == 0);
  CHECK(o.out == e2e::slurp(tmp / "a.yaml"));
}

TEST_CASE("cli generate: an existing file needs --force", "[e2e][generate]") {
  e2e::TempDir tmp;
  const std::string sizes = "--labs 3 --countries 2 --products 2 --months 4";
  REQUIRE(generate(sizes, tmp / "a.yaml").status == 0);
  const auto again = generate(sizes, tmp / "a.yaml");
  CHECK(again.status == 2);
  CHECK_THAT(again.err, Catch::Contains("--force"));
  CHECK(chipsim("generate " + sizes + " --force -o " + quote(tmp / "a.yaml")).status == 0);
}

TEST_CASE("cli generate: bad sizes are usage errors", "[e2e][generate]") {
  const std::string bad = GENERATE(
      as<std::string>{}, "--labs 0 --countries 2 --products 2 --months 4",
      "--labs=-3 --countries 2 --products 2 --months 4",
      "--labs 3 --countries 0 --products 2 --months 4",
      "--labs 3 --countries 2 --products=-1 --months 4",
      "--labs 3 --countries 2 --products 2 --months 0",
      "--labs 1000000000000 --countries 2 --products 2 --months 4",
      "--labs 3 --countries 99999999 --products 2 --months 4",
      "--labs 3 --countries 2 --products 2 --months 100000",
      "--labs many --countries 2 --products 2 --months 4", "--countries 2 --products 2 --months 4",
      "--labs 3 --countries 2 --products 2 --months 4 --seed=-1");
  e2e::TempDir tmp;
  INFO(bad);
  const auto o = chipsim("generate " + bad + " -o " + quote(tmp / "x.yaml"));
  CHECK(o.status == 2);
  CHECK_FALSE(std::filesystem::exists(tmp / "x.yaml"));
}

TEST_CASE("cli generate: a world of 150 labs runs identically at 1 and 2 threads",
          "[e2e][generate][determinism][parallel]") {
  // over 64 agents, so each month's decide phase is split across tasks (the engine's grain
  // is 64 agents): the one test where agents of one replicate decide on several threads at
  // once, which the tsan preset checks for races
  const e2e::TempDir tmp;
  generate_and_run_at_1_and_2_threads(
      tmp, "--labs 150 --countries 4 --products 3 --months 12 --seed 11", "--replicates 2 ");
  CHECK_THAT(e2e::differences_besides_created(tmp / "1.h5", tmp / "2.h5"),
             Catch::Matchers::Equals(""));
}

TEST_CASE("cli run: flows compressed during the run on a second thread change nothing in the file",
          "[e2e][generate][determinism][parallel]") {
  // 44,775 flows: at 2 threads the first two 16,384-row chunks of /trade/flows are compressed
  // while the run goes (sim::io::FlowChunks); at 1 thread all of them after it
  const e2e::TempDir tmp;
  generate_and_run_at_1_and_2_threads(
      tmp, "--labs 300 --countries 4 --products 3 --months 36 --seed 11", "");
  CHECK(e2e::h5_shape(tmp / "2.h5", "/trade/flows") == std::vector<unsigned long long>{44775});
  CHECK_THAT(e2e::differences_besides_created(tmp / "1.h5", tmp / "2.h5"),
             Catch::Matchers::Equals(""));
}
