#pragma once

#include <cstddef>
#include <vector>

#include "sim/world/state.hpp"
#include "sim/world/world.hpp"

namespace sim::world {

/// What the policies in force say about one sale: a product made in `origin`, sold by `seller`
/// to a buyer in `destination`. The rule (docs/model.md, "Policy regime"): the strictest
/// treatment of all applicable export controls wins; every applicable export fee and tariff
/// applies and their rates add; import restrictions multiply.
struct SaleTerms {
  bool prohibited = false;
  std::vector<std::size_t> licences_needed;  ///< licence_required policies that apply
  std::vector<std::size_t> quotas;           ///< quota policies that apply
  double fee_rate = 0;  ///< share of the sale's revenue paid by the seller to the issuer
  std::vector<std::size_t> fee_policies;
  double tariff_rate = 0;  ///< ad valorem, paid by the buyer to the importing government
  std::vector<std::size_t> tariff_policies;
  double demand_factor = 1;  ///< product of applicable import restrictions

  /// True when no licence is needed, or every needed licence has been granted and is in effect.
  bool licensed(const State& state, std::size_t seller, std::size_t destination,
                std::size_t product) const;
};

/// Applies the policies in force in `state` to one sale.
SaleTerms sale_terms(const World& world, const State& state, std::size_t product,
                     std::size_t seller, std::size_t origin, std::size_t destination);

/// The share of a fab's capex that subsidies in force in `country` pay (at most 1).
double subsidy_share(const World& world, const State& state, std::size_t country);

/// Whether an approved licence for (policy, seller, destination, product) is in effect at
/// `state.step`.
bool licence_in_effect(const State& state, const LicenceKey& key);

}  // namespace sim::world
