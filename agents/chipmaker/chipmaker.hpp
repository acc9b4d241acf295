#pragma once

#include <vector>

#include "sim/world/behaviour.hpp"

namespace agents {

/// A chipmaker: prices its products and orders wafers to keep an order-up-to stock position
/// (docs/model.md, "Chipmakers").
class Chipmaker final : public sim::world::Behaviour {
 public:
  void decide(const sim::world::View& view, std::size_t self, sim::world::Intent& out,
              sim::engine::Rng& rng) const override;

  /// Next month's price of `product`: last price x (1 - a x excess), where excess is the stock
  /// in months of forecast demand above target, relative to target, clamped to [-1, 2]; kept
  /// within [unit cost x (1 + min margin), list price x max multiple].
  static double next_price(const sim::world::View& view, std::size_t self, std::size_t product);

  /// Design-around variants to launch now: those whose control has been in force for
  /// design_lag_months, cutting off a market with labs, when the chipmaker sells nothing
  /// comparable (at least half the variant's H100e) that the control does not cover.
  static std::vector<std::size_t> variants_to_launch(const sim::world::View& view,
                                                     std::size_t self);

  /// Deals to offer now: those whose expected profit saved over the horizon exceeds the
  /// pledge's real cost (pledge x pledge_cost_share).
  static std::vector<std::size_t> deals_to_offer(const sim::world::View& view, std::size_t self);
};

}  // namespace agents
