// An import restriction (demand_factor f < 1) lets a market buy at most f of its demand of the
// product, over both passes of the clearing together: chips left over after the first pass
// must not spill back to the restricted market in the second.
#include <catch2/catch.hpp>

#include "tests/unit/world/world_fixture.hpp"

using sim::world::MetricAxis;

TEST_CASE("market: an import restriction holds when the maker has stock to spare",
          "[world][market][policy]") {
  // One lab in chn with $1.2M a month for a $12,000 chip (1 H100e): demand 100 chips. A fab of
  // 1,000 wafers x 10 chips and a three-month stock target leave far more chips than the lab
  // wants. China restricts its own labs' purchases to half (factor 0.5): 50 chips a month,
  // $600,000. (Before the cap counted the first pass, the second pass let all 100 through.)
  const auto r =
      test::run_text(R"(scenario: {name: restricted, start: 2024-01, end: 2024-06, seed: 3}
countries:
  - {id: chn, bloc: china}
  - {id: twn, bloc: west}
products:
  - {id: gpu, designer: maker, node: n4, tpp: 16000, density: 20, h100e: 1.0,
     unit_cost_usd: 3000, list_price_usd: 12000, chips_per_wafer: 10}
agents:
  - {id: cn-gov, kind: government, country: chn}
  - {id: maker, kind: chipmaker, country: twn, foundries: [fab-co], target_inventory_months: 3,
     price_adjustment: 0}
  - id: fab-co
    kind: foundry
    country: twn
    lead_time_months: 0
    fabs: [{id: f1, country: twn, node: n4, wafers_per_month: 1000}]
  - {id: lab, kind: ai_lab, country: chn, budget_usd_per_month: 1.2e6,
     depreciation_life_months: 1.0e12}
policies:
  - {id: half, kind: import_restriction, issuer: chn, from: 2024-01, products: [gpu],
     demand_factor: 0.5}
)");
  const std::size_t lab = test::agent(r, "lab");
  bool bought = false;
  for (std::size_t t = 0; t < r.months.size(); ++t) {
    INFO("month " << r.months[t]);
    const double units = test::at(r, MetricAxis::agent, "units_bought", t, lab);
    CHECK(units <= 50.0 + 1e-6);  // never more than half of the 100 it could afford
    bought = bought || units > 49.9;
  }
  CHECK(bought);  // and it does buy its half once the maker has stock
}
