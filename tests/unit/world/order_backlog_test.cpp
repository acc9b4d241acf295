// Labs keep part of their unfilled orders (model.order_backlog_retention): at month end a lab
// carries retention x (ordered - spent) into the next month, where "ordered" is what it asked
// for in the notional demand (in USD) and "spent" what it paid for chips received. The carried
// amount is added to the month's spending power; `budget_usd` stays the planned budget and
// `backlog_usd` shows the carried amount.
//
// Every world here has one lab, one chipmaker at a fixed price (price_adjustment 0) and one
// foundry with no production lag, so the trace can be followed month by month.
#include <catch2/catch.hpp>

#include "tests/unit/world/world_fixture.hpp"

using sim::world::MetricAxis;

namespace {

/// A lab in usa with $1.2M a month, a chipmaker selling one $12,000 chip (1 H100e, 10 chips a
/// wafer) made by a foundry in twn with `wafers` wafers a month and no lead time. The chipmaker
/// aims to hold one month of forecast demand. `extra` is appended (policies).
std::string one_lab(double retention, const std::string& wafers, const std::string& extra = "") {
  return R"(scenario: {name: backlog, start: 2024-01, end: 2024-08, seed: 5}
model: {order_backlog_retention: )" +
         std::to_string(retention) + R"(}
countries:
  - {id: usa, bloc: west}
  - {id: twn, bloc: west}
products:
  - {id: gpu, designer: maker, node: n4, tpp: 16000, density: 20, h100e: 1.0,
     unit_cost_usd: 3000, list_price_usd: 12000, chips_per_wafer: 10}
agents:
  - {id: us-gov, kind: government, country: usa}
  - {id: maker, kind: chipmaker, country: usa, foundries: [fab-co], target_inventory_months: 1,
     price_adjustment: 0}
  - id: fab-co
    kind: foundry
    country: twn
    lead_time_months: 0
    fabs: [{id: f1, country: twn, node: n4, wafers_per_month: )" +
         wafers + R"(}]
  - {id: lab, kind: ai_lab, country: usa, budget_usd_per_month: 1.2e6,
     depreciation_life_months: 1.0e12}
)" + extra;
}

double metric(const sim::world::RunResults& r, const char* name, std::size_t t) {
  return test::at(r, MetricAxis::agent, name, t, test::agent(r, "lab"));
}

}  // namespace

TEST_CASE("backlog: a lab short of supply carries retention x its unfilled orders",
          "[world][market][backlog]") {
  // A fab of 5 wafers a month makes 50 chips; the lab wants 100 ($1.2M / $12,000).
  // Notional supply of the chip is its stock plus a month of the fab (50 chips).
  //   month 0: no stock yet, notional supply 0 + 50 = 50 chips: the lab orders 50 chips
  //            ($600,000) and receives none (nothing is made before the chipmaker has a
  //            forecast), so it carries r x ($600,000 - 0).
  //   month 1+: the chipmaker's forecast is >= 50, so it orders >= 5 wafers and gets the 5 the
  //            fab has: 50 chips in stock. Notional supply is 50 + 50 = 100 chips, so the lab
  //            (budget $1.2M + carried) orders 100 chips = $1.2M, receives 50 = $600,000 and
  //            carries r x ($1.2M - $600,000) = r x $600,000 again.
  // So from month 1 on backlog_usd = r x $600,000: $300,000 at r = 0.5, $600,000 at r = 1.
  const auto half = test::run_text(one_lab(0.5, "5"));
  const auto full = test::run_text(one_lab(1.0, "5"));
  const auto none = test::run_text(one_lab(0.0, "5"));
  CHECK(metric(half, "backlog_usd", 0) == 0.0);  // nothing is carried into the first month
  for (std::size_t t = 1; t < half.months.size(); ++t) {
    INFO("month " << t);
    CHECK(metric(half, "backlog_usd", t) == Approx(300000.0));  // 0.5 x ($1.2M - $600,000)
    CHECK(metric(full, "backlog_usd", t) == Approx(600000.0));  // 1.0 x ($1.2M - $600,000)
    CHECK(metric(none, "backlog_usd", t) == 0.0);               // retention 0: no backlog
    // the planned budget is reported without the carried orders
    CHECK(metric(half, "budget_usd", t) == Approx(1.2e6));
    CHECK(metric(full, "budget_usd", t) == Approx(1.2e6));
    CHECK(metric(none, "budget_usd", t) == Approx(1.2e6));
    // supply, not money, limits what the lab gets: 50 chips = $600,000 with or without backlog
    CHECK(metric(half, "units_bought", t) == Approx(50.0));
    CHECK(metric(half, "spend_usd", t) == Approx(600000.0));
    CHECK(metric(none, "units_bought", t) == Approx(50.0));
  }
}

TEST_CASE("backlog: carried orders are spent once there is stock", "[world][market][backlog]") {
  // A fab with room for any order; retention 0.5.
  //   month 0: no stock; notional supply is a month of the fab, so the lab orders 100 chips
  //            ($1.2M) and receives none: it carries 0.5 x $1.2M = $600,000.
  //            Chipmaker forecast after month 0: 100 (the first demand seen).
  //   month 1: the lab has $1.2M + $600,000 = $1.8M and orders 150 chips ($1.8M). The
  //            chipmaker made forecast x (0 lead + 1 month) - 0 in stock = 100 chips, so the lab
  //            gets 100 ($1.2M) and carries 0.5 x ($1.8M - $1.2M) = $300,000.
  //            Forecast: 0.5 x 100 + 0.5 x 150 = 125.
  //   month 2: the lab has $1.2M + $300,000 = $1.5M and orders 125 chips. The chipmaker made
  //            125 - 0 = 125 chips: the lab gets all 125 ($1.5M) and carries nothing.
  //   month 3: back to $1.2M and 100 chips.
  const auto r = test::run_text(one_lab(0.5, "1000000"));
  CHECK(metric(r, "backlog_usd", 0) == 0.0);
  CHECK(metric(r, "spend_usd", 0) == 0.0);

  CHECK(metric(r, "backlog_usd", 1) == Approx(600000.0));  // 0.5 x ($1.2M - 0)
  CHECK(metric(r, "budget_usd", 1) == Approx(1.2e6));
  CHECK(metric(r, "units_bought", 1) == Approx(100.0));  // all the chipmaker made
  CHECK(metric(r, "spend_usd", 1) == Approx(1.2e6));     // 100 x $12,000

  CHECK(metric(r, "backlog_usd", 2) == Approx(300000.0));  // 0.5 x ($1.8M - $1.2M)
  CHECK(metric(r, "budget_usd", 2) == Approx(1.2e6));
  CHECK(metric(r, "units_bought", 2) == Approx(125.0));  // ($1.2M + $300,000) / $12,000
  CHECK(metric(r, "spend_usd", 2) == Approx(1.5e6));     // more than the planned budget

  for (std::size_t t = 3; t < r.months.size(); ++t) {
    INFO("month " << t);
    CHECK(metric(r, "backlog_usd", t) == 0.0);  // month 2's orders were all filled
    CHECK(metric(r, "units_bought", t) == Approx(100.0));
    CHECK(metric(r, "spend_usd", t) == Approx(1.2e6));
  }
}

TEST_CASE("backlog: budget withheld by an import restriction is not carried",
          "[world][market][backlog][policy]") {
  // As in the first case (5 wafers = 50 chips a month, retention 0.5), with a usa import
  // restriction of factor 0.5: the lab orders only half its spending power, and the half
  // withheld is not an unfilled order.
  //   month 0: notional supply 50 chips; the lab orders 0.5 x $1.2M = $600,000 = 50 chips
  //            (all of the notional supply), gets none, carries b0 = 0.5 x $600,000 = $300,000.
  //   month t >= 1: spending power $1.2M + b; order 0.5 x ($1.2M + b) (>= 50 chips, and below
  //            the notional supply of 50 in stock + 50 from the fab); the chipmaker has made
  //            the fab's 50 chips (its forecast is >= 50) and the lab receives all 50 =
  //            $600,000. Carried: 0.5 x (0.5 x ($1.2M + b) - $600,000) = b / 4.
  // backlog_usd: month 1 $300,000, month 2 $75,000, month 3 $18,750, month 4 $4,687.50.
  // Were the withheld half carried too, it would instead settle at 0.5 x ($1.2M + b - $600,000),
  // i.e. b = $600,000.
  const auto r = test::run_text(one_lab(0.5, "5", R"(policies:
  - {id: half, kind: import_restriction, issuer: usa, from: 2024-01, products: [gpu],
     demand_factor: 0.5}
)"));
  double expected = 300000.0;  // b0
  for (std::size_t t = 1; t < r.months.size(); ++t) {
    INFO("month " << t);
    CHECK(metric(r, "backlog_usd", t) == Approx(expected).margin(1e-3));
    CHECK(metric(r, "budget_usd", t) == Approx(1.2e6));
    CHECK(metric(r, "units_bought", t) == Approx(50.0));
    CHECK(metric(r, "spend_usd", t) == Approx(600000.0));
    expected /= 4;  // b_{t+1} = b_t / 4
  }
  // and with retention 0 the restricted lab carries nothing
  const auto none = test::run_text(one_lab(0.0, "5", R"(policies:
  - {id: half, kind: import_restriction, issuer: usa, from: 2024-01, products: [gpu],
     demand_factor: 0.5}
)"));
  for (std::size_t t = 0; t < none.months.size(); ++t) CHECK(metric(none, "backlog_usd", t) == 0.0);
}
