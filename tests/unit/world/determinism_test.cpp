#include <tbb/global_control.h>

#include <catch2/catch.hpp>

#include "tests/unit/world/world_fixture.hpp"

namespace {
sim::world::RunResults run_with_threads(const std::string& yaml, int threads) {
  tbb::global_control limit(tbb::global_control::max_allowed_parallelism,
                            static_cast<std::size_t>(threads));
  return test::run_text(yaml, {}, 4);
}
}  // namespace

TEST_CASE("world: the same seed gives bit-identical results at 1 and 2 threads",
          "[world][determinism][parallel]") {
  const std::string yaml = test::two_lab_world(R"(policies:
  - {id: lic, kind: export_control, issuer: usa, from: 2024-04, products: [gpu],
     destinations: [chn], treatment: licence_required,
     licence: {approval_probability: 0.5, delay_months: 1}}
)");
  const auto one = run_with_threads(yaml, 1);
  const auto two = run_with_threads(yaml, 2);
  REQUIRE(one.metrics.size() == two.metrics.size());
  for (std::size_t m = 0; m < one.metrics.size(); ++m) {
    INFO(one.metrics[m].name);
    CHECK(one.metrics[m].values == two.metrics[m].values);
  }
  REQUIRE(one.flows.size() == two.flows.size());
  for (std::size_t i = 0; i < one.flows.size(); ++i) {
    CHECK(one.flows[i].units == two.flows[i].units);
    CHECK(one.flows[i].buyer == two.flows[i].buyer);
  }
  REQUIRE(one.events.size() == two.events.size());
  for (std::size_t i = 0; i < one.events.size(); ++i)
    CHECK(one.events[i].text == two.events[i].text);
}
