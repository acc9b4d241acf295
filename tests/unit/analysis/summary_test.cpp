#include "analysis/summary.hpp"

#include <catch2/catch.hpp>

#include "sim/engine/errors.hpp"
#include "sim/world/simulation.hpp"

using sim::world::Channel;
using sim::world::MetricAxis;
using sim::world::RunResults;

namespace {
/// Two replicates, two months, countries usa (bloc west) and chn (bloc china), agents nvidia
/// (chipmaker) and lab (ai_lab).
RunResults tiny() {
  RunResults r;
  r.scenario_name = "tiny";
  r.replicates = 2;
  r.months = {"2025-01", "2025-02"};
  r.country_ids = {"usa", "chn"};
  r.country_blocs = {"west", "china"};
  r.agent_ids = {"nvidia", "lab"};
  r.agent_kinds = {"chipmaker", "ai_lab"};
  r.agent_countries = {"usa", "chn"};
  r.metrics = sim::world::metric_catalogue();
  for (auto& m : r.metrics) m.values.assign(2, std::vector<double>(2 * r.width(m.axis), 0.0));
  auto* stock = &r.metrics.front();
  REQUIRE(stock->name == "compute_stock_h100e");
  // last month: replicate 0 has 100 (usa) and 10 (chn); replicate 1 has 300 and 30
  stock->values[0] = {0, 0, 100, 10};
  stock->values[1] = {0, 0, 300, 30};
  for (auto& m : r.metrics)
    if (m.axis == MetricAxis::agent && m.name == "revenue_usd") {
      m.values[0] = {1e9, 0, 2e9, 0};  // nvidia 3e9 in replicate 0
      m.values[1] = {1e9, 0, 0, 0};    // and 1e9 in replicate 1
    }
  sim::world::FlowRecord f;
  f.units = 40;
  f.channel = Channel::legal;
  r.flows.push_back(f);
  f.units = 20;
  f.channel = Channel::licensed;
  r.flows.push_back(f);
  return r;
}
}  // namespace

TEST_CASE("analysis::headline: means over replicates at the last month", "[analysis]") {
  const auto h = analysis::headline(tiny());
  CHECK(h.last_month == "2025-02");
  REQUIRE(h.compute_by_bloc_h100e.size() == 2);
  CHECK(h.compute_by_bloc_h100e[0].first == "china");
  CHECK(h.compute_by_bloc_h100e[0].second == Approx(20.0));   // (10 + 30) / 2
  CHECK(h.compute_by_bloc_h100e[1].second == Approx(200.0));  // (100 + 300) / 2
  REQUIRE(h.revenue_by_chipmaker_usd.size() == 1);
  CHECK(h.revenue_by_chipmaker_usd[0].second == Approx(2e9));  // (3e9 + 1e9) / 2
  CHECK(h.chips_sold == Approx(30.0));                         // 60 units over 2 replicates
  CHECK(h.chips_licensed == Approx(10.0));
}

TEST_CASE("analysis::format_summary: names blocs, firms and channels", "[analysis]") {
  const std::string s = analysis::format_summary(tiny());
  CHECK_THAT(s, Catch::Contains("scenario tiny: 2025-01 to 2025-02"));
  CHECK_THAT(s, Catch::Contains("west 200"));
  CHECK_THAT(s, Catch::Contains("nvidia 2.00B"));
  CHECK_THAT(s, Catch::Contains("licensed 10"));
}

TEST_CASE("analysis::ensemble_bands: mean and 5/50/95% quantiles across replicates", "[analysis]") {
  const RunResults r = tiny();
  const auto rows = analysis::ensemble_bands(r, {"2025-02"});
  // blocs china, west; then nvidia's revenue and chips sold to date
  REQUIRE(rows.size() == 4);
  CHECK(rows[0].entity == "china");
  // china stock: 10 and 30. Type-7 quantiles of two values: q = 10 + p (30 - 10)
  CHECK(rows[0].band.mean == Approx(20.0));
  CHECK(rows[0].band.q05 == Approx(11.0));  // 10 + 0.05 x 20
  CHECK(rows[0].band.q50 == Approx(20.0));
  CHECK(rows[0].band.q95 == Approx(29.0));  // 10 + 0.95 x 20
  CHECK(rows[1].entity == "west");
  CHECK(rows[1].band.q95 == Approx(290.0));  // 100 + 0.95 x 200
  // nvidia's revenue summed through 2025-02: 3e9 and 1e9
  CHECK(rows[2].entity == "nvidia");
  CHECK(rows[2].metric == "revenue to date (USD)");
  CHECK(rows[2].band.mean == Approx(2e9));
  CHECK(rows[2].band.q05 == Approx(1.1e9));
  // through 2025-01 only: 1e9 in both replicates
  const auto january = analysis::ensemble_bands(r, {"2025-01"});
  CHECK(january[2].band.q05 == Approx(1e9));
  CHECK(january[2].band.q95 == Approx(1e9));
  CHECK_THROWS_AS(analysis::ensemble_bands(r, {"2024-12"}), sim::ConfigError);
  CHECK_THAT(analysis::format_bands(rows, 2), Catch::Contains("2 replicates"));
}
