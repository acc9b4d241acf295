// The month's supply network as a capacity network, and its chokepoints: tiny scenarios whose
// capacities, cuts and routes a person can work out by hand. Every product makes 10 chips a
// wafer at 1 H100e a chip, so a fab of W wafers a month is 10 W H100e a month.
#include "sim/world/network_view.hpp"

#include <algorithm>
#include <catch2/catch.hpp>
#include <sstream>
#include <string>

#include "agents/register.hpp"
#include "sim/io/scenario_loader.hpp"
#include "sim/world/world.hpp"

using sim::world::Channel;
using sim::world::Chokepoint;
using sim::world::NodeKind;
using sim::world::SupplyNetwork;
using sim::world::World;

namespace {

/// usa (west), chn (china), twn (west), sgp (non-aligned, enforcement 0.7); one US chipmaker
/// `maker` with product `gpu` ordering from foundry `fab-co` with a big fab (10 wafers a month,
/// 100 H100e) and a small one (3 wafers, 30 H100e) in Taiwan; a lab in the US and one in China.
std::string one_maker(const std::string& extra = "", const std::string& lab_cn_extra = "") {
  return R"(scenario: {name: net, start: 2024-01, end: 2024-12, seed: 3}
countries:
  - {id: usa, bloc: west}
  - {id: chn, bloc: china}
  - {id: twn, bloc: west}
  - {id: sgp, bloc: non-aligned, enforcement: 0.7}
products:
  - {id: gpu, designer: maker, node: n4, tpp: 16000, density: 20, h100e: 1.0,
     unit_cost_usd: 3000, list_price_usd: 12000, chips_per_wafer: 10}
agents:
  - {id: us-gov, kind: government, country: usa}
  - {id: maker, kind: chipmaker, country: usa, foundries: [fab-co]}
  - id: fab-co
    kind: foundry
    country: twn
    fabs:
      - {id: big, country: twn, node: n4, wafers_per_month: 10}
      - {id: small, country: twn, node: n4, wafers_per_month: 3}
  - {id: lab-us, kind: ai_lab, country: usa, budget_usd_per_month: 1.2e6}
  - {id: lab-cn, kind: ai_lab, country: chn, budget_usd_per_month: 1.2e6)" +
         lab_cn_extra + R"(}
)" + extra;
}

/// Two US chipmakers, each with its own fab in Taiwan: `maker-a` (product gpu-a) at the big
/// fab (100 H100e a month) and `maker-b` (gpu-b) at the small one (30).
std::string two_makers(const std::string& extra = "") {
  return R"(scenario: {name: net2, start: 2024-01, end: 2024-12, seed: 3}
countries:
  - {id: usa, bloc: west}
  - {id: chn, bloc: china}
  - {id: twn, bloc: west}
products:
  - {id: gpu-a, designer: maker-a, node: n4, tpp: 16000, density: 20, h100e: 1.0,
     unit_cost_usd: 3000, list_price_usd: 12000, chips_per_wafer: 10}
  - {id: gpu-b, designer: maker-b, node: n4, tpp: 16000, density: 20, h100e: 1.0,
     unit_cost_usd: 3000, list_price_usd: 12000, chips_per_wafer: 10}
agents:
  - {id: us-gov, kind: government, country: usa}
  - {id: maker-a, kind: chipmaker, country: usa, foundries: [fab-a]}
  - {id: maker-b, kind: chipmaker, country: usa, foundries: [fab-b]}
  - id: fab-a
    kind: foundry
    country: twn
    fabs: [{id: big, country: twn, node: n4, wafers_per_month: 10}]
  - id: fab-b
    kind: foundry
    country: twn
    fabs: [{id: small, country: twn, node: n4, wafers_per_month: 3}]
  - {id: lab-us, kind: ai_lab, country: usa, budget_usd_per_month: 1.2e6}
  - {id: lab-cn, kind: ai_lab, country: chn, budget_usd_per_month: 1.2e6}
)" + extra;
}

World world_of(const std::string& yaml) {
  const sim::io::FileSource files;
  return World::build(sim::io::load_scenario_text(yaml, "t.yaml", files));
}

sim::world::State state_of(const World& world, int step) {
  sim::world::BehaviourRegistry behaviours;
  agents::register_builtin(behaviours);
  return sim::world::state_after(world, behaviours, step);
}

std::size_t node(const SupplyNetwork& net, const std::string& label) {
  for (std::size_t v = 0; v < net.nodes().size(); ++v)
    if (net.nodes()[v].label == label) return v;
  FAIL("no node " << label);
  return 0;
}

bool has_node(const SupplyNetwork& net, const std::string& label) {
  return std::any_of(net.nodes().begin(), net.nodes().end(),
                     [&label](const auto& n) { return n.label == label; });
}

/// The edge from the node labelled `from` to the node labelled `to`, or nullptr.
const sim::world::NetEdge* edge(const SupplyNetwork& net, const std::string& from,
                                const std::string& to) {
  for (const auto& e : net.edges())
    if (net.nodes()[e.from].label == from && net.nodes()[e.to].label == to) return &e;
  return nullptr;
}

const Chokepoint& bloc(const std::vector<Chokepoint>& all, const std::string& name) {
  for (const Chokepoint& c : all)
    if (c.bloc == name) return c;
  FAIL("no bloc " << name);
  return all.front();
}

}  // namespace

TEST_CASE("world::capacity_network: two fabs feeding one chipmaker deliver their sum",
          "[world][network]") {
  const World world = world_of(one_maker());
  const auto state = state_of(world, 0);
  SupplyNetwork net = sim::world::capacity_network(world, state, 0);

  // capacities in H100e a month: wafers x chips per wafer x h100e
  const auto* big = edge(net, "source", "fab fab-co/big (twn)");
  const auto* small = edge(net, "source", "fab fab-co/small (twn)");
  REQUIRE(big != nullptr);
  REQUIRE(small != nullptr);
  CHECK(big->capacity == 100);
  CHECK(small->capacity == 30);
  // the route to each market carries what both fabs make; downstream is unbounded
  const auto* to_us = edge(net, "maker", "market usa");
  REQUIRE(to_us != nullptr);
  CHECK(to_us->capacity == 130);
  CHECK(to_us->channel == Channel::legal);
  CHECK(edge(net, "market usa", "lab lab-us")->capacity == SupplyNetwork::kUnbounded);
  CHECK(edge(net, "lab lab-us", "sink")->capacity == SupplyNetwork::kUnbounded);
  // no transit: nothing is illegal anywhere
  for (const auto& n : net.nodes()) CHECK(n.kind != NodeKind::transit);

  CHECK(net.min_cost_max_flow(node(net, "source"), node(net, "sink")) == 130);

  // each bloc can take everything; the cut is both fabs, bigger first
  const auto points = sim::world::chokepoints(world, net);
  REQUIRE(points.size() == 2);
  CHECK(points[0].bloc == "china");
  CHECK(points[1].bloc == "west");
  for (const Chokepoint& c : points) {
    INFO(c.bloc);
    CHECK(c.max_flow == 130);
    CHECK(c.cut == std::vector<std::string>{"fab fab-co/big (twn)", "fab fab-co/small (twn)"});
    CHECK(c.cut_capacity == std::vector<std::int64_t>{100, 30});
  }
}

TEST_CASE("world::chokepoints: the minimum cut of a two-fab network is the smaller fab",
          "[world][network]") {
  // the US prohibits maker-a's chips to China: China is served only through the small fab
  const World world = world_of(two_makers(R"(policies:
  - {id: ban, kind: export_control, issuer: usa, from: 2024-01, products: [gpu-a],
     destinations: [chn], treatment: prohibited}
)"));
  const auto state = state_of(world, 0);
  const SupplyNetwork net = sim::world::capacity_network(world, state, 0);

  // the prohibited route is not in the network; the legal ones are
  CHECK(edge(net, "maker-a", "market chn") == nullptr);
  REQUIRE(edge(net, "maker-b", "market chn") != nullptr);
  CHECK(edge(net, "maker-b", "market chn")->capacity == 30);
  CHECK(edge(net, "maker-a", "market usa")->capacity == 100);

  const auto points = sim::world::chokepoints(world, net);
  const Chokepoint& china = bloc(points, "china");
  CHECK(china.max_flow == 30);
  CHECK(china.cut == std::vector<std::string>{"fab fab-b/small (twn)"});
  CHECK(china.cut_capacity == std::vector<std::int64_t>{30});
  const Chokepoint& west = bloc(points, "west");
  CHECK(west.max_flow == 130);
  CHECK(west.cut == std::vector<std::string>{"fab fab-a/big (twn)", "fab fab-b/small (twn)"});
}

TEST_CASE("world::capacity_network: a foundry that may not serve a chipmaker drops the link",
          "[world][network]") {
  // Taiwan prohibits exports of gpu-a to the US: fab-a may not make it for maker-a
  const World world = world_of(two_makers(R"(policies:
  - {id: twn-ban, kind: export_control, issuer: twn, from: 2024-01, products: [gpu-a],
     destinations: [usa], treatment: prohibited}
)"));
  const auto state = state_of(world, 0);
  const SupplyNetwork net = sim::world::capacity_network(world, state, 0);
  CHECK_FALSE(has_node(net, "fab fab-a/big (twn)"));
  CHECK_FALSE(has_node(net, "maker-a"));
  const auto points = sim::world::chokepoints(world, net);
  CHECK(bloc(points, "west").max_flow == 30);
  CHECK(bloc(points, "china").max_flow == 30);
}

TEST_CASE("world::capacity_network: fabs count only in their operating months",
          "[world][network]") {
  std::string yaml = one_maker();
  const std::string small = "{id: small, country: twn, node: n4, wafers_per_month: 3}";
  yaml.replace(yaml.find(small), small.size(),
               "{id: small, country: twn, node: n4, wafers_per_month: 3, from: 2024-03}");
  const World world = world_of(yaml);
  const auto early = sim::world::capacity_network(world, state_of(world, 1), 1);
  CHECK_FALSE(has_node(early, "fab fab-co/small (twn)"));
  CHECK(sim::world::chokepoints(world, early)[0].max_flow == 100);
  const auto later = sim::world::capacity_network(world, state_of(world, 2), 2);
  CHECK(has_node(later, "fab fab-co/small (twn)"));
  CHECK(sim::world::chokepoints(world, later)[0].max_flow == 130);
}

TEST_CASE("world::capacity_network: landed cost weights include the importer's tariff",
          "[world][network]") {
  const World world = world_of(one_maker(R"(policies:
  - {id: duty, kind: tariff, issuer: chn, from: 2024-01, products: [gpu], rate: 0.1}
  - {id: share, kind: export_fee, issuer: usa, from: 2024-01, products: [gpu],
     destinations: [chn], rate: 0.15}
)"));
  const auto state = state_of(world, 0);
  const SupplyNetwork net = sim::world::capacity_network(world, state, 0);
  const double price = state.chipmakers[world.agent_index("maker")].price_usd[0];
  REQUIRE(price > 0);
  const auto* to_cn = edge(net, "maker", "market chn");
  const auto* to_us = edge(net, "maker", "market usa");
  REQUIRE(to_cn != nullptr);
  REQUIRE(to_us != nullptr);
  // price x (1 + tariff) / h100e; the export fee is the seller's, so it is only labelled
  CHECK(to_cn->cost == Approx(price * 1.1));
  CHECK(to_us->cost == Approx(price));
  CHECK_THAT(to_cn->label, Catch::Contains("tariff 10%") && Catch::Contains("fee 15%"));
}

TEST_CASE("world::capacity_network: a licensed route needs a licence in effect",
          "[world][network]") {
  const World world = world_of(one_maker(R"(policies:
  - {id: lic, kind: export_control, issuer: usa, from: 2024-01, products: [gpu],
     destinations: [chn], treatment: licence_required,
     licence: {approval_probability: 0.0, delay_months: 0}}
)"));
  auto state = state_of(world, 0);
  CHECK(edge(sim::world::capacity_network(world, state, 0), "maker", "market chn") == nullptr);
  // grant the licence by hand
  state.licences[sim::world::LicenceKey{0, world.agent_index("maker"), world.country_index("chn"),
                                        0}] = sim::world::Licence{0, true};
  const SupplyNetwork net = sim::world::capacity_network(world, state, 0);
  const auto* to_cn = edge(net, "maker", "market chn");
  REQUIRE(to_cn != nullptr);
  CHECK(to_cn->channel == Channel::licensed);
  CHECK(to_cn->capacity == 130);
}

TEST_CASE("world::capacity_network: diversion through a transit country",
          "[world][network][diversion]") {
  const std::string ban = R"(model: {diversion_capacity_h100e_per_month: 100}
policies:
  - {id: ban, kind: export_control, issuer: usa, from: 2024-01, products: [gpu],
     destinations: [chn], treatment: prohibited}
)";
  SECTION("a lab that takes diverted chips opens the route, (1 - enforcement) x capacity") {
    const World world = world_of(one_maker(ban, ", risk_tolerance: 0.5"));
    const auto state = state_of(world, 0);
    const SupplyNetwork net = sim::world::capacity_network(world, state, 0);
    CHECK(edge(net, "maker", "market chn") == nullptr);
    const auto* into = edge(net, "maker", "transit sgp");
    const auto* through = edge(net, "transit sgp", "transit sgp (out)");
    const auto* out = edge(net, "transit sgp (out)", "market chn");
    REQUIRE(into != nullptr);
    REQUIRE(through != nullptr);
    REQUIRE(out != nullptr);
    CHECK(through->capacity == 30);  // (1 - 0.7) x 100
    CHECK(through->channel == Channel::diverted);
    CHECK(out->channel == Channel::diverted);
    // cost as the market prices it: price x (1 + premium 0.5) / (1 - enforcement)
    const double price = state.chipmakers[world.agent_index("maker")].price_usd[0];
    CHECK(into->cost == Approx(price * 1.5 / 0.3));
    // the west is not fed through sgp: it has no lab that wants diverted chips, and its
    // chips are legal anyway
    CHECK(edge(net, "transit sgp (out)", "market usa") == nullptr);

    const auto points = sim::world::chokepoints(world, net);
    const Chokepoint& china = bloc(points, "china");
    // what sgp can re-export (30) is less than what the fabs make (130)
    CHECK(china.max_flow == 30);
    CHECK(china.cut == std::vector<std::string>{"diversion via sgp"});
    CHECK(bloc(points, "west").max_flow == 130);
  }
  SECTION("no lab takes diverted chips: no transit") {
    const World world = world_of(one_maker(ban));
    const SupplyNetwork net = sim::world::capacity_network(world, state_of(world, 0), 0);
    CHECK_FALSE(has_node(net, "transit sgp"));
    const auto points = sim::world::chokepoints(world, net);
    const Chokepoint& china = bloc(points, "china");
    CHECK(china.max_flow == 0);
    CHECK(china.cut.empty());
  }
  SECTION("perfect enforcement: no transit") {
    std::string yaml = one_maker(ban, ", risk_tolerance: 0.5");
    const std::string sgp = "enforcement: 0.7";
    yaml.replace(yaml.find(sgp), sgp.size(), "enforcement: 1.0");
    const World world = world_of(yaml);
    const SupplyNetwork net = sim::world::capacity_network(world, state_of(world, 0), 0);
    CHECK_FALSE(has_node(net, "transit sgp"));
  }
}

TEST_CASE("world::capacity_network: the DOT output names every node", "[world][network]") {
  const World world = world_of(one_maker());
  const SupplyNetwork net = sim::world::capacity_network(world, state_of(world, 0), 0);
  std::ostringstream dot;
  net.write_dot(dot);
  const std::string text = dot.str();
  CHECK_THAT(text, Catch::StartsWith("digraph"));
  for (const char* label : {"fab fab-co/big (twn)", "fab fab-co/small (twn)", "\"maker\"",
                            "market usa", "market chn", "lab lab-us", "lab lab-cn"}) {
    INFO(label);
    CHECK_THAT(text, Catch::Contains(label));
  }
}

TEST_CASE("world::capacity_network: the same month gives the same network",
          "[world][network][determinism]") {
  const World world = world_of(two_makers());
  const auto state = state_of(world, 3);
  std::ostringstream a;
  std::ostringstream b;
  sim::world::capacity_network(world, state, 3).write_dot(a);
  sim::world::capacity_network(world, state_of(world, 3), 3).write_dot(b);
  CHECK(a.str() == b.str());
}
