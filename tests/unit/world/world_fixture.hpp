#pragma once

#include <string>

#include "agents/register.hpp"
#include "sim/io/scenario_loader.hpp"
#include "sim/world/run.hpp"
#include "sim/world/world.hpp"

namespace test {

/// A two-country world a person can follow by hand: one foundry with ample capacity and no
/// production lag, one chipmaker selling one product at $12,000 (h100e 1, TPP 16000), a lab in
/// `usa` and a lab in `chn`, each with a budget of $1.2M a month (100 chips), no growth, and
/// compute that practically never retires. `extra` is appended (policies, events...).
inline std::string two_lab_world(const std::string& extra = "",
                                 const std::string& months = "2024-01",
                                 const std::string& end = "2024-12") {
  return R"(scenario:
  name: two-labs
  start: )" +
         months + R"(
  end: )" +
         end + R"(
  seed: 7
countries:
  - {id: usa, bloc: west}
  - {id: chn, bloc: china}
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
    fabs: [{id: f1, country: twn, node: n4, wafers_per_month: 1000000}]
  - {id: lab-us, kind: ai_lab, country: usa, budget_usd_per_month: 1.2e6,
     depreciation_life_months: 1.0e12}
  - {id: lab-cn, kind: ai_lab, country: chn, budget_usd_per_month: 1.2e6,
     depreciation_life_months: 1.0e12}
)" + extra;
}

inline sim::world::RunResults run_text(const std::string& yaml,
                                       const sim::world::Choices& choices = {},
                                       std::uint64_t replicates = 1) {
  const sim::io::FileSource files;
  sim::world::World world =
      sim::world::World::build(sim::io::load_scenario_text(yaml, "test.yaml", files), choices);
  sim::world::BehaviourRegistry behaviours;
  agents::register_builtin(behaviours);
  sim::world::RunOptions options;
  options.replicates = replicates;
  return sim::world::run_world(world, behaviours, options);
}

/// value(t, i) of a metric in replicate 0.
inline double at(const sim::world::RunResults& r, sim::world::MetricAxis axis, const char* name,
                 std::size_t month, std::size_t index, std::size_t replicate = 0) {
  const sim::world::Metric* m = r.find(axis, name);
  REQUIRE(m != nullptr);
  return m->values[replicate][month * r.width(axis) + index];
}

inline std::size_t agent(const sim::world::RunResults& r, const std::string& id) {
  for (std::size_t i = 0; i < r.agent_ids.size(); ++i)
    if (r.agent_ids[i] == id) return i;
  FAIL("no agent " << id);
  return 0;
}

}  // namespace test
