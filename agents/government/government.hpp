#pragma once

#include <cstddef>
#include <vector>

#include "sim/world/behaviour.hpp"

namespace agents {

/// A government (docs/model.md, "Governments").
///
/// `scripted`: its policies change only through the scenario's dated events and decisions,
/// which the resolve phase applies; it refuses every deal offered to it, so the deals it
/// accepts are exactly those an `accept_deal` event accepts.
///
/// `adaptive`: every month it answers the deals offered to it, and in review months
/// (`step % review_every_months == review_every_months - 1`) it may also enact or repeal one
/// policy of its playbook. Each candidate action is scored by the utility gain
/// `w_s ΔS + w_e ΔE + w_r ΔR` against a forecast of the labs' purchases over the next
/// `kHorizonMonths`; it takes the single best action when its gain exceeds `kMinGain`.
class Government final : public sim::world::Behaviour {
 public:
  /// Months over which an adaptive government weighs an action's effects.
  static constexpr double kHorizonMonths = 12.0;
  /// Smallest utility gain an adaptive government acts on (ignores rounding noise).
  static constexpr double kMinGain = 1e-9;

  /// The changes an action would bring, each a component of the utility (docs/model.md).
  struct Effects {
    double security = 0;  ///< ΔS: change in log(own bloc's / rival bloc's projected compute)
    double economy = 0;   ///< ΔE: domestic value added and investment, share of world spend
    double revenue = 0;   ///< ΔR: fees and tariffs collected, share of world spend
  };

  /// A candidate action of an adaptive government and what it is expected to bring.
  struct Candidate {
    bool is_deal = false;   ///< accept deal `index`; otherwise toggle policy `index`
    std::size_t index = 0;  ///< policy or deal index
    bool enact = false;     ///< for a policy: enact (true) or repeal (false)
    Effects effects;        ///< its expected effects
    double utility = 0;     ///< w_s ΔS + w_e ΔE + w_r ΔR
  };

  void decide(const sim::world::View& view, std::size_t self, sim::world::Intent& out,
              sim::engine::Rng& rng) const override;

  /// Whether an adaptive government reviews its policies in the month of `view.step`.
  static bool is_review_month(const sim::world::View& view, std::size_t self);

  /// Every action government `self` may take this month with its expected effects: toggling
  /// each playbook policy issued by its country (review months only), then accepting each
  /// deal pending with it; in policy then deal index order.
  static std::vector<Candidate> candidates(const sim::world::View& view, std::size_t self);
};

}  // namespace agents
