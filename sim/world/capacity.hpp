#pragma once

#include <algorithm>
#include <cstddef>
#include <set>

#include "sim/world/policy_regime.hpp"
#include "sim/world/state.hpp"
#include "sim/world/world.hpp"

namespace sim::world {

/// Calls `f(fab)` for every fab of `foundry` operating at `step`: the scenario's fabs and those
/// the foundry built during the run, in that order.
template <typename F>
void for_each_operating_fab(const World& world, const State& state, std::size_t foundry, int step,
                            F&& f) {
  for (const Fab& fab : world.fabs_of(foundry))
    if (fab.first_step <= step && step <= fab.last_step) f(fab);
  for (const Fab& fab : state.built_fabs[foundry])
    if (fab.first_step <= step && step <= fab.last_step) f(fab);
}

/// The countries where `seller`'s product could be made: those with a fab (the scenario's or
/// one built during the run, at any time) of one of its foundries on the product's node.
inline std::set<std::size_t> origins_of(const World& world, const State& state, std::size_t seller,
                                        std::size_t product) {
  std::set<std::size_t> origins;
  const std::size_t node = world.product_node(product);
  for (std::size_t foundry : world.foundries_of(seller)) {
    for (const Fab& fab : world.fabs_of(foundry))
      if (fab.node == node) origins.insert(fab.country);
    for (const Fab& fab : state.built_fabs[foundry])
      if (fab.node == node) origins.insert(fab.country);
  }
  return origins;
}

/// Whether `foundry` may make `product` for `chipmaker` in `fab`: not when the fab is reserved
/// for other chipmakers, nor when an export control in force prohibits the foundry's sale to
/// the chipmaker's country (controls with `fdpr` reach fabs anywhere).
inline bool may_serve(const World& world, const State& state, std::size_t foundry, const Fab& fab,
                      std::size_t chipmaker, std::size_t product) {
  if (!fab.customers.empty() &&
      std::find(fab.customers.begin(), fab.customers.end(), chipmaker) == fab.customers.end())
    return false;
  return !sale_terms(world, state, product, foundry, fab.country, world.agent_country(chipmaker))
              .prohibited;
}

/// Wafers a month `foundry` can start for `chipmaker`'s `product` at `step`: its operating fabs
/// on the product's node that may serve the chipmaker.
inline double serving_capacity(const World& world, const State& state, std::size_t foundry,
                               std::size_t chipmaker, std::size_t product, int step) {
  double wafers = 0;
  for_each_operating_fab(world, state, foundry, step, [&](const Fab& fab) {
    if (fab.node == world.product_node(product) &&
        may_serve(world, state, foundry, fab, chipmaker, product))
      wafers += fab.wafers_per_month;
  });
  return wafers;
}

}  // namespace sim::world
