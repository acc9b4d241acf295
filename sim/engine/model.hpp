#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "sim/engine/month.hpp"
#include "sim/engine/rng.hpp"

namespace sim::engine {

/// Where the simulation is: the step index, its month and the replicate being run.
struct Step {
  int index = 0;
  Month month;
  std::uint64_t replicate = 0;
};

/// One replicate of a simulation, stepped month by month by `Runner`. The engine knows nothing
/// of what the agents are; it only calls the phases in order (DESIGN.md, "One step").
///
/// Contract: `decide` is called concurrently for distinct agents and must only read the view
/// built by `observe` and write the calling agent's own intent buffer. All other phases run on
/// one thread.
class Model {
 public:
  virtual ~Model() = default;
  Model() = default;
  Model(const Model&) = delete;
  Model& operator=(const Model&) = delete;

  virtual std::size_t agent_count() const = 0;
  /// Phase 1: freeze last month's state into the read-only view agents decide from.
  virtual void observe(const Step& step) = 0;
  /// Phase 2: agent `agent` writes its intents, drawing only from `rng`.
  virtual void decide(const Step& step, std::size_t agent, Rng& rng) = 0;
  /// Phase 3: scripted events, deals, licences and market clearing, in agent-id order.
  virtual void resolve(const Step& step, const StreamFactory& streams) = 0;
  /// Phase 4: revenues, inventories, write-downs, stocks and depreciation.
  virtual void account(const Step& step) = 0;
  /// Phase 5: metrics, flows and events of the month.
  virtual void record(const Step& step) = 0;

  /// Checkpoints. `save` returns the model's complete state between two steps as bytes;
  /// `restore` puts such bytes back into a model built for the same world and replicate, which
  /// then continues from `next_step()` exactly as the saved model would have: stepping on gives
  /// bit-identical results (the random streams are keyed by step, so they need no saving).
  virtual std::string save() const = 0;
  /// @throws sim::IoError when the bytes are not a checkpoint of this model's world.
  virtual void restore(std::string_view bytes) = 0;
  /// The step the model runs next: 0 when new, k + 1 after step k.
  virtual int next_step() const = 0;
};

}  // namespace sim::engine
