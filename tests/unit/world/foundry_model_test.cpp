// Foundries in the running model: who gets scarce wafers, whom a control forbids them to
// serve, and where they build. The numbers in the comments are the derivations.
#include <catch2/catch.hpp>

#include "tests/unit/world/world_fixture.hpp"

using sim::world::MetricAxis;

namespace {

/// A foundry in twn with one 10,000-wafer fab and room to build 10,000 more in twn ($1B,
/// 6 months) or usa ($3B, 12 months); a lab in usa whose budget far outruns supply.
/// Revenue a wafer: 10 chips x $3,000; margin 0.5; horizon 60 months.
std::string expanding(const std::string& policies) {
  return R"(scenario: {name: fabs, start: 2024-01, end: 2025-12, seed: 1}
countries:
  - {id: usa, bloc: west}
  - {id: twn, bloc: west}
products:
  - {id: gpu, designer: maker, node: n4, tpp: 16000, density: 20, h100e: 1.0,
     unit_cost_usd: 3000, list_price_usd: 12000, chips_per_wafer: 10}
agents:
  - {id: us-gov, kind: government, country: usa}
  - {id: maker, kind: chipmaker, country: usa, foundries: [fab-co], price_adjustment: 0,
     design_arounds: false}
  - id: fab-co
    kind: foundry
    country: twn
    lead_time_months: 0
    gross_margin: 0.5
    fabs: [{id: f1, country: twn, node: n4, wafers_per_month: 10000}]
    expansion:
      node: n4
      wafers_per_month: 10000
      horizon_months: 60
      sites:
        - {country: twn, capex_usd: 1.0e9, lead_time_months: 6}
        - {country: usa, capex_usd: 3.0e9, lead_time_months: 12}
  - {id: lab, kind: ai_lab, country: usa, budget_usd_per_month: 1.0e10}
)" + policies;
}

std::string investment_text(const sim::world::RunResults& r) {
  for (const auto& e : r.events)
    if (e.kind == "fab_investment") return e.text;
  return "";
}

int investment_month(const sim::world::RunResults& r) {
  for (const auto& e : r.events)
    if (e.kind == "fab_investment") return e.month;
  return -1;
}

}  // namespace

TEST_CASE("foundry: builds where profit after tariffs and subsidies is highest",
          "[world][foundry][investment]") {
  SECTION("no tariff: the cheaper site at home") {
    // none: 60 x 10,000 x 15,000 = $9B. twn: 60 x 20,000 x 15,000 - 1B = $17B.
    // usa: $18B - 3B = $15B. Orders (83,333 wafers) exceed capacity from month 1, so it
    // decides in month 2 and builds in twn; the fab runs from month 8.
    const auto r = test::run_text(expanding(""));
    CHECK(investment_month(r) == 2);
    CHECK_THAT(investment_text(r), Catch::Contains(" in twn "));
    const std::size_t foundry = test::agent(r, "fab-co");
    CHECK(test::at(r, MetricAxis::agent, "capacity_wafers", 7, foundry) == 10000.0);
    CHECK(test::at(r, MetricAxis::agent, "capacity_wafers", 8, foundry) == 20000.0);
    CHECK(test::at(r, MetricAxis::agent, "investment_pledged_usd", 2, foundry) == 1.0e9);
    // spent over the 6 months of construction
    CHECK(test::at(r, MetricAxis::agent, "investment_built_usd", 4, foundry) ==
          Approx(3 * 1.0e9 / 6));
  }
  SECTION("a 100% tariff on twn chips, waived for firms that invest $1B in usa: build in usa") {
    // all deliveries go to usa, so twn-made output bears the full tariff: none = $0,
    // twn = 0 - 1B, usa: the $3B pledge earns the exemption for all output: $18B - 3B = $15B
    const auto r = test::run_text(expanding(R"(policies:
  - {id: t232, kind: tariff, issuer: usa, from: 2024-01, origins: [twn], rate: 1.0,
     exempt: {pledged_in_issuer_usd_at_least: 1.0e9}}
)"));
    CHECK(investment_month(r) == 2);
    CHECK_THAT(investment_text(r), Catch::Contains(" in usa "));
    const std::size_t lab = test::agent(r, "lab");
    // once the pledge is made, the lab pays no tariff on twn-made chips
    CHECK(test::at(r, MetricAxis::agent, "tariffs_paid_usd", 1, lab) > 0.0);
    CHECK(test::at(r, MetricAxis::agent, "tariffs_paid_usd", 3, lab) == 0.0);
  }
  SECTION("the same tariff without an exemption: tariffs fall on twn output only") {
    // none = 0; twn = -1B; usa: the new usa fab's output escapes: 60 x 10,000 x 15,000 - 3B
    // = $6B > 0: build in usa
    const auto r = test::run_text(expanding(R"(policies:
  - {id: t232, kind: tariff, issuer: usa, from: 2024-01, origins: [twn], rate: 1.0}
)"));
    CHECK_THAT(investment_text(r), Catch::Contains(" in usa "));
  }
  SECTION("a subsidy pays its share of the capex and can tip the choice") {
    // no tariff; a 90% usa capex subsidy: usa = $18B - 0.3B = $17.7B beats twn's $17B
    const auto r = test::run_text(expanding(R"(policies:
  - {id: chips-act, kind: subsidy, issuer: usa, from: 2024-01, fab_capex_share: 0.9}
)"));
    CHECK_THAT(investment_text(r), Catch::Contains(" in usa "));
    const std::size_t gov = test::agent(r, "us-gov");
    CHECK(test::at(r, MetricAxis::agent, "subsidies_paid_usd", 2, gov) == Approx(2.7e9));
  }
}

TEST_CASE("foundry: serves higher-priority chipmakers first when short", "[world][foundry]") {
  // capacity 100 wafers; each chipmaker's lab wants 1,000 chips (100 wafers). The priority-1
  // chipmaker gets all 100 wafers, the other none.
  const auto r = test::run_text(R"(scenario: {name: prio, start: 2024-01, end: 2024-06}
countries: [{id: usa}, {id: twn}]
products:
  - {id: a, designer: first, node: n4, h100e: 1, unit_cost_usd: 3000, list_price_usd: 12000,
     chips_per_wafer: 10}
  - {id: b, designer: second, node: n4, h100e: 1, unit_cost_usd: 3000, list_price_usd: 12000,
     chips_per_wafer: 10}
agents:
  - {id: first, kind: chipmaker, country: usa, foundries: [fab-co], priority: 1,
     price_adjustment: 0}
  - {id: second, kind: chipmaker, country: usa, foundries: [fab-co], price_adjustment: 0}
  - id: fab-co
    kind: foundry
    country: twn
    lead_time_months: 0
    fabs: [{id: f1, country: twn, node: n4, wafers_per_month: 100}]
  - {id: lab, kind: ai_lab, country: usa, budget_usd_per_month: 2.4e7}
)");
  const std::size_t first = test::agent(r, "first");
  const std::size_t second = test::agent(r, "second");
  // month 0: the lab's $24M goes to product a (first in the catalogue at equal value), 2,000
  // chips of demand for 'first' alone; month 1: 'first' orders 200 wafers and gets all 100
  CHECK(test::at(r, MetricAxis::agent, "wafers_started", 1, first) == Approx(100.0));
  CHECK(test::at(r, MetricAxis::agent, "wafers_started", 1, second) == 0.0);
}

TEST_CASE("foundry: may not serve a chipmaker a control forbids it to", "[world][foundry]") {
  // an fdpr control on 'asic' to chn reaches the twn fab: the chn chipmaker gets no wafers
  const auto r = test::run_text(R"(scenario: {name: fdpr, start: 2024-01, end: 2024-06}
countries: [{id: usa}, {id: chn}, {id: twn}]
products:
  - {id: asic, designer: cn-maker, node: n7, tpp: 8000, h100e: 0.5, unit_cost_usd: 2000,
     list_price_usd: 6000, chips_per_wafer: 10}
agents:
  - {id: us-gov, kind: government, country: usa}
  - {id: cn-maker, kind: chipmaker, country: chn, foundries: [fab-co], price_adjustment: 0}
  - id: fab-co
    kind: foundry
    country: twn
    lead_time_months: 0
    fabs: [{id: f1, country: twn, node: n7, wafers_per_month: 1000}]
  - {id: lab, kind: ai_lab, country: chn, budget_usd_per_month: 6.0e6}
policies:
  - {id: fdp-rule, kind: export_control, issuer: usa, from: 2024-03, products: {tpp_at_least: 4800},
     destinations: [chn], treatment: prohibited, fdpr: true}
)");
  const std::size_t maker = test::agent(r, "cn-maker");
  const std::size_t lab = test::agent(r, "lab");
  CHECK(test::at(r, MetricAxis::agent, "wafers_started", 1, maker) > 0.0);
  for (std::size_t t = 2; t < 6; ++t)
    CHECK(test::at(r, MetricAxis::agent, "wafers_started", t, maker) == 0.0);
  // the lab still buys the domestic chipmaker's chips made before the rule (a domestic sale)
  CHECK(test::at(r, MetricAxis::agent, "units_bought", 1, lab) == Approx(1000.0));
}

TEST_CASE("foundry: a fab reserved for a customer serves no one else", "[world][foundry]") {
  // two chipmakers order 100 wafers each; the only fab is reserved for 'second'
  const auto r = test::run_text(R"(scenario: {name: reserved, start: 2024-01, end: 2024-04}
countries: [{id: usa}, {id: twn}]
products:
  - {id: a, designer: first, node: n7, h100e: 1, unit_cost_usd: 3000, list_price_usd: 12000,
     chips_per_wafer: 10}
  - {id: b, designer: second, node: n7, h100e: 1, unit_cost_usd: 3000, list_price_usd: 12000,
     chips_per_wafer: 10}
agents:
  - {id: first, kind: chipmaker, country: usa, foundries: [fab-co], priority: 5,
     price_adjustment: 0}
  - {id: second, kind: chipmaker, country: usa, foundries: [fab-co], price_adjustment: 0}
  - id: fab-co
    kind: foundry
    country: twn
    lead_time_months: 0
    fabs: [{id: f1, country: twn, node: n7, wafers_per_month: 1000, customers: [second]}]
  - {id: lab-a, kind: ai_lab, country: usa, budget_usd_per_month: 1.2e7}
)");
  const std::size_t first = test::agent(r, "first");
  const std::size_t second = test::agent(r, "second");
  for (std::size_t t = 1; t < 4; ++t) {
    CHECK(test::at(r, MetricAxis::agent, "wafers_started", t, first) == 0.0);
    CHECK(test::at(r, MetricAxis::agent, "wafers_started", t, second) > 0.0);
  }
}
