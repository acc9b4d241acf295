#include "sim/world/run.hpp"

#include <vector>

#include "sim/world/simulation.hpp"

namespace sim::world {

RunResults describe_world(const World& world, std::uint64_t seed, std::uint64_t replicates) {
  const ScenarioSpec& spec = world.spec();
  RunResults r;
  r.scenario_name = spec.scenario.name;
  r.seed = seed;
  r.replicates = replicates;
  r.resolved_yaml = spec.resolved_yaml;
  for (int t = 0; t < world.calendar().size(); ++t)
    r.months.push_back(world.calendar().at(t).str());
  for (const CountrySpec& c : spec.countries) {
    r.country_ids.push_back(c.id);
    r.country_blocs.push_back(c.bloc);
  }
  for (const AgentSpec& a : spec.agents) {
    r.agent_ids.push_back(a.id);
    r.agent_kinds.push_back(kind_name(a.kind));
    r.agent_countries.push_back(a.country);
  }
  for (const ProductSpec& p : spec.products) {
    r.product_ids.push_back(p.id);
    r.product_tpp.push_back(p.tpp);
    r.product_h100e.push_back(p.h100e);
  }
  for (const PolicySpec& pol : spec.policies) r.policy_ids.push_back(pol.id);
  r.metrics = metric_catalogue();
  return r;
}

RunResults run_world(const World& world, const BehaviourRegistry& behaviours,
                     const RunOptions& options) {
  const std::uint64_t replicates = options.replicates.value_or(world.spec().scenario.replicates);
  const engine::Runner runner(world.calendar(), world.seed());

  std::vector<ReplicateOutput> outputs(replicates);
  engine::run_replicates(replicates, [&](std::uint64_t k) {
    const std::uint64_t r = options.first_replicate + k;
    Simulation sim(world, behaviours, r);
    runner.run(sim, r, 0, options.progress);
    outputs[k] = sim.take_output();
  });

  RunResults results = describe_world(world, world.seed(), replicates);
  for (std::size_t m = 0; m < results.metrics.size(); ++m)
    for (ReplicateOutput& out : outputs)
      results.metrics[m].values.push_back(std::move(out.metric_values[m]));
  for (ReplicateOutput& out : outputs) {
    results.flows.insert(results.flows.end(), out.flows.begin(), out.flows.end());
    for (EventRecord& e : out.events) results.events.push_back(std::move(e));
  }
  return results;
}

}  // namespace sim::world
