#pragma once

#include "sim/world/behaviour.hpp"

namespace agents {

/// A chipmaker: prices its products and orders wafers to keep an order-up-to stock position
/// (docs/model.md, "Chipmakers").
class Chipmaker final : public sim::world::Behaviour {
 public:
  void decide(const sim::world::View& view, std::size_t self, sim::world::Intent& out,
              sim::engine::Rng& rng) const override;
};

}  // namespace agents
