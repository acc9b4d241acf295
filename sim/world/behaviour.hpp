#pragma once

#include <array>
#include <cstddef>
#include <memory>

#include "sim/engine/model.hpp"
#include "sim/engine/rng.hpp"
#include "sim/world/intents.hpp"
#include "sim/world/scenario.hpp"
#include "sim/world/state.hpp"
#include "sim/world/world.hpp"

namespace sim::world {

/// What an agent sees when it decides: the world and last month's state, read-only.
struct View {
  const World& world;
  const State& state;
  const engine::Step& step;
};

/// The behaviour of one kind of agent. Implementations live in `agents/` and must be
/// stateless: everything that persists is in `State`, everything random comes from `rng`.
class Behaviour {
 public:
  virtual ~Behaviour() = default;
  Behaviour() = default;
  Behaviour(const Behaviour&) = delete;
  Behaviour& operator=(const Behaviour&) = delete;

  /// Writes agent `self`'s intents for this month into `out` (already cleared).
  virtual void decide(const View& view, std::size_t self, Intent& out, engine::Rng& rng) const = 0;
};

/// Maps each agent kind to its behaviour. Filled by `agents::register_builtin` in `main`; no
/// static self-registration.
class BehaviourRegistry {
 public:
  void add(AgentKind kind, std::unique_ptr<Behaviour> behaviour) {
    slots_[static_cast<std::size_t>(kind)] = std::move(behaviour);
  }
  /// @throws ConfigError when no behaviour is registered for `kind`.
  const Behaviour& get(AgentKind kind) const;

 private:
  std::array<std::unique_ptr<Behaviour>, 4> slots_;
};

}  // namespace sim::world
