#pragma once

#include <vector>

#include "sim/world/behaviour.hpp"

namespace agents {

/// A foundry. Wafer allocation is a market rule applied in the resolve phase (priority tiers,
/// pro rata within one); the foundry's own decision is where and when to build its next fab
/// (docs/model.md, "Foundries").
class Foundry final : public sim::world::Behaviour {
 public:
  void decide(const sim::world::View& view, std::size_t self, sim::world::Intent& out,
              sim::engine::Rng& rng) const override;

  /// Profit over the expansion horizon of each choice: index 0 builds nothing, index i + 1
  /// builds at expansion site i. Profit = horizon x sum over origins of capacity x revenue a
  /// wafer x gross margin x (1 - tariff burden of that origin), less the site's capex net of
  /// subsidies.
  static std::vector<double> site_profits(const sim::world::View& view, std::size_t self);
};

}  // namespace agents
