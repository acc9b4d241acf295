#pragma once

#include "sim/world/behaviour.hpp"

namespace agents {

/// A foundry. Its capacity allocation is a market rule (pro rata per node, applied in the
/// resolve phase); it has no discretionary decisions until fab investment is modelled.
class Foundry final : public sim::world::Behaviour {
 public:
  void decide(const sim::world::View& view, std::size_t self, sim::world::Intent& out,
              sim::engine::Rng& rng) const override;
};

}  // namespace agents
