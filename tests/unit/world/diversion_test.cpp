// Routing on the supply network: cheaper legal paths first, and diversion through transit
// countries. The worlds are small enough to follow by hand.
#include <catch2/catch.hpp>

#include "tests/unit/world/world_fixture.hpp"

using sim::world::Channel;
using sim::world::MetricAxis;

namespace {

/// A chipmaker with one fab in usa and one in twn of equal size (so orders split evenly), a lab
/// in usa and one in chn, each with $1.2M a month for $12,000 chips. `policies` is appended.
std::string two_origins(const std::string& policies) {
  return R"(scenario: {name: origins, start: 2024-01, end: 2024-06, seed: 3}
countries:
  - {id: usa, bloc: west}
  - {id: chn, bloc: china}
  - {id: twn, bloc: west}
products:
  - {id: gpu, designer: maker, node: n4, tpp: 16000, density: 20, h100e: 1.0,
     unit_cost_usd: 3000, list_price_usd: 12000, chips_per_wafer: 10}
agents:
  - {id: us-gov, kind: government, country: usa}
  - {id: maker, kind: chipmaker, country: usa, foundries: [fab-co], price_adjustment: 0}
  - id: fab-co
    kind: foundry
    country: twn
    lead_time_months: 0
    fabs:
      - {id: az, country: usa, node: n4, wafers_per_month: 100000}
      - {id: hsinchu, country: twn, node: n4, wafers_per_month: 100000}
  - {id: lab-us, kind: ai_lab, country: usa, budget_usd_per_month: 1.2e6,
     depreciation_life_months: 1.0e12}
  - {id: lab-cn, kind: ai_lab, country: chn, budget_usd_per_month: 1.2e6,
     depreciation_life_months: 1.0e12}
)" + policies;
}

/// A lab in chn cut off by a prohibition, willing to take diverted chips through sgp (whose
/// enforcement is `enforcement`); a lab in usa keeps the chipmaker producing.
std::string smuggling(const std::string& enforcement) {
  return R"(scenario: {name: smuggling, start: 2024-01, end: 2024-12, seed: 11}
model: {diversion_risk_premium: 0.5, diversion_capacity_h100e_per_month: 50}
countries:
  - {id: usa, bloc: west}
  - {id: chn, bloc: china}
  - {id: twn, bloc: west}
  - {id: sgp, bloc: other, enforcement: )" +
         enforcement + R"(}
products:
  - {id: gpu, designer: maker, node: n4, tpp: 16000, density: 20, h100e: 1.0,
     unit_cost_usd: 3000, list_price_usd: 12000, chips_per_wafer: 10}
agents:
  - {id: us-gov, kind: government, country: usa}
  - {id: maker, kind: chipmaker, country: usa, foundries: [fab-co], target_inventory_months: 3,
     price_adjustment: 0}
  - id: fab-co
    kind: foundry
    country: twn
    lead_time_months: 0
    fabs: [{id: f1, country: twn, node: n4, wafers_per_month: 1000000}]
  - {id: lab-us, kind: ai_lab, country: usa, budget_usd_per_month: 1.2e6}
  - {id: lab-cn, kind: ai_lab, country: chn, budget_usd_per_month: 1.2e6, risk_tolerance: 1}
policies:
  - {id: ban, kind: export_control, issuer: usa, from: 2024-01, products: [gpu],
     destinations: [chn], treatment: prohibited}
)";
}

double total(const sim::world::RunResults& r, MetricAxis axis, const char* name, std::size_t i,
             std::size_t from_month = 0) {
  double sum = 0;
  for (std::size_t t = from_month; t < r.months.size(); ++t) sum += test::at(r, axis, name, t, i);
  return sum;
}

}  // namespace

TEST_CASE("market: min-cost flow routes each buyer through its cheaper legal path",
          "[world][market][network]") {
  // a 100% tariff on twn-made chips into usa: the US lab takes the usa-made half of the stock
  // (100 chips at $12,000) and the Chinese lab, which pays no tariff, the twn-made half
  const auto r = test::run_text(two_origins(R"(policies:
  - {id: t100, kind: tariff, issuer: usa, from: 2024-01, origins: [twn], rate: 1.0}
)"));
  const std::size_t lab_us = test::agent(r, "lab-us");
  const std::size_t lab_cn = test::agent(r, "lab-cn");
  const int usa = 0;
  const int twn = 2;
  for (std::size_t t = 1; t < 6; ++t) {
    INFO("month " << t);
    CHECK(test::at(r, MetricAxis::agent, "units_bought", t, lab_us) == Approx(100.0));
    CHECK(test::at(r, MetricAxis::agent, "tariffs_paid_usd", t, lab_us) == 0.0);
    CHECK(test::at(r, MetricAxis::agent, "units_bought", t, lab_cn) == Approx(100.0));
  }
  for (const auto& f : r.flows) {
    if (f.buyer == static_cast<int>(lab_us)) CHECK(f.origin == usa);
    if (f.buyer == static_cast<int>(lab_cn)) CHECK(f.origin == twn);
  }
}

TEST_CASE("market: diversion is zero at full enforcement and grows as enforcement falls",
          "[world][market][diversion]") {
  const std::size_t chn = 1;
  const auto full = test::run_text(smuggling("1.0"));
  const auto half = test::run_text(smuggling("0.5"));
  const auto none = test::run_text(smuggling("0.0"));
  const std::size_t lab_cn = test::agent(full, "lab-cn");
  // enforcement 1: nothing gets through, nothing is paid
  CHECK(total(full, MetricAxis::country, "imports_diverted_units", chn) == 0.0);
  CHECK(total(full, MetricAxis::agent, "spend_usd", lab_cn) == 0.0);
  // enforcement 0: the transit capacity of 50 H100e a month is used in full from month 1 (the
  // chipmaker has stock from then), paid at $12,000 x 1.5, and never seized
  for (std::size_t t = 1; t < 12; ++t) {
    CHECK(test::at(none, MetricAxis::country, "imports_diverted_units", t, chn) == Approx(50.0));
    CHECK(test::at(none, MetricAxis::agent, "spend_usd", t, lab_cn) == Approx(50 * 18000.0));
  }
  // enforcement 0.5: half the capacity (25 a month) is shipped and paid for; whole shipments
  // are seized with probability 0.5, so what arrives is 25 in some months and 0 in others
  for (std::size_t t = 1; t < 12; ++t) {
    CHECK(test::at(half, MetricAxis::agent, "spend_usd", t, lab_cn) == Approx(25 * 18000.0));
    const double got = test::at(half, MetricAxis::country, "imports_diverted_units", t, chn);
    CHECK((got == Approx(25.0) || got == 0.0));
  }
  const double got_half = total(half, MetricAxis::country, "imports_diverted_units", chn);
  CHECK(got_half < total(none, MetricAxis::country, "imports_diverted_units", chn));
  CHECK(got_half > 0.0);
  bool seizure_logged = false;
  for (const auto& e : half.events) seizure_logged = seizure_logged || e.kind == "seizure";
  CHECK(seizure_logged);
  // diverted chips never show on the legal channel
  for (const auto& f : none.flows)
    if (f.buyer == static_cast<int>(lab_cn)) CHECK(f.channel == Channel::diverted);
}

TEST_CASE("market: a quota caps the TPP shipped to each country", "[world][market][quota]") {
  // 800,000 TPP a month to chn = 50 chips of TPP 16,000
  const auto r = test::run_text(two_origins(R"(policies:
  - {id: cap, kind: export_control, issuer: usa, from: 2024-01, products: [gpu],
     destinations: [chn], treatment: quota, quota: {tpp_per_country: 800000, per: month}}
)"));
  const std::size_t lab_cn = test::agent(r, "lab-cn");
  const std::size_t lab_us = test::agent(r, "lab-us");
  for (std::size_t t = 1; t < 6; ++t) {
    INFO("month " << t);
    CHECK(test::at(r, MetricAxis::agent, "units_bought", t, lab_cn) == Approx(50.0));
    CHECK(test::at(r, MetricAxis::agent, "units_bought", t, lab_us) == Approx(100.0));
  }
}
