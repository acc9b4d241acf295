#include "agents/chipmaker/chipmaker.hpp"

#include <algorithm>
#include <cmath>

#include "sim/world/capacity.hpp"
#include "sim/world/policy_regime.hpp"

namespace agents {

using namespace sim::world;

namespace {

/// Months since a refused deal before it is offered again.
constexpr int kReofferAfterMonths = 12;

double stock_of(const World& world, const ChipmakerState& me, std::size_t product) {
  double units = 0;
  const std::size_t n = world.country_count();
  for (std::size_t origin = 0; origin < n; ++origin) units += me.inventory[product * n + origin];
  return units;
}

}  // namespace

double Chipmaker::next_price(const View& view, std::size_t self, std::size_t product) {
  const ChipmakerState& me = view.state.chipmakers[self];
  const AgentSpec& params = view.state.agent_params[self];
  const ProductSpec& spec = view.world.product(product);
  const double price = me.price_usd[product];
  const double forecast = me.forecast_units[product];
  if (forecast <= 0) return price;  // no demand seen yet: keep the price
  // months of demand in stock against the target: above it the price falls, below it rises
  const double cover = stock_of(view.world, me, product) / forecast;
  const double target = params.target_inventory_months;
  const double excess = std::clamp((cover - target) / target, -1.0, 2.0);
  const double floor = spec.unit_cost_usd * (1.0 + params.min_margin);
  const double ceiling = spec.list_price_usd * params.max_price_multiple;
  return std::clamp(price * (1.0 - params.price_adjustment * excess), std::min(floor, ceiling),
                    ceiling);
}

std::vector<std::size_t> Chipmaker::variants_to_launch(const View& view, std::size_t self) {
  const World& world = view.world;
  const State& state = view.state;
  const AgentSpec& params = state.agent_params[self];
  std::vector<std::size_t> launches;
  if (!params.design_arounds) return launches;
  const int t = view.step.index;
  for (std::size_t v = 0; v < world.product_count(); ++v) {
    const std::size_t base = world.variant_of(v);
    if (base == World::npos || world.product_designer(v) != self) continue;
    if (state.release_step[v] <= t || state.release_step[base] > t) continue;
    const std::size_t policy = world.variant_policy(v);
    if (!state.policy_active[policy] || state.policy_since[policy] < 0 ||
        t < state.policy_since[policy] + params.design_lag_months)
      continue;
    // the cut-off market: labs with budgets in the control's destinations that the base
    // product can no longer reach from any origin (the control must have jurisdiction over
    // this chipmaker's sales there: a domestic sale is no export)
    const Policy& control = world.policies()[policy];
    bool market = false;
    for (std::size_t lab : world.agents_of(AgentKind::ai_lab)) {
      const std::size_t d = world.agent_country(lab);
      if (!control.to_country[d] || !world.sold_in(base, d) ||
          state.agent_params[lab].budget_usd_per_month <= 0)
        continue;
      for (std::size_t origin : origins_of(world, state, self, base)) {
        const SaleTerms terms = sale_terms(world, state, base, self, origin, d);
        if (terms.prohibited || !terms.licensed(state, self, d, base)) market = true;
      }
    }
    if (!market) continue;
    // no design-around when the chipmaker already sells something comparable there
    bool has_compliant = false;
    for (std::size_t p : world.products_of(self)) {
      if (p == v || state.release_step[p] > t || control.covers[p]) continue;
      has_compliant = has_compliant || world.product(p).h100e >= 0.5 * world.product(v).h100e;
    }
    if (!has_compliant) launches.push_back(v);
  }
  return launches;
}

std::vector<std::size_t> Chipmaker::deals_to_offer(const View& view, std::size_t self) {
  const World& world = view.world;
  const State& state = view.state;
  const AgentSpec& params = state.agent_params[self];
  std::vector<std::size_t> offers;
  const auto& deals = world.spec().deals;
  for (std::size_t d = 0; d < deals.size(); ++d) {
    const DealSpec& deal = deals[d];
    if (world.agent_index(deal.from_agent) != self || state.deal_pending[d] ||
        state.deal_accepted[d])
      continue;
    if (state.deal_refused_step[d] >= 0 &&
        view.step.index < state.deal_refused_step[d] + kReofferAfterMonths)
      continue;
    // profit the repeals would win back: the cut-off labs' budgets spent on the best product
    // the chipmaker could then sell them, at its margin, over its horizon
    double monthly_profit = 0;
    for (const std::string& id : deal.asks.repeal) {
      const std::size_t policy = world.policy_index(id);
      if (!state.policy_active[policy]) continue;
      const Policy& control = world.policies()[policy];
      double best_margin_per_usd = 0;  // margin per dollar of a buyer's budget
      for (std::size_t p : world.products_of(self)) {
        if (!control.covers[p] || state.release_step[p] > view.step.index) continue;
        const double price = state.chipmakers[self].price_usd[p];
        if (price > 0)
          best_margin_per_usd =
              std::max(best_margin_per_usd, (price - world.product(p).unit_cost_usd) / price);
      }
      for (std::size_t lab : world.agents_of(AgentKind::ai_lab))
        if (control.to_country[world.agent_country(lab)])
          monthly_profit += state.agent_params[lab].budget_usd_per_month * best_margin_per_usd;
    }
    // tariffs the exemptions would save: last month's sales into the issuer at the rate
    for (const std::string& id : deal.asks.exempt_from) {
      const std::size_t policy = world.policy_index(id);
      if (!state.policy_active[policy]) continue;
      const std::size_t issuer = world.policies()[policy].issuer;
      double sales = 0;
      for (std::size_t p : world.products_of(self))
        sales += state.last_month.delivered_h100e[p * world.country_count() + issuer] *
                 state.chipmakers[self].price_usd[p] / std::max(world.product(p).h100e, 1e-9);
      monthly_profit += sales * state.policy_params[policy].rate;
    }
    const double gain = monthly_profit * params.deal_horizon_months;
    if (gain > deal.pledge_usd * params.pledge_cost_share) offers.push_back(d);
  }
  return offers;
}

void Chipmaker::decide(const View& view, std::size_t self, Intent& out,
                       sim::engine::Rng& /*rng*/) const {
  const World& world = view.world;
  const State& state = view.state;
  const ChipmakerState& me = state.chipmakers[self];
  const AgentSpec& params = state.agent_params[self];
  const int t = view.step.index;

  out.prices_usd = me.price_usd;
  out.launches = variants_to_launch(view, self);
  out.deal_offers = deals_to_offer(view, self);
  // what each product needs: wafers to reach its order-up-to level, and its monthly run rate
  struct Need {
    std::size_t product;
    std::vector<std::pair<std::size_t, double>> capacity;  // (foundry, wafers it can start)
    double total_capacity, wanted, run_rate;
  };
  std::vector<Need> needs;
  for (std::size_t product : world.products_of(self)) {
    if (state.release_step[product] <= t) out.prices_usd[product] = next_price(view, self, product);
    const ProductSpec& spec = world.product(product);
    // capacity each eligible foundry has on the product's node this month
    std::vector<std::pair<std::size_t, double>> capacity;
    double total_capacity = 0;
    int lead = 0;
    for (std::size_t foundry : world.foundries_of(self)) {
      const double wafers = serving_capacity(world, state, foundry, self, product, t);
      if (wafers <= 0) continue;
      capacity.emplace_back(foundry, wafers);
      total_capacity += wafers;
      lead = std::max(lead, state.agent_params[foundry].lead_time_months);
    }
    if (total_capacity <= 0) continue;
    // start production early enough that chips are ready at release
    if (state.release_step[product] > t + lead) continue;

    double position = stock_of(world, me, product);
    for (const Batch& b : me.pipeline)
      if (b.product == product) position += b.units;
    const double target = me.forecast_units[product] * (lead + params.target_inventory_months);
    const double wafers = std::max(0.0, target - position) / spec.chips_per_wafer;
    if (wafers <= 0) continue;
    needs.push_back(Need{product, std::move(capacity), total_capacity, wafers,
                         me.forecast_units[product] / spec.chips_per_wafer});
  }

  // products on one node share its wafers: when they want more than there is, each gets a share
  // in proportion to its monthly run rate (water-filling), so that a new product filling its
  // pipeline does not starve the others
  std::vector<double> grant(needs.size(), 0.0);
  std::vector<bool> done(needs.size(), false);
  for (std::size_t i = 0; i < needs.size(); ++i) {
    if (done[i]) continue;
    const std::string& node = world.product(needs[i].product).node;
    std::vector<std::size_t> same;
    for (std::size_t j = i; j < needs.size(); ++j)
      if (world.product(needs[j].product).node == node) {
        same.push_back(j);
        done[j] = true;
      }
    double room = 0;
    double wanted = 0;
    for (std::size_t j : same) {
      room = std::max(room, needs[j].total_capacity);
      wanted += needs[j].wanted;
    }
    if (wanted <= room) {
      for (std::size_t j : same) grant[j] = needs[j].wanted;
      continue;
    }
    std::vector<std::size_t> open = same;
    while (!open.empty() && room > 1e-9) {
      double weight = 0;
      for (std::size_t j : open) weight += needs[j].run_rate > 0 ? needs[j].run_rate : 0.0;
      std::vector<std::size_t> still;
      double used = 0;
      for (std::size_t j : open) {
        const double share = weight > 0 ? room * needs[j].run_rate / weight
                                        : room / static_cast<double>(open.size());
        const double add = std::min(share, needs[j].wanted - grant[j]);
        grant[j] += add;
        used += add;
        if (needs[j].wanted - grant[j] > 1e-9) still.push_back(j);
      }
      room -= used;
      if (still.size() == open.size()) break;  // no product was satisfied: the node is full
      open = std::move(still);
    }
  }
  for (std::size_t i = 0; i < needs.size(); ++i)
    for (const auto& [foundry, wafers_available] : needs[i].capacity)
      out.orders.push_back(WaferOrder{foundry, needs[i].product,
                                      grant[i] * wafers_available / needs[i].total_capacity});
}

}  // namespace agents
