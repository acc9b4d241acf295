// The grey market is its own share of a lab's budget: a lab with risk tolerance rho in a
// market that some product reaches only through a transit country sends rho of its budget
// there and (1 - rho) to the legal market, even when legal chips are plentiful. (Before,
// diverted chips only filled what legal supply left unmet, so a well-supplied lab bought none.)
//
// What the code does (sim/world/simulation.cpp, clear_market):
//   legal demand   = budget x (1 - rho) / (cheapest legal landed cost per H100e)
//   grey appetite  = budget x rho / (price x (1 + premium) / (1 - e) / h100e), best transit e
//   a diverted chip costs the lab price x (1 + premium); a transit country's shipments to a
//   market are seized whole with probability e. At e = 0 nothing is seized and the transit
//   country carries diversion_capacity_h100e_per_month, so the result is deterministic.
#include <catch2/catch.hpp>

#include "tests/unit/world/world_fixture.hpp"

using sim::world::Channel;
using sim::world::MetricAxis;

namespace {

/// usa, chn, twn (the fab) and sgp (transit, enforcement 0). One chipmaker sells
///  - gpu: $10,000, 1 H100e, prohibited to chn by a US export control, sold everywhere else;
///  - lite: $6,000, 0.5 H100e ($12,000 per H100e), sold only in chn (a China-only chip).
/// lab-us ($1M a month) keeps gpu in production; lab-cn has $1.2M a month and risk tolerance
/// `rho`. Diverted chips carry a 50% premium; sgp can pass 1,000 H100e a month, far more than
/// asked. The chipmaker keeps 3 months of forecast demand in stock, at fixed prices, and the
/// fab is large with no lead time: legal lite is never short.
std::string grey_world(const std::string& rho) {
  return R"(scenario: {name: grey, start: 2024-01, end: 2024-08, seed: 13}
model: {diversion_risk_premium: 0.5, diversion_capacity_h100e_per_month: 1000}
countries:
  - {id: usa, bloc: west}
  - {id: chn, bloc: china}
  - {id: twn, bloc: west}
  - {id: sgp, bloc: other, enforcement: 0}
products:
  - {id: gpu, designer: maker, node: n4, tpp: 16000, density: 20, h100e: 1.0,
     unit_cost_usd: 3000, list_price_usd: 10000, chips_per_wafer: 10}
  - {id: lite, designer: maker, node: n4, tpp: 4000, density: 5, h100e: 0.5,
     unit_cost_usd: 1500, list_price_usd: 6000, chips_per_wafer: 10, markets: [chn]}
agents:
  - {id: us-gov, kind: government, country: usa}
  - {id: maker, kind: chipmaker, country: usa, foundries: [fab-co], target_inventory_months: 3,
     price_adjustment: 0, design_arounds: false}
  - id: fab-co
    kind: foundry
    country: twn
    lead_time_months: 0
    fabs: [{id: f1, country: twn, node: n4, wafers_per_month: 1000000}]
  - {id: lab-us, kind: ai_lab, country: usa, budget_usd_per_month: 1.0e6,
     depreciation_life_months: 1.0e12}
  - {id: lab-cn, kind: ai_lab, country: chn, budget_usd_per_month: 1.2e6,
     depreciation_life_months: 1.0e12, risk_tolerance: )" +
         rho + R"(}
policies:
  - {id: ban, kind: export_control, issuer: usa, from: 2024-01, products: [gpu],
     destinations: [chn], treatment: prohibited}
)";
}

}  // namespace

TEST_CASE("grey market: a lab with risk tolerance splits its budget between legal and grey",
          "[world][market][diversion]") {
  // rho = 0.25, enforcement 0 in sgp:
  //   legal: 0.75 x $1.2M = $900,000 at $12,000 per H100e = 75 H100e = 150 lite chips
  //   grey:  0.25 x $1.2M = $300,000 at $10,000 x 1.5 / (1 - 0) = $15,000 per H100e
  //          = 20 H100e = 20 gpu chips, paid $15,000 each = $300,000, none seized
  // Stock: the chipmaker keeps 3 months of forecast; lab-cn's notional demand is all lite
  // (gpu is prohibited to it): $1.2M / $6,000 = 200 a month, so 600 lite on hand; lab-us's is
  // $1M / $10,000 = 100 gpu a month, so 300 gpu on hand. Both markets are served in full from
  // month 1 (nothing is made in month 0).
  const auto r = test::run_text(grey_world("0.25"));
  const std::size_t lab_cn = test::agent(r, "lab-cn");
  const std::size_t lab_us = test::agent(r, "lab-us");
  const std::size_t chn = 1;
  for (std::size_t t = 1; t < r.months.size(); ++t) {
    INFO("month " << t);
    CHECK(test::at(r, MetricAxis::country, "imports_legal_units", t, chn) == Approx(150.0));
    CHECK(test::at(r, MetricAxis::country, "imports_diverted_units", t, chn) == Approx(20.0));
    CHECK(test::at(r, MetricAxis::agent, "units_bought", t, lab_cn) == Approx(170.0));
    // $900,000 legal + $300,000 grey: the whole budget
    CHECK(test::at(r, MetricAxis::agent, "spend_usd", t, lab_cn) == Approx(1.2e6));
    CHECK(test::at(r, MetricAxis::agent, "tariffs_paid_usd", t, lab_cn) == 0.0);
    // compute received: 150 x 0.5 + 20 x 1 = 95 H100e a month
    CHECK(test::at(r, MetricAxis::agent, "compute_stock_h100e", t, lab_cn) ==
          Approx(95.0 * static_cast<double>(t)));
    // legal supply was plentiful: lite was left in stock after lab-cn's purchases
    CHECK(test::at(r, MetricAxis::product, "inventory_units", t, 1) > 0.0);
    // the US lab is untouched: $1M / $10,000
    CHECK(test::at(r, MetricAxis::agent, "units_bought", t, lab_us) == Approx(100.0));
  }
  // what each channel delivered, and what the diverted chips were paid: a flow's value is
  // units x list price; the lab paid 1.5 x that
  double grey_units = 0;
  double grey_value = 0;
  double lite_units = 0;
  for (const auto& f : r.flows) {
    if (f.buyer != static_cast<int>(lab_cn) || f.month == 0) continue;
    if (f.channel == Channel::diverted) {
      CHECK(f.product == 0);  // only gpu, the chip lab-cn may not buy directly, is diverted
      grey_units += f.units;
      grey_value += f.value_usd;
    } else {
      CHECK(f.product == 1);
      CHECK(f.channel == Channel::legal);
      lite_units += f.units;
    }
  }
  const auto months = static_cast<double>(r.months.size() - 1);
  CHECK(grey_units == Approx(20.0 * months));
  CHECK(grey_value == Approx(20.0 * 10000.0 * months));
  CHECK(lite_units == Approx(150.0 * months));
}

TEST_CASE("grey market: without risk tolerance the whole budget goes to the legal market",
          "[world][market][diversion]") {
  // rho = 0: $1.2M / $6,000 = 200 lite chips a month, nothing diverted
  const auto r = test::run_text(grey_world("0"));
  const std::size_t lab_cn = test::agent(r, "lab-cn");
  const std::size_t chn = 1;
  for (std::size_t t = 1; t < r.months.size(); ++t) {
    INFO("month " << t);
    CHECK(test::at(r, MetricAxis::country, "imports_legal_units", t, chn) == Approx(200.0));
    CHECK(test::at(r, MetricAxis::country, "imports_diverted_units", t, chn) == 0.0);
    CHECK(test::at(r, MetricAxis::agent, "spend_usd", t, lab_cn) == Approx(1.2e6));
  }
}

TEST_CASE("grey market: all of a fully risk-tolerant lab's budget goes to the grey market",
          "[world][market][diversion]") {
  // rho = 1: legal demand 0; grey $1.2M / $15,000 = 80 gpu a month, paid $1.2M. gpu stock is
  // 3 x lab-us's 100 a month = 300 from month 1 (lab-cn's notional demand, which the chipmaker
  // forecasts from, is all lite): enough for lab-us's 100 and these 80.
  const auto r = test::run_text(grey_world("1"));
  const std::size_t lab_cn = test::agent(r, "lab-cn");
  const std::size_t lab_us = test::agent(r, "lab-us");
  const std::size_t chn = 1;
  for (std::size_t t = 1; t < r.months.size(); ++t) {
    INFO("month " << t);
    CHECK(test::at(r, MetricAxis::country, "imports_legal_units", t, chn) == 0.0);
    CHECK(test::at(r, MetricAxis::country, "imports_diverted_units", t, chn) == Approx(80.0));
    CHECK(test::at(r, MetricAxis::agent, "spend_usd", t, lab_cn) == Approx(1.2e6));
    CHECK(test::at(r, MetricAxis::agent, "units_bought", t, lab_us) == Approx(100.0));
  }
}
