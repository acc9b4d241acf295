// Common random numbers: replicate r of two scenarios draws the same random numbers wherever
// their models take the same path, so paired differences isolate the policy.
#include <catch2/catch.hpp>

#include "tests/unit/world/world_fixture.hpp"

using sim::world::MetricAxis;

namespace {

/// From 2024-03 the chn lab needs a licence that is granted with probability 1/2 (one draw a
/// month per licence), so replicates differ from each other.
const std::string licence = R"(policies:
  - {id: licence, kind: export_control, issuer: usa, from: 2024-03, products: [gpu],
     destinations: [chn], treatment: licence_required,
     licence: {approval_probability: 0.5, delay_months: 0}}
)";

/// The same, plus a 50% US tariff on chips from twn from 2024-09: a different scenario that
/// follows the same path until then.
const std::string licence_and_tariff =
    licence +
    R"(  - {id: tariff, kind: tariff, issuer: usa, from: 2024-09, origins: [twn], rate: 0.5}
)";

}  // namespace

TEST_CASE("crn: replicate r of two scenarios is identical until their policies differ",
          "[world][crn][determinism]") {
  constexpr std::uint64_t kReplicates = 6;
  const auto a = test::run_text(test::two_lab_world(licence), {}, kReplicates);
  const auto b = test::run_text(test::two_lab_world(licence_and_tariff), {}, kReplicates);
  const std::size_t cn = test::agent(a, "lab-cn");
  const std::size_t us = test::agent(a, "lab-us");
  const std::size_t september = 8;  // 2024-09
  REQUIRE(a.months[september] == "2024-09");

  // the licence draws make replicates differ (otherwise the test would prove nothing)
  bool replicates_differ = false;
  for (std::uint64_t r = 1; r < kReplicates; ++r)
    for (std::size_t t = 0; t < september; ++t)
      replicates_differ =
          replicates_differ || test::at(a, MetricAxis::agent, "units_bought", t, cn, r) !=
                                   test::at(a, MetricAxis::agent, "units_bought", t, cn, 0);
  CHECK(replicates_differ);

  // before the tariff, every metric of every replicate is bit-identical across the scenarios
  for (std::size_t m = 0; m < a.metrics.size(); ++m) {
    const auto& ma = a.metrics[m];
    const auto& mb = b.metrics[m];
    REQUIRE(ma.name == mb.name);
    const std::size_t width = a.width(ma.axis);
    if (ma.axis == MetricAxis::policy) continue;  // b has one more policy
    for (std::uint64_t r = 0; r < kReplicates; ++r)
      for (std::size_t t = 0; t < september; ++t)
        for (std::size_t i = 0; i < width; ++i) {
          INFO(ma.name << " replicate " << r << " month " << a.months[t] << " entry " << i);
          CHECK(ma.values[r][t * width + i] == mb.values[r][t * width + i]);
        }
  }
  // and from the tariff on, US labs pay it in b only
  for (std::uint64_t r = 0; r < kReplicates; ++r) {
    CHECK(test::at(a, MetricAxis::agent, "tariffs_paid_usd", september, us, r) == 0.0);
    CHECK(test::at(b, MetricAxis::agent, "tariffs_paid_usd", september, us, r) > 0.0);
  }
}
