// The built-in historical scenario and its what-ifs, run end to end. Each what-if test states
// the direction its mechanism implies beside the check.
#include "analysis/history.hpp"

#include <catch2/catch.hpp>
#include <map>
#include <string>

#include "agents/register.hpp"
#include "scenarios/embedded.hpp"
#include "sim/io/scenario_loader.hpp"
#include "sim/world/run.hpp"
#include "sim/world/world.hpp"

using sim::world::MetricAxis;
using sim::world::RunResults;

namespace {

struct Run {
  sim::world::World world;
  RunResults results;
};

/// Runs a built-in scenario (path under scenarios/) once; results are cached per path.
const Run& run_builtin(const std::string& path) {
  static std::map<std::string, Run> cache;  // test-local memo: each scenario runs once
  const auto it = cache.find(path);
  if (it != cache.end()) return it->second;
  const sim::io::FileSource files(sim::scenarios::embedded());
  sim::world::World world =
      sim::world::World::build(sim::io::load_scenario("builtin:" + path, files));
  sim::world::BehaviourRegistry behaviours;
  agents::register_builtin(behaviours);
  RunResults results = sim::world::run_world(world, behaviours);
  return cache.emplace(path, Run{std::move(world), std::move(results)}).first->second;
}

std::size_t index_of(const std::vector<std::string>& ids, const std::string& id) {
  const auto it = std::find(ids.begin(), ids.end(), id);
  REQUIRE(it != ids.end());
  return static_cast<std::size_t>(it - ids.begin());
}

/// Sum of a metric over months [first, last] for one entity (replicate 0).
double sum(const RunResults& r, MetricAxis axis, const char* name, const std::string& id,
           const char* first, const char* last) {
  const sim::world::Metric* m = r.find(axis, name);
  REQUIRE(m != nullptr);
  const auto& ids = axis == MetricAxis::agent     ? r.agent_ids
                    : axis == MetricAxis::country ? r.country_ids
                                                  : r.product_ids;
  const std::size_t i = index_of(ids, id);
  double total = 0;
  for (std::size_t t = index_of(r.months, first); t <= index_of(r.months, last); ++t)
    total += m->values[0][t * r.width(axis) + i];
  return total;
}

/// Revenue of `seller` from buyers in `country` over [first, last].
double sales_to(const RunResults& r, const std::string& seller, const std::string& country,
                const char* first, const char* last) {
  const int s = static_cast<int>(index_of(r.agent_ids, seller));
  const int c = static_cast<int>(index_of(r.country_ids, country));
  const int a = static_cast<int>(index_of(r.months, first));
  const int b = static_cast<int>(index_of(r.months, last));
  double value = 0;
  for (const auto& f : r.flows)
    if (f.seller == s && f.destination == c && f.month >= a && f.month <= b) value += f.value_usd;
  return value;
}

/// One fitted aggregate of the default scenario (docs/calibration.md), checked against its
/// stated range.
void check_aggregate(const std::string& name) {
  const RunResults& r = run_builtin("history/h20-2025.yaml").results;
  const std::vector<analysis::Aggregate> all = analysis::historical_aggregates(r);
  const auto it = std::find_if(all.begin(), all.end(),
                               [&](const analysis::Aggregate& a) { return a.name == name; });
  REQUIRE(it != all.end());
  INFO(name << ": model " << it->model << ", range " << it->low << ".." << it->high);
  CHECK(it->low <= it->model);
  CHECK(it->model <= it->high);
}

}  // namespace

// The fit's tolerances are the ranges in docs/calibration.md (±30% on NVIDIA's reported
// revenue; the estimates' own ranges elsewhere).
TEST_CASE("calibration: NVIDIA data-centre revenue FY2023-FY2025 within ±30%",
          "[scenarios][calibration]") {
  check_aggregate("nvidia data-centre revenue FY2023");
  check_aggregate("nvidia data-centre revenue FY2024");
  check_aggregate("nvidia data-centre revenue FY2025");
}

TEST_CASE("calibration: AMD's 2024 China AI-accelerator revenue within $0.31-1.24B",
          "[scenarios][calibration]") {
  check_aggregate("amd revenue from China 2024 (AI accelerators)");
}

TEST_CASE("calibration: chips diverted to China in 2024 within CNAS's 70-280k",
          "[scenarios][calibration]") {
  check_aggregate("chips diverted to China 2024");
}

TEST_CASE("calibration: the H20 order book of early 2025 within $11-21B",
          "[scenarios][calibration]") {
  check_aggregate("h20 order book 2025-Q1 (6 months)");
}

TEST_CASE("calibration: NVIDIA's H20 stock in July 2025 within 450-850k",
          "[scenarios][calibration]") {
  check_aggregate("h20 inventory 2025-07");
}

TEST_CASE("history: the April 2025 H20 licence requirement brings an NVIDIA write-down then",
          "[scenarios][history]") {
  const RunResults& r = run_builtin("history/h20-2025.yaml").results;
  CHECK(sum(r, MetricAxis::agent, "write_down_usd", "nvidia", "2025-04", "2025-04") > 0.0);
  bool h20 = false;
  const int april = static_cast<int>(index_of(r.months, "2025-04"));
  for (const auto& e : r.events)
    h20 = h20 || (e.kind == "write_down" && e.month == april &&
                  e.text.find(" of h20 ") != std::string::npos);
  CHECK(h20);
  // nothing written down in the months before
  CHECK(sum(r, MetricAxis::agent, "write_down_usd", "nvidia", "2025-01", "2025-03") == 0.0);
}

TEST_CASE("history: no controlled chip reaches China on the legal channel while controls bind",
          "[scenarios][history]") {
  const Run& run = run_builtin("history/h20-2025.yaml");
  const RunResults& r = run.results;
  const auto& world = run.world;
  const sim::world::Metric* in_force = r.find(MetricAxis::policy, "in_force");
  REQUIRE(in_force != nullptr);
  const std::size_t n_policies = r.policy_ids.size();
  int checked = 0;
  for (const auto& f : r.flows) {
    if (f.channel != sim::world::Channel::legal) continue;
    const auto dest = static_cast<std::size_t>(f.destination);
    const auto seller = static_cast<std::size_t>(f.seller);
    if (world.agent_country(seller) == dest) continue;  // domestic sales are no exports
    for (std::size_t i = 0; i < n_policies; ++i) {
      const auto& spec = world.policy_spec(i);
      if (spec.kind != sim::world::PolicyKind::export_control ||
          spec.treatment != sim::world::Treatment::prohibited)
        continue;
      const auto& pol = world.policies()[i];
      if (in_force->values[0][static_cast<std::size_t>(f.month) * n_policies + i] == 0.0) continue;
      if (!pol.covers[static_cast<std::size_t>(f.product)] || !pol.to_country[dest]) continue;
      INFO(r.product_ids[static_cast<std::size_t>(f.product)]
           << " to " << r.country_ids[dest] << " in " << r.months[static_cast<std::size_t>(f.month)]
           << " under " << spec.id);
      CHECK(f.units == 0.0);
      ++checked;
    }
  }
  CHECK(checked == 0);  // no such flow exists at all
  // and the controls did bind: chips went to China before and after
  CHECK(sales_to(r, "nvidia", "chn", "2022-01", "2022-09") > 0.0);
}

TEST_CASE("what-if: keeping the H20 licence cuts NVIDIA's China revenue after August 2025",
          "[scenarios][whatif]") {
  // mechanism: the licence requirement (approval 0) blocks H20 sales to China
  const double history =
      sales_to(run_builtin("history/h20-2025.yaml").results, "nvidia", "chn", "2025-08", "2027-12");
  const double kept = sales_to(run_builtin("whatif/no-h20-reversal.yaml").results, "nvidia", "chn",
                               "2025-08", "2027-12");
  CHECK(kept < history);
}

TEST_CASE("what-if: keeping the diffusion rule cuts chips to tier-2 countries",
          "[scenarios][whatif]") {
  // mechanism: a total TPP quota per tier-2 country from May 2025
  double history = 0;
  double kept = 0;
  for (const char* c : {"sgp", "mys", "ind", "are", "sau"}) {
    history += sum(run_builtin("history/h20-2025.yaml").results, MetricAxis::country,
                   "chip_imports_units", c, "2025-05", "2027-12");
    kept += sum(run_builtin("whatif/diffusion-kept.yaml").results, MetricAxis::country,
                "chip_imports_units", c, "2025-05", "2027-12");
  }
  CHECK(kept < history);
}

TEST_CASE("what-if: no controls after 2022 leave China more compute", "[scenarios][whatif]") {
  // mechanism: Chinese labs buy the best NVIDIA chips legally
  const double history = sum(run_builtin("history/h20-2025.yaml").results, MetricAxis::country,
                             "compute_stock_h100e", "chn", "2027-12", "2027-12");
  const double free = sum(run_builtin("whatif/no-controls.yaml").results, MetricAxis::country,
                          "compute_stock_h100e", "chn", "2027-12", "2027-12");
  CHECK(free > history);
}

TEST_CASE("what-if: a 100% tariff with no exemption makes US labs pay tariffs",
          "[scenarios][whatif]") {
  // mechanism: TSMC's pledge no longer exempts Taiwanese chips imported into the US
  const double history = sum(run_builtin("history/h20-2025.yaml").results, MetricAxis::agent,
                             "tariffs_collected_usd", "us-gov", "2025-08", "2027-12");
  const double strict = sum(run_builtin("whatif/tsmc-tariff-100.yaml").results, MetricAxis::agent,
                            "tariffs_collected_usd", "us-gov", "2025-08", "2027-12");
  CHECK(strict > history);
}

TEST_CASE("what-if: a hawkish US leaves China less compute than a dealmaker",
          "[scenarios][whatif]") {
  // mechanism: the hawk keeps or tightens controls, the dealmaker lifts them
  const double hawk = sum(run_builtin("whatif/hawkish-us.yaml").results, MetricAxis::country,
                          "compute_stock_h100e", "chn", "2027-12", "2027-12");
  const double dealer = sum(run_builtin("whatif/dealmaker-us.yaml").results, MetricAxis::country,
                            "compute_stock_h100e", "chn", "2027-12", "2027-12");
  CHECK(hawk < dealer);
}
