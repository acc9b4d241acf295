// `chipsim export FILE --csv DIR`: tidy CSV whose columns and rows match the HDF5 file.
#include <algorithm>
#include <catch2/catch.hpp>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "sim/io/result_file.hpp"
#include "tests/e2e/cli_helpers.hpp"

namespace fs = std::filesystem;
using e2e::chipsim;
using e2e::quote;

namespace {

const std::string small_scenario = std::string(CHIPSIM_TEST_DATA_DIR) + "/e2e/small.yaml";

/// The records of a CSV text (RFC 4180: quoted fields may hold commas, quotes and line breaks).
std::vector<std::vector<std::string>> parse_csv(const std::string& text) {
  std::vector<std::vector<std::string>> rows;
  std::vector<std::string> row;
  std::string cell;
  bool quoted = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (quoted) {
      if (c == '"' && i + 1 < text.size() && text[i + 1] == '"') {
        cell += '"';
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        cell += c;
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      row.push_back(cell);
      cell.clear();
    } else if (c == '\n') {
      row.push_back(cell);
      rows.push_back(row);
      row.clear();
      cell.clear();
    } else {
      cell += c;
    }
  }
  return rows;
}

std::vector<std::vector<std::string>> read_csv(const std::string& path) {
  return parse_csv(e2e::slurp(path));
}

}  // namespace

TEST_CASE("cli: export writes tidy CSV matching the HDF5 contents", "[e2e][cli][export]") {
  e2e::TempDir tmp;
  const std::string h5 = tmp / "run.h5";
  const std::string dir = tmp / "csv";
  REQUIRE(chipsim("run -q " + quote(small_scenario) + " --replicates 2 -o " + quote(h5)).status ==
          0);
  const auto o = chipsim("export " + quote(h5) + " --csv " + quote(dir));
  REQUIRE(o.status == 0);
  CHECK_THAT(o.out, Catch::Contains("metrics.csv, flows.csv and events.csv"));
  const sim::world::RunResults r = sim::io::read_results(h5);

  // metrics: one row per replicate, month, metric and entity
  const auto metrics = read_csv(dir + "/metrics.csv");
  REQUIRE(!metrics.empty());
  CHECK(metrics[0] == std::vector<std::string>{"replicate", "month", "axis", "metric", "entity",
                                               "value", "units"});
  std::size_t expected = 0;
  for (const auto& m : r.metrics) expected += m.values.size() * r.months.size() * r.width(m.axis);
  CHECK(metrics.size() - 1 == expected);
  // one value read back exactly: replicate 1, last month, the maker's revenue
  const auto* revenue = r.find(sim::world::MetricAxis::agent, "revenue_usd");
  REQUIRE(revenue != nullptr);
  const std::size_t maker = static_cast<std::size_t>(
      std::find(r.agent_ids.begin(), r.agent_ids.end(), "maker") - r.agent_ids.begin());
  const double want = revenue->values[1][(r.months.size() - 1) * r.agent_ids.size() + maker];
  bool found = false;
  for (const auto& row : metrics)
    if (row.size() == 7 && row[0] == "1" && row[1] == r.months.back() && row[2] == "agent" &&
        row[3] == "revenue_usd" && row[4] == "maker") {
      CHECK(std::strtod(row[5].c_str(), nullptr) == want);
      CHECK(row[6] == "USD");
      found = true;
    }
  CHECK(found);
  CHECK(want > 0);

  // flows and events: one row per table row, ids as names
  const auto flows = read_csv(dir + "/flows.csv");
  REQUIRE(!flows.empty());
  CHECK(flows[0] == std::vector<std::string>{"replicate", "month", "product", "seller", "buyer",
                                             "origin", "destination", "channel", "units",
                                             "value_usd"});
  CHECK(flows.size() - 1 == r.flows.size());
  REQUIRE(flows.size() > 1);
  CHECK(flows[1][2] == "gpu");
  CHECK(flows[1][3] == "maker");
  const auto events = read_csv(dir + "/events.csv");
  REQUIRE(!events.empty());
  CHECK(events[0] == std::vector<std::string>{"replicate", "month", "actor", "kind", "text"});
  CHECK(events.size() - 1 == r.events.size());
  for (std::size_t i = 1; i < events.size(); ++i) CHECK(events[i].size() == 5);

  // an existing export is kept unless --force
  const auto again = chipsim("export " + quote(h5) + " --csv " + quote(dir));
  CHECK(again.status == 2);
  CHECK_THAT(again.err, Catch::Contains("--force"));
  CHECK(chipsim("export -q " + quote(h5) + " --csv " + quote(dir) + " --force").status == 0);
  // no temporary files left behind
  for (const auto& entry : fs::directory_iterator(dir)) CHECK(entry.path().extension() == ".csv");
}

TEST_CASE("cli: export refuses a missing file with status 1 and writes nothing",
          "[e2e][cli][export]") {
  e2e::TempDir tmp;
  const std::string dir = tmp / "csv";
  const auto o = chipsim("export " + quote(tmp / "none.h5") + " --csv " + quote(dir));
  CHECK(o.status == 1);
  CHECK_THAT(o.err, Catch::Contains("none.h5"));
  CHECK_FALSE(fs::exists(dir));
}
