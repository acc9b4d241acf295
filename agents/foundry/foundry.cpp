#include "agents/foundry/foundry.hpp"

#include <algorithm>
#include <map>

#include "sim/world/capacity.hpp"
#include "sim/world/policy_regime.hpp"

namespace agents {

using namespace sim::world;

namespace {

/// Revenue one wafer of `node` brings the foundry: the best chips-per-wafer x unit cost among
/// the released products its customers make on that node.
double revenue_per_wafer(const View& view, std::size_t self, std::size_t node) {
  const World& world = view.world;
  double best = 0;
  for (std::size_t cm : world.agents_of(AgentKind::chipmaker)) {
    const auto& foundries = world.foundries_of(cm);
    if (std::find(foundries.begin(), foundries.end(), self) == foundries.end()) continue;
    for (std::size_t p : world.products_of(cm)) {
      if (world.product_node(p) != node || view.state.release_step[p] > view.step.index) continue;
      const ProductSpec& spec = world.product(p);
      best = std::max(best, spec.chips_per_wafer * spec.unit_cost_usd);
    }
  }
  return best;
}

/// Share of the foundry's revenue lost to tariffs on chips made in `origin`: the tariff rates
/// the importers charge, weighted by each importer's share of last month's deliveries, unless
/// the foundry's pledges there (plus `extra_pledge` in `extra_country`) earn an exemption.
double tariff_burden(const View& view, std::size_t self, std::size_t origin,
                     std::size_t extra_country, double extra_pledge) {
  const World& world = view.world;
  const State& state = view.state;
  const std::size_t n = world.country_count();
  std::vector<double> delivered(n, 0.0);
  double total = 0;
  for (std::size_t p = 0; p < world.product_count(); ++p)
    for (std::size_t d = 0; d < n; ++d) {
      delivered[d] += state.last_month.delivered_h100e[p * n + d];
      total += state.last_month.delivered_h100e[p * n + d];
    }
  if (total <= 0) return 0;
  double burden = 0;
  for (std::size_t i = 0; i < world.policies().size(); ++i) {
    const PolicySpec& spec = state.policy_params[i];
    const Policy& pol = world.policies()[i];
    if (!state.policy_active[i] || spec.kind != PolicyKind::tariff) continue;
    if (pol.issuer == origin || !pol.from_origin[origin] || delivered[pol.issuer] <= 0) continue;
    if (spec.exempt.pledged_in_issuer_usd_at_least) {
      const auto it = state.pledged_in[self].find(pol.issuer);
      double pledged = it == state.pledged_in[self].end() ? 0.0 : it->second;
      if (extra_country == pol.issuer) pledged += extra_pledge;
      if (pledged >= *spec.exempt.pledged_in_issuer_usd_at_least) continue;
    }
    burden += spec.rate * delivered[pol.issuer] / total;
  }
  return std::min(1.0, burden);
}

}  // namespace

std::vector<double> Foundry::site_profits(const View& view, std::size_t self) {
  const World& world = view.world;
  const State& state = view.state;
  const AgentSpec& params = state.agent_params[self];
  std::vector<double> profits;
  if (!params.expansion) return profits;
  const ExpansionSpec& exp = *params.expansion;
  const std::size_t node = world.node_index(exp.node);
  const double margin_per_wafer = revenue_per_wafer(view, self, node) * params.gross_margin;
  std::map<std::size_t, double> capacity;  // origin country -> wafers a month on the node
  for_each_operating_fab(world, state, self, view.step.index, [&](const Fab& fab) {
    if (fab.node == node) capacity[fab.country] += fab.wafers_per_month;
  });
  const auto profit = [&](std::size_t site_country, double new_wafers, double pledge) {
    std::map<std::size_t, double> by_origin = capacity;
    if (new_wafers > 0) by_origin[site_country] += new_wafers;
    double monthly = 0;
    for (const auto& [origin, wafers] : by_origin)
      monthly += wafers * margin_per_wafer *
                 (1.0 - tariff_burden(view, self, origin, site_country, pledge));
    return monthly * exp.horizon_months;
  };
  profits.push_back(profit(World::npos, 0, 0));
  for (const SiteSpec& site : exp.sites) {
    const std::size_t country = world.country_index(site.country);
    const double net_capex = site.capex_usd * (1.0 - subsidy_share(world, state, country));
    profits.push_back(profit(country, exp.wafers_per_month, site.capex_usd) - net_capex);
  }
  return profits;
}

void Foundry::decide(const View& view, std::size_t self, Intent& out,
                     sim::engine::Rng& /*rng*/) const {
  const State& state = view.state;
  const AgentSpec& params = state.agent_params[self];
  if (!params.expansion || state.construction_until[self] >= view.step.index) return;
  // build only when last month's orders filled the foundry to its trigger
  const double capacity = state.last_month.capacity_wafers[self];
  if (capacity <= 0 ||
      state.last_month.wafers_requested[self] < params.expansion->utilization_trigger * capacity)
    return;
  const std::vector<double> profits = site_profits(view, self);
  std::size_t best = 0;  // ties keep the earlier choice: building nothing, then site order
  for (std::size_t i = 1; i < profits.size(); ++i)
    if (profits[i] > profits[best]) best = i;
  if (best > 0) out.build_site = static_cast<int>(best - 1);
}

}  // namespace agents
