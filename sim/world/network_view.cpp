#include "sim/world/network_view.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <numeric>
#include <set>
#include <utility>

#include "sim/engine/concat.hpp"
#include "sim/engine/errors.hpp"
#include "sim/engine/runner.hpp"
#include "sim/world/capacity.hpp"
#include "sim/world/policy_regime.hpp"
#include "sim/world/simulation.hpp"

namespace sim::world {

namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

/// One operating fab that makes something this month.
struct FabEntry {
  std::string label;
  std::size_t foundry = 0;
  std::size_t country = 0;
  double h100e = 0;  ///< capacity: wafers x the best product it can make, per month
  std::size_t node = 0;
};

/// A fab that can make products of one chipmaker.
struct Link {
  std::size_t fab = 0;  ///< index into the fab entries
  std::size_t chipmaker = 0;
  double wafers = 0;
  std::vector<std::size_t> products;  ///< released, on the fab's node, not prohibited
  double h100e = 0;                   ///< wafers x the best of `products`
};

/// A priced route out of a chipmaker node: to a market (direct) or to a transit country.
struct Route {
  std::size_t maker = 0;    ///< index into the chipmaker nodes
  std::size_t country = 0;  ///< market or transit country
  double h100e = 0;
  double cost = kInf;  ///< USD per H100e
  Channel channel = Channel::legal;
  std::string label;
};

double h100e_per_wafer(const ProductSpec& p) { return p.chips_per_wafer * p.h100e; }

double price_of(const World& world, const State& state, std::size_t chipmaker, std::size_t p) {
  double price = 0;
  if (chipmaker < state.chipmakers.size() && p < state.chipmakers[chipmaker].price_usd.size())
    price = state.chipmakers[chipmaker].price_usd[p];
  return price > 0 ? price : world.product(p).list_price_usd;
}

/// The first step product p is on sale: the live value (design-around variants launch during a
/// run), or the scenario's when the state has none.
int release_step_of(const World& world, const State& state, std::size_t p) {
  return p < state.release_step.size() ? state.release_step[p] : world.product_release_step(p);
}

const AgentSpec& params_of(const World& world, const State& state, std::size_t agent) {
  return agent < state.agent_params.size() ? state.agent_params[agent] : world.agent(agent);
}

/// Whether a sale on these terms can happen this month: not prohibited, not banned by the
/// importer, and every licence it needs granted and in effect.
bool usable(const SaleTerms& terms, const State& state, std::size_t seller, std::size_t destination,
            std::size_t product) {
  return !terms.prohibited && terms.demand_factor > 0 &&
         terms.licensed(state, seller, destination, product);
}

/// H100e per month a product may still ship to `destination` under the quotas in `terms`.
double quota_room_h100e(const World& world, const State& state, const SaleTerms& terms,
                        std::size_t destination, std::size_t product) {
  double room = kInf;
  const ProductSpec& prod = world.product(product);
  if (prod.tpp <= 0) return room;
  for (std::size_t policy : terms.quotas) {
    const auto it = state.quota_used_tpp.find({policy, destination});
    const double used = it == state.quota_used_tpp.end() ? 0.0 : it->second;
    const double left = std::max(0.0, state.policy_params[policy].quota.tpp_per_country - used);
    room = std::min(room, left / prod.tpp * prod.h100e);
  }
  return room;
}

std::string percent(double rate) { return concat(rate * 100.0, "%"); }

}  // namespace

std::int64_t to_network_units(double h100e_per_month) {
  if (!(h100e_per_month > 0)) return 0;
  if (h100e_per_month >= static_cast<double>(SupplyNetwork::kUnbounded))
    return SupplyNetwork::kUnbounded;
  return std::llround(h100e_per_month);
}

SupplyNetwork capacity_network(const World& world, const State& state, int step) {
  const std::size_t n_countries = world.country_count();
  const ModelParams& model = world.spec().model;
  const std::vector<std::size_t>& labs = world.agents_of(AgentKind::ai_lab);

  std::vector<bool> has_labs(n_countries, false);
  std::vector<bool> takes_diverted(n_countries, false);
  for (std::size_t lab : labs) {
    has_labs[world.agent_country(lab)] = true;
    if (params_of(world, state, lab).risk_tolerance > 0)
      takes_diverted[world.agent_country(lab)] = true;
  }

  // operating fabs and what each can make for each chipmaker that orders from its foundry
  std::vector<FabEntry> fabs;
  std::vector<Link> links;
  for (std::size_t foundry : world.agents_of(AgentKind::foundry)) {
    // the scenario's fabs, then those built during the run
    std::vector<std::pair<std::string, Fab>> fab_list;
    for (std::size_t i = 0; i < world.fabs_of(foundry).size(); ++i)
      fab_list.emplace_back(world.agent(foundry).fabs[i].id, world.fabs_of(foundry)[i]);
    for (std::size_t i = 0; i < state.built_fabs[foundry].size(); ++i)
      fab_list.emplace_back(concat("built-", i + 1), state.built_fabs[foundry][i]);
    for (const auto& [fab_id, fab] : fab_list) {
      if (step < fab.first_step || step > fab.last_step || fab.wafers_per_month <= 0) continue;
      FabEntry entry{concat("fab ", world.agent(foundry).id, "/", fab_id, " (",
                            world.country(fab.country).id, ")"),
                     foundry, fab.country, 0.0, 0};
      for (std::size_t cm : world.agents_of(AgentKind::chipmaker)) {
        const std::vector<std::size_t>& orders_from = world.foundries_of(cm);
        if (std::find(orders_from.begin(), orders_from.end(), foundry) == orders_from.end())
          continue;
        Link link{fabs.size(), cm, fab.wafers_per_month, {}, 0.0};
        for (std::size_t p : world.products_of(cm)) {
          const ProductSpec& prod = world.product(p);
          if (world.product_node(p) != fab.node || release_step_of(world, state, p) > step ||
              h100e_per_wafer(prod) <= 0)
            continue;
          // the foundry is the seller of the wafers, the chipmaker's country their destination
          if (!may_serve(world, state, foundry, fab, cm, p)) continue;
          link.products.push_back(p);
          link.h100e = std::max(link.h100e, fab.wafers_per_month * h100e_per_wafer(prod));
        }
        if (link.products.empty()) continue;
        entry.h100e = std::max(entry.h100e, link.h100e);
        links.push_back(std::move(link));
      }
      if (entry.h100e > 0) fabs.push_back(std::move(entry));
    }
  }

  // one chipmaker node per (chipmaker, origin country), in id then country order
  std::map<std::size_t, std::set<std::size_t>> origins_of;
  for (const Link& link : links) origins_of[link.chipmaker].insert(fabs[link.fab].country);
  struct Maker {
    std::size_t chipmaker, origin;
    std::string label;
    std::vector<std::size_t> links;
    std::size_t node = 0;
  };
  std::vector<Maker> makers;
  std::map<std::pair<std::size_t, std::size_t>, std::size_t> maker_of;
  for (const auto& [cm, origins] : origins_of)
    for (std::size_t origin : origins) {
      maker_of[{cm, origin}] = makers.size();
      makers.push_back(Maker{cm,
                             origin,
                             origins.size() == 1
                                 ? world.agent(cm).id
                                 : concat(world.agent(cm).id, " (", world.country(origin).id, ")"),
                             {},
                             0});
    }
  for (std::size_t l = 0; l < links.size(); ++l)
    makers[maker_of.at({links[l].chipmaker, fabs[links[l].fab].country})].links.push_back(l);

  // direct routes: for each market, each fab's best product usable there
  std::vector<Route> direct;
  for (std::size_t m = 0; m < makers.size(); ++m) {
    const Maker& maker = makers[m];
    for (std::size_t d = 0; d < n_countries; ++d) {
      if (!has_labs[d]) continue;
      Route route{m, d, 0.0, kInf, Channel::legal, {}};
      double quota_room = kInf;
      std::size_t cheapest = World::npos;
      SaleTerms cheapest_terms;
      for (std::size_t l : maker.links) {
        const Link& link = links[l];
        double best = 0;
        for (std::size_t p : link.products) {
          const SaleTerms terms = sale_terms(world, state, p, maker.chipmaker, maker.origin, d);
          if (!usable(terms, state, maker.chipmaker, d, p)) continue;
          const ProductSpec& prod = world.product(p);
          best = std::max(best, link.wafers * h100e_per_wafer(prod));
          if (!terms.licences_needed.empty()) route.channel = Channel::licensed;
          quota_room = std::min(quota_room, quota_room_h100e(world, state, terms, d, p));
          const double cost =
              price_of(world, state, maker.chipmaker, p) * (1.0 + terms.tariff_rate) / prod.h100e;
          if (cost < route.cost) {
            route.cost = cost;
            cheapest = p;
            cheapest_terms = terms;
          }
        }
        route.h100e += best;
      }
      if (route.h100e <= 0) continue;
      route.h100e = std::min(route.h100e, quota_room);
      route.label =
          concat(world.product(cheapest).id, ", USD ", std::llround(route.cost), "/H100e");
      if (cheapest_terms.tariff_rate > 0)
        route.label += concat(", tariff ", percent(cheapest_terms.tariff_rate));
      if (cheapest_terms.fee_rate > 0)
        route.label += concat(", fee ", percent(cheapest_terms.fee_rate));
      if (!cheapest_terms.quotas.empty()) route.label += ", quota";
      direct.push_back(std::move(route));
    }
  }

  // diversion: a product usable in transit country x but not in a market d != x whose labs
  // take diverted chips
  std::vector<Route> to_transit;
  std::vector<std::set<std::size_t>> reaches(n_countries);
  const double divert_capacity = model.diversion_capacity_h100e_per_month;
  for (std::size_t m = 0; m < makers.size() && divert_capacity > 0; ++m) {
    const Maker& maker = makers[m];
    for (std::size_t x = 0; x < n_countries; ++x) {
      const double enforcement = world.country(x).enforcement;
      if (enforcement >= 1.0) continue;
      Route route{m, x, 0.0, kInf, Channel::diverted, {}};
      std::size_t cheapest = World::npos;
      for (std::size_t l : maker.links) {
        const Link& link = links[l];
        double best = 0;
        for (std::size_t p : link.products) {
          const SaleTerms to_x = sale_terms(world, state, p, maker.chipmaker, maker.origin, x);
          if (!usable(to_x, state, maker.chipmaker, x, p)) continue;
          bool needed = false;
          for (std::size_t d = 0; d < n_countries; ++d) {
            if (d == x || !has_labs[d] || !takes_diverted[d]) continue;
            const SaleTerms to_d = sale_terms(world, state, p, maker.chipmaker, maker.origin, d);
            if (usable(to_d, state, maker.chipmaker, d, p)) continue;
            needed = true;
            reaches[x].insert(d);
          }
          if (!needed) continue;
          const ProductSpec& prod = world.product(p);
          best = std::max(best, link.wafers * h100e_per_wafer(prod));
          // as the market prices it: the premium, and the share e seized on the way
          const double cost = price_of(world, state, maker.chipmaker, p) *
                              (1.0 + model.diversion_risk_premium) / (1.0 - enforcement) /
                              prod.h100e;
          if (cost < route.cost) {
            route.cost = cost;
            cheapest = p;
          }
        }
        route.h100e += best;
      }
      if (route.h100e <= 0) continue;
      route.label = concat(world.product(cheapest).id, ", USD ", std::llround(route.cost),
                           "/H100e, risk premium ", percent(model.diversion_risk_premium));
      to_transit.push_back(std::move(route));
    }
  }

  // nodes: source, fabs, chipmakers, transit countries, markets, labs, sink
  SupplyNetwork net;
  const std::size_t source = net.add_node(NodeKind::source, "source");
  for (FabEntry& fab : fabs) fab.node = net.add_node(NodeKind::fab, fab.label, fab.foundry);
  for (Maker& maker : makers)
    maker.node = net.add_node(NodeKind::chipmaker, maker.label, maker.chipmaker);
  std::vector<std::size_t> transit_in(n_countries, World::npos);
  std::vector<std::size_t> transit_out(n_countries, World::npos);
  for (std::size_t x = 0; x < n_countries; ++x) {
    const bool used = std::any_of(to_transit.begin(), to_transit.end(),
                                  [x](const Route& r) { return r.country == x; });
    if (!used) continue;
    transit_in[x] = net.add_node(NodeKind::transit, concat("transit ", world.country(x).id), x);
    transit_out[x] =
        net.add_node(NodeKind::transit, concat("transit ", world.country(x).id, " (out)"), x);
  }
  std::vector<std::size_t> market(n_countries, World::npos);
  for (std::size_t d = 0; d < n_countries; ++d)
    if (has_labs[d])
      market[d] = net.add_node(NodeKind::market, concat("market ", world.country(d).id), d);
  std::vector<std::size_t> lab_node;
  lab_node.reserve(labs.size());
  for (std::size_t lab : labs)
    lab_node.push_back(net.add_node(NodeKind::lab, concat("lab ", world.agent(lab).id), lab));
  const std::size_t sink = net.add_node(NodeKind::sink, "sink");

  // edges, in the same order
  for (const FabEntry& fab : fabs) net.add_edge(source, fab.node, to_network_units(fab.h100e), 0.0);
  for (const Maker& maker : makers)
    for (std::size_t l : maker.links)
      net.add_edge(fabs[links[l].fab].node, maker.node, to_network_units(links[l].h100e), 0.0);
  for (const Route& r : direct)
    net.add_edge(makers[r.maker].node, market[r.country], to_network_units(r.h100e), r.cost,
                 r.channel, r.label);
  for (const Route& r : to_transit)
    net.add_edge(makers[r.maker].node, transit_in[r.country], to_network_units(r.h100e), r.cost,
                 Channel::diverted, r.label);
  for (std::size_t x = 0; x < n_countries; ++x) {
    if (transit_in[x] == World::npos) continue;
    const double capacity = (1.0 - world.country(x).enforcement) * divert_capacity;
    net.add_edge(transit_in[x], transit_out[x], to_network_units(capacity), 0.0, Channel::diverted,
                 concat("diversion via ", world.country(x).id));
    for (std::size_t d : reaches[x])
      net.add_edge(transit_out[x], market[d], SupplyNetwork::kUnbounded, 0.0, Channel::diverted);
  }
  for (std::size_t i = 0; i < labs.size(); ++i) {
    net.add_edge(market[world.agent_country(labs[i])], lab_node[i], SupplyNetwork::kUnbounded, 0.0);
    net.add_edge(lab_node[i], sink, SupplyNetwork::kUnbounded, 0.0);
  }
  return net;
}

std::string describe_edge(const SupplyNetwork& network, std::size_t edge) {
  const NetEdge& e = network.edges().at(edge);
  const NetNode& from = network.nodes()[e.from];
  const NetNode& to = network.nodes()[e.to];
  if (from.kind == NodeKind::source) return to.label;
  if (to.kind == NodeKind::sink) return from.label;
  if (from.kind == NodeKind::transit && to.kind == NodeKind::transit && !e.label.empty())
    return e.label;
  return concat(from.label, " -> ", to.label);
}

std::vector<Chokepoint> chokepoints(const World& world, const SupplyNetwork& network) {
  const std::vector<NetNode>& nodes = network.nodes();
  std::size_t source = World::npos;
  for (std::size_t v = 0; v < nodes.size() && source == World::npos; ++v)
    if (nodes[v].kind == NodeKind::source) source = v;
  SIM_ASSERT(source != World::npos, "a capacity network without a source");

  // the bloc of each lab node
  std::map<std::string, std::vector<std::size_t>> labs_of;
  for (std::size_t v = 0; v < nodes.size(); ++v)
    if (nodes[v].kind == NodeKind::lab)
      labs_of[world.country(world.agent_country(nodes[v].ref)).bloc].push_back(v);

  std::vector<Chokepoint> result;
  for (const auto& [bloc, lab_nodes] : labs_of) {
    // the same network with a sink fed by this bloc's labs alone; the general sink becomes a
    // dead end
    SupplyNetwork net = network;
    const std::size_t sink = net.add_node(NodeKind::sink, concat("sink ", bloc));
    for (std::size_t lab : lab_nodes) net.add_edge(lab, sink, SupplyNetwork::kUnbounded, 0.0);
    const SupplyNetwork::Cut cut = net.min_cut(source, sink);

    std::vector<std::pair<std::int64_t, std::string>> entries;
    entries.reserve(cut.edges.size());
    for (std::size_t e : cut.edges)
      entries.emplace_back(net.edges()[e].capacity, describe_edge(net, e));
    std::sort(entries.begin(), entries.end(), [](const auto& a, const auto& b) {
      return a.first != b.first ? a.first > b.first : a.second < b.second;
    });
    Chokepoint c;
    c.bloc = bloc;
    c.max_flow = cut.value;
    for (auto& [capacity, label] : entries) {
      c.cut.push_back(std::move(label));
      c.cut_capacity.push_back(capacity);
    }
    result.push_back(std::move(c));
  }
  return result;
}

std::vector<Chokepoint> chokepoints(const World& world, const State& state, int step) {
  return chokepoints(world, capacity_network(world, state, step));
}

State state_after(const World& world, const BehaviourRegistry& behaviours, int step,
                  std::uint64_t replicate) {
  SIM_ASSERT(step >= 0 && step < world.calendar().size(), "state_after: step outside the run");
  const engine::Runner runner(world.calendar(), world.seed());
  Simulation sim(world, behaviours, replicate);
  for (int index = 0; index <= step; ++index) runner.step(sim, replicate, index);
  return sim.state();
}

}  // namespace sim::world
