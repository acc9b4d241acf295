#include "sim/world/simulation.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <string>
#include <tuple>

#include "sim/engine/concat.hpp"
#include "sim/engine/errors.hpp"
#include "sim/world/policy_regime.hpp"
#include "sim/world/settable.hpp"

namespace sim::world {

namespace {

// indices of the metric catalogue, in order
enum MetricIndex : std::size_t {
  kCountryCompute,
  kCountryImports,
  kRevenue,
  kAgentCompute,
  kUnitsSold,
  kWriteDown,
  kFeesPaid,
  kTariffsPaid,
  kPledged,
  kCapability,
  kBudget,
  kSpend,
  kUnitsBought,
  kInventory,
  kWafersOrdered,
  kWafersStarted,
  kFeesCollected,
  kTariffsCollected,
  kProductUnitsSold,
  kProductDemand,
  kProductPrice,
  kMetricCount
};

constexpr double kEps = 1e-9;

std::size_t to_size(int v) { return static_cast<std::size_t>(v); }

}  // namespace

std::vector<Metric> metric_catalogue() {
  using A = MetricAxis;
  std::vector<Metric> m = {
      {A::country, "compute_stock_h100e", "H100e", "installed AI compute at month end", {}},
      {A::country,
       "chip_imports_units",
       "chips",
       "chips received by the country's labs, all channels",
       {}},
      {A::agent, "revenue_usd", "USD", "sales revenue that month", {}},
      {A::agent, "compute_stock_h100e", "H100e", "AI labs' installed compute at month end", {}},
      {A::agent, "units_sold", "chips", "chips delivered to buyers that month", {}},
      {A::agent, "write_down_usd", "USD", "inventory and commitments written off that month", {}},
      {A::agent, "fees_paid_usd", "USD", "export fees borne that month", {}},
      {A::agent, "tariffs_paid_usd", "USD", "import tariffs borne that month", {}},
      {A::agent, "investment_pledged_usd", "USD", "cumulative investment pledged in deals", {}},
      {A::agent, "capability_index", "log10(H100e-months)", "AI labs' capability index", {}},
      {A::agent, "budget_usd", "USD", "AI labs' compute budget that month", {}},
      {A::agent, "spend_usd", "USD", "AI labs' spending on chips incl. tariffs that month", {}},
      {A::agent, "units_bought", "chips", "chips received that month", {}},
      {A::agent, "inventory_units", "chips", "chipmakers' unsold chips at month end", {}},
      {A::agent, "wafers_ordered", "wafers", "chipmakers' wafer orders that month", {}},
      {A::agent,
       "wafers_started",
       "wafers",
       "wafers started that month (foundries and chipmakers)",
       {}},
      {A::agent,
       "fees_collected_usd",
       "USD",
       "export fees collected by governments that month",
       {}},
      {A::agent, "tariffs_collected_usd", "USD", "tariffs collected by governments that month", {}},
      {A::product, "units_sold", "chips", "chips of the product sold that month", {}},
      {A::product,
       "demand_units",
       "chips",
       "chips labs would have bought with unlimited supply",
       {}},
      {A::product, "price_usd", "USD", "the designer's price that month", {}},
  };
  SIM_ASSERT(m.size() == kMetricCount, "metric catalogue out of step with its index");
  return m;
}

void MonthTotals::reset(std::size_t agents, std::size_t products) {
  for (auto* v : {&revenue_usd, &units_sold, &units_bought, &h100e_bought, &spend_usd,
                  &fees_paid_usd, &fees_collected_usd, &tariffs_paid_usd, &tariffs_collected_usd,
                  &write_down_usd, &wafers_ordered, &wafers_started})
    v->assign(agents, 0.0);
  demand_units.assign(products, 0.0);
  product_units_sold.assign(products, 0.0);
}

Simulation::Simulation(const World& world, const BehaviourRegistry& behaviours,
                       std::uint64_t replicate)
    : world_(world), behaviours_(behaviours), replicate_(replicate) {
  const std::size_t n = world.agent_count();
  const std::size_t p = world.product_count();
  const std::size_t c = world.country_count();
  state_.policy_active.assign(world.policies().size(), false);
  state_.agent_params = world.spec().agents;
  state_.policy_params = world.spec().policies;
  state_.labs.resize(n);
  state_.chipmakers.resize(n);
  state_.pledged_usd.assign(n, 0.0);
  state_.pledged_in.resize(n);
  for (std::size_t a = 0; a < n; ++a) {
    const AgentSpec& spec = world.agent(a);
    if (spec.kind == AgentKind::ai_lab) {
      state_.labs[a].budget_base_usd = spec.budget_usd_per_month;
      state_.labs[a].compute_stock_h100e = spec.compute_stock_h100e;
    }
    if (spec.kind == AgentKind::chipmaker) {
      ChipmakerState& cm = state_.chipmakers[a];
      cm.inventory.assign(p * c, 0.0);
      cm.price_usd.assign(p, 0.0);
      cm.forecast_units.assign(p, 0.0);
      for (std::size_t prod : world.products_of(a))
        cm.price_usd[prod] = world.product(prod).list_price_usd;
    }
  }
  intents_.resize(n);
  const auto months = to_size(world.calendar().size());
  const std::vector<Metric> catalogue = metric_catalogue();
  for (const Metric& m : catalogue) {
    const std::size_t width = m.axis == MetricAxis::country ? c
                              : m.axis == MetricAxis::agent ? n
                                                            : p;
    output_.metric_values.emplace_back(months * width, 0.0);
  }
}

void Simulation::observe(const engine::Step& step) {
  state_.step = step.index;
  state_.month.reset(world_.agent_count(), world_.product_count());
}

void Simulation::decide(const engine::Step& step, std::size_t agent, engine::Rng& rng) {
  Intent& out = intents_[agent];
  out.clear();
  const View view{world_, state_, step};
  behaviours_.get(world_.agent(agent).kind).decide(view, agent, out, rng);
}

void Simulation::log(const engine::Step& step, std::int64_t actor, const char* kind,
                     std::string text) {
  log_.add(step.index, actor, kind, std::move(text));
}

ReplicateOutput Simulation::take_output() {
  for (engine::LoggedEvent& e : log_.take()) {
    EventRecord r;
    r.replicate = static_cast<std::int32_t>(replicate_);
    r.month = static_cast<std::int32_t>(e.step);
    r.actor = static_cast<std::int32_t>(e.actor);
    r.kind = std::move(e.kind);
    r.text = std::move(e.text);
    output_.events.push_back(std::move(r));
  }
  return std::move(output_);
}

void Simulation::set_policy_active(const engine::Step& step, std::size_t policy, bool active,
                                   const std::string& why) {
  if (state_.policy_active[policy] == active) return;
  state_.policy_active[policy] = active;
  const std::size_t gov = world_.government_of(world_.policies()[policy].issuer);
  const std::int64_t actor = gov == World::npos ? -1 : static_cast<std::int64_t>(gov);
  const PolicySpec& spec = world_.policy_spec(policy);
  std::string text = concat(active ? "enacted " : "repealed ", spec.id, why);
  if (!spec.note.empty()) text += concat(" — ", spec.note);
  log(step, actor, active ? "policy_enacted" : "policy_repealed", std::move(text));
}

void Simulation::apply_events(const engine::Step& step) {
  // policies whose dates start or end here
  const auto& policies = world_.policies();
  for (std::size_t i = 0; i < policies.size(); ++i) {
    if (policies[i].first_step == step.index) set_policy_active(step, i, true, " (scheduled)");
    if (policies[i].last_step >= 0 && policies[i].last_step + 1 == step.index)
      set_policy_active(step, i, false, " (scheduled end)");
  }
  // quota periods restart
  for (auto& [key, used] : state_.quota_used_tpp) {
    const QuotaPeriod per = state_.policy_params[key.first].quota.per;
    if (per == QuotaPeriod::month || (per == QuotaPeriod::year && step.month.month() == 1))
      used = 0;
  }

  for (const Event& ev : world_.events_by_step()[to_size(step.index)]) {
    std::string suffix;
    if (!ev.note.empty()) suffix += concat(" — ", ev.note);
    if (!ev.source.empty()) suffix += concat(" [", ev.source, "]");
    if (ev.is_decision) {
      log(step, -1, "decision", ev.text + suffix);
      continue;
    }
    switch (ev.action) {
      case EventAction::enact:
        set_policy_active(step, ev.target, true, suffix);
        break;
      case EventAction::repeal:
        set_policy_active(step, ev.target, false, suffix);
        break;
      case EventAction::set: {
        for (const auto& [path, value] : ev.set) {
          const auto dot1 = path.find('.');
          const auto dot2 = path.find('.', dot1 + 1);
          const std::string section = path.substr(0, dot1);
          const std::string id = path.substr(dot1 + 1, dot2 - dot1 - 1);
          const std::string field = path.substr(dot2 + 1);
          double* target = nullptr;
          if (section == "agents") {
            const std::size_t a = world_.agent_index(id);
            AgentSpec& params = state_.agent_params[a];
            if (params.kind == AgentKind::ai_lab) {
              // rebase the budget path so growth continues from this month
              LabState& lab = state_.labs[a];
              const double months = step.index - lab.budget_base_step;
              lab.budget_base_usd *= std::pow(1.0 + params.budget_growth_per_year, months / 12.0);
              lab.budget_base_step = step.index;
              if (field == "budget_usd_per_month") lab.budget_base_usd = value;
            }
            target = settable_field(params, field);
          } else {
            target = settable_field(state_.policy_params[world_.policy_index(id)], field);
          }
          SIM_ASSERT(target != nullptr, concat("unsettable path ", path, " after validation"));
          *target = value;
        }
        log(step, -1, "parameter_set", ev.text + suffix);
        break;
      }
      case EventAction::accept_deal: {
        const DealSpec& deal = world_.spec().deals[ev.target];
        const std::size_t from = world_.agent_index(deal.from_agent);
        const std::size_t to = world_.agent_index(deal.to_agent);
        log(step, static_cast<std::int64_t>(to), "deal_accepted",
            concat(deal.id, ": ", deal.from_agent, " pledges ", deal.pledge_usd, " USD to ",
                   deal.to_agent, suffix));
        state_.pledged_usd[from] += deal.pledge_usd;
        state_.pledged_in[from][world_.agent_country(to)] += deal.pledge_usd;
        for (const std::string& id : deal.asks.repeal)
          set_policy_active(step, world_.policy_index(id), false, concat(" (deal ", deal.id, ")"));
        for (const std::string& id : deal.asks.exempt_from)
          state_.exempt[{world_.policy_index(id), from}] = true;
        break;
      }
    }
  }
}

void Simulation::decide_licences(const engine::Step& step) {
  for (const auto& [key, licence] : state_.licences) {
    if (licence.decided_step != step.index) continue;
    const std::size_t gov = world_.government_of(world_.policies()[key.policy].issuer);
    log(step, gov == World::npos ? -1 : static_cast<std::int64_t>(gov),
        licence.approved ? "licence_granted" : "licence_refused",
        concat(world_.policy_spec(key.policy).id, ": ", world_.agent(key.seller).id, " ",
               world_.product(key.product).id, " to ", world_.country(key.destination).id));
  }
}

void Simulation::produce(const engine::Step& step) {
  // foundries allocate each node's capacity to the orders on it, pro rata when short
  const std::size_t n_nodes = world_.node_count();
  for (std::size_t f : world_.agents_of(AgentKind::foundry)) {
    const std::vector<Fab>& fabs = world_.fabs_of(f);
    std::vector<double> capacity(n_nodes, 0.0);
    for (const Fab& fab : fabs)
      if (fab.first_step <= step.index && step.index <= fab.last_step)
        capacity[fab.node] += fab.wafers_per_month;
    std::vector<double> ordered(n_nodes, 0.0);
    for (std::size_t cm : world_.agents_of(AgentKind::chipmaker))
      for (const WaferOrder& o : intents_[cm].orders)
        if (o.foundry == f) ordered[world_.product_node(o.product)] += o.wafers;
    const int lead = state_.agent_params[f].lead_time_months;
    for (std::size_t cm : world_.agents_of(AgentKind::chipmaker)) {
      for (const WaferOrder& o : intents_[cm].orders) {
        if (o.foundry != f || o.wafers <= 0) continue;
        const std::size_t node = world_.product_node(o.product);
        if (capacity[node] <= 0) continue;
        const double fill = std::min(1.0, capacity[node] / ordered[node]);
        const double wafers = o.wafers * fill;
        const ProductSpec& prod = world_.product(o.product);
        for (const Fab& fab : fabs) {
          if (fab.node != node || fab.first_step > step.index || step.index > fab.last_step)
            continue;
          const double share = fab.wafers_per_month / capacity[node];
          state_.chipmakers[cm].pipeline.push_back(Batch{step.index + lead, o.product, fab.country,
                                                         wafers * share * prod.chips_per_wafer});
        }
        state_.month.wafers_started[f] += wafers;
        state_.month.wafers_started[cm] += wafers;
        // the chipmaker pays the foundry the unit cost of each chip at wafer start
        state_.month.revenue_usd[f] += wafers * prod.chips_per_wafer * prod.unit_cost_usd;
      }
    }
  }
  // finished batches go into the chipmakers' inventory
  const std::size_t n_countries = world_.country_count();
  for (std::size_t cm : world_.agents_of(AgentKind::chipmaker)) {
    ChipmakerState& s = state_.chipmakers[cm];
    for (const WaferOrder& o : intents_[cm].orders) state_.month.wafers_ordered[cm] += o.wafers;
    auto done = std::stable_partition(s.pipeline.begin(), s.pipeline.end(),
                                      [&](const Batch& b) { return b.ready_step > step.index; });
    for (auto it = done; it != s.pipeline.end(); ++it)
      s.inventory[it->product * n_countries + it->origin] += it->units;
    s.pipeline.erase(done, s.pipeline.end());
    if (!intents_[cm].prices_usd.empty()) s.price_usd = intents_[cm].prices_usd;
  }
}

void Simulation::clear_market(const engine::Step& step) {
  const std::size_t n_countries = world_.country_count();
  const std::vector<std::size_t>& labs = world_.agents_of(AgentKind::ai_lab);

  struct Pending {
    std::size_t lab;
    const Bid* bid;
    SaleTerms terms;
    double price;
    double units;
  };
  std::vector<std::size_t> next_bid(labs.size(), 0);
  std::vector<double> remaining(labs.size(), 0.0);
  for (std::size_t i = 0; i < labs.size(); ++i) remaining[i] = intents_[labs[i]].budget_usd;

  // notional demand: what each lab would buy if every offer it can legally take were unlimited
  for (std::size_t i = 0; i < labs.size(); ++i) {
    const std::size_t dest = world_.agent_country(labs[i]);
    double left = remaining[i];
    for (const Bid& bid : intents_[labs[i]].bids) {
      if (left <= kEps) break;
      const SaleTerms terms = sale_terms(world_, state_, bid.product, bid.seller, bid.origin, dest);
      if (terms.prohibited || !terms.licensed(state_, bid.seller, dest, bid.product)) continue;
      const double price = state_.chipmakers[bid.seller].price_usd[bid.product];
      const double spend = left * bid.budget_share * terms.demand_factor;
      state_.month.demand_units[bid.product] += spend / (price * (1.0 + terms.tariff_rate));
      left -= spend;
    }
  }

  std::map<std::tuple<std::size_t, std::size_t, std::size_t, std::size_t, Channel>,
           std::pair<double, double>>
      flows;  // (product, seller, buyer, origin, channel) -> (units, value)
  for (;;) {
    std::vector<Pending> pending;
    for (std::size_t i = 0; i < labs.size(); ++i) {
      const std::size_t lab = labs[i];
      const std::size_t dest = world_.agent_country(lab);
      const std::vector<Bid>& bids = intents_[lab].bids;
      while (remaining[i] > kEps && next_bid[i] < bids.size()) {
        const Bid& bid = bids[next_bid[i]];
        const SaleTerms terms =
            sale_terms(world_, state_, bid.product, bid.seller, bid.origin, dest);
        const double supply =
            state_.chipmakers[bid.seller].inventory[bid.product * n_countries + bid.origin];
        bool usable = !terms.prohibited && supply > kEps && terms.demand_factor > 0;
        if (usable && !terms.licensed(state_, bid.seller, dest, bid.product)) {
          usable = false;
          // the seller applies for each licence it lacks; the issuer decides after the delay
          for (std::size_t policy : terms.licences_needed) {
            const LicenceKey key{policy, bid.seller, dest, bid.product};
            const auto it = state_.licences.find(key);
            if (it != state_.licences.end() && it->second.decided_step > step.index) continue;
            if (it != state_.licences.end() && it->second.approved) continue;
            const LicenceTerms& lt = state_.policy_params[policy].licence;
            // keyed by the licence's identity, so other sales cannot shift this draw
            const std::uint64_t purpose = engine::mix64(
                engine::mix64(
                    engine::mix64(static_cast<std::uint64_t>(engine::Purpose::resolve) ^ policy) ^
                    dest) ^
                bid.product);
            engine::Rng rng(engine::StreamKey{world_.seed(), replicate_, bid.seller,
                                              to_size(step.index), purpose});
            state_.licences[key] =
                Licence{step.index + lt.delay_months, rng.bernoulli(lt.approval_probability)};
            log(step, static_cast<std::int64_t>(bid.seller), "licence_applied",
                concat(world_.policy_spec(policy).id, ": ", world_.agent(bid.seller).id, " ",
                       world_.product(bid.product).id, " to ", world_.country(dest).id));
          }
        }
        if (!usable) {
          ++next_bid[i];
          continue;
        }
        const double price = state_.chipmakers[bid.seller].price_usd[bid.product];
        const double spend = remaining[i] * bid.budget_share * terms.demand_factor;
        pending.push_back(
            Pending{i, &bid, terms, price, spend / (price * (1.0 + terms.tariff_rate))});
        ++next_bid[i];
        break;
      }
    }
    if (pending.empty()) break;

    // rationing: pro rata on each offer, and on each quota's remaining TPP per country
    std::map<std::tuple<std::size_t, std::size_t, std::size_t>, double> asked;
    std::map<std::pair<std::size_t, std::size_t>, double> asked_tpp;
    for (const Pending& q : pending) {
      asked[{q.bid->seller, q.bid->product, q.bid->origin}] += q.units;
      for (std::size_t policy : q.terms.quotas)
        asked_tpp[{policy, world_.agent_country(labs[q.lab])}] +=
            q.units * world_.product(q.bid->product).tpp;
    }
    // fill ratios are fixed before anything is taken, so every bid on an offer or a quota gets
    // the same share whatever its place in the loop
    std::map<std::tuple<std::size_t, std::size_t, std::size_t>, double> offer_fill;
    for (const auto& [offer, units] : asked) {
      const auto& [seller, product, origin] = offer;
      const double supply = state_.chipmakers[seller].inventory[product * n_countries + origin];
      offer_fill[offer] = std::min(1.0, supply / units);
    }
    std::map<std::pair<std::size_t, std::size_t>, double> quota_fill;
    for (const auto& [key, tpp] : asked_tpp) {
      const double cap = state_.policy_params[key.first].quota.tpp_per_country;
      const double left = std::max(0.0, cap - state_.quota_used_tpp[key]);
      quota_fill[key] = tpp > 0 ? std::min(1.0, left / tpp) : 1.0;
    }
    for (const Pending& q : pending) {
      const std::size_t lab = labs[q.lab];
      const std::size_t dest = world_.agent_country(lab);
      const Bid& bid = *q.bid;
      double& supply =
          state_.chipmakers[bid.seller].inventory[bid.product * n_countries + bid.origin];
      double fill = offer_fill[{bid.seller, bid.product, bid.origin}];
      const double tpp = world_.product(bid.product).tpp;
      for (std::size_t policy : q.terms.quotas) fill = std::min(fill, quota_fill[{policy, dest}]);
      const double units = q.units * fill;
      if (units <= kEps) continue;
      const double value = units * q.price;
      supply = std::max(0.0, supply - units);
      for (std::size_t policy : q.terms.quotas)
        state_.quota_used_tpp[{policy, dest}] += units * tpp;
      remaining[q.lab] = std::max(0.0, remaining[q.lab] - value * (1.0 + q.terms.tariff_rate));

      MonthTotals& m = state_.month;
      m.revenue_usd[bid.seller] += value;
      m.units_sold[bid.seller] += units;
      m.units_bought[lab] += units;
      m.spend_usd[lab] += value * (1.0 + q.terms.tariff_rate);
      m.product_units_sold[bid.product] += units;
      for (std::size_t policy : q.terms.fee_policies) {
        const double fee = value * state_.policy_params[policy].rate;
        m.fees_paid_usd[bid.seller] += fee;
        const std::size_t gov = world_.government_of(world_.policies()[policy].issuer);
        if (gov != World::npos) m.fees_collected_usd[gov] += fee;
      }
      for (std::size_t policy : q.terms.tariff_policies) {
        const double tariff = value * state_.policy_params[policy].rate;
        m.tariffs_paid_usd[lab] += tariff;
        const std::size_t gov = world_.government_of(world_.policies()[policy].issuer);
        if (gov != World::npos) m.tariffs_collected_usd[gov] += tariff;
      }
      m.h100e_bought[lab] += units * world_.product(bid.product).h100e;
      const Channel channel = q.terms.licences_needed.empty() ? Channel::legal : Channel::licensed;
      auto& f = flows[{bid.product, bid.seller, lab, bid.origin, channel}];
      f.first += units;
      f.second += value;
    }
  }

  for (const auto& [key, amount] : flows) {
    const auto& [product, seller, buyer, origin, channel] = key;
    FlowRecord r;
    r.replicate = static_cast<std::int32_t>(replicate_);
    r.month = static_cast<std::int32_t>(step.index);
    r.product = static_cast<std::int32_t>(product);
    r.seller = static_cast<std::int32_t>(seller);
    r.buyer = static_cast<std::int32_t>(buyer);
    r.origin = static_cast<std::int32_t>(origin);
    r.destination = static_cast<std::int32_t>(world_.agent_country(buyer));
    r.units = amount.first;
    r.value_usd = amount.second;
    r.channel = channel;
    output_.flows.push_back(r);
  }
}

void Simulation::resolve(const engine::Step& step, const engine::StreamFactory&) {
  apply_events(step);
  decide_licences(step);
  produce(step);
  clear_market(step);
}

void Simulation::account(const engine::Step&) {
  for (std::size_t a : world_.agents_of(AgentKind::ai_lab)) {
    const AgentSpec& params = state_.agent_params[a];
    LabState& lab = state_.labs[a];
    // exponential retirement with mean life L months; this month's purchases are not yet retired
    lab.compute_stock_h100e =
        lab.compute_stock_h100e * (1.0 - 1.0 / params.depreciation_life_months) +
        state_.month.h100e_bought[a];
    lab.effective_compute_h100e_months += lab.compute_stock_h100e * params.algorithmic_efficiency;
  }
  for (std::size_t cm : world_.agents_of(AgentKind::chipmaker)) {
    ChipmakerState& s = state_.chipmakers[cm];
    for (std::size_t p : world_.products_of(cm)) {
      const double demand = state_.month.demand_units[p];
      s.forecast_units[p] =
          s.forecast_units[p] <= 0 ? demand : 0.5 * s.forecast_units[p] + 0.5 * demand;
    }
  }
}

void Simulation::record(const engine::Step& step) {
  const std::size_t t = to_size(step.index);
  const std::size_t n = world_.agent_count();
  const std::size_t c = world_.country_count();
  const std::size_t p = world_.product_count();
  auto& v = output_.metric_values;
  auto agent_row = [&](MetricIndex m) { return v[m].data() + t * n; };
  const MonthTotals& month = state_.month;

  double* country_compute = v[kCountryCompute].data() + t * c;
  double* country_imports = v[kCountryImports].data() + t * c;
  for (std::size_t a = 0; a < n; ++a) {
    const AgentSpec& spec = world_.agent(a);
    agent_row(kRevenue)[a] = month.revenue_usd[a];
    agent_row(kUnitsSold)[a] = month.units_sold[a];
    agent_row(kWriteDown)[a] = month.write_down_usd[a];
    agent_row(kFeesPaid)[a] = month.fees_paid_usd[a];
    agent_row(kTariffsPaid)[a] = month.tariffs_paid_usd[a];
    agent_row(kPledged)[a] = state_.pledged_usd[a];
    agent_row(kSpend)[a] = month.spend_usd[a];
    agent_row(kUnitsBought)[a] = month.units_bought[a];
    agent_row(kWafersOrdered)[a] = month.wafers_ordered[a];
    agent_row(kWafersStarted)[a] = month.wafers_started[a];
    agent_row(kFeesCollected)[a] = month.fees_collected_usd[a];
    agent_row(kTariffsCollected)[a] = month.tariffs_collected_usd[a];
    agent_row(kBudget)[a] = intents_[a].budget_usd;
    if (spec.kind == AgentKind::ai_lab) {
      const LabState& lab = state_.labs[a];
      agent_row(kAgentCompute)[a] = lab.compute_stock_h100e;
      agent_row(kCapability)[a] = std::log10(1.0 + lab.effective_compute_h100e_months);
      country_compute[world_.agent_country(a)] += lab.compute_stock_h100e;
      country_imports[world_.agent_country(a)] += month.units_bought[a];
    }
    if (spec.kind == AgentKind::chipmaker) {
      double units = 0;
      for (double u : state_.chipmakers[a].inventory) units += u;
      agent_row(kInventory)[a] = units;
    }
  }
  for (std::size_t prod = 0; prod < p; ++prod) {
    v[kProductUnitsSold][t * p + prod] = month.product_units_sold[prod];
    v[kProductDemand][t * p + prod] = month.demand_units[prod];
    v[kProductPrice][t * p + prod] =
        state_.chipmakers[world_.product_designer(prod)].price_usd[prod];
  }
}

}  // namespace sim::world
