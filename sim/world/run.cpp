#include "sim/world/run.hpp"

#include <algorithm>
#include <cstddef>
#include <utility>
#include <vector>

#include "sim/engine/concat.hpp"
#include "sim/engine/errors.hpp"
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
    r.agent_kinds.emplace_back(kind_name(a.kind));
    r.agent_countries.push_back(a.country);
  }
  for (const ProductSpec& p : spec.products) {
    r.product_ids.push_back(p.id);
    r.product_tpp.push_back(p.tpp);
    r.product_h100e.push_back(p.h100e);
  }
  for (const PolicySpec& pol : spec.policies) r.policy_ids.push_back(pol.id);
  for (const DecisionSpec& d : spec.decisions)
    r.decisions.push_back({d.id, d.month.str(), d.actor, world.choices().at(d.id), d.historical});
  r.metrics = metric_catalogue();
  return r;
}

RunResults gather_results(const World& world, std::vector<ReplicateOutput> outputs) {
  RunResults results = describe_world(world, world.seed(), outputs.size());
  for (std::size_t m = 0; m < results.metrics.size(); ++m)
    for (ReplicateOutput& out : outputs)
      results.metrics[m].values.push_back(std::move(out.metric_values[m]));
  // the flows are most of a large run's memory: one replicate's are moved, and each
  // replicate's are freed as soon as they are copied
  if (outputs.size() == 1) {
    results.flows = std::move(outputs.front().flows);
  } else {
    std::size_t n_flows = 0;
    for (const ReplicateOutput& out : outputs) n_flows += out.flows.size();
    results.flows.reserve(n_flows);
    for (ReplicateOutput& out : outputs) {
      results.flows.insert(results.flows.end(), out.flows.begin(), out.flows.end());
      std::vector<FlowRecord>().swap(out.flows);
    }
  }
  for (ReplicateOutput& out : outputs)
    for (EventRecord& e : out.events) results.events.push_back(std::move(e));
  return results;
}

RunResults run_world(const World& world, const BehaviourRegistry& behaviours,
                     const RunOptions& options) {
  const std::uint64_t replicates = options.replicates.value_or(world.spec().scenario.replicates);
  const engine::Runner runner(world.calendar(), world.seed());

  if (!options.resume_from.empty() && options.resume_from.size() != replicates)
    throw ConfigError(concat("resuming ", replicates, " replicates needs as many checkpoints, not ",
                             options.resume_from.size()));
  std::vector<ReplicateOutput> outputs(replicates);
  std::vector<std::vector<Checkpoint>> checkpoints(replicates);
  engine::run_replicates(replicates, [&](std::uint64_t k) {
    const std::uint64_t r = options.first_replicate + k;
    Simulation sim(world, behaviours, r);
    if (!options.resume_from.empty()) sim.restore(options.resume_from[k]);
    for (int t = sim.next_step(); t < world.calendar().size(); ++t) {
      if (std::find(options.checkpoint_steps.begin(), options.checkpoint_steps.end(), t) !=
          options.checkpoint_steps.end())
        checkpoints[k].push_back({world.calendar().at(t).str(), r, sim.save()});
      runner.step(sim, r, t);
      if (k == 0 && options.first_replicate_flows)
        options.first_replicate_flows(sim.output().flows);
      if (options.progress) options.progress();
    }
    outputs[k] = sim.take_output();
  });

  RunResults results = gather_results(world, std::move(outputs));
  for (std::vector<Checkpoint>& taken : checkpoints)
    for (Checkpoint& c : taken) results.checkpoints.push_back(std::move(c));
  // by month (YYYY-MM sorts as text), then replicate
  std::stable_sort(results.checkpoints.begin(), results.checkpoints.end(),
                   [](const Checkpoint& a, const Checkpoint& b) { return a.month < b.month; });
  return results;
}

}  // namespace sim::world
