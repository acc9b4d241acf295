// A chipmaker's products on one node share its wafers: when they want more than the node has,
// each gets a share in proportion to its monthly run rate (forecast / chips_per_wafer), a
// product whose share exceeds what it wants keeps only what it wants, and the rest goes round
// again to the others (water-filling). Before, each product ordered what it wanted and the
// foundry filled every order in the same proportion, so a new product filling its stock
// starved the established ones.
//
// The chipmaker's rule (agents/chipmaker/chipmaker.cpp): forecast F = demand units the first
// month any are seen, then 0.5 x F + 0.5 x demand (the product's notional demand); order-up-to
// target = F x (lead + target_inventory_months); wanted wafers = (target - stock - pipeline) /
// chips_per_wafer; run rate = F / chips_per_wafer.
#include <catch2/catch.hpp>

#include "tests/unit/world/world_fixture.hpp"

using sim::world::MetricAxis;

namespace {

/// One chipmaker, two $10,000 chips of 1 H100e and 10 chips a wafer on node n4, made by one fab
/// of `wafers` wafers a month (14 or 10: 140 or 100 chips) with no lead time; the chipmaker
/// holds 2 months of forecast demand, at fixed prices.
///  - big: sold only in usa, where a lab spends $800,000 a month: 80 chips, run rate 8 wafers;
///  - new: released in 2024-05 (month 4), sold only in chn, where a lab spends $400,000 a
///    month: 40 chips, run rate 4 wafers.
/// Each lab can buy only its own chip and the notional supply of each chip (stock + 100 or 140) is
/// always above what its lab asks, so notional demand is 80 and 40 every month from each
/// chip's release and the forecasts are exactly 80 and 40.
std::string world(const std::string& wafers) {
  return R"(scenario: {name: wafers, start: 2024-01, end: 2024-10, seed: 19}
countries:
  - {id: usa, bloc: west}
  - {id: chn, bloc: china}
  - {id: twn, bloc: west}
products:
  - {id: big, designer: maker, node: n4, tpp: 16000, density: 20, h100e: 1.0,
     unit_cost_usd: 3000, list_price_usd: 10000, chips_per_wafer: 10, markets: [usa]}
  - {id: new, designer: maker, node: n4, tpp: 16000, density: 20, h100e: 1.0,
     unit_cost_usd: 3000, list_price_usd: 10000, chips_per_wafer: 10, markets: [chn],
     release: 2024-05}
agents:
  - {id: us-gov, kind: government, country: usa}
  - {id: maker, kind: chipmaker, country: usa, foundries: [fab-co], target_inventory_months: 2,
     price_adjustment: 0}
  - id: fab-co
    kind: foundry
    country: twn
    lead_time_months: 0
    fabs: [{id: f1, country: twn, node: n4, wafers_per_month: )" +
         wafers + R"(}]
  - {id: lab-us, kind: ai_lab, country: usa, budget_usd_per_month: 8.0e5,
     depreciation_life_months: 1.0e12}
  - {id: lab-cn, kind: ai_lab, country: chn, budget_usd_per_month: 4.0e5,
     depreciation_life_months: 1.0e12}
)";
}

}  // namespace

TEST_CASE("wafer split: products on one node share it by run rate, water-filled",
          "[world][chipmaker][wafers]") {
  const auto r = test::run_text(world("14"));
  const std::size_t maker = test::agent(r, "maker");
  const std::size_t big = 0;
  const std::size_t fresh = 1;
  const auto wafers = [&](std::size_t t, std::size_t product) {
    return test::at(r, MetricAxis::product, "wafers_started", t, product);
  };
  const auto ordered = [&](std::size_t t) {
    return test::at(r, MetricAxis::agent, "wafers_ordered", t, maker);
  };

  // big alone (months 0-4). F = 80, target 160.
  //   month 0: no forecast yet, nothing started.
  //   month 1: stock 0, wants 16 > 14: it is the only product, so it gets all 14 (140 chips),
  //            sells 80, keeps 60.
  //   month 2: wants (160 - 60) / 10 = 10; stock 60 + 100 = 160, sells 80, keeps 80.
  //   month 3, 4: wants (160 - 80) / 10 = 8 (its run rate); keeps 80.
  CHECK(wafers(0, big) == 0.0);
  CHECK(wafers(1, big) == Approx(14.0));
  CHECK(ordered(1) == Approx(14.0));  // it orders what the node has, not the 16 it wants
  CHECK(wafers(2, big) == Approx(10.0));
  CHECK(wafers(3, big) == Approx(8.0));
  CHECK(wafers(4, big) == Approx(8.0));
  // new goes on sale in month 4: its lab asks for 40 but there is no stock (its forecast was 0
  // when the chipmaker ordered), so nothing is started for it until month 5.
  for (std::size_t t = 0; t <= 4; ++t) CHECK(wafers(t, fresh) == 0.0);
  CHECK(test::at(r, MetricAxis::product, "demand_units", 4, fresh) == Approx(40.0));

  // month 5: big wants 8 (run rate 8); new, F = 40, target 80, stock 0, wants 8 (run rate 4).
  // 16 wanted, 14 on the node.
  //   round 1: shares 14 x 8/12 = 9.33 and 14 x 4/12 = 4.67; big takes only the 8 it wants,
  //            new takes 4.67; 14 - 12.67 = 1.33 left.
  //   round 2: new is the only product still short and takes the 1.33: 4.67 + 1.33 = 6.
  // So big 8, new 6. (Filling both orders in proportion, 14/16, would give big 7 and new 7,
  // and leave big short of its run rate.)
  CHECK(wafers(5, big) == Approx(8.0));
  CHECK(wafers(5, fresh) == Approx(6.0));
  CHECK(ordered(5) == Approx(14.0));  // orders now fit the node: 8 + 6, not 8 + 8
  // big's lab is served in full (stock 80 + 80 made); new's lab gets its 40 out of 60
  CHECK(test::at(r, MetricAxis::agent, "units_bought", 5, test::agent(r, "lab-us")) ==
        Approx(80.0));
  CHECK(test::at(r, MetricAxis::agent, "units_bought", 5, test::agent(r, "lab-cn")) ==
        Approx(40.0));

  // month 6: new keeps 60 - 40 = 20 and wants (80 - 20) / 10 = 6; 8 + 6 = 14 fits the node.
  CHECK(wafers(6, big) == Approx(8.0));
  CHECK(wafers(6, fresh) == Approx(6.0));
  // month 7 on: new keeps 20 + 60 - 40 = 40 and wants (80 - 40) / 10 = 4, its run rate.
  for (std::size_t t = 7; t < r.months.size(); ++t) {
    INFO("month " << t);
    CHECK(wafers(t, big) == Approx(8.0));
    CHECK(wafers(t, fresh) == Approx(4.0));
  }
}

TEST_CASE("wafer split: when every product is short, shares follow the run rates",
          "[world][chipmaker][wafers]") {
  // The same world with a fab of 10 wafers a month.
  // big alone: F = 80, target 160; it wants 16, 14, 12, 10 in months 1-4 (stock after each
  // month's sales: 20, 40, 60, 80) and gets min(want, 10).
  // month 5 on: big wants >= 8 (run rate 8), new wants >= 8 - 0 (run rate 4: F = 40, target 80,
  // and it sells all it has, fewer than its lab's 40, so its stock is 0 at each order).
  // Shares of the 10 wafers by run rate: 10 x 8/12 = 6.67 and 10 x 4/12 = 3.33, both below
  // what each wants, so that is the split: 2 to 1, not the 1 to 1 that filling both orders in
  // the same proportion gives in month 5 (8 and 8 wanted).
  const auto r = test::run_text(world("10"));
  const std::size_t big = 0;
  const std::size_t fresh = 1;
  const auto wafers = [&](std::size_t t, std::size_t product) {
    return test::at(r, MetricAxis::product, "wafers_started", t, product);
  };
  for (std::size_t t = 1; t <= 4; ++t) CHECK(wafers(t, big) == Approx(10.0));
  for (std::size_t t = 5; t < r.months.size(); ++t) {
    INFO("month " << t);
    CHECK(wafers(t, big) == Approx(10.0 * 8.0 / 12.0));
    CHECK(wafers(t, fresh) == Approx(10.0 * 4.0 / 12.0));
    CHECK(test::at(r, MetricAxis::agent, "wafers_ordered", t, test::agent(r, "maker")) ==
          Approx(10.0));
  }
}
