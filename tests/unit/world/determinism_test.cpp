#include <tbb/global_control.h>

#include <catch2/catch.hpp>
#include <span>
#include <vector>

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

TEST_CASE("run_world: first_replicate_flows sees the first replicate's flows month by month",
          "[world][parallel]") {
  // the chipmaker has nothing to sell in January (its first wafers are made then); from
  // February the two labs each buy from it every month: 2 flows a month, 22 in the year
  const sim::io::FileSource files;
  const sim::world::World world =
      sim::world::World::build(sim::io::load_scenario_text(test::two_lab_world(), "t.yaml", files));
  sim::world::BehaviourRegistry behaviours;
  agents::register_builtin(behaviours);
  sim::world::RunOptions options;
  options.replicates = 3;
  std::vector<std::size_t> sizes;
  std::vector<sim::world::FlowRecord> seen;
  options.first_replicate_flows = [&](std::span<const sim::world::FlowRecord> flows) {
    sizes.push_back(flows.size());
    seen.assign(flows.begin(), flows.end());
  };
  const tbb::global_control limit(tbb::global_control::max_allowed_parallelism, 2);
  const sim::world::RunResults r = sim::world::run_world(world, behaviours, options);

  std::vector<std::size_t> expected;
  for (std::size_t t = 0; t < 12; ++t) expected.push_back(2 * t);
  CHECK(sizes == expected);                        // once a month, on replicate 0 only
  REQUIRE(r.flows.size() == std::size_t{3} * 22);  // 3 replicates of 22 flows
  REQUIRE(seen.size() == 22);
  for (std::size_t i = 0; i < seen.size(); ++i) {  // the first 22 rows of the table
    CHECK(seen[i].replicate == 0);
    CHECK(seen[i].month == r.flows[i].month);
    CHECK(seen[i].buyer == r.flows[i].buyer);
    CHECK(seen[i].units == r.flows[i].units);
  }
  CHECK(r.flows[22].replicate == 1);
}
