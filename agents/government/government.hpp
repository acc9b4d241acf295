#pragma once

#include "sim/world/behaviour.hpp"

namespace agents {

/// A government. In `scripted` mode its policies change only through the scenario's dated
/// events and decisions, which the resolve phase applies.
class Government final : public sim::world::Behaviour {
 public:
  void decide(const sim::world::View& view, std::size_t self, sim::world::Intent& out,
              sim::engine::Rng& rng) const override;
};

}  // namespace agents
