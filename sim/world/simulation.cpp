#include "sim/world/simulation.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <functional>
#include <limits>
#include <map>
#include <span>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "sim/engine/concat.hpp"
#include "sim/engine/errors.hpp"
#include "sim/world/capacity.hpp"
#include "sim/world/policy_regime.hpp"
#include "sim/world/settable.hpp"
#include "sim/world/supply_network.hpp"

namespace sim::world {

namespace {

// indices of the metric catalogue, in order
enum MetricIndex : std::size_t {
  kCountryCompute,
  kCountryImports,
  kCountryImportsLegal,
  kCountryImportsLicensed,
  kCountryImportsDiverted,
  kCountryProduced,
  kCountryPledged,
  kRevenue,
  kCogs,
  kGrossMargin,
  kAgentCompute,
  kUnitsSold,
  kWriteDown,
  kFeesPaid,
  kTariffsPaid,
  kPledged,
  kCapability,
  kBudget,
  kSpend,
  kBacklog,
  kUnitsBought,
  kInventory,
  kCommitments,
  kWafersOrdered,
  kWafersStarted,
  kFeesCollected,
  kTariffsCollected,
  kCapacityWafers,
  kInvestmentBuilt,
  kSubsidiesPaid,
  kAvgPrice,
  kProductUnitsSold,
  kProductDemand,
  kProductPrice,
  kProductInventory,
  kProductWafers,
  kPolicyInForce,
  kMetricCount
};

constexpr double kEps = 1e-9;

/// Purpose of the seizure streams (distinct from the engine's purposes).
constexpr std::uint64_t kSeizurePurpose = static_cast<std::uint64_t>(engine::Purpose::user) + 1;

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
      {A::country, "imports_legal_units", "chips", "chips received on the legal channel", {}},
      {A::country, "imports_licensed_units", "chips", "chips received under licence", {}},
      {A::country,
       "imports_diverted_units",
       "chips",
       "diverted chips received (seized shipments excluded)",
       {}},
      {A::country,
       "chips_produced_units",
       "chips",
       "chips finished that month at the fabs in the country",
       {}},
      {A::country,
       "investment_pledged_usd",
       "USD",
       "cumulative investment pledged (deals) to the country's government at month end",
       {}},
      {A::agent, "revenue_usd", "USD", "sales revenue that month", {}},
      {A::agent, "cogs_usd", "USD", "book value of the chips sold that month", {}},
      {A::agent, "gross_margin_usd", "USD", "revenue less the book value of chips sold", {}},
      {A::agent, "compute_stock_h100e", "H100e", "AI labs' installed compute at month end", {}},
      {A::agent, "units_sold", "chips", "chips delivered to buyers that month", {}},
      {A::agent, "write_down_usd", "USD", "inventory and commitments written off that month", {}},
      {A::agent, "fees_paid_usd", "USD", "export fees borne that month", {}},
      {A::agent, "tariffs_paid_usd", "USD", "import tariffs borne that month", {}},
      {A::agent,
       "investment_pledged_usd",
       "USD",
       "cumulative investment pledged: accepted deals and fabs built",
       {}},
      {A::agent, "capability_index", "log10(H100e-months)", "AI labs' capability index", {}},
      {A::agent, "budget_usd", "USD", "AI labs' compute budget that month", {}},
      {A::agent, "spend_usd", "USD", "AI labs' spending on chips incl. tariffs that month", {}},
      {A::agent,
       "backlog_usd",
       "USD",
       "AI labs' unfilled orders carried into the month (on top of budget_usd)",
       {}},
      {A::agent, "units_bought", "chips", "chips received that month", {}},
      {A::agent, "inventory_units", "chips", "chipmakers' unsold chips at month end", {}},
      {A::agent,
       "commitments_units",
       "chips",
       "chipmakers' purchase commitments: chips in production at month end",
       {}},
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
      {A::agent, "capacity_wafers", "wafers", "foundries' wafer capacity that month", {}},
      {A::agent,
       "investment_built_usd",
       "USD",
       "cumulative investment spent: accepted pledges over their months, fabs over construction",
       {}},
      {A::agent,
       "subsidies_paid_usd",
       "USD",
       "fab subsidies granted by a government that month",
       {}},
      {A::agent, "price_usd", "USD", "average price of the chips an agent sold that month", {}},
      {A::product, "units_sold", "chips", "chips of the product sold that month", {}},
      {A::product,
       "demand_units",
       "chips",
       "notional demand: what labs would buy if limited only by what makers could supply",
       {}},
      {A::product, "price_usd", "USD", "the designer's price that month", {}},
      {A::product, "inventory_units", "chips", "the designer's unsold stock at month end", {}},
      {A::product, "wafers_started", "wafers", "wafers started for the product that month", {}},
      {A::policy, "in_force", "1 = in force", "whether the policy is in force at month end", {}},
  };
  SIM_ASSERT(m.size() == kMetricCount, "metric catalogue out of step with its index");
  const auto levels =
      std::to_array<std::pair<MetricAxis, const char*>>({{A::country, "compute_stock_h100e"},
                                                         {A::country, "investment_pledged_usd"},
                                                         {A::agent, "compute_stock_h100e"},
                                                         {A::agent, "investment_pledged_usd"},
                                                         {A::agent, "investment_built_usd"},
                                                         {A::agent, "capability_index"},
                                                         {A::agent, "backlog_usd"},
                                                         {A::agent, "inventory_units"},
                                                         {A::agent, "commitments_units"},
                                                         {A::agent, "price_usd"},
                                                         {A::product, "price_usd"},
                                                         {A::product, "inventory_units"},
                                                         {A::policy, "in_force"}});
  for (Metric& metric : m)
    for (const auto& [axis, name] : levels)
      if (metric.axis == axis && metric.name == name) metric.level = true;
  return m;
}

void MonthTotals::reset(std::size_t agents, std::size_t products, std::size_t countries) {
  produced_units.assign(countries, 0.0);
  imports_by_channel.assign(3 * countries, 0.0);
  delivered_h100e.assign(products * countries, 0.0);
  notional_h100e.assign(products * countries, 0.0);
  for (auto* v : {&wafers_requested, &capacity_wafers, &subsidies_paid_usd, &cogs_usd, &revenue_usd,
                  &units_sold, &units_bought, &h100e_bought, &spend_usd, &ordered_usd,
                  &fees_paid_usd, &fees_collected_usd, &tariffs_paid_usd, &tariffs_collected_usd,
                  &write_down_usd, &wafers_ordered, &wafers_started})
    v->assign(agents, 0.0);
  demand_units.assign(products, 0.0);
  product_units_sold.assign(products, 0.0);
  product_wafers.assign(products, 0.0);
}

Simulation::Simulation(const World& world, const BehaviourRegistry& behaviours,
                       std::uint64_t replicate)
    : world_(world), behaviours_(behaviours), replicate_(replicate) {
  const std::size_t n = world.agent_count();
  const std::size_t p = world.product_count();
  const std::size_t c = world.country_count();
  state_.policy_active.assign(world.policies().size(), false);
  state_.policy_since.assign(world.policies().size(), -1);
  for (std::size_t prod = 0; prod < p; ++prod)
    state_.release_step.push_back(world.product_release_step(prod));
  state_.agent_params = world.spec().agents;
  state_.policy_params = world.spec().policies;
  state_.labs.resize(n);
  state_.chipmakers.resize(n);
  state_.pledged_usd.assign(n, 0.0);
  state_.built_usd.assign(n, 0.0);
  state_.built_fabs.assign(n, {});
  state_.construction_until.assign(n, -1);
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
      cm.inventory_value.assign(p, 0.0);
      cm.written_down.assign(p, false);
      for (std::size_t prod : world.products_of(a))
        cm.price_usd[prod] = world.product(prod).list_price_usd;
    }
  }
  const std::size_t n_deals = world.spec().deals.size();
  state_.deal_pending.assign(n_deals, false);
  state_.deal_accepted.assign(n_deals, false);
  state_.deal_refused_step.assign(n_deals, -1);
  state_.month.reset(n, p, c);
  state_.last_month.reset(n, p, c);
  intents_.resize(n);
  const auto months = to_size(world.calendar().size());
  const std::vector<Metric> catalogue = metric_catalogue();
  for (const Metric& m : catalogue) {
    const std::size_t width = m.axis == MetricAxis::country  ? c
                              : m.axis == MetricAxis::agent  ? n
                              : m.axis == MetricAxis::policy ? world.policies().size()
                                                             : p;
    output_.metric_values.emplace_back(months * width, 0.0);
  }
}

void Simulation::observe(const engine::Step& step) {
  state_.step = step.index;
  if (step.index > 0) std::swap(state_.last_month, state_.month);
  state_.month.reset(world_.agent_count(), world_.product_count(), world_.country_count());
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
  if (active) state_.policy_since[policy] = step.index;
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
      case EventAction::accept_deal:
        accept_deal(step, ev.target, suffix);
        break;
    }
  }
}

void Simulation::accept_deal(const engine::Step& step, std::size_t d, const std::string& why) {
  if (state_.deal_accepted[d]) return;
  const DealSpec& deal = world_.spec().deals[d];
  const std::size_t from = world_.agent_index(deal.from_agent);
  const std::size_t to = world_.agent_index(deal.to_agent);
  log(step, static_cast<std::int64_t>(to), "deal_accepted",
      concat(deal.id, ": ", deal.from_agent, " pledges ", deal.pledge_usd, " USD to ",
             deal.to_agent, why));
  state_.deal_accepted[d] = true;
  state_.deal_pending[d] = false;
  state_.pledged_usd[from] += deal.pledge_usd;
  state_.pledged_in[from][world_.agent_country(to)] += deal.pledge_usd;
  state_.spending.emplace_back(from, deal.pledge_usd / deal.over_months,
                               step.index + deal.over_months - 1);
  for (const std::string& id : deal.asks.repeal)
    set_policy_active(step, world_.policy_index(id), false, concat(" (deal ", deal.id, ")"));
  for (const std::string& id : deal.asks.exempt_from)
    state_.exempt[{world_.policy_index(id), from}] = true;
}

void Simulation::apply_decisions(const engine::Step& step) {
  // governments first (policy changes, answers to offers), then offers made this month, each
  // in agent order
  for (std::size_t g : world_.agents_of(AgentKind::government)) {
    for (const PolicyAction& a : intents_[g].policy_actions)
      set_policy_active(step, a.policy, a.enact, concat(" (", world_.agent(g).id, " review)"));
    for (const DealResponse& r : intents_[g].deal_responses) {
      if (!state_.deal_pending[r.deal]) continue;
      if (r.accept) {
        accept_deal(step, r.deal, "");
      } else {
        state_.deal_pending[r.deal] = false;
        state_.deal_refused_step[r.deal] = step.index;
        const DealSpec& deal = world_.spec().deals[r.deal];
        log(step, static_cast<std::int64_t>(g), "deal_refused",
            concat(deal.id, ": ", deal.to_agent, " refuses ", deal.from_agent, "'s pledge"));
      }
    }
  }
  for (std::size_t f : world_.agents_of(AgentKind::foundry)) {
    const int site_index = intents_[f].build_site;
    const auto& expansion = state_.agent_params[f].expansion;
    if (site_index < 0 || !expansion || state_.construction_until[f] >= step.index) continue;
    const SiteSpec& site = expansion->sites[static_cast<std::size_t>(site_index)];
    const std::size_t country = world_.country_index(site.country);
    Fab fab;
    fab.country = country;
    fab.node = world_.node_index(expansion->node);
    fab.wafers_per_month = expansion->wafers_per_month;
    fab.first_step = step.index + site.lead_time_months;
    fab.last_step = world_.calendar().size();
    state_.built_fabs[f].push_back(fab);
    state_.construction_until[f] = fab.first_step;
    // a fab is investment pledged in its country (it counts towards tariff exemptions) and
    // spent over its construction; the host government pays its subsidy share
    const double share = subsidy_share(world_, state_, country);
    state_.pledged_usd[f] += site.capex_usd;
    state_.pledged_in[f][country] += site.capex_usd;
    const int months = std::max(1, site.lead_time_months);
    state_.spending.emplace_back(f, site.capex_usd / months, step.index + months - 1);
    const std::size_t gov = world_.government_of(country);
    if (gov != World::npos) state_.month.subsidies_paid_usd[gov] += share * site.capex_usd;
    log(step, static_cast<std::int64_t>(f), "fab_investment",
        concat(world_.agent(f).id, " builds ", expansion->wafers_per_month, " wafers/month of ",
               expansion->node, " in ", site.country, " for ", site.capex_usd, " USD (subsidy ",
               share * 100, "%), ready ",
               world_.calendar().at(std::min(fab.first_step, world_.calendar().size() - 1)).str()));
  }
  for (std::size_t cm : world_.agents_of(AgentKind::chipmaker)) {
    for (std::size_t v : intents_[cm].launches) {
      if (state_.release_step[v] <= step.index) continue;
      state_.release_step[v] = step.index;
      const ProductSpec& prod = world_.product(v);
      log(step, static_cast<std::int64_t>(cm), "design_around",
          concat(world_.agent(cm).id, " launches ", prod.id, " (TPP ", prod.tpp, ", ", prod.h100e,
                 " H100e), designed under ", world_.policy_spec(world_.variant_policy(v)).id));
    }
    for (std::size_t d : intents_[cm].deal_offers) {
      if (state_.deal_pending[d] || state_.deal_accepted[d]) continue;
      state_.deal_pending[d] = true;
      const DealSpec& deal = world_.spec().deals[d];
      log(step, static_cast<std::int64_t>(cm), "deal_offered",
          concat(deal.id, ": ", deal.from_agent, " offers ", deal.to_agent, " a pledge of ",
                 deal.pledge_usd, " USD"));
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
  // cost shocks in force raise the unit cost of chips made in their origins (all but the
  // issuer's own when none are listed)
  const std::size_t n_countries = world_.country_count();
  std::vector<double> cost_factor(n_countries, 1.0);
  for (std::size_t i = 0; i < world_.policies().size(); ++i) {
    const PolicySpec& spec = state_.policy_params[i];
    if (!state_.policy_active[i] || spec.kind != PolicyKind::cost_shock) continue;
    const Policy& pol = world_.policies()[i];
    for (std::size_t o = 0; o < n_countries; ++o)
      if (pol.from_origin[o] && (!spec.origins.empty() || o != pol.issuer))
        cost_factor[o] += spec.cost_increase;
  }
  // each order is spread over the foundry's fabs that may make it, in proportion to their
  // capacity; each fab then serves higher priorities first and shares pro rata within one
  for (std::size_t f : world_.agents_of(AgentKind::foundry)) {
    std::vector<Fab> fabs;
    for_each_operating_fab(world_, state_, f, step.index,
                           [&](const Fab& fab) { fabs.push_back(fab); });
    for (const Fab& fab : fabs) state_.month.capacity_wafers[f] += fab.wafers_per_month;
    struct Request {
      std::size_t chipmaker;
      const WaferOrder* order;
      std::size_t fab;
      double wafers;
    };
    std::vector<Request> requests;
    for (std::size_t cm : world_.agents_of(AgentKind::chipmaker)) {
      for (const WaferOrder& o : intents_[cm].orders) {
        if (o.foundry != f || o.wafers <= 0) continue;
        state_.month.wafers_requested[f] += o.wafers;
        const std::size_t node = world_.product_node(o.product);
        double eligible = 0;
        for (const Fab& fab : fabs)
          if (fab.node == node && may_serve(world_, state_, f, fab, cm, o.product))
            eligible += fab.wafers_per_month;
        if (eligible <= 0) continue;
        for (std::size_t k = 0; k < fabs.size(); ++k)
          if (fabs[k].node == node && may_serve(world_, state_, f, fabs[k], cm, o.product))
            requests.push_back(Request{cm, &o, k, o.wafers * fabs[k].wafers_per_month / eligible});
      }
    }
    const int lead = state_.agent_params[f].lead_time_months;
    for (std::size_t k = 0; k < fabs.size(); ++k) {
      double left = fabs[k].wafers_per_month;
      std::map<int, double, std::greater<>> asked;  // priority -> wafers, highest first
      for (const Request& r : requests)
        if (r.fab == k) asked[state_.agent_params[r.chipmaker].priority] += r.wafers;
      for (const auto& [priority, wafers_asked] : asked) {
        const double fill = wafers_asked > 0 ? std::min(1.0, left / wafers_asked) : 0.0;
        for (const Request& r : requests) {
          if (r.fab != k || state_.agent_params[r.chipmaker].priority != priority) continue;
          const double wafers = r.wafers * fill;
          if (wafers <= 0) continue;
          const ProductSpec& prod = world_.product(r.order->product);
          ChipmakerState& maker = state_.chipmakers[r.chipmaker];
          const double unit_cost = prod.unit_cost_usd * cost_factor[fabs[k].country];
          maker.pipeline.push_back(Batch{step.index + lead, r.order->product, fabs[k].country,
                                         wafers * prod.chips_per_wafer,
                                         maker.written_down[r.order->product] ? 0.0 : unit_cost});
          state_.month.wafers_started[f] += wafers;
          state_.month.wafers_started[r.chipmaker] += wafers;
          state_.month.product_wafers[r.order->product] += wafers;
          // the chipmaker pays the foundry the unit cost of each chip at wafer start
          state_.month.revenue_usd[f] += wafers * prod.chips_per_wafer * unit_cost;
        }
        left = std::max(0.0, left - wafers_asked * fill);
      }
    }
  }
  // finished batches go into the chipmakers' inventory
  for (std::size_t cm : world_.agents_of(AgentKind::chipmaker)) {
    ChipmakerState& s = state_.chipmakers[cm];
    for (const WaferOrder& o : intents_[cm].orders) state_.month.wafers_ordered[cm] += o.wafers;
    auto done = std::stable_partition(s.pipeline.begin(), s.pipeline.end(),
                                      [&](const Batch& b) { return b.ready_step > step.index; });
    for (auto it = done; it != s.pipeline.end(); ++it) {
      s.inventory[it->product * n_countries + it->origin] += it->units;
      state_.month.produced_units[it->origin] += it->units;
      s.inventory_value[it->product] += it->units * it->unit_value;
    }
    s.pipeline.erase(done, s.pipeline.end());
    if (!intents_[cm].prices_usd.empty()) s.price_usd = intents_[cm].prices_usd;
  }
}

void Simulation::request_licences(const engine::Step& step, const SaleTerms& terms,
                                  std::size_t seller, std::size_t destination,
                                  std::size_t product) {
  for (std::size_t policy : terms.licences_needed) {
    const LicenceKey key{policy, seller, destination, product};
    const auto it = state_.licences.find(key);
    if (it != state_.licences.end() &&
        (it->second.decided_step > step.index || it->second.approved))
      continue;  // pending, or granted
    const LicenceTerms& lt = state_.policy_params[policy].licence;
    // keyed by the licence's identity, so other sales cannot shift this draw
    const std::uint64_t purpose = engine::mix64(
        engine::mix64(engine::mix64(static_cast<std::uint64_t>(engine::Purpose::resolve) ^ policy) ^
                      destination) ^
        product);
    engine::Rng rng(
        engine::StreamKey{world_.seed(), replicate_, seller, to_size(step.index), purpose});
    state_.licences[key] =
        Licence{step.index + lt.delay_months, rng.bernoulli(lt.approval_probability)};
    log(step, static_cast<std::int64_t>(seller), "licence_applied",
        concat(world_.policy_spec(policy).id, ": ", world_.agent(seller).id, " ",
               world_.product(product).id, " to ", world_.country(destination).id));
  }
}

void Simulation::clear_market(const engine::Step& step) {
  const std::size_t n_countries = world_.country_count();
  const std::vector<std::size_t>& labs = world_.agents_of(AgentKind::ai_lab);
  const ModelParams& model = world_.spec().model;
  // flows are integers in thousandths of an H100e and costs are USD per H100e, so Boost.Graph's
  // augmenting paths and reduced costs are exact
  constexpr double kUnit = 1000.0;
  const auto to_flow = [&](double h100e) {
    return h100e * kUnit >= static_cast<double>(SupplyNetwork::kUnbounded)
               ? SupplyNetwork::kUnbounded
               : static_cast<std::int64_t>(std::floor(h100e * kUnit));
  };

  // notional demand: what labs would buy at this month's prices if each product were limited
  // only by what its maker could have on hand (stock plus a month of its foundries' capacity
  // on the product's node), not by this month's stock. Each lab spreads its budget over the
  // products it may buy by a logit of their value (H100e per landed dollar) relative to the
  // best, with sensitivity beta (docs/model.md, "Market clearing"); a product asked for more
  // than it can supply fills every ask in the same proportion and drops out, and the unspent
  // budget is spread again over the rest. Chipmakers forecast from it.
  {
    const double beta = world_.spec().model.choice_sensitivity;
    std::vector<double> supply_left(world_.product_count(), 0.0);
    for (std::size_t cm : world_.agents_of(AgentKind::chipmaker)) {
      const ChipmakerState& maker = state_.chipmakers[cm];
      for (std::size_t p : world_.products_of(cm)) {
        if (state_.release_step[p] > step.index) continue;
        double units = 0;
        for (std::size_t o = 0; o < n_countries; ++o) units += maker.inventory[p * n_countries + o];
        for (std::size_t foundry : world_.foundries_of(cm))
          units += serving_capacity(world_, state_, foundry, cm, p, step.index) *
                   world_.product(p).chips_per_wafer;
        supply_left[p] = units;
      }
    }
    // each lab's usable products: the cheapest landed origin of each, with its demand factor
    struct Choice {
      std::size_t product;
      double unit_cost;
      double factor;
    };
    std::vector<std::vector<Choice>> choices(world_.agent_count());
    for (std::size_t lab : labs) {
      const std::size_t dest = world_.agent_country(lab);
      for (const Bid& bid : intents_[lab].bids) {
        const SaleTerms terms =
            sale_terms(world_, state_, bid.product, bid.seller, bid.origin, dest);
        if (terms.prohibited || terms.demand_factor <= 0 ||
            !terms.licensed(state_, bid.seller, dest, bid.product))
          continue;
        const double unit_cost =
            state_.chipmakers[bid.seller].price_usd[bid.product] * (1.0 + terms.tariff_rate);
        auto same = std::find_if(choices[lab].begin(), choices[lab].end(),
                                 [&](const Choice& c) { return c.product == bid.product; });
        if (same == choices[lab].end())
          choices[lab].push_back(Choice{bid.product, unit_cost, terms.demand_factor});
        else if (unit_cost < same->unit_cost)
          *same = Choice{bid.product, unit_cost, terms.demand_factor};
      }
    }
    std::vector<double> left(world_.agent_count(), 0.0);
    for (std::size_t lab : labs) left[lab] = intents_[lab].budget_usd;
    for (std::size_t round = 0; round <= world_.product_count(); ++round) {
      struct Ask {
        std::size_t lab;
        std::size_t product;
        double units;
        double unit_cost;
      };
      std::vector<Ask> asks;
      for (std::size_t lab : labs) {
        if (left[lab] <= kEps) continue;
        double best = 0;
        for (const Choice& c : choices[lab])
          if (supply_left[c.product] > kEps)
            best = std::max(best, world_.product(c.product).h100e / c.unit_cost);
        if (best <= 0) continue;
        double total = 0;
        std::vector<double> weight(choices[lab].size(), 0.0);
        for (std::size_t k = 0; k < choices[lab].size(); ++k) {
          const Choice& c = choices[lab][k];
          if (supply_left[c.product] <= kEps) continue;
          const double value = world_.product(c.product).h100e / c.unit_cost;
          weight[k] = std::exp(beta * (value / best - 1.0));
          total += weight[k];
        }
        for (std::size_t k = 0; k < choices[lab].size(); ++k) {
          if (weight[k] <= 0) continue;
          const Choice& c = choices[lab][k];
          // an import restriction takes its share of the budget out of the market
          const double spend = left[lab] * weight[k] / total * c.factor;
          asks.push_back(Ask{lab, c.product, spend / c.unit_cost, c.unit_cost});
        }
      }
      if (asks.empty()) break;
      std::vector<double> asked(world_.product_count(), 0.0);
      for (const Ask& a : asks) asked[a.product] += a.units;
      std::vector<double> fill(world_.product_count(), 1.0);
      for (std::size_t p = 0; p < asked.size(); ++p)
        if (asked[p] > 0) fill[p] = std::min(1.0, supply_left[p] / asked[p]);
      for (const Ask& a : asks) {
        const double units = a.units * fill[a.product];
        state_.month.demand_units[a.product] += units;
        state_.month.notional_h100e[a.product * n_countries + world_.agent_country(a.lab)] +=
            units * world_.product(a.product).h100e;
        state_.month.ordered_usd[a.lab] += units * a.unit_cost;
        left[a.lab] = std::max(0.0, left[a.lab] - units * a.unit_cost);
      }
      bool exhausted = false;
      for (std::size_t p = 0; p < asked.size(); ++p) {
        supply_left[p] = std::max(0.0, supply_left[p] - asked[p] * fill[p]);
        exhausted = exhausted || (asked[p] > 0 && fill[p] < 1.0);
      }
      if (!exhausted) break;  // every ask was met: what is left was held back by restrictions
    }
  }

  // offers: stock of a product by seller and origin
  struct Offer {
    std::size_t seller, product, origin;
    double price, h100e, supply;  // supply in units, shrinking as it sells
  };
  std::vector<Offer> offers;
  for (std::size_t cm : world_.agents_of(AgentKind::chipmaker)) {
    const ChipmakerState& s = state_.chipmakers[cm];
    for (std::size_t p : world_.products_of(cm)) {
      if (state_.release_step[p] > step.index || world_.product(p).h100e <= 0) continue;
      for (std::size_t o = 0; o < n_countries; ++o) {
        const double units = s.inventory[p * n_countries + o];
        if (units > kEps)
          offers.push_back(Offer{cm, p, o, s.price_usd[p], world_.product(p).h100e, units});
      }
    }
  }

  // what each market would take: its labs' budgets at the best landed cost per H100e it can get
  std::vector<std::vector<SaleTerms>> terms(offers.size());
  std::vector<double> best_cost(n_countries, std::numeric_limits<double>::infinity());
  std::vector<bool> has_labs(n_countries, false);
  for (std::size_t lab : labs)
    if (intents_[lab].budget_usd > kEps) has_labs[world_.agent_country(lab)] = true;
  for (std::size_t i = 0; i < offers.size(); ++i) {
    const Offer& o = offers[i];
    terms[i].reserve(n_countries);
    for (std::size_t d = 0; d < n_countries; ++d) {
      terms[i].push_back(sale_terms(world_, state_, o.product, o.seller, o.origin, d));
      const SaleTerms& t = terms[i].back();
      if (!has_labs[d] || t.prohibited || t.demand_factor <= 0) continue;
      if (!t.licensed(state_, o.seller, d, o.product)) {
        request_licences(step, t, o.seller, d, o.product);
        continue;
      }
      best_cost[d] = std::min(best_cost[d], o.price * (1.0 + t.tariff_rate) / o.h100e);
    }
  }
  // diversion: a transit country x re-exports at most (1 - enforcement) x capacity, and a
  // buyer expects to lose the share `enforcement` of it to seizures
  const auto divert_cost = [&](const Offer& o, std::size_t x) {
    const double e = world_.country(x).enforcement;
    return o.price * (1.0 + model.diversion_risk_premium) / (1.0 - e) / o.h100e;
  };
  std::vector<bool> transit(n_countries, false);
  for (std::size_t x = 0; x < n_countries; ++x)
    transit[x] =
        world_.country(x).enforcement < 1.0 && model.diversion_capacity_h100e_per_month > 0;
  // an offer a market may buy directly (the market's own rules, not the transit country's)
  const auto direct_ok = [&](std::size_t i, std::size_t d) {
    const SaleTerms& t = terms[i][d];
    return !t.prohibited && t.demand_factor > 0 &&
           t.licensed(state_, offers[i].seller, d, offers[i].product);
  };
  // the grey market: chips a market may not buy directly, re-exported through a transit country
  std::vector<double> best_grey(n_countries, std::numeric_limits<double>::infinity());
  for (std::size_t d = 0; d < n_countries; ++d) {
    if (!has_labs[d]) continue;
    for (std::size_t i = 0; i < offers.size(); ++i) {
      if (direct_ok(i, d)) continue;
      for (std::size_t x = 0; x < n_countries; ++x)
        if (transit[x] && x != d && direct_ok(i, x))
          best_grey[d] = std::min(best_grey[d], divert_cost(offers[i], x));
    }
  }
  // a lab with risk tolerance rho sends that share of its budget to the grey market when there
  // is one, and the rest to the legal market
  std::vector<double> demand(n_countries, 0.0);
  std::vector<double> appetite(n_countries, 0.0);
  std::vector<double> lab_demand(world_.agent_count(), 0.0);
  std::vector<double> lab_appetite(world_.agent_count(), 0.0);
  for (std::size_t lab : labs) {
    const std::size_t d = world_.agent_country(lab);
    const double budget = intents_[lab].budget_usd;
    const double rho = std::isfinite(best_grey[d]) ? state_.agent_params[lab].risk_tolerance : 0.0;
    if (std::isfinite(best_cost[d])) lab_demand[lab] = budget * (1.0 - rho) / best_cost[d];
    if (rho > 0) lab_appetite[lab] = budget * rho / best_grey[d];
    demand[d] += lab_demand[lab];
    appetite[d] += lab_appetite[lab];
  }

  // two passes on the supply network: first each offer's stock is allocated to the markets that
  // may buy it in proportion to their demand (the chipmakers' per-market allocation), then what
  // is left is offered to all
  struct Delivery {
    std::size_t offer, destination, transit;  // transit == npos: direct
    Channel channel;
    double units;
  };
  std::vector<Delivery> deliveries;
  std::vector<double> received(n_countries, 0.0);
  std::vector<double> diverted_in(n_countries, 0.0);
  // H100e each (seller, product) delivered directly to each market in earlier passes, so that
  // an import restriction caps both passes together
  std::map<std::pair<std::size_t, std::size_t>, std::vector<double>> group_received;
  std::vector<double> hub_left(n_countries, 0.0);
  for (std::size_t x = 0; x < n_countries; ++x)
    if (transit[x])
      hub_left[x] =
          (1.0 - world_.country(x).enforcement) * model.diversion_capacity_h100e_per_month;
  std::map<std::pair<std::size_t, std::size_t>, double> quota_left;  // (policy, country) -> TPP
  const auto quota_room = [&](std::size_t policy, std::size_t d) {
    const auto key = std::make_pair(policy, d);
    auto it = quota_left.find(key);
    if (it == quota_left.end())
      it = quota_left
               .emplace(key, std::max(0.0, state_.policy_params[policy].quota.tpp_per_country -
                                               state_.quota_used_tpp[key]))
               .first;
    return it;
  };

  for (int pass = 0; pass < 2; ++pass) {
    const std::size_t first_new = deliveries.size();
    SupplyNetwork net;
    const std::size_t source = net.add_node(NodeKind::source, "supply");
    const std::size_t sink = net.add_node(NodeKind::sink, "demand");
    std::vector<std::size_t> market(n_countries, World::npos);
    std::vector<std::size_t> div(n_countries, World::npos);
    std::vector<std::size_t> hub_in(n_countries, World::npos);
    std::vector<std::size_t> hub_out(n_countries, World::npos);
    for (std::size_t d = 0; d < n_countries; ++d) {
      if (demand[d] - (received[d] - diverted_in[d]) > kEps) {
        market[d] = net.add_node(NodeKind::market, world_.country(d).id, d);
        net.add_edge(market[d], sink, to_flow(demand[d] - (received[d] - diverted_in[d])), 0);
      }
      if (appetite[d] - diverted_in[d] > kEps) {
        div[d] = net.add_node(NodeKind::market, world_.country(d).id + " (diverted)", d);
        net.add_edge(div[d], sink, to_flow(appetite[d] - diverted_in[d]), 0, Channel::diverted);
      }
    }
    for (std::size_t x = 0; x < n_countries; ++x) {
      if (hub_left[x] <= kEps) continue;
      hub_in[x] = net.add_node(NodeKind::transit, world_.country(x).id, x);
      hub_out[x] = net.add_node(NodeKind::transit, world_.country(x).id + " (out)", x);
      net.add_edge(hub_in[x], hub_out[x], to_flow(hub_left[x]), 0, Channel::diverted);
      for (std::size_t d = 0; d < n_countries; ++d)
        if (d != x && div[d] != World::npos)
          net.add_edge(hub_out[x], div[d], SupplyNetwork::kUnbounded, 0, Channel::diverted);
    }
    struct Route {
      std::size_t edge, offer, destination, transit;
      Channel channel;
    };
    std::vector<Route> routes;
    std::vector<std::size_t> offer_node(offers.size(), World::npos);
    std::vector<double> divert_share(offers.size(), 0.0);  // first-pass share for grey buyers
    for (std::size_t i = 0; i < offers.size(); ++i) {
      const Offer& o = offers[i];
      if (o.supply <= kEps) continue;
      offer_node[i] =
          net.add_node(NodeKind::offer,
                       concat(world_.agent(o.seller).id, " ", world_.product(o.product).id, " (",
                              world_.country(o.origin).id, ")"),
                       i);
      net.add_edge(source, offer_node[i], to_flow(o.supply * o.h100e), 0);
    }
    // a seller's product reaches a market through one allocation node, whose edge to the market
    // carries the market's share, the quotas and the import restrictions; the flow algorithm
    // then picks the cheapest origins within it
    const auto usable = [&](std::size_t i, std::size_t d) {
      const SaleTerms& t = terms[i][d];
      return offer_node[i] != World::npos && !t.prohibited && t.demand_factor > 0 &&
             t.licensed(state_, offers[i].seller, d, offers[i].product);
    };
    std::map<std::pair<std::size_t, std::size_t>, std::vector<std::size_t>> groups;
    for (std::size_t i = 0; i < offers.size(); ++i)
      groups[{offers[i].seller, offers[i].product}].push_back(i);
    for (const auto& [group, members] : groups) {
      const auto [seller, product] = group;
      const ProductSpec& prod = world_.product(product);
      double supply = 0;  // H100e on offer
      for (std::size_t i : members) supply += offers[i].supply * prod.h100e;
      double share_base = 0;     // demand of the markets the product may serve
      double diverted_base = 0;  // diverted appetite of markets it may reach only through transit
      for (std::size_t d = 0; d < n_countries; ++d) {
        bool direct = false;
        for (std::size_t i : members) direct = direct || usable(i, d);
        if (direct && market[d] != World::npos)
          share_base += demand[d];
        else if (!direct && div[d] != World::npos)
          diverted_base += appetite[d] - diverted_in[d];
      }
      // grey-market buyers get their share of the stock in the first pass too
      share_base += diverted_base;
      for (std::size_t i : members)
        divert_share[i] = share_base > 0 ? diverted_base / share_base : 0.0;
      for (std::size_t d = 0; d < n_countries; ++d) {
        if (market[d] == World::npos) continue;
        std::size_t alloc = World::npos;
        double cap = std::numeric_limits<double>::infinity();
        for (std::size_t i : members) {
          if (!usable(i, d)) continue;
          const SaleTerms& t = terms[i][d];
          if (alloc == World::npos) {
            alloc = net.add_node(
                NodeKind::market,
                concat(world_.agent(seller).id, " ", prod.id, " for ", world_.country(d).id), d);
            for (std::size_t policy : t.quotas)
              cap = std::min(cap, quota_room(policy, d)->second / prod.tpp * prod.h100e);
            if (t.demand_factor < 1) {
              const auto got = group_received.find(group);
              const double before = got == group_received.end() ? 0.0 : got->second[d];
              cap = std::min(cap, std::max(0.0, t.demand_factor * demand[d] - before));
            }
            // first pass: the market's share of the stock, and no more than its labs asked
            // for this product in the notional demand (their logit split between products)
            if (pass == 0)
              cap = std::min({cap, supply * demand[d] / share_base,
                              state_.month.notional_h100e[product * n_countries + d]});
            net.add_edge(alloc, market[d], to_flow(cap), 0);
          }
          const Channel ch = t.licences_needed.empty() ? Channel::legal : Channel::licensed;
          const std::size_t e =
              net.add_edge(offer_node[i], alloc, SupplyNetwork::kUnbounded,
                           offers[i].price * (1.0 + t.tariff_rate) / offers[i].h100e, ch);
          routes.push_back(Route{e, i, d, World::npos, ch});
        }
      }
    }
    for (std::size_t i = 0; i < offers.size(); ++i) {
      const std::int64_t cap = pass == 0
                                   ? to_flow(offers[i].supply * offers[i].h100e * divert_share[i])
                                   : SupplyNetwork::kUnbounded;
      // only chips some grey market may not buy directly are worth re-exporting
      bool wanted = false;
      for (std::size_t d = 0; d < n_countries; ++d)
        wanted = wanted || (div[d] != World::npos && !direct_ok(i, d));
      if (!wanted) continue;
      for (std::size_t x = 0; x < n_countries; ++x) {
        if (hub_in[x] == World::npos || !usable(i, x)) continue;
        const std::size_t e = net.add_edge(offer_node[i], hub_in[x], cap, divert_cost(offers[i], x),
                                           Channel::diverted);
        routes.push_back(Route{e, i, World::npos, x, Channel::diverted});
      }
    }
    if (net.min_cost_max_flow(source, sink) == 0) continue;

    // direct routes deliver to their market; a transit country's inflow is shared among the
    // markets it feeds in proportion to their outflows
    std::map<std::size_t, std::vector<std::pair<std::size_t, double>>> hub_outflows;
    for (const NetEdge& e : net.edges())
      if (e.flow > 0 && net.nodes()[e.from].kind == NodeKind::transit && e.from != e.to &&
          net.nodes()[e.to].kind == NodeKind::market)
        hub_outflows[net.nodes()[e.from].ref].emplace_back(net.nodes()[e.to].ref,
                                                           static_cast<double>(e.flow));
    for (const Route& r : routes) {
      const auto flow = static_cast<double>(net.edges()[r.edge].flow);
      if (flow <= 0) continue;
      const Offer& o = offers[r.offer];
      if (r.transit == World::npos) {
        deliveries.push_back(
            Delivery{r.offer, r.destination, World::npos, r.channel, flow / kUnit / o.h100e});
        received[r.destination] += flow / kUnit;
        auto& by_market = group_received[{o.seller, o.product}];
        if (by_market.empty()) by_market.assign(n_countries, 0.0);
        by_market[r.destination] += flow / kUnit;
        continue;
      }
      double total_out = 0;
      for (const auto& [d, f] : hub_outflows[r.transit]) total_out += f;
      for (const auto& [d, f] : hub_outflows[r.transit]) {
        const double units = flow * (f / total_out) / kUnit / o.h100e;
        deliveries.push_back(Delivery{r.offer, d, r.transit, Channel::diverted, units});
        received[d] += units * o.h100e;
        diverted_in[d] += units * o.h100e;
      }
      hub_left[r.transit] = std::max(0.0, hub_left[r.transit] - flow / kUnit);
    }
    // take what was routed out of the offers and the quotas before the next pass
    for (std::size_t k = first_new; k < deliveries.size(); ++k) {
      const Delivery& dl = deliveries[k];
      Offer& o = offers[dl.offer];
      o.supply = std::max(0.0, o.supply - dl.units);
      const std::size_t buyer_country = dl.transit == World::npos ? dl.destination : dl.transit;
      for (std::size_t policy : terms[dl.offer][buyer_country].quotas)
        quota_room(policy, buyer_country)->second -= dl.units * world_.product(o.product).tpp;
    }
  }

  // each market's deliveries go to its labs in proportion to their demand (diverted chips in
  // proportion to their appetite for them), within each lab's budget
  struct Purchase {
    std::size_t lab;
    const Delivery* delivery;
    double units;
    double unit_cost;  // what the lab pays a unit
  };
  std::vector<Purchase> purchases;
  std::vector<double> lab_cost(world_.agent_count(), 0.0);
  // labs by country, in ID order: a delivery visits only its market's labs, so this loop costs
  // O(labs x deliveries per market), not O(labs x all deliveries)
  std::vector<std::vector<std::size_t>> labs_in(n_countries);
  for (std::size_t lab : labs) labs_in[world_.agent_country(lab)].push_back(lab);
  for (const Delivery& dl : deliveries) {
    const Offer& o = offers[dl.offer];
    const bool diverted = dl.transit != World::npos;
    const double base = diverted ? appetite[dl.destination] : demand[dl.destination];
    const double unit_cost = diverted
                                 ? o.price * (1.0 + model.diversion_risk_premium)
                                 : o.price * (1.0 + terms[dl.offer][dl.destination].tariff_rate);
    if (base <= 0) continue;
    for (std::size_t lab : labs_in[dl.destination]) {
      const double weight = (diverted ? lab_appetite[lab] : lab_demand[lab]) / base;
      if (weight <= 0) continue;
      purchases.push_back(Purchase{lab, &dl, dl.units * weight, unit_cost});
      lab_cost[lab] += dl.units * weight * unit_cost;
    }
  }
  std::vector<double> scale(world_.agent_count(), 1.0);
  for (std::size_t lab : labs)
    if (lab_cost[lab] > intents_[lab].budget_usd && lab_cost[lab] > 0)
      scale[lab] = intents_[lab].budget_usd / lab_cost[lab];

  // seizures: each month, each transit country's shipments to a market are seized whole with
  // probability equal to the transit country's enforcement
  std::map<std::pair<std::size_t, std::size_t>, bool> seized;
  for (const Delivery& dl : deliveries) {
    if (dl.transit == World::npos) continue;
    const auto key = std::make_pair(dl.transit, dl.destination);
    if (seized.contains(key)) continue;
    const std::uint64_t purpose =
        engine::mix64(engine::mix64(kSeizurePurpose ^ dl.transit) ^ dl.destination);
    engine::Rng rng(engine::StreamKey{world_.seed(), replicate_, world_.agent_count() + dl.transit,
                                      to_size(step.index), purpose});
    seized[key] = rng.bernoulli(world_.country(dl.transit).enforcement);
  }

  // the month's trades, (product, seller, buyer, origin, channel) with units and value, in
  // the order of the purchases; sorted and summed per key below
  struct Trade {
    std::tuple<std::size_t, std::size_t, std::size_t, std::size_t, Channel> key;
    double units;
    double value;
  };
  std::vector<Trade> trades;
  std::map<std::pair<std::size_t, std::size_t>, double> seized_units;
  MonthTotals& m = state_.month;
  for (const Purchase& pu : purchases) {
    const Delivery& dl = *pu.delivery;
    const Offer& o = offers[dl.offer];
    const double units = pu.units * scale[pu.lab];
    if (units <= kEps) continue;
    const bool diverted = dl.transit != World::npos;
    const std::size_t buyer_country = diverted ? dl.transit : dl.destination;
    const SaleTerms& t = terms[dl.offer][buyer_country];
    const double value = units * o.price;
    ChipmakerState& seller_state = state_.chipmakers[o.seller];
    double stock = 0;
    for (std::size_t c = 0; c < n_countries; ++c)
      stock += seller_state.inventory[o.product * n_countries + c];
    const double cogs =
        stock > 0 ? seller_state.inventory_value[o.product] * std::min(1.0, units / stock) : 0.0;
    seller_state.inventory_value[o.product] -= cogs;
    m.cogs_usd[o.seller] += cogs;
    state_.chipmakers[o.seller].inventory[o.product * n_countries + o.origin] = std::max(
        0.0, state_.chipmakers[o.seller].inventory[o.product * n_countries + o.origin] - units);
    m.revenue_usd[o.seller] += value;
    m.units_sold[o.seller] += units;
    m.product_units_sold[o.product] += units;
    m.spend_usd[pu.lab] += units * pu.unit_cost;
    for (std::size_t policy : t.quotas)
      state_.quota_used_tpp[{policy, buyer_country}] += units * world_.product(o.product).tpp;
    for (std::size_t policy : t.fee_policies) {
      const double fee = value * state_.policy_params[policy].rate;
      m.fees_paid_usd[o.seller] += fee;
      const std::size_t gov = world_.government_of(world_.policies()[policy].issuer);
      if (gov != World::npos) m.fees_collected_usd[gov] += fee;
    }
    if (!diverted) {
      for (std::size_t policy : t.tariff_policies) {
        const double tariff = value * state_.policy_params[policy].rate;
        m.tariffs_paid_usd[pu.lab] += tariff;
        const std::size_t gov = world_.government_of(world_.policies()[policy].issuer);
        if (gov != World::npos) m.tariffs_collected_usd[gov] += tariff;
      }
    }
    if (diverted && seized[{dl.transit, dl.destination}]) {
      seized_units[{dl.transit, dl.destination}] += units;
      continue;  // paid for, never delivered
    }
    m.units_bought[pu.lab] += units;
    m.h100e_bought[pu.lab] += units * o.h100e;
    m.delivered_h100e[o.product * n_countries + dl.destination] += units * o.h100e;
    m.imports_by_channel[static_cast<std::size_t>(dl.channel) * n_countries + dl.destination] +=
        units;
    trades.push_back({{o.product, o.seller, pu.lab, o.origin, dl.channel}, units, value});
  }
  for (const auto& [key, units] : seized_units) {
    const std::size_t gov = world_.government_of(key.first);
    log(step, gov == World::npos ? -1 : static_cast<std::int64_t>(gov), "seizure",
        concat(units, " diverted chips bound for ", world_.country(key.second).id, " seized in ",
               world_.country(key.first).id));
  }

  // one record per key in key order, its amounts summed from zero in the order of the
  // purchases (a stable sort keeps that order), as an ordered map would: bit-identical results
  std::stable_sort(trades.begin(), trades.end(),
                   [](const Trade& a, const Trade& b) { return a.key < b.key; });
  // the flow table grows by about as many rows every month: make room for the rest of the run
  // at the pace so far (plus a quarter), so that late in a long run the vector is not doubled,
  // with both copies briefly resident; room reserved but never written costs no memory
  auto& flows = output_.flows;
  const auto months_done = static_cast<std::size_t>(step.index) + 1;
  const auto months = static_cast<std::size_t>(std::max(world_.calendar().size(), step.index + 1));
  if (const std::size_t pace = (flows.size() + trades.size()) / months_done;
      flows.size() + trades.size() > flows.capacity())
    flows.reserve(flows.size() + trades.size() + pace * (months - months_done) * 5 / 4);
  for (std::size_t first = 0, next = 0; first < trades.size(); first = next) {
    const auto& [product, seller, buyer, origin, channel] = trades[first].key;
    std::pair<double, double> amount{0.0, 0.0};
    for (; next < trades.size() && trades[next].key == trades[first].key; ++next) {
      amount.first += trades[next].units;
      amount.second += trades[next].value;
    }
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
    flows.push_back(r);
  }
}

void Simulation::resolve(const engine::Step& step, const engine::StreamFactory& /*streams*/) {
  apply_events(step);
  apply_decisions(step);
  decide_licences(step);
  produce(step);
  clear_market(step);
}

void Simulation::write_down_unsellable(const engine::Step& step) {
  // a product whose buyers a policy has just cut off entirely is written off: its stock and
  // the batches still in production, at book value (NVIDIA's H20 charge, April 2025)
  const std::size_t n_countries = world_.country_count();
  for (std::size_t cm : world_.agents_of(AgentKind::chipmaker)) {
    ChipmakerState& s = state_.chipmakers[cm];
    for (std::size_t p : world_.products_of(cm)) {
      const bool sellable =
          state_.month.demand_units[p] > kEps || state_.month.product_units_sold[p] > kEps;
      if (s.written_down[p]) {
        if (sellable) s.written_down[p] = false;  // new production is valued at cost again
        continue;
      }
      if (sellable || state_.last_month.demand_units[p] <= kEps) continue;
      bool cut_off = false;
      for (std::size_t i = 0; i < world_.policies().size(); ++i)
        cut_off = cut_off || (state_.policy_since[i] == step.index && state_.policy_active[i] &&
                              world_.policies()[i].covers[p]);
      if (!cut_off) continue;
      double units = 0;
      double value = s.inventory_value[p];
      for (std::size_t o = 0; o < n_countries; ++o) units += s.inventory[p * n_countries + o];
      for (Batch& b : s.pipeline) {
        if (b.product != p) continue;
        units += b.units;
        value += b.units * b.unit_value;
        b.unit_value = 0;
      }
      s.inventory_value[p] = 0;
      s.written_down[p] = true;
      if (value <= 0) continue;
      state_.month.write_down_usd[cm] += value;
      log(step, static_cast<std::int64_t>(cm), "write_down",
          concat(world_.agent(cm).id, " writes down ", units, " units of ", world_.product(p).id,
                 " (", value, " USD): no buyer may take them"));
    }
  }
}

void Simulation::account(const engine::Step& step) {
  for (const auto& [agent, per_month, last] : state_.spending)
    if (step.index <= last) state_.built_usd[agent] += per_month;
  for (std::size_t a : world_.agents_of(AgentKind::ai_lab)) {
    const AgentSpec& params = state_.agent_params[a];
    LabState& lab = state_.labs[a];
    // exponential retirement with mean life L months; this month's purchases are not yet retired
    lab.compute_stock_h100e =
        lab.compute_stock_h100e * (1.0 - 1.0 / params.depreciation_life_months) +
        state_.month.h100e_bought[a];
    lab.effective_compute_h100e_months += lab.compute_stock_h100e * params.algorithmic_efficiency;
    // orders placed and not filled stay on the order book, in part (docs/model.md, "Labs")
    lab.backlog_usd = world_.spec().model.order_backlog_retention *
                      std::max(0.0, state_.month.ordered_usd[a] - state_.month.spend_usd[a]);
  }
  write_down_unsellable(step);
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
  auto agent_row = [&](MetricIndex m) { return std::span<double>(v[m]).subspan(t * n, n); };
  const MonthTotals& month = state_.month;
  next_step_ = step.index + 1;

  const std::span<double> country_compute = std::span<double>(v[kCountryCompute]).subspan(t * c, c);
  const std::span<double> country_imports = std::span<double>(v[kCountryImports]).subspan(t * c, c);
  for (std::size_t a = 0; a < n; ++a) {
    const AgentSpec& spec = world_.agent(a);
    agent_row(kRevenue)[a] = month.revenue_usd[a];
    agent_row(kCogs)[a] = month.cogs_usd[a];
    agent_row(kGrossMargin)[a] = month.revenue_usd[a] - month.cogs_usd[a];
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
    agent_row(kBudget)[a] = intents_[a].budget_usd - intents_[a].carried_usd;
    agent_row(kBacklog)[a] = intents_[a].carried_usd;
    agent_row(kCapacityWafers)[a] = month.capacity_wafers[a];
    agent_row(kInvestmentBuilt)[a] = state_.built_usd[a];
    agent_row(kSubsidiesPaid)[a] = month.subsidies_paid_usd[a];
    agent_row(kAvgPrice)[a] =
        month.units_sold[a] > 0 ? month.revenue_usd[a] / month.units_sold[a] : 0.0;
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
      double committed = 0;
      for (const Batch& b : state_.chipmakers[a].pipeline) committed += b.units;
      agent_row(kCommitments)[a] = committed;
    }
  }
  for (std::size_t i = 0; i < c; ++i) v[kCountryProduced][t * c + i] = month.produced_units[i];
  for (std::size_t a = 0; a < n; ++a)
    for (const auto& [country, usd] : state_.pledged_in[a])
      v[kCountryPledged][t * c + country] += usd;
  for (std::size_t ch = 0; ch < 3; ++ch)
    for (std::size_t i = 0; i < c; ++i)
      v[kCountryImportsLegal + ch][t * c + i] = month.imports_by_channel[ch * c + i];
  for (std::size_t prod = 0; prod < p; ++prod) {
    v[kProductUnitsSold][t * p + prod] = month.product_units_sold[prod];
    v[kProductDemand][t * p + prod] = month.demand_units[prod];
    v[kProductPrice][t * p + prod] =
        state_.chipmakers[world_.product_designer(prod)].price_usd[prod];
  }
  for (std::size_t prod = 0; prod < p; ++prod) {
    const ChipmakerState& designer = state_.chipmakers[world_.product_designer(prod)];
    double stock = 0;
    for (std::size_t o = 0; o < c; ++o) stock += designer.inventory[prod * c + o];
    v[kProductInventory][t * p + prod] = stock;
    v[kProductWafers][t * p + prod] = month.product_wafers[prod];
  }
  const std::size_t n_policies = world_.policies().size();
  for (std::size_t i = 0; i < n_policies; ++i)
    v[kPolicyInForce][t * n_policies + i] = state_.policy_active[i] ? 1.0 : 0.0;
  require_finite(step);
}

void Simulation::require_finite(const engine::Step& step) const {
  const std::size_t t = to_size(step.index);
  const auto stop = [&](const std::string& quantity, const std::string& entity, double value) {
    throw ModelError(
        concat("scenario '", world_.spec().scenario.name, "', replicate ", replicate_, ", ",
               step.month.str(), ": ", quantity, " of ", entity, " is ", value,
               ", not a finite number; the scenario's magnitudes (budgets, prices, capacities, "
               "stocks) are too large for double precision. Nothing was written."));
  };
  static const std::vector<Metric> catalogue = metric_catalogue();
  // agents first: a country's series sums its agents', so an agent's value is nearer the cause
  for (const MetricAxis axis :
       {MetricAxis::agent, MetricAxis::product, MetricAxis::policy, MetricAxis::country})
    for (std::size_t m = 0; m < output_.metric_values.size(); ++m) {
      if (catalogue[m].axis != axis) continue;
      const std::size_t width = output_.metric_values[m].size() / to_size(world_.calendar().size());
      const std::span<const double> row =
          std::span<const double>(output_.metric_values[m]).subspan(t * width, width);
      for (std::size_t i = 0; i < width; ++i) {
        if (std::isfinite(row[i])) continue;
        const Metric& metric = catalogue[m];
        const std::string id = metric.axis == MetricAxis::country   ? world_.country(i).id
                               : metric.axis == MetricAxis::agent   ? world_.agent(i).id
                               : metric.axis == MetricAxis::product ? world_.product(i).id
                                                                    : world_.policy_spec(i).id;
        stop(concat(axis_name(metric.axis), "/", metric.name),
             concat(axis_name(metric.axis), " '", id, "'"), row[i]);
      }
    }
  // this month's trades are at the end of the table
  for (auto f = output_.flows.rbegin(); f != output_.flows.rend() && to_size(f->month) == t; ++f) {
    if (std::isfinite(f->units) && std::isfinite(f->value_usd)) continue;
    stop("a trade of " + world_.product(to_size(f->product)).id,
         concat("seller '", world_.agent(to_size(f->seller)).id, "' to buyer '",
                world_.agent(to_size(f->buyer)).id, "'"),
         std::isfinite(f->units) ? f->value_usd : f->units);
  }
}

}  // namespace sim::world
