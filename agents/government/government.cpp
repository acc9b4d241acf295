#include "agents/government/government.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <set>
#include <string>
#include <utility>

#include "agents/ai_lab/ai_lab.hpp"
#include "sim/world/capacity.hpp"
#include "sim/world/policy_regime.hpp"

namespace agents {

using namespace sim::world;

namespace {

constexpr double kHorizon = Government::kHorizonMonths;

/// What the labs are expected to buy each month under one policy regime (docs/model.md,
/// "Governments": the forecast).
struct Forecast {
  std::vector<double> inflow_h100e;  ///< per country: compute its labs receive per month
  double income_usd = 0;             ///< domestic firms' gross profit (value added) per month
  double revenue_usd = 0;            ///< fees and tariffs the home government collects, per month
};

/// The own bloc and the rival bloc, as country masks, with their labs' compute stocks.
struct Blocs {
  std::vector<bool> own;
  std::vector<bool> rival;  ///< all false when no other bloc has labs
  double own_stock_h100e = 0;
  double rival_stock_h100e = 0;
};

/// First step at which product `p` is on sale: the live value (design-around variants are
/// launched during a run), or the catalogue's.
int release_step(const View& view, std::size_t p) {
  const std::vector<int>& live = view.state.release_step;
  return p < live.size() ? live[p] : view.world.product_release_step(p);
}

/// TPP a quota lets through to one country per month, spread over the forecast horizon.
double monthly_quota_tpp(const State& state, std::size_t policy, std::size_t destination) {
  const QuotaTerms& quota = state.policy_params[policy].quota;
  switch (quota.per) {
    case QuotaPeriod::month:
      return quota.tpp_per_country;
    case QuotaPeriod::year:
      return quota.tpp_per_country / 12.0;
    case QuotaPeriod::total: {
      const auto it = state.quota_used_tpp.find({policy, destination});
      const double used = it == state.quota_used_tpp.end() ? 0.0 : it->second;
      return std::max(0.0, quota.tpp_per_country - used) / kHorizon;
    }
  }
  return quota.tpp_per_country;
}

/// Each lab spends its budget down its list of offers ranked by compute per landed dollar, as
/// the market's notional demand does, at list prices (a government does not forecast price
/// movements); an offer needing a licence not yet in effect counts with the licence's approval
/// probability; quotas then scale down what they cover.
Forecast forecast(const View& view, const State& regime, std::size_t home) {
  const World& world = view.world;
  const State& state = view.state;
  const std::size_t n_countries = world.country_count();

  struct Purchase {
    std::size_t destination, seller, product, origin;
    double units;
    const SaleTerms* terms;  // into `options_in` below
  };
  struct Option {
    std::size_t seller, product, origin;
    double landed_usd, factor, h100e_per_usd;
    SaleTerms terms;
  };
  // a lab's options depend only on its country: build and rank them once per country, on first
  // use, in the order every lab of that country used to build them (so the spending below is
  // the same arithmetic, lab by lab, as before); labs differ only in budget
  std::vector<std::vector<Option>> options_in(n_countries);
  std::vector<bool> built(n_countries, false);
  const auto options_of = [&](std::size_t dest) -> std::vector<Option>& {
    std::vector<Option>& options = options_in[dest];
    if (built[dest]) return options;
    built[dest] = true;
    for (std::size_t seller : world.agents_of(AgentKind::chipmaker)) {
      for (std::size_t product : world.products_of(seller)) {
        if (release_step(view, product) > view.step.index) continue;
        const ProductSpec& spec = world.product(product);
        const double price = spec.list_price_usd;
        if (spec.h100e <= 0 || price <= 0) continue;
        for (std::size_t origin : origins_of(world, regime, seller, product)) {
          SaleTerms terms = sale_terms(world, regime, product, seller, origin, dest);
          if (terms.prohibited || terms.demand_factor <= 0) continue;
          double factor = terms.demand_factor;
          for (std::size_t policy : terms.licences_needed)
            if (!licence_in_effect(regime, LicenceKey{policy, seller, dest, product}))
              factor *= regime.policy_params[policy].licence.approval_probability;
          const double landed = price * (1.0 + terms.tariff_rate);
          options.push_back(Option{seller, product, origin, landed, factor, spec.h100e / landed,
                                   std::move(terms)});
        }
      }
    }
    std::stable_sort(options.begin(), options.end(), [](const Option& a, const Option& b) {
      return a.h100e_per_usd > b.h100e_per_usd;
    });
    return options;
  };
  std::vector<Purchase> purchases;
  for (std::size_t lab : world.agents_of(AgentKind::ai_lab)) {
    const std::size_t dest = world.agent_country(lab);
    double left = AiLab::budget_usd(view, lab);
    for (const Option& o : options_of(dest)) {
      if (left <= 0) break;
      const double spend = left * o.factor;
      if (spend <= 0) continue;
      purchases.push_back(
          Purchase{dest, o.seller, o.product, o.origin, spend / o.landed_usd, &o.terms});
      left -= spend;
    }
  }

  // quotas: every purchase under a quota shrinks by the share the quota cuts from the total
  std::map<std::pair<std::size_t, std::size_t>, double> quota_tpp;  // (policy, country)
  for (const Purchase& p : purchases)
    for (std::size_t policy : p.terms->quotas)
      quota_tpp[{policy, p.destination}] += p.units * world.product(p.product).tpp;

  Forecast f;
  f.inflow_h100e.assign(n_countries, 0.0);
  for (const Purchase& p : purchases) {
    double scale = 1.0;
    for (std::size_t policy : p.terms->quotas) {
      const double wanted = quota_tpp[{policy, p.destination}];
      const double cap = monthly_quota_tpp(state, policy, p.destination);
      if (wanted > cap) scale = std::min(scale, cap / wanted);
    }
    const double units = p.units * scale;
    const double value = units * world.product(p.product).list_price_usd;
    f.inflow_h100e[p.destination] += units * world.product(p.product).h100e;
    // value added at home: the seller's margin after export fees (levied by the seller's
    // country) if it is domestic, the chip's unit cost if it was made here; tariffs go to the
    // destination
    const double cost = units * world.product(p.product).unit_cost_usd;
    if (world.agent_country(p.seller) == home) {
      f.income_usd += value * (1.0 - p.terms->fee_rate) - cost;
      f.revenue_usd += value * p.terms->fee_rate;
    }
    if (p.origin == home) f.income_usd += cost;
    if (p.destination == home) f.revenue_usd += value * p.terms->tariff_rate;
  }
  return f;
}

Blocs blocs_of(const View& view, std::size_t home) {
  const World& world = view.world;
  const std::size_t n = world.country_count();
  std::vector<double> stock(n, 0.0);
  std::vector<bool> has_labs(n, false);
  for (std::size_t lab : world.agents_of(AgentKind::ai_lab)) {
    stock[world.agent_country(lab)] += view.state.labs[lab].compute_stock_h100e;
    has_labs[world.agent_country(lab)] = true;
  }
  const std::string& own_bloc = world.country(home).bloc;
  // every other bloc with labs, with its stock; the largest is the rival (ties: the bloc of the
  // lowest country index)
  std::map<std::string, double> bloc_stock;
  std::vector<std::string> order;
  for (std::size_t c = 0; c < n; ++c) {
    const std::string& bloc = world.country(c).bloc;
    if (bloc == own_bloc || !has_labs[c]) continue;
    if (!bloc_stock.contains(bloc)) order.push_back(bloc);
    bloc_stock[bloc] += stock[c];
  }
  std::string rival;
  double best = -1;
  for (const std::string& bloc : order)
    if (bloc_stock[bloc] > best) {
      best = bloc_stock[bloc];
      rival = bloc;
    }
  Blocs b;
  b.own.assign(n, false);
  b.rival.assign(n, false);
  for (std::size_t c = 0; c < n; ++c) {
    if (world.country(c).bloc == own_bloc) {
      b.own[c] = true;
      b.own_stock_h100e += stock[c];
    } else if (!rival.empty() && world.country(c).bloc == rival) {
      b.rival[c] = true;
      b.rival_stock_h100e += stock[c];
    }
  }
  return b;
}

/// S = ln(own bloc's projected compute) − ln(rival's), each projected `kHorizon` months ahead
/// without retirement and floored at 1 H100e.
double security(const Forecast& f, const Blocs& b) {
  double own = b.own_stock_h100e;
  double rival = b.rival_stock_h100e;
  for (std::size_t c = 0; c < f.inflow_h100e.size(); ++c) {
    if (b.own[c]) own += kHorizon * f.inflow_h100e[c];
    if (b.rival[c]) rival += kHorizon * f.inflow_h100e[c];
  }
  return std::log(std::max(1.0, own)) - std::log(std::max(1.0, rival));
}

}  // namespace

bool Government::is_review_month(const View& view, std::size_t self) {
  const int every = std::max(1, view.state.agent_params[self].review_every_months);
  return view.step.index % every == every - 1;
}

std::vector<Government::Candidate> Government::candidates(const View& view, std::size_t self) {
  const World& world = view.world;
  const State& state = view.state;
  const AgentSpec& params = state.agent_params[self];
  const std::size_t home = world.agent_country(self);

  // the scale of economy and revenue: what all labs are expected to spend over the horizon
  double world_budget = 0;
  for (std::size_t lab : world.agents_of(AgentKind::ai_lab))
    world_budget += AiLab::budget_usd(view, lab);
  const double scale_usd = std::max(1.0, kHorizon * world_budget);

  const Blocs blocs = blocs_of(view, home);
  // hypothetical regimes are whole copies of the state, so `sale_terms` sees all it reads
  const State& base_regime = state;
  const Forecast base = forecast(view, base_regime, home);
  const double base_security = security(base, blocs);
  const auto score = [&](Candidate& c, const State& regime, double investment_usd) {
    const Forecast f = forecast(view, regime, home);
    c.effects.security = security(f, blocs) - base_security;
    c.effects.economy = (kHorizon * (f.income_usd - base.income_usd) + investment_usd) / scale_usd;
    c.effects.revenue = kHorizon * (f.revenue_usd - base.revenue_usd) / scale_usd;
    c.utility = params.weight_security * c.effects.security +
                params.weight_economy * c.effects.economy +
                params.weight_revenue * c.effects.revenue;
  };

  std::vector<Candidate> out;
  if (is_review_month(view, self)) {
    std::set<std::size_t> playbook;  // policy index order, duplicates dropped
    for (const std::string& id : params.playbook) {
      const std::size_t policy = world.policy_index(id);
      if (world.policies()[policy].issuer == home) playbook.insert(policy);
    }
    for (std::size_t policy : playbook) {
      Candidate c;
      c.index = policy;
      c.enact = !state.policy_active[policy];
      State regime = base_regime;
      regime.policy_active[policy] = c.enact;
      score(c, regime, 0.0);
      out.push_back(c);
    }
  }
  const auto& deals = world.spec().deals;
  for (std::size_t d = 0; d < deals.size(); ++d) {
    if (!state.deal_pending[d] || world.agent_index(deals[d].to_agent) != self) continue;
    const DealSpec& deal = deals[d];
    const std::size_t from = world.agent_index(deal.from_agent);
    Candidate c;
    c.is_deal = true;
    c.index = d;
    State regime = base_regime;
    for (const std::string& id : deal.asks.repeal)
      regime.policy_active[world.policy_index(id)] = false;
    for (const std::string& id : deal.asks.exempt_from)
      regime.exempt[{world.policy_index(id), from}] = true;
    regime.pledged_in[from][home] += deal.pledge_usd;
    // the part of the pledge invested within the horizon
    const double months = std::max(1, deal.over_months);
    score(c, regime, deal.pledge_usd * std::min(1.0, kHorizon / months));
    out.push_back(c);
  }
  return out;
}

void Government::decide(const View& view, std::size_t self, Intent& out,
                        sim::engine::Rng& /*rng*/) const {
  const World& world = view.world;
  const State& state = view.state;
  const AgentSpec& params = state.agent_params[self];
  const bool scripted = params.mode == GovernmentMode::scripted ||
                        (params.adaptive_from && view.step.month < *params.adaptive_from);
  if (scripted) {
    // the stated rule: refuse every offer; only events and decisions accept deals
    const auto& deals = world.spec().deals;
    for (std::size_t d = 0; d < deals.size(); ++d)
      if (state.deal_pending[d] && world.agent_index(deals[d].to_agent) == self)
        out.deal_responses.push_back(DealResponse{d, false});
    return;
  }

  const std::vector<Candidate> all = candidates(view, self);
  // the single best action with a positive gain; ties keep the first (policies, then deals,
  // each by index)
  const Candidate* best = nullptr;
  for (const Candidate& c : all)
    if (c.utility > kMinGain && (best == nullptr || c.utility > best->utility)) best = &c;
  if (best != nullptr && !best->is_deal)
    out.policy_actions.push_back(PolicyAction{best->index, best->enact});
  // offers: the chosen one is accepted, those without a gain refused, the rest stay pending
  for (const Candidate& c : all) {
    if (!c.is_deal) continue;
    if (&c == best)
      out.deal_responses.push_back(DealResponse{c.index, true});
    else if (c.utility <= kMinGain)
      out.deal_responses.push_back(DealResponse{c.index, false});
  }
}

}  // namespace agents
