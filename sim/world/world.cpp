#include "sim/world/world.hpp"

#include <algorithm>
#include <limits>

#include "sim/engine/concat.hpp"
#include "sim/engine/errors.hpp"

namespace sim::world {

namespace {

/// Step of anything that existed before the scenario starts.
constexpr int kBeforeStart = -1000000;

std::map<std::string, std::size_t> index_ids(const auto& entries) {
  std::map<std::string, std::size_t> ids;
  for (std::size_t i = 0; i < entries.size(); ++i) ids.emplace(entries[i].id, i);
  return ids;
}

std::size_t lookup(const std::map<std::string, std::size_t>& ids, const std::string& id,
                   const char* what) {
  const auto it = ids.find(id);
  SIM_ASSERT(it != ids.end(), concat("unknown ", what, " '", id, "' after validation"));
  return it->second;
}

/// Variants are scaled to this share of the largest compliant performance ("just under").
constexpr double kDesignAroundMargin = 0.99;

/// The largest factor by which scaling a product's TPP and density together takes it out of
/// every threshold clause of `sel` that it cannot escape by cutting its interconnect (a clause
/// is escaped when one of its thresholds is missed); infinity when every clause has an
/// interconnect test.
double compliant_scale(const ProductSelector& sel, const ProductSpec& p) {
  double scale = std::numeric_limits<double>::infinity();
  for (const ThresholdClause& c : sel.any_of) {
    if (c.interconnect_at_least) continue;  // escaped by a slower chip-to-chip link (A800)
    double escape = 0;  // any factor below this misses one of the clause's thresholds
    if (c.tpp_at_least && p.tpp > 0) escape = std::max(escape, *c.tpp_at_least / p.tpp);
    if (c.density_at_least && p.density > 0)
      escape = std::max(escape, *c.density_at_least / p.density);
    scale = std::min(scale, escape);
  }
  return scale;
}

/// The interconnect a variant keeps: just under the lowest interconnect threshold of the
/// selector's clauses (unchanged when none has one).
double compliant_interconnect(const ProductSelector& sel, const ProductSpec& p) {
  double link = p.interconnect_gbps;
  for (const ThresholdClause& c : sel.any_of)
    if (c.interconnect_at_least)
      link = std::min(link, kDesignAroundMargin * *c.interconnect_at_least);
  return link;
}

bool product_matches(const ProductSelector& sel, const ProductSpec& p) {
  if (sel.all) return true;
  if (std::find(sel.ids.begin(), sel.ids.end(), p.id) != sel.ids.end()) return true;
  return std::ranges::any_of(sel.any_of, [&p](const ThresholdClause& c) {
    const bool tpp_ok = !c.tpp_at_least || p.tpp >= *c.tpp_at_least;
    const bool density_ok = !c.density_at_least || p.density >= *c.density_at_least;
    const bool link_ok =
        !c.interconnect_at_least || p.interconnect_gbps >= *c.interconnect_at_least;
    return tpp_ok && density_ok && link_ok;
  });
}

std::vector<bool> country_mask(const std::vector<std::string>& listed,
                               const std::map<std::string, std::size_t>& ids, std::size_t n) {
  std::vector<bool> mask(n, listed.empty());
  for (const std::string& id : listed) mask[lookup(ids, id, "country")] = true;
  return mask;
}

}  // namespace

const char* kind_name(AgentKind kind) {
  switch (kind) {
    case AgentKind::government:
      return "government";
    case AgentKind::chipmaker:
      return "chipmaker";
    case AgentKind::foundry:
      return "foundry";
    case AgentKind::ai_lab:
      return "ai_lab";
  }
  return "?";
}

namespace {

std::string describe(const EventSpec& e) {
  switch (e.action) {
    case EventAction::enact:
      return concat("enact ", e.target);
    case EventAction::repeal:
      return concat("repeal ", e.target);
    case EventAction::accept_deal:
      return concat("accept deal ", e.target);
    case EventAction::set: {
      std::string text = "set";
      for (const auto& [path, value] : e.set) text += concat(" ", path, "=", value);
      return text;
    }
  }
  return "?";
}

}  // namespace

World World::build(ScenarioSpec spec, const Choices& run_choices) {
  // the scenario's own choices (what-ifs), then the run's, which win
  Choices choices = spec.scenario.choices;
  for (const auto& [decision, option] : run_choices) choices[decision] = option;
  World w;
  w.spec_ = std::move(spec);
  const ScenarioSpec& s = w.spec_;
  w.calendar_ = Calendar(s.scenario.start, s.scenario.end);
  for (const AgentSpec& a : s.agents) w.agents_.add(a.id, kind_name(a.kind));
  w.country_ids_ = index_ids(s.countries);
  w.product_ids_ = index_ids(s.products);
  w.policy_ids_ = index_ids(s.policies);
  w.deal_ids_ = index_ids(s.deals);

  const std::size_t n_agents = s.agents.size();
  const std::size_t n_countries = s.countries.size();
  w.by_kind_.assign(4, {});
  w.agent_country_.resize(n_agents);
  w.products_of_.assign(n_agents, {});
  w.fabs_of_.assign(n_agents, {});
  w.foundries_of_.assign(n_agents, {});
  w.government_of_.assign(n_countries, npos);

  std::map<std::string, std::size_t> node_ids;
  auto node_index = [&](const std::string& node) {
    const auto [it, inserted] = node_ids.emplace(node, w.nodes_.size());
    if (inserted) w.nodes_.push_back(node);
    return it->second;
  };

  for (std::size_t a = 0; a < n_agents; ++a) {
    const AgentSpec& spec_a = s.agents[a];
    w.agent_country_[a] = lookup(w.country_ids_, spec_a.country, "country");
    w.by_kind_[static_cast<std::size_t>(spec_a.kind)].push_back(a);
    if (spec_a.kind == AgentKind::government && w.government_of_[w.agent_country_[a]] == npos)
      w.government_of_[w.agent_country_[a]] = a;
    for (const FabSpec& f : spec_a.fabs) {
      Fab fab;
      fab.country = lookup(w.country_ids_, f.country, "country");
      fab.node = node_index(f.node);
      fab.wafers_per_month = f.wafers_per_month;
      fab.first_step = f.from ? w.calendar_.step_of(*f.from) : kBeforeStart;
      fab.last_step = f.until ? w.calendar_.step_of(*f.until) : w.calendar_.size();
      for (const std::string& c : f.customers) fab.customers.push_back(w.agent_index(c));
      w.fabs_of_[a].push_back(fab);
    }
    for (const std::string& f : spec_a.foundries) w.foundries_of_[a].push_back(w.agent_index(f));
  }

  // design-around variants: for each chipmaker product a threshold control covers, a dormant
  // variant scaled to just under the threshold (docs/model.md, "Design-arounds")
  const std::size_t catalogue_size = s.products.size();
  w.variant_of_.assign(catalogue_size, npos);
  w.variant_policy_.assign(catalogue_size, npos);
  for (std::size_t p = 0; p < catalogue_size; ++p) {
    for (std::size_t i = 0; i < s.policies.size(); ++i) {
      const PolicySpec& ps = s.policies[i];
      const ProductSpec base = s.products[p];
      const std::size_t designer = w.agent_index(base.designer);
      if (ps.kind != PolicyKind::export_control || ps.products.any_of.empty() ||
          !s.agents[designer].design_arounds || !product_matches(ps.products, base))
        continue;
      const double scale = std::min(1.0, kDesignAroundMargin * compliant_scale(ps.products, base));
      if (scale <= 0) continue;
      ProductSpec v = base;
      v.interconnect_gbps = compliant_interconnect(ps.products, base);
      if (product_matches(ps.products, [&] {
            ProductSpec scaled = v;
            scaled.tpp *= scale;
            scaled.density *= scale;
            return scaled;
          }()))
        continue;  // no variant escapes this control
      v.id = concat(base.id, "-", ps.id);
      v.name = concat(base.name, " (compliant with ", ps.id, ")");
      v.tpp = base.tpp * scale;
      v.density = base.density * scale;
      v.h100e = base.h100e * scale;
      v.list_price_usd = base.list_price_usd * scale;
      v.release.reset();
      w.spec_.products.push_back(std::move(v));
      w.variant_of_.push_back(p);
      w.variant_policy_.push_back(i);
    }
  }

  for (std::size_t p = 0; p < s.products.size(); ++p) {
    const ProductSpec& prod = s.products[p];
    w.product_designer_.push_back(w.agent_index(prod.designer));
    w.product_node_.push_back(node_index(prod.node));
    w.product_release_step_.push_back(p >= catalogue_size ? kNever
                                      : prod.release      ? w.calendar_.step_of(*prod.release)
                                                          : kBeforeStart);
    w.products_of_[w.product_designer_.back()].push_back(p);
    w.product_markets_.push_back(country_mask(prod.markets, w.country_ids_, n_countries));
  }

  for (const PolicySpec& ps : s.policies) {
    Policy pol;
    pol.issuer = lookup(w.country_ids_, ps.issuer, "country");
    for (const ProductSpec& prod : s.products)
      pol.covers.push_back(product_matches(ps.products, prod));
    pol.to_country = country_mask(ps.destinations, w.country_ids_, n_countries);
    pol.from_origin = country_mask(ps.origins, w.country_ids_, n_countries);
    pol.first_step = ps.from ? w.calendar_.step_of(*ps.from) : -1;
    pol.last_step = ps.until ? w.calendar_.step_of(*ps.until) : -1;
    w.policies_.push_back(std::move(pol));
  }

  // scripted events, then the events of the option taken at each decision, month by month
  w.events_by_step_.assign(static_cast<std::size_t>(w.calendar_.size()), {});
  auto compile = [&](const EventSpec& e, const std::string& prefix) {
    Event ev;
    ev.step = w.calendar_.step_of(e.month);
    ev.action = e.action;
    if (e.action == EventAction::enact || e.action == EventAction::repeal)
      ev.target = lookup(w.policy_ids_, e.target, "policy");
    if (e.action == EventAction::accept_deal) ev.target = lookup(w.deal_ids_, e.target, "deal");
    for (const auto& [path, value] : e.set) ev.set.emplace_back(path, std::stod(value));
    ev.text = prefix + describe(e);
    ev.note = e.note;
    ev.source = e.source;
    SIM_ASSERT(w.calendar_.contains(e.month), "event month outside the scenario");
    w.events_by_step_[static_cast<std::size_t>(ev.step)].push_back(std::move(ev));
  };
  for (const EventSpec& e : s.events) compile(e, "");

  for (const auto& [decision_id, option_id] : choices) {
    const auto d = std::find_if(s.decisions.begin(), s.decisions.end(),
                                [&](const DecisionSpec& ds) { return ds.id == decision_id; });
    if (d == s.decisions.end())
      throw ConfigError(concat("--choose ", decision_id, "=", option_id, ": error: no decision '",
                               decision_id, "' in scenario '", s.scenario.name, "'"));
    const bool known = std::any_of(d->options.begin(), d->options.end(),
                                   [&](const OptionSpec& o) { return o.id == option_id; });
    if (!known) {
      std::string ids;
      for (const OptionSpec& o : d->options) ids += (ids.empty() ? "" : ", ") + o.id;
      throw ConfigError(concat("--choose ", decision_id, "=", option_id, ": error: decision '",
                               decision_id, "' has no option '", option_id, "'; expected one of ",
                               ids));
    }
  }
  for (const DecisionSpec& d : s.decisions) {
    const auto chosen = choices.find(d.id);
    const std::string& option_id = chosen == choices.end() ? d.historical : chosen->second;
    w.choices_[d.id] = option_id;
    for (const OptionSpec& o : d.options) {
      if (o.id != option_id) continue;
      Event marker;
      marker.step = w.calendar_.step_of(d.month);
      marker.is_decision = true;
      marker.text = concat("decision ", d.id, ": ", o.id,
                           o.id == d.historical ? " (historical)" : " (counterfactual)");
      marker.note = d.question;
      w.events_by_step_[static_cast<std::size_t>(marker.step)].push_back(std::move(marker));
      for (EventSpec e : o.events) {
        e.month = d.month;
        compile(e, concat(d.id, ": "));
      }
    }
  }
  return w;
}

std::size_t World::agent_index(const std::string& id) const {
  const auto agent = agents_.find(id);
  SIM_ASSERT(agent.has_value(), concat("unknown agent '", id, "' after validation"));
  return agent->value;
}
std::size_t World::country_index(const std::string& id) const {
  return lookup(country_ids_, id, "country");
}
std::size_t World::product_index(const std::string& id) const {
  return lookup(product_ids_, id, "product");
}
std::size_t World::policy_index(const std::string& id) const {
  return lookup(policy_ids_, id, "policy");
}
std::size_t World::node_index(const std::string& node) const {
  const auto it = std::find(nodes_.begin(), nodes_.end(), node);
  SIM_ASSERT(it != nodes_.end(), concat("unknown node '", node, "' after validation"));
  return static_cast<std::size_t>(it - nodes_.begin());
}

std::size_t World::deal_index(const std::string& id) const { return lookup(deal_ids_, id, "deal"); }

}  // namespace sim::world
