#pragma once

#include <cstddef>

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

/// Whether `foundry` may make `product` for `chipmaker` in a fab in `fab_country`: not when an
/// export control in force prohibits the foundry's sale to the chipmaker's country (controls
/// with `fdpr` reach fabs anywhere).
inline bool may_serve(const World& world, const State& state, std::size_t foundry,
                      std::size_t fab_country, std::size_t chipmaker, std::size_t product) {
  return !sale_terms(world, state, product, foundry, fab_country, world.agent_country(chipmaker))
              .prohibited;
}

}  // namespace sim::world
