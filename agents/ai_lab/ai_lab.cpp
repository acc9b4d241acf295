#include "agents/ai_lab/ai_lab.hpp"

#include <algorithm>
#include <cmath>
#include <set>

#include "sim/world/capacity.hpp"
#include "sim/world/policy_regime.hpp"

namespace agents {

using namespace sim::world;

double AiLab::budget_usd(const View& view, std::size_t self) {
  const LabState& lab = view.state.labs[self];
  const AgentSpec& params = view.state.agent_params[self];
  const double months = view.step.index - lab.budget_base_step;
  return lab.budget_base_usd * std::pow(1.0 + params.budget_growth_per_year, months / 12.0);
}

void AiLab::decide(const View& view, std::size_t self, Intent& out,
                   sim::engine::Rng& /*rng*/) const {
  const World& world = view.world;
  const State& state = view.state;
  const std::size_t home = world.agent_country(self);
  out.carried_usd = state.labs[self].backlog_usd;
  out.budget_usd = budget_usd(view, self) + out.carried_usd;

  // every product on sale, from every country where its designer's foundries make its node
  for (std::size_t seller : world.agents_of(AgentKind::chipmaker)) {
    for (std::size_t product : world.products_of(seller)) {
      if (state.release_step[product] > view.step.index) continue;
      const ProductSpec& spec = world.product(product);
      if (spec.h100e <= 0) continue;
      for (std::size_t origin : origins_of(world, state, seller, product)) {
        const SaleTerms terms = sale_terms(world, state, product, seller, origin, home);
        // prohibited offers stay on the list: the market checks the rules in force when it
        // clears, which may have changed since last month
        if (terms.demand_factor <= 0) continue;
        const double price = state.chipmakers[seller].price_usd[product];
        out.bids.push_back(Bid{seller, product, origin, price * (1.0 + terms.tariff_rate)});
      }
    }
  }
  // best compute per landed dollar first; ties by (seller, product, origin) for determinism
  std::stable_sort(out.bids.begin(), out.bids.end(), [&](const Bid& a, const Bid& b) {
    const double va = world.product(a.product).h100e / a.landed_price_usd;
    const double vb = world.product(b.product).h100e / b.landed_price_usd;
    return va > vb;
  });
}

}  // namespace agents
