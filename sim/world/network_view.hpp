#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "sim/world/behaviour.hpp"
#include "sim/world/state.hpp"
#include "sim/world/supply_network.hpp"
#include "sim/world/world.hpp"

/// The supply network of one month as a capacity network, and its chokepoints
/// (docs/model.md, "Supply network and chokepoints").
namespace sim::world {

/// Converts H100e per month to the capacity network's integer unit (one H100e per month),
/// rounding to the nearest unit; values at or above `SupplyNetwork::kUnbounded` stay unbounded.
std::int64_t to_network_units(double h100e_per_month);

/// The supply network of month `step` in `state` as a capacity network, in H100e per month:
///
///   source → fab → chipmaker → market (country with labs) → lab → sink, and for diversion
///   chipmaker → transit → transit (out) → market.
///
/// Rules (docs/model.md, "Supply network and chokepoints"):
/// - a fab is in the network while it operates and can make a product on sale (released, or a
///   design-around variant launched, by `step`: `State::release_step`) of a chipmaker
///   that may order from its foundry and that the foundry may serve (`sale_terms` of the
///   product from the foundry, made in the fab's country, to the chipmaker's country, is not
///   prohibited); its capacity is wafers per month × the best chips per wafer × h100e among
///   those products; the fab → chipmaker edge carries that chipmaker's best product;
/// - a chipmaker has one node per country its fabs are in (chips from different origins face
///   different controls and tariffs); it is labelled `ID` when all its fabs are in one
///   country and `ID (ORIGIN)` otherwise;
/// - chipmaker → market: when some product made there is legal to the market, or needs
///   licences that are all granted and in effect (channel `licensed`), and the importer does
///   not ban it (demand factor > 0); capacity = sum over its fabs of wafers × the best such
///   product, bounded by any quota's room left; cost = the lowest landed cost per H100e,
///   price × (1 + tariff rate) / h100e, in USD;
/// - diversion: a transit country x with enforcement e < 1 (and a positive
///   `model.diversion_capacity_h100e_per_month`) re-exports a product that is usable in x but
///   not in a market d ≠ x whose labs accept diverted chips (risk tolerance > 0); the edge
///   transit x → transit x (out) carries (1 − e) × the diversion capacity; cost = price ×
///   (1 + diversion risk premium) / (1 − e) / h100e;
/// - market → lab and lab → sink are unbounded: the network measures what supply and policy
///   can deliver, not what budgets buy.
SupplyNetwork capacity_network(const World& world, const State& state, int step);

/// What an edge of a network stands for, for reports: the fab for a source edge, the lab for
/// a sink edge, `diversion via X` for a transit's capacity, otherwise `FROM -> TO`.
std::string describe_edge(const SupplyNetwork& network, std::size_t edge);

/// The minimum cut between all fabs and the labs of one bloc.
struct Chokepoint {
  std::string bloc;
  std::int64_t max_flow = 0;  ///< H100e per month that can reach the bloc's labs
  /// What each cut edge stands for (see `describe_edge`), largest capacity first, then by name.
  std::vector<std::string> cut;
  std::vector<std::int64_t> cut_capacity;  ///< H100e per month, one per entry of `cut`
};

/// For each bloc with labs (in name order), the minimum cut between the source (all fabs) and
/// a sink fed by that bloc's labs alone: the facilities and routes whose loss cuts the most
/// compute. `network` must come from `capacity_network`.
std::vector<Chokepoint> chokepoints(const World& world, const SupplyNetwork& network);

/// `chokepoints(world, capacity_network(world, state, step))`.
std::vector<Chokepoint> chokepoints(const World& world, const State& state, int step);

/// Runs replicate `replicate` of `world` from its first month up to and including month
/// `step` and returns the state it leaves (the policies, licences and prices in force that
/// month). Requires 0 <= step < world.calendar().size().
State state_after(const World& world, const BehaviourRegistry& behaviours, int step,
                  std::uint64_t replicate = 0);

}  // namespace sim::world
