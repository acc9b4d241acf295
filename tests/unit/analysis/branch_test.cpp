#include "analysis/branch.hpp"

#include <catch2/catch.hpp>

#include "sim/engine/errors.hpp"
#include "sim/world/simulation.hpp"

using sim::world::MetricAxis;
using sim::world::RunResults;

namespace {

/// Two replicates, two months; countries usa (bloc west) and chn (bloc china); chipmakers
/// nvidia (usa) and huawei (chn), a lab in chn. All numbers zero.
RunResults blank() {
  RunResults r;
  r.replicates = 2;
  r.months = {"2025-01", "2025-02"};
  r.country_ids = {"usa", "chn"};
  r.country_blocs = {"west", "china"};
  r.agent_ids = {"nvidia", "huawei", "lab"};
  r.agent_kinds = {"chipmaker", "chipmaker", "ai_lab"};
  r.agent_countries = {"usa", "chn", "chn"};
  r.metrics = sim::world::metric_catalogue();
  for (auto& m : r.metrics) m.values.assign(2, std::vector<double>(2 * r.width(m.axis), 0.0));
  return r;
}

std::vector<std::vector<double>>& values(RunResults& r, MetricAxis axis, const char* name) {
  for (auto& m : r.metrics)
    if (m.axis == axis && m.name == name) return m.values;
  FAIL("no metric " << name);
  throw;
}

/// A sale of `usd` by agent `seller` to the lab (in chn) in month `month` of `replicate`.
void sale(RunResults& r, int replicate, int month, int seller, double usd) {
  sim::world::FlowRecord f;
  f.replicate = replicate;
  f.month = month;
  f.seller = seller;
  f.buyer = 2;
  f.destination = 1;
  f.units = 1;
  f.value_usd = usd;
  r.flows.push_back(f);
}

const analysis::BranchRow& row(const std::vector<analysis::BranchRow>& rows,
                               const std::string& label) {
  for (const auto& r : rows)
    if (r.label == label) return r;
  FAIL("no row " << label);
  throw;
}

}  // namespace

TEST_CASE("branch_summary: headline numbers of both paths, means over replicates",
          "[analysis][replay]") {
  RunResults history = blank();
  RunResults branch = blank();
  // compute at the last month, [month][country]: history 100/10 and 300/30 -> means 200, 20
  values(history, MetricAxis::country, "compute_stock_h100e") = {{0, 0, 100, 10}, {0, 0, 300, 30}};
  values(branch, MetricAxis::country, "compute_stock_h100e") = {{0, 0, 100, 40}, {0, 0, 300, 60}};
  // nvidia sells 4 + 2 (replicate 0) and 6 (replicate 1) to China in history: mean 6; 0 after
  sale(history, 0, 0, 0, 4);
  sale(history, 0, 1, 0, 2);
  sale(history, 1, 1, 0, 6);
  // pledges to usa (cumulative, read at the last month): 50 in history, 150 in the branch
  values(history, MetricAxis::country, "investment_pledged_usd") = {{0, 0, 50, 0}, {0, 0, 50, 0}};
  values(branch, MetricAxis::country, "investment_pledged_usd") = {{0, 0, 150, 0}, {0, 0, 150, 0}};
  // chips made in China, summed over months: history (1 + 2) and (3 + 4) -> 5; branch 10
  values(history, MetricAxis::country, "chips_produced_units") = {{0, 1, 0, 2}, {0, 3, 0, 4}};
  values(branch, MetricAxis::country, "chips_produced_units") = {{0, 5, 0, 5}, {0, 5, 0, 5}};

  const auto rows = analysis::branch_summary(history, branch);
  CHECK(row(rows, "compute stock, west").history == 200);
  CHECK(row(rows, "compute stock, west").branch == 200);
  CHECK(row(rows, "compute stock, china").history == 20);
  CHECK(row(rows, "compute stock, china").branch == 50);
  CHECK(row(rows, "nvidia revenue from China").history == 6);
  CHECK(row(rows, "nvidia revenue from China").branch == 0);
  CHECK(row(rows, "investment pledged in usa").branch == 150);
  CHECK(row(rows, "chips made in China").history == 5);
  CHECK(row(rows, "chips made in China").branch == 10);
  // huawei is Chinese, and no one pledged in chn: no rows for them
  for (const auto& r : rows) {
    CHECK(r.label != "huawei revenue from China");
    CHECK(r.label != "investment pledged in chn");
  }

  const std::string table = analysis::format_branch_summary(rows, "2025-02");
  CHECK_THAT(table, Catch::Contains("compute stock, china (H100e)"));
  CHECK_THAT(table, Catch::Contains("+150.0%"));  // china compute 20 -> 50
  CHECK_THAT(table, Catch::Contains("-100.0%"));  // nvidia's China revenue 6 -> 0
  for (const std::string& line : {table.substr(0, table.find('\n'))}) CHECK(line.size() <= 80);
}

TEST_CASE("branch_summary: paths of different scenarios are refused", "[analysis][replay]") {
  RunResults history = blank();
  RunResults branch = blank();
  branch.months.pop_back();
  CHECK_THROWS_AS(analysis::branch_summary(history, branch), sim::IoError);
}
