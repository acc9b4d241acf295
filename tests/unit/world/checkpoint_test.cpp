#include <catch2/catch.hpp>
#include <string>

#include "sim/engine/errors.hpp"
#include "sim/world/simulation.hpp"
#include "tests/unit/world/world_fixture.hpp"

namespace {

/// The two-lab world with randomness (licences granted half the time), a parameter changed by
/// an event before the checkpoint, a deal and a decision after it.
std::string branching_world() {
  return test::two_lab_world(R"(policies:
  - {id: lic, kind: export_control, issuer: usa, from: 2024-03, products: [gpu],
     destinations: [chn], treatment: licence_required,
     licence: {approval_probability: 0.5, delay_months: 1}}
  - {id: ban, kind: export_control, issuer: usa, products: [gpu], destinations: [chn],
     treatment: prohibited}
events:
  - {month: 2024-04, set: {agents.lab-us.budget_usd_per_month: 2.4e6}}
decisions:
  - id: ban-june
    month: 2024-06
    actor: us-gov
    question: Ban the GPU for China?
    options:
      - {id: ban, events: [{enact: ban}]}
      - {id: keep, events: []}
    historical: keep
)");
}

struct Setup {
  sim::world::World world;
  sim::world::BehaviourRegistry behaviours;
  sim::engine::Runner runner;

  explicit Setup(const sim::world::Choices& choices = {})
      : world(sim::world::World::build(
            sim::io::load_scenario_text(branching_world(), "test.yaml", sim::io::FileSource()),
            choices)),
        runner(world.calendar(), world.seed()) {
    agents::register_builtin(behaviours);
  }
};

/// Runs `sim` from its next step to the end and returns its output.
sim::world::ReplicateOutput finish(const Setup& s, sim::world::Simulation& sim,
                                   std::uint64_t replicate) {
  s.runner.run(sim, replicate, sim.next_step());
  return sim.take_output();
}

void require_identical(const sim::world::ReplicateOutput& a, const sim::world::ReplicateOutput& b) {
  REQUIRE(a.metric_values.size() == b.metric_values.size());
  const std::vector<sim::world::Metric> names = sim::world::metric_catalogue();
  for (std::size_t m = 0; m < a.metric_values.size(); ++m) {
    INFO(names[m].name);
    CHECK(a.metric_values[m] == b.metric_values[m]);  // bit for bit
  }
  REQUIRE(a.flows.size() == b.flows.size());
  for (std::size_t i = 0; i < a.flows.size(); ++i) {
    CHECK(a.flows[i].month == b.flows[i].month);
    CHECK(a.flows[i].buyer == b.flows[i].buyer);
    CHECK(a.flows[i].units == b.flows[i].units);
    CHECK(a.flows[i].value_usd == b.flows[i].value_usd);
  }
  REQUIRE(a.events.size() == b.events.size());
  for (std::size_t i = 0; i < a.events.size(); ++i) {
    CHECK(a.events[i].month == b.events[i].month);
    CHECK(a.events[i].text == b.events[i].text);
  }
}

}  // namespace

TEST_CASE("checkpoint: a simulation restored mid-run continues bit-identically",
          "[world][checkpoint]") {
  const Setup s;
  const std::uint64_t replicate = 3;
  sim::world::Simulation whole(s.world, s.behaviours, replicate);
  const sim::world::ReplicateOutput expected = finish(s, whole, replicate);

  // stop at the start of 2024-05: after the budget change and some licence draws
  sim::world::Simulation first(s.world, s.behaviours, replicate);
  for (int t = 0; t < 4; ++t) s.runner.step(first, replicate, t);
  const std::string bytes = first.save();

  sim::world::Simulation second(s.world, s.behaviours, replicate);
  second.restore(bytes);
  CHECK(second.next_step() == 4);
  // the live budget set by the April event came back, not the scenario's 1.2M
  const std::size_t lab_us = s.world.agent_index("lab-us");
  CHECK(second.state().agent_params[lab_us].budget_usd_per_month == 2.4e6);
  CHECK(second.state().labs[lab_us].budget_base_usd == 2.4e6);
  require_identical(finish(s, second, replicate), expected);
}

TEST_CASE("checkpoint: branching at a decision equals a run that took the option from the start",
          "[world][checkpoint]") {
  const Setup history;  // ban-june: keep
  const Setup branch(sim::world::Choices{{"ban-june", "ban"}});
  const std::uint64_t replicate = 0;

  // the historical run, stopped at the start of June (step 5), continued in the other world
  sim::world::Simulation past(history.world, history.behaviours, replicate);
  for (int t = 0; t < 5; ++t) history.runner.step(past, replicate, t);
  sim::world::Simulation continued(branch.world, branch.behaviours, replicate);
  continued.restore(past.save());
  const sim::world::ReplicateOutput branched = finish(branch, continued, replicate);

  sim::world::Simulation direct(branch.world, branch.behaviours, replicate);
  const sim::world::ReplicateOutput expected = finish(branch, direct, replicate);
  require_identical(branched, expected);

  // and the branch differs from history: from July on, no chips reach the Chinese lab
  sim::world::Simulation kept(history.world, history.behaviours, replicate);
  const sim::world::ReplicateOutput historical = finish(history, kept, replicate);
  CHECK(historical.metric_values != branched.metric_values);
}

TEST_CASE("checkpoint: a checkpoint restores only into its own scenario and replicate",
          "[world][checkpoint]") {
  const Setup s;
  sim::world::Simulation sim(s.world, s.behaviours, 1);
  s.runner.step(sim, 1, 0);
  const std::string bytes = sim.save();

  sim::world::Simulation other_replicate(s.world, s.behaviours, 2);
  CHECK_THROWS_WITH(other_replicate.restore(bytes), Catch::Contains("it is of replicate 1, not 2"));

  const sim::world::World longer = sim::world::World::build(sim::io::load_scenario_text(
      test::two_lab_world("", "2024-01", "2025-06"), "test.yaml", sim::io::FileSource()));
  sim::world::Simulation other_world(longer, s.behaviours, 1);
  CHECK_THROWS_AS(other_world.restore(bytes), sim::IoError);

  sim::world::Simulation damaged(s.world, s.behaviours, 1);
  CHECK_THROWS_AS(damaged.restore(bytes.substr(0, bytes.size() / 2)), sim::IoError);
  CHECK_THROWS_AS(damaged.restore("not a checkpoint"), sim::IoError);
}
