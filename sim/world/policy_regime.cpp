#include "sim/world/policy_regime.hpp"

#include <algorithm>

namespace sim::world {

namespace {

bool exempt(const State& state, std::size_t policy, std::size_t agent) {
  return state.exempt.contains({policy, agent});
}

double pledged_in(const State& state, std::size_t agent, std::size_t issuer) {
  const auto& by_country = state.pledged_in[agent];
  const auto it = by_country.find(issuer);
  return it == by_country.end() ? 0.0 : it->second;
}

bool exempt_by_pledge(const World& world, const State& state, std::size_t seller,
                      std::size_t origin, std::size_t issuer, double threshold) {
  if (pledged_in(state, seller, issuer) >= threshold) return true;
  for (std::size_t foundry : world.foundries_of(seller)) {
    bool makes_there = false;
    for (const Fab& fab : world.fabs_of(foundry))
      makes_there = makes_there || fab.country == origin;
    for (const Fab& fab : state.built_fabs[foundry])
      makes_there = makes_there || fab.country == origin;
    if (makes_there && pledged_in(state, foundry, issuer) >= threshold) return true;
  }
  return false;
}

}  // namespace

double subsidy_share(const World& world, const State& state, std::size_t country) {
  double share = 0;
  for (std::size_t i = 0; i < world.policies().size(); ++i)
    if (state.policy_active[i] && state.policy_params[i].kind == PolicyKind::subsidy &&
        world.policies()[i].issuer == country)
      share += state.policy_params[i].fab_capex_share;
  return std::min(1.0, share);
}

bool licence_in_effect(const State& state, const LicenceKey& key) {
  const auto it = state.licences.find(key);
  return it != state.licences.end() && it->second.approved && it->second.decided_step <= state.step;
}

bool SaleTerms::licensed(const State& state, std::size_t seller, std::size_t destination,
                         std::size_t product) const {
  return std::ranges::all_of(licences_needed, [&](std::size_t policy) {
    return licence_in_effect(state, LicenceKey{policy, seller, destination, product});
  });
}

SaleTerms sale_terms(const World& world, const State& state, std::size_t product,
                     std::size_t seller, std::size_t origin, std::size_t destination) {
  SaleTerms terms;
  const std::size_t seller_country = world.agent_country(seller);
  // a chipmaker sells a product only in its markets (the China-only chips); a foundry's sale
  // of wafers is not such a sale
  if (world.agent(seller).kind == AgentKind::chipmaker && !world.sold_in(product, destination))
    terms.prohibited = true;
  const auto& policies = world.policies();
  for (std::size_t i = 0; i < policies.size(); ++i) {
    if (!state.policy_active[i]) continue;
    const Policy& pol = policies[i];
    if (!pol.covers[product] || exempt(state, i, seller)) continue;
    const PolicySpec& spec = state.policy_params[i];
    switch (spec.kind) {
      case PolicyKind::export_control: {
        // an export: the issuer has jurisdiction where the seller sits or the chip was made
        const bool is_export = destination != seller_country;
        const bool jurisdiction = spec.fdpr || pol.issuer == seller_country || pol.issuer == origin;
        if (!is_export || !jurisdiction || !pol.to_country[destination]) break;
        switch (spec.treatment) {
          case Treatment::allowed:
            break;
          case Treatment::prohibited:
            terms.prohibited = true;
            break;
          case Treatment::licence_required:
            terms.licences_needed.push_back(i);
            break;
          case Treatment::quota:
            terms.quotas.push_back(i);
            break;
        }
        break;
      }
      case PolicyKind::export_fee:
        if (pol.issuer == seller_country && destination != seller_country &&
            pol.to_country[destination]) {
          terms.fee_rate += spec.rate;
          terms.fee_policies.push_back(i);
        }
        break;
      case PolicyKind::tariff: {
        if (pol.issuer != destination || origin == destination || !pol.from_origin[origin]) break;
        // exempt: the seller, or a foundry of its that makes chips in the origin country, has
        // pledged enough investment in the importing country
        const auto& threshold = spec.exempt.pledged_in_issuer_usd_at_least;
        if (threshold && exempt_by_pledge(world, state, seller, origin, pol.issuer, *threshold))
          break;
        terms.tariff_rate += spec.rate;
        terms.tariff_policies.push_back(i);
        break;
      }
      case PolicyKind::import_restriction:
        if (pol.issuer == destination) terms.demand_factor *= spec.demand_factor;
        break;
      case PolicyKind::subsidy:
      case PolicyKind::cost_shock:
        break;  // act on fab investment and production costs, not on sales
    }
  }
  return terms;
}

}  // namespace sim::world
