// Market mechanics on the two-lab world of world_fixture.hpp. Each lab can spend $1.2M a
// month; at $12,000 a chip that is 100 chips. Month 0 has no chips yet (the chipmaker learns
// demand in month 0 and orders in month 1, with no production lag), so sales start in month 1.
#include <catch2/catch.hpp>

#include "tests/unit/world/world_fixture.hpp"

using sim::world::Channel;
using sim::world::MetricAxis;

TEST_CASE("world: chips flow from the foundry through the chipmaker to the labs",
          "[world][market]") {
  const auto r = test::run_text(test::two_lab_world());
  const std::size_t maker = test::agent(r, "maker");
  const std::size_t lab_us = test::agent(r, "lab-us");
  CHECK(test::at(r, MetricAxis::agent, "units_sold", 0, maker) == 0.0);
  for (std::size_t t = 1; t < 12; ++t) {
    INFO("month " << t);
    CHECK(test::at(r, MetricAxis::agent, "units_sold", t, maker) == Approx(200.0));
    CHECK(test::at(r, MetricAxis::agent, "revenue_usd", t, maker) == Approx(2.4e6));
    CHECK(test::at(r, MetricAxis::agent, "units_bought", t, lab_us) == Approx(100.0));
  }
  // compute stock: 100 H100e a month from month 1, no retirement to speak of
  CHECK(test::at(r, MetricAxis::agent, "compute_stock_h100e", 11, lab_us) == Approx(1100.0));
  CHECK(test::at(r, MetricAxis::country, "compute_stock_h100e", 11, 0) == Approx(1100.0));
  CHECK(test::at(r, MetricAxis::country, "chip_imports_units", 5, 1) == Approx(100.0));
}

TEST_CASE("world: a prohibition stops legal flows from the month in force, not before",
          "[world][policy]") {
  const auto r = test::run_text(test::two_lab_world(R"(policies:
  - {id: ban, kind: export_control, issuer: usa, from: 2024-06, products: [gpu],
     destinations: [chn], treatment: prohibited}
)"));
  const std::size_t lab_cn = test::agent(r, "lab-cn");
  const std::size_t lab_us = test::agent(r, "lab-us");
  for (std::size_t t = 1; t < 5; ++t)
    CHECK(test::at(r, MetricAxis::agent, "units_bought", t, lab_cn) == Approx(100.0));
  for (std::size_t t = 5; t < 12; ++t) {
    INFO("month " << t);
    CHECK(test::at(r, MetricAxis::agent, "units_bought", t, lab_cn) == 0.0);
    CHECK(test::at(r, MetricAxis::agent, "units_bought", t, lab_us) == Approx(100.0));
  }
  for (const auto& f : r.flows)
    if (f.buyer == static_cast<int>(lab_cn)) CHECK(f.month < 5);
}

TEST_CASE("world: a tariff raises the landed price by its rate and cuts units bought",
          "[world][policy]") {
  // 25% on chips made in twn imported into usa: landed $15,000, so $1.2M buys 80 chips and
  // $240,000 of tariff goes to the US government
  const auto r = test::run_text(test::two_lab_world(R"(policies:
  - {id: t25, kind: tariff, issuer: usa, from: 2024-01, origins: [twn], rate: 0.25}
)"));
  const std::size_t lab_us = test::agent(r, "lab-us");
  const std::size_t lab_cn = test::agent(r, "lab-cn");
  const std::size_t gov = test::agent(r, "us-gov");
  for (std::size_t t = 2; t < 12; ++t) {
    INFO("month " << t);
    CHECK(test::at(r, MetricAxis::agent, "units_bought", t, lab_us) == Approx(80.0));
    CHECK(test::at(r, MetricAxis::agent, "tariffs_paid_usd", t, lab_us) == Approx(240000.0));
    CHECK(test::at(r, MetricAxis::agent, "tariffs_collected_usd", t, gov) == Approx(240000.0));
    CHECK(test::at(r, MetricAxis::agent, "spend_usd", t, lab_us) == Approx(1.2e6));
    CHECK(test::at(r, MetricAxis::agent, "units_bought", t, lab_cn) == Approx(100.0));
  }
}

TEST_CASE("world: an export fee moves its share of revenue to the issuer", "[world][policy]") {
  const auto r = test::run_text(test::two_lab_world(R"(policies:
  - {id: share, kind: export_fee, issuer: usa, from: 2024-01, products: [gpu],
     destinations: [chn], rate: 0.15}
)"));
  const std::size_t maker = test::agent(r, "maker");
  const std::size_t gov = test::agent(r, "us-gov");
  for (std::size_t t = 2; t < 12; ++t) {
    // only the 100 chips sold to chn pay: 0.15 x $1.2M
    CHECK(test::at(r, MetricAxis::agent, "fees_paid_usd", t, maker) == Approx(180000.0));
    CHECK(test::at(r, MetricAxis::agent, "fees_collected_usd", t, gov) == Approx(180000.0));
  }
}

TEST_CASE("world: a licence requirement blocks or delays flows by its terms", "[world][policy]") {
  const auto with_licence = [](const char* approval) {
    return test::two_lab_world(std::string(R"(policies:
  - {id: lic, kind: export_control, issuer: usa, from: 2024-04, products: [gpu],
     destinations: [chn], treatment: licence_required,
     licence: {approval_probability: )") +
                               approval + R"(, delay_months: 2}}
)");
  };
  const auto refused = test::run_text(with_licence("0"));
  const auto granted = test::run_text(with_licence("1"));
  const std::size_t lab_cn = test::agent(refused, "lab-cn");
  for (std::size_t t = 3; t < 12; ++t)
    CHECK(test::at(refused, MetricAxis::agent, "units_bought", t, lab_cn) == 0.0);
  // applied in month 3 (2024-04), granted two months later: flows resume in month 5
  CHECK(test::at(granted, MetricAxis::agent, "units_bought", 3, lab_cn) == 0.0);
  CHECK(test::at(granted, MetricAxis::agent, "units_bought", 4, lab_cn) == 0.0);
  CHECK(test::at(granted, MetricAxis::agent, "units_bought", 5, lab_cn) > 0.0);
  bool licensed = false;
  for (const auto& f : granted.flows)
    if (f.buyer == static_cast<int>(lab_cn) && f.month >= 5)
      licensed = f.channel == Channel::licensed;
  CHECK(licensed);
}

TEST_CASE("world: a decision option replaces the historical one", "[world][decision]") {
  const std::string yaml = test::two_lab_world(R"(policies:
  - {id: ban, kind: export_control, issuer: usa, products: [gpu], destinations: [chn],
     treatment: prohibited}
decisions:
  - id: ban-june
    month: 2024-06
    actor: us-gov
    question: Ban the GPU?
    options:
      - {id: ban, events: [{enact: ban}]}
      - {id: allow, events: []}
    historical: ban
)");
  const auto history = test::run_text(yaml);
  const auto branch = test::run_text(yaml, {{"ban-june", "allow"}});
  const std::size_t lab_cn = test::agent(history, "lab-cn");
  CHECK(test::at(history, MetricAxis::agent, "units_bought", 8, lab_cn) == 0.0);
  CHECK(test::at(branch, MetricAxis::agent, "units_bought", 8, lab_cn) == Approx(100.0));
  CHECK_THROWS_WITH(test::run_text(yaml, {{"ban-june", "maybe"}}),
                    Catch::Contains("decision 'ban-june' has no option 'maybe'"));
}
