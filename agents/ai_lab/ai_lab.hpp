#pragma once

#include "sim/world/behaviour.hpp"

namespace agents {

/// An AI lab: spends its monthly budget on the best compute per landed dollar it can get.
/// Budget: B(t) = B0 (1 + g)^((t - t0) / 12) (docs/model.md, "AI labs").
class AiLab final : public sim::world::Behaviour {
 public:
  void decide(const sim::world::View& view, std::size_t self, sim::world::Intent& out,
              sim::engine::Rng& rng) const override;

  /// The lab's budget in month `step`.
  static double budget_usd(const sim::world::View& view, std::size_t self);
};

}  // namespace agents
