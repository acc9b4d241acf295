// End-to-end tests of `chipsim compare`: two runs of the small scenario compared as CSV, JSON and
// a table, and the refusal of runs that cannot be paired.
#include <algorithm>
#include <catch2/catch.hpp>
#include <cstddef>
#include <sstream>
#include <string>
#include <vector>

#include "tests/e2e/cli_helpers.hpp"

using e2e::chipsim;
using e2e::quote;

namespace {

const std::string small_scenario = std::string(CHIPSIM_TEST_DATA_DIR) + "/e2e/small.yaml";
const std::string csv_header =
    "metric,entity,month,n,mean_a,mean_b,mean_diff,ci_low,ci_high,share_b_greater,method";

/// The lines of `text`, without their newlines.
std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

/// The comma-separated fields of a CSV line whose fields hold no quotes or commas.
std::vector<std::string> fields_of(const std::string& line) {
  std::vector<std::string> fields;
  std::istringstream in(line);
  for (std::string field; std::getline(in, field, ',');) fields.push_back(field);
  return fields;
}

/// Three replicates of the small scenario, written to `path`, with extra `run` options.
void run_small(const std::string& path, const std::string& options = "") {
  const auto o = chipsim("run -q --replicates 3 " + options + " " + quote(small_scenario) + " -o " +
                         quote(path));
  REQUIRE(o.status == 0);
}

/// A light structural check of JSON text: brackets and braces balance outside strings, strings
/// close, and nothing but whitespace follows the top-level value.
bool balanced_json(const std::string& text) {
  std::vector<char> open;
  bool in_string = false;
  bool escaped = false;
  bool closed = false;
  for (const char c : text) {
    if (in_string) {
      if (escaped)
        escaped = false;
      else if (c == '\\')
        escaped = true;
      else if (c == '"')
        in_string = false;
      continue;
    }
    if (closed && c != '\n' && c != ' ') return false;
    if (c == '"') in_string = true;
    if (c == '[' || c == '{') open.push_back(c);
    if (c == ']' || c == '}') {
      if (open.empty() || open.back() != (c == ']' ? '[' : '{')) return false;
      open.pop_back();
      closed = open.empty();
    }
  }
  return closed && !in_string;
}

std::size_t count(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

}  // namespace

TEST_CASE("cli: compare of two runs with the same seed shows no difference",
          "[e2e][cli][compare]") {
  e2e::TempDir tmp;
  const std::string a = tmp / "a.h5";
  const std::string b = tmp / "b.h5";
  run_small(a);
  run_small(b);

  const auto csv = chipsim("compare " + quote(a) + " " + quote(b) + " --format csv");
  REQUIRE(csv.status == 0);
  // stdout holds only the csv; notes go to stderr (no investment in this scenario)
  CHECK_THAT(csv.err, Catch::Contains("note: agent/investment_pledged_usd: no rows"));
  CHECK_THAT(csv.err, !Catch::Contains("error") && !Catch::Contains("mismatch"));
  const std::vector<std::string> lines = lines_of(csv.out);
  REQUIRE(lines.size() > 1);
  CHECK(lines[0] == csv_header);
  // the default set of the small scenario: blocs china and west, countries usa, chn and twn,
  // the chipmaker maker (no investment: those rows are left out)
  CHECK(lines.size() == 1 + 2 + 3 + 1);
  for (std::size_t i = 1; i < lines.size(); ++i) {
    INFO(lines[i]);
    const std::vector<std::string> f = fields_of(lines[i]);
    REQUIRE(f.size() == 11);
    CHECK(f[2] == "2024-12");
    CHECK(f[3] == "3");
    CHECK(f[4] == f[5]);  // mean_a == mean_b
    CHECK(f[6] == "0");   // mean_diff
    CHECK(f[7] == "0");   // ci_low
    CHECK(f[8] == "0");   // ci_high
    CHECK(f[9] == "0");   // share_b_greater
    CHECK(f[10] == "t");
  }
  CHECK_THAT(csv.out, Catch::Contains("\nagent/revenue_usd,maker,2024-12,3,"));

  SECTION("the table says what it compares") {
    const auto table = chipsim("compare " + quote(a) + " " + quote(b));
    REQUIRE(table.status == 0);
    CHECK_THAT(table.out, Catch::StartsWith("B - A, paired by replicate: 3 pairs"));
    CHECK_THAT(table.out, Catch::Contains("a flow is summed over 2024-01 to 2024-12"));
    CHECK_THAT(table.out, Catch::Contains("bloc/compute_stock_h100e (H100e, level at 2024-12)"));
    for (const std::string& line : lines_of(table.out)) {
      INFO(line);
      CHECK(line.size() <= 100);
    }
  }
  SECTION("--metric and --month pick rows and the month") {
    const auto o = chipsim("compare " + quote(a) + " " + quote(b) +
                           " --format csv --metric agent/units_sold --metric "
                           "bloc/chip_imports_units --month 2024-06");
    REQUIRE(o.status == 0);
    const std::vector<std::string> rows = lines_of(o.out);
    CHECK(rows.size() == 1 + 5 + 2);  // five agents, two blocs
    CHECK_THAT(o.out, Catch::Contains("\nagent/units_sold,lab-cn,2024-06,3,"));
    CHECK_THAT(o.out, Catch::Contains("\nbloc/chip_imports_units,west,2024-06,3,"));
  }
  SECTION("--format json is an array of objects, one per csv row") {
    const auto json = chipsim("compare " + quote(a) + " " + quote(b) + " --format json");
    REQUIRE(json.status == 0);
    CHECK_THAT(json.out, Catch::StartsWith("[\n  {\"metric\": "));
    CHECK(balanced_json(json.out));
    CHECK(count(json.out, "{\"metric\": ") == lines.size() - 1);
    CHECK(count(json.out, "\"mean_diff\": 0,") == lines.size() - 1);
    CHECK(count(json.out, "\"method\": \"t\"}") == lines.size() - 1);
  }
  SECTION("--bootstrap is deterministic given --seed") {
    const std::string args = "compare " + quote(a) + " " + quote(b) +
                             " --format csv --bootstrap 200 --seed 5 --metric agent/revenue_usd";
    const auto first = chipsim(args);
    REQUIRE(first.status == 0);
    CHECK(first.out == chipsim(args).out);
    CHECK_THAT(first.out, Catch::EndsWith(",0,0,0,0,bootstrap\n"));
    // without a count, after the files
    CHECK(chipsim("compare " + quote(a) + " " + quote(b) + " --format csv --bootstrap").status ==
          0);
    // --seed means the bootstrap's seed: alone it is a usage error
    CHECK(chipsim("compare " + quote(a) + " " + quote(b) + " --seed 5").status == 2);
  }
}

TEST_CASE("cli: compare refuses runs that cannot be paired", "[e2e][cli][compare]") {
  e2e::TempDir tmp;
  const std::string a = tmp / "a.h5";
  const std::string other_seed = tmp / "seed8.h5";
  run_small(a);
  run_small(other_seed, "--seed 8");

  const auto o = chipsim("compare " + quote(a) + " " + quote(other_seed) + " --format csv");
  CHECK(o.status == 2);
  CHECK(o.out.empty());
  CHECK_THAT(o.err, Catch::Contains("error: the runs are not comparable"));
  CHECK_THAT(o.err, Catch::Contains("seeds differ: 7 in " + a + ", 8 in " + other_seed));
  CHECK_THAT(o.err, Catch::Contains("--allow-mismatch"));

  SECTION("--allow-mismatch compares them and says so") {
    const auto csv =
        chipsim("compare " + quote(a) + " " + quote(other_seed) + " --format csv --allow-mismatch");
    REQUIRE(csv.status == 0);
    CHECK_THAT(csv.out, Catch::StartsWith(csv_header + "\n"));
    CHECK_THAT(csv.err, Catch::Contains("mismatch (allowed): seeds differ"));
    const auto table =
        chipsim("compare " + quote(a) + " " + quote(other_seed) + " --allow-mismatch");
    REQUIRE(table.status == 0);
    CHECK_THAT(table.out, Catch::Contains("mismatch (allowed): seeds differ"));
  }
  SECTION("unknown metrics, bad months and bad formats are usage errors") {
    const auto metric = chipsim("compare " + quote(a) + " " + quote(a) + " --metric country/nope");
    CHECK(metric.status == 2);
    CHECK_THAT(metric.err, Catch::Contains("metric 'country/nope': error: unknown metric"));
    CHECK_THAT(metric.err, Catch::Contains("bloc/compute_stock_h100e"));
    const auto month = chipsim("compare " + quote(a) + " " + quote(a) + " --month 2031-01");
    CHECK(month.status == 2);
    CHECK_THAT(month.err, Catch::Contains("month '2031-01'"));
    CHECK(chipsim("compare " + quote(a) + " " + quote(a) + " --format xml").status == 2);
    CHECK(chipsim("compare " + quote(a)).status == 2);
  }
  SECTION("a missing file is a runtime failure") {
    const auto missing = chipsim("compare " + quote(a) + " " + quote(tmp / "none.h5"));
    CHECK(missing.status == 1);
    CHECK_THAT(missing.err, Catch::Contains("none.h5"));
  }
  SECTION("--help describes the options") {
    const auto help = chipsim("compare --help");
    CHECK(help.status == 0);
    CHECK_THAT(help.out, Catch::Contains("--allow-mismatch"));
    CHECK_THAT(help.out, Catch::Contains("--bootstrap"));
  }
}
