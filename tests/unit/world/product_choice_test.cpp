// Labs spread their budget over the products they may buy by a logit of value (H100e per
// landed dollar): weight exp(beta (v / v_best - 1)), beta = model.choice_sensitivity. The
// market's first pass gives each product no more, in a market, than its labs asked for it in
// that notional split; so a dearer product still sells even when the cheaper one has stock to
// spare (before, the first pass let the cheapest product take the whole market).
//
// What the code then does with the money left (sim/world/simulation.cpp, clear_market): the
// market's demand is budget / (best cost per H100e), which the logit split does not reach (the
// dearer product buys fewer H100e per dollar), so the second pass tops the market up with the
// cheapest product, and the lab's purchases are then scaled down to its budget. With stock to
// spare the purchases are therefore the logit split plus that top-up, scaled; the derivations
// below follow those steps.
#include <catch2/catch.hpp>
#include <cmath>

#include "tests/unit/world/world_fixture.hpp"

using sim::world::MetricAxis;

namespace {

/// One market (usa) with one lab of $1.2M a month and two chipmakers on one large foundry with
/// no lead time: maker-a sells `a` at $10,000 and maker-b sells `b` at $12,500, both 1 H100e,
/// so v_b / v_a = 10,000 / 12,500 = 0.8. Fixed prices; each maker keeps 3 months of forecast
/// demand in stock (the forecast is the notional demand: 60 a and 48 b at beta 0, so 180 a and
/// 144 b), so neither is ever short: the lab never buys more than a month's forecast plus the
/// second-pass top-up (at most 12 a at beta 0).
std::string two_makers(const std::string& beta) {
  return R"(scenario: {name: choice, start: 2024-01, end: 2024-08, seed: 17}
model: {choice_sensitivity: )" +
         beta + R"(}
countries:
  - {id: usa, bloc: west}
  - {id: twn, bloc: west}
products:
  - {id: a, designer: maker-a, node: n4, tpp: 16000, density: 20, h100e: 1.0,
     unit_cost_usd: 3000, list_price_usd: 10000, chips_per_wafer: 10}
  - {id: b, designer: maker-b, node: n4, tpp: 16000, density: 20, h100e: 1.0,
     unit_cost_usd: 3000, list_price_usd: 12500, chips_per_wafer: 10}
agents:
  - {id: us-gov, kind: government, country: usa}
  - {id: maker-a, kind: chipmaker, country: usa, foundries: [fab-co], target_inventory_months: 3,
     price_adjustment: 0}
  - {id: maker-b, kind: chipmaker, country: usa, foundries: [fab-co], target_inventory_months: 3,
     price_adjustment: 0}
  - id: fab-co
    kind: foundry
    country: twn
    lead_time_months: 0
    fabs: [{id: f1, country: twn, node: n4, wafers_per_month: 1000000}]
  - {id: lab, kind: ai_lab, country: usa, budget_usd_per_month: 1.2e6,
     depreciation_life_months: 1.0e12}
)";
}

/// Expected units of a and b a month for choice sensitivity beta, following the code's steps.
std::pair<double, double> expected_units(double beta) {
  const double budget = 1.2e6;
  const double price_a = 10000;
  const double price_b = 12500;
  const double w_a = 1.0;
  const double w_b = std::exp(beta * (0.8 - 1.0));            // a is the best value
  const double ask_a = budget * w_a / (w_a + w_b) / price_a;  // first pass: the logit split
  const double ask_b = budget * w_b / (w_a + w_b) / price_b;
  const double demand = budget / price_a;        // market demand, H100e
  const double top_up = demand - ask_a - ask_b;  // second pass: cheapest, a
  const double cost = (ask_a + top_up) * price_a + ask_b * price_b;
  const double scale = budget / cost;  // back within the budget
  return {(ask_a + top_up) * scale, ask_b * scale};
}

}  // namespace

TEST_CASE("product choice: with beta 0 the first pass splits the budget evenly",
          "[world][market][choice]") {
  // beta = 0: both weights exp(0) = 1, so the lab asks for $600,000 of each:
  //   a: $600,000 / $10,000 = 60 chips, b: $600,000 / $12,500 = 48 chips.
  // The first pass caps each product at that ask: 60 a + 48 b = 108 H100e. The market's
  // demand is $1.2M / $10,000 = 120 H100e, so the second pass adds 12 more a (cheapest).
  // Cost: 72 x $10,000 + 48 x $12,500 = $1.32M > $1.2M, so purchases scale by 1.2 / 1.32 =
  // 10/11: a = 72 x 10/11 = 65.4545..., b = 48 x 10/11 = 43.6363..., spend $1.2M.
  // (Without the first-pass cap the first pass gives a all 120 and b nothing.)
  const auto r = test::run_text(two_makers("0"));
  const std::size_t lab = test::agent(r, "lab");
  const auto [want_a, want_b] = expected_units(0.0);
  CHECK(want_a == Approx(720.0 / 11.0));
  CHECK(want_b == Approx(480.0 / 11.0));
  for (std::size_t t = 1; t < r.months.size(); ++t) {
    INFO("month " << t);
    // notional demand is the logit split itself
    CHECK(test::at(r, MetricAxis::product, "demand_units", t, 0) == Approx(60.0));
    CHECK(test::at(r, MetricAxis::product, "demand_units", t, 1) == Approx(48.0));
    CHECK(test::at(r, MetricAxis::product, "units_sold", t, 0) == Approx(720.0 / 11.0));
    CHECK(test::at(r, MetricAxis::product, "units_sold", t, 1) == Approx(480.0 / 11.0));
    CHECK(test::at(r, MetricAxis::agent, "spend_usd", t, lab) == Approx(1.2e6));
    // b's share of the spend: 48 x $12,500 x 10/11 / $1.2M = 5/11 (the logit split alone:
    // 1/2; with all going to the cheaper product: 0)
    CHECK(test::at(r, MetricAxis::agent, "revenue_usd", t, test::agent(r, "maker-b")) ==
          Approx(1.2e6 * 5.0 / 11.0));
  }
}

TEST_CASE("product choice: with beta > 0 the first pass follows the logit weights",
          "[world][market][choice]") {
  // beta = 2: w_a = 1, w_b = exp(2 x (0.8 - 1)) = exp(-0.4) = 0.67032. Asks:
  //   a: $1.2M x 1 / 1.67032 = $718,426 -> 71.843 chips; b: $481,574 -> 38.526 chips.
  // Second pass: 120 - 71.843 - 38.526 = 9.631 more a. Cost $814,741 + $481,574 = $1,296,315,
  // scale 0.92570: a = 75.42, b = 35.66. expected_units() does this arithmetic.
  // The market works in thousandths of an H100e, rounded down, so a few thousandths may be
  // lost on each edge: a relative tolerance of 1e-4 (0.004 chips here) covers that.
  const auto r = test::run_text(two_makers("2"));
  const auto [want_a, want_b] = expected_units(2.0);
  CHECK(want_a == Approx(75.42).margin(0.01));
  CHECK(want_b == Approx(35.66).margin(0.01));
  for (std::size_t t = 1; t < r.months.size(); ++t) {
    INFO("month " << t);
    CHECK(test::at(r, MetricAxis::product, "demand_units", t, 0) ==
          Approx(1.2e6 / (1 + std::exp(-0.4)) / 10000));
    CHECK(test::at(r, MetricAxis::product, "demand_units", t, 1) ==
          Approx(1.2e6 * std::exp(-0.4) / (1 + std::exp(-0.4)) / 12500));
    CHECK(test::at(r, MetricAxis::product, "units_sold", t, 0) == Approx(want_a).epsilon(1e-4));
    CHECK(test::at(r, MetricAxis::product, "units_sold", t, 1) == Approx(want_b).epsilon(1e-4));
  }
  // a sharper choice moves purchases towards the better value: fewer b than at beta 0
  CHECK(want_b < 480.0 / 11.0);
}
