// Chipmakers in the running model: prices, write-downs, design-arounds and deals. Each world
// is small enough to follow by hand; the numbers in the comments are the derivations.
#include <algorithm>
#include <catch2/catch.hpp>

#include "tests/unit/world/world_fixture.hpp"

using sim::world::MetricAxis;

namespace {

/// One chipmaker (no production lag), one lab in chn with $1.2M a month for $12,000 chips
/// (100 a month). `chipmaker` and `rest` are spliced in.
std::string china_only(const std::string& chipmaker, const std::string& rest) {
  return R"(scenario: {name: cn, start: 2024-01, end: 2024-12, seed: 5}
countries:
  - {id: usa, bloc: west}
  - {id: chn, bloc: china}
  - {id: twn, bloc: west}
products:
  - {id: gpu, designer: maker, node: n4, tpp: 16000, density: 20, h100e: 1.0,
     unit_cost_usd: 3000, list_price_usd: 12000, chips_per_wafer: 10}
agents:
  - {id: us-gov, kind: government, country: usa}
  - {id: maker, kind: chipmaker, country: usa, foundries: [fab-co], )" +
         chipmaker + R"(}
  - id: fab-co
    kind: foundry
    country: twn
    lead_time_months: 0
    fabs: [{id: f1, country: twn, node: n4, wafers_per_month: 1000000}]
  - {id: lab-cn, kind: ai_lab, country: chn, budget_usd_per_month: 1.2e6}
)" + rest;
}

bool logged(const sim::world::RunResults& r, const std::string& kind, int month) {
  return std::ranges::any_of(r.events,
                             [&](const auto& e) { return e.kind == kind && e.month == month; });
}

}  // namespace

TEST_CASE("chipmaker: price rises while demand outruns stock, within its ceiling",
          "[world][chipmaker][price]") {
  // month 0: no demand seen yet, the list price. Month 1: demand was 100, nothing is in stock
  // (cover 0), so excess = -1 and the price rises by the adjustment: 12,000 x 1.1 = 13,200.
  // Never above the ceiling, list x 1.2 = 14,400.
  const auto r = test::run_text(
      china_only("price_adjustment: 0.1, max_price_multiple: 1.2, design_arounds: false", ""));
  const std::size_t gpu = 0;
  CHECK(test::at(r, MetricAxis::product, "price_usd", 0, gpu) == Approx(12000));
  CHECK(test::at(r, MetricAxis::product, "price_usd", 1, gpu) == Approx(13200));
  for (std::size_t t = 0; t < 12; ++t)
    CHECK(test::at(r, MetricAxis::product, "price_usd", t, gpu) <= 14400.0 + 1e-9);
  // and a glut lowers it: when the lab's budget drops, stock exceeds the half-month target
  const auto glut = test::run_text(china_only(
      "price_adjustment: 0.1, min_margin: 0.5, target_inventory_months: 0.5, design_arounds: false",
      R"(events:
  - {month: 2024-06, set: {agents.lab-cn.budget_usd_per_month: 1.0e5}}
)"));
  // the floor is cost x 1.5 = $4,500
  CHECK(test::at(glut, MetricAxis::product, "price_usd", 11, gpu) <
        test::at(glut, MetricAxis::product, "price_usd", 5, gpu));
  CHECK(test::at(glut, MetricAxis::product, "price_usd", 11, gpu) >= 4500.0);
}

TEST_CASE("chipmaker: a write-down equals the unsellable stock's book value",
          "[world][chipmaker][write_down]") {
  // target 2 months of the 100-a-month demand: each month the stock is topped up to 200 and
  // 100 sell, so 100 are carried. In month 5 (2024-06) the stock is topped up to 200 before
  // the ban stops all sales: 200 chips at their $3,000 cost = $600,000 written down.
  const auto r = test::run_text(
      china_only("target_inventory_months: 2, price_adjustment: 0, design_arounds: false",
                 R"(policies:
  - {id: ban, kind: export_control, issuer: usa, from: 2024-06, products: [gpu],
     destinations: [chn], treatment: prohibited}
)"));
  const std::size_t maker = test::agent(r, "maker");
  for (std::size_t t = 0; t < 12; ++t) {
    INFO("month " << t);
    CHECK(test::at(r, MetricAxis::agent, "write_down_usd", t, maker) == (t == 5 ? 600000.0 : 0.0));
  }
  CHECK(logged(r, "write_down", 5));
  // before the ban the book value of what sold was its cost: margin $9,000 a chip
  CHECK(test::at(r, MetricAxis::agent, "gross_margin_usd", 3, maker) == Approx(100 * 9000.0));
}

TEST_CASE(
    "chipmaker: a design-around launches design_lag_months after the cut-off, just "
    "under the threshold",
    "[world][chipmaker][design_around]") {
  // the control covers TPP >= 4800 from 2024-03 (step 2); the variant is scaled to 0.99 x
  // 4800 / 16000 = 0.297 of the gpu and launched 4 months later, at step 6
  const auto r = test::run_text(china_only("design_lag_months: 4, price_adjustment: 0",
                                           R"(policies:
  - {id: cap, kind: export_control, issuer: usa, from: 2024-03, products: {tpp_at_least: 4800},
     destinations: [chn], treatment: prohibited}
)"));
  REQUIRE(r.product_ids.size() == 2);
  CHECK(r.product_ids[1] == "gpu-cap");
  CHECK(r.product_tpp[1] == Approx(4752.0));
  CHECK(r.product_h100e[1] == Approx(0.297));
  CHECK(logged(r, "design_around", 6));
  const std::size_t lab = test::agent(r, "lab-cn");
  CHECK(test::at(r, MetricAxis::agent, "units_bought", 1, lab) == Approx(100.0));
  for (std::size_t t = 2; t <= 6; ++t)
    CHECK(test::at(r, MetricAxis::agent, "units_bought", t, lab) == 0.0);
  // demand for the variant shows in month 7, so it is made and sold from month 8 at the
  // scaled price 0.297 x $12,000 = $3,564: $1.2M buys 336.7 of them
  CHECK(test::at(r, MetricAxis::agent, "units_bought", 8, lab) == Approx(1.2e6 / 3564.0));
  CHECK(test::at(r, MetricAxis::product, "price_usd", 8, 1) == Approx(3564.0));
}

TEST_CASE("chipmaker: no design-around when it already sells a comparable compliant chip",
          "[world][chipmaker][design_around]") {
  const std::string yaml = china_only("design_lag_months: 1, price_adjustment: 0",
                                      R"(policies:
  - {id: cap, kind: export_control, issuer: usa, from: 2024-03, products: {tpp_at_least: 4800},
     destinations: [chn], treatment: prohibited}
)");
  // a compliant chip of its own with 0.3 H100e (>= half the variant's 0.297)
  std::string with_own = yaml;
  with_own.replace(with_own.find("agents:"), 7,
                   R"(  - {id: slim, designer: maker, node: n4, tpp: 4000, density: 5, h100e: 0.3,
     unit_cost_usd: 3000, list_price_usd: 3600, chips_per_wafer: 10}
agents:)");
  const auto r = test::run_text(with_own);
  for (const auto& e : r.events) CHECK(e.kind != "design_around");
}

TEST_CASE("deal: accepted by an event, it repeals its policy from that month", "[world][deal]") {
  const auto r =
      test::run_text(china_only("price_adjustment: 0, design_arounds: false", R"(policies:
  - {id: ban, kind: export_control, issuer: usa, from: 2024-02, products: [gpu],
     destinations: [chn], treatment: prohibited}
deals:
  - {id: pledge, from_agent: maker, to_agent: us-gov, pledge_usd: 1.0e9, over_months: 12,
     asks: {repeal: [ban]}}
events:
  - {month: 2024-07, accept_deal: pledge}
)"));
  const std::size_t lab = test::agent(r, "lab-cn");
  const std::size_t maker = test::agent(r, "maker");
  for (std::size_t t = 1; t < 6; ++t)
    CHECK(test::at(r, MetricAxis::agent, "units_bought", t, lab) == 0.0);
  CHECK(logged(r, "policy_repealed", 6));
  CHECK(test::at(r, MetricAxis::agent, "investment_pledged_usd", 5, maker) == 0.0);
  CHECK(test::at(r, MetricAxis::agent, "investment_pledged_usd", 6, maker) == 1.0e9);
  // the repeal comes before the market clears, so the 100 chips made in month 1 (and written
  // off then, $300,000) sell in month 6 at a margin of their whole price
  CHECK(test::at(r, MetricAxis::agent, "write_down_usd", 1, maker) == Approx(300000.0));
  CHECK(test::at(r, MetricAxis::agent, "units_bought", 6, lab) == Approx(100.0));
  CHECK(test::at(r, MetricAxis::agent, "gross_margin_usd", 6, maker) == Approx(1.2e6));
  // then production resumes at the forecast: 100 -> 50, 25, 12.5, 6.25, 3.125 while cut off,
  // and (3.125 + 100) / 2 = 51.5625 after month 6
  CHECK(test::at(r, MetricAxis::agent, "units_bought", 7, lab) == Approx(51.5625));
}

TEST_CASE("deal: a chipmaker offers a pledge when the profit saved exceeds its cost",
          "[world][deal]") {
  // the ban cuts off $1.2M a month at a 75% margin: $0.9M a month, $21.6M over 24 months.
  // A $50M pledge costs 0.25 x 50 = $12.5M: offered. A $100M one costs $25M: not offered.
  const auto run = [](const char* pledge) {
    return test::run_text(
        china_only("price_adjustment: 0, design_arounds: false", std::string(R"(policies:
  - {id: ban, kind: export_control, issuer: usa, from: 2024-02, products: [gpu],
     destinations: [chn], treatment: prohibited}
deals:
  - {id: pledge, from_agent: maker, to_agent: us-gov, asks: {repeal: [ban]}, over_months: 12,
     pledge_usd: )") + pledge + "}\n"));
  };
  const auto cheap = run("5.0e7");
  const auto dear = run("1.0e8");
  bool offered = false;
  for (const auto& e : cheap.events) offered = offered || e.kind == "deal_offered";
  CHECK(offered);
  // a scripted government refuses offers the script does not accept
  bool refused = false;
  for (const auto& e : cheap.events) refused = refused || e.kind == "deal_refused";
  CHECK(refused);
  for (const auto& e : dear.events) CHECK(e.kind != "deal_offered");
}

TEST_CASE("chipmaker: a control with an interconnect test is escaped by a slower link",
          "[world][chipmaker][design_around]") {
  // the October 2022 rule's shape: TPP >= 4800 AND interconnect >= 600 GB/s. The variant keeps
  // the gpu's full performance and cuts its link to 0.99 x 600 = 594 GB/s (the A800's way)
  std::string yaml = china_only("design_lag_months: 1, price_adjustment: 0",
                                R"(policies:
  - id: oct
    kind: export_control
    issuer: usa
    from: 2024-03
    products: {tpp_at_least: 4800, interconnect_at_least: 600}
    destinations: [chn]
    treatment: prohibited
)");
  yaml.replace(yaml.find("chips_per_wafer: 10}"), 20,
               "chips_per_wafer: 10, interconnect_gbps: 900}");
  const auto r = test::run_text(yaml);
  REQUIRE(r.product_ids.size() == 2);
  CHECK(r.product_ids[1] == "gpu-oct");
  CHECK(r.product_tpp[1] == Approx(16000));
  CHECK(r.product_h100e[1] == Approx(1.0));
  CHECK(logged(r, "design_around", 3));
}

TEST_CASE("cost shock: raises the unit cost of chips made in its origins", "[world][policy]") {
  // a 20% shock on twn-made chips from 2024-03: the foundry is paid $3,600 a chip instead of
  // $3,000; 100 chips a month
  const auto r = test::run_text(china_only("price_adjustment: 0, design_arounds: false",
                                           R"(policies:
  - {id: minerals, kind: cost_shock, issuer: chn, from: 2024-03, cost_increase: 0.2}
)"));
  const std::size_t foundry = test::agent(r, "fab-co");
  const std::size_t maker = test::agent(r, "maker");
  CHECK(test::at(r, MetricAxis::agent, "revenue_usd", 1, foundry) == Approx(100 * 3000.0));
  CHECK(test::at(r, MetricAxis::agent, "revenue_usd", 3, foundry) == Approx(100 * 3600.0));
  CHECK(test::at(r, MetricAxis::agent, "cogs_usd", 3, maker) == Approx(100 * 3600.0));
}
