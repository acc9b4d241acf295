#pragma once

#include <cstddef>
#include <vector>

#include "sim/engine/event_log.hpp"
#include "sim/engine/model.hpp"
#include "sim/world/behaviour.hpp"
#include "sim/world/intents.hpp"
#include "sim/world/policy_regime.hpp"
#include "sim/world/results.hpp"
#include "sim/world/state.hpp"
#include "sim/world/world.hpp"

namespace sim::world {

/// What one replicate produced: metric blocks (same order as `metric_catalogue()`), flows and
/// events.
struct ReplicateOutput {
  std::vector<std::vector<double>> metric_values;
  std::vector<FlowRecord> flows;
  std::vector<EventRecord> events;
};

/// The metrics every run records, with empty value blocks: axis, name, units, description.
std::vector<Metric> metric_catalogue();

/// One replicate of a scenario as an `engine::Model`: the world's rules for resolving, clearing
/// and accounting, with agents' decisions delegated to the registered behaviours.
class Simulation final : public engine::Model {
 public:
  Simulation(const World& world, const BehaviourRegistry& behaviours, std::uint64_t replicate);

  std::size_t agent_count() const override { return world_.agent_count(); }
  void observe(const engine::Step& step) override;
  void decide(const engine::Step& step, std::size_t agent, engine::Rng& rng) override;
  void resolve(const engine::Step& step, const engine::StreamFactory& streams) override;
  void account(const engine::Step& step) override;
  void record(const engine::Step& step) override;
  /// Checkpoints (sim/world/checkpoint.cpp): a Boost.Serialization binary archive of the state,
  /// the event log and the output recorded so far.
  std::string save() const override;
  void restore(std::string_view bytes) override;
  int next_step() const override { return next_step_; }

  const State& state() const { return state_; }
  /// The events logged so far and the output recorded so far (months up to next_step() - 1),
  /// for showing a run while it goes (chipsim replay).
  const std::vector<engine::LoggedEvent>& logged() const { return log_.entries(); }
  const ReplicateOutput& output() const { return output_; }
  /// Moves the recorded output out; call once after the last step.
  ReplicateOutput take_output();

 private:
  void apply_events(const engine::Step& step);
  void apply_decisions(const engine::Step& step);
  void accept_deal(const engine::Step& step, std::size_t deal, const std::string& why);
  void decide_licences(const engine::Step& step);
  void write_down_unsellable(const engine::Step& step);
  void produce(const engine::Step& step);
  void clear_market(const engine::Step& step);
  void request_licences(const engine::Step& step, const SaleTerms& terms, std::size_t seller,
                        std::size_t destination, std::size_t product);
  void log(const engine::Step& step, std::int64_t actor, const char* kind, std::string text);
  /// @throws ModelError naming the month, quantity and entity of the first value recorded for
  /// `step` that is not finite (NaN or infinite), so that none reaches the results.
  void require_finite(const engine::Step& step) const;
  void set_policy_active(const engine::Step& step, std::size_t policy, bool active,
                         const std::string& why);

  const World& world_;
  const BehaviourRegistry& behaviours_;
  std::uint64_t replicate_;
  State state_;
  std::vector<Intent> intents_;
  engine::EventLog log_;
  ReplicateOutput output_;
  int next_step_ = 0;
};

}  // namespace sim::world
