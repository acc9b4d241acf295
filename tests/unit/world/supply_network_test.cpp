#include "sim/world/supply_network.hpp"

#include <catch2/catch.hpp>
#include <sstream>

using sim::world::Channel;
using sim::world::NodeKind;
using sim::world::SupplyNetwork;

TEST_CASE("world::SupplyNetwork: min-cost flow takes the cheaper path first", "[world][network]") {
  // source -> a (cap 10) and source -> b (cap 10); both reach the sink; the sink takes 12.
  // a costs 1 a unit and b costs 3: the cheapest 12 units are 10 via a and 2 via b.
  SupplyNetwork net;
  const auto s = net.add_node(NodeKind::source, "s");
  const auto a = net.add_node(NodeKind::offer, "a");
  const auto b = net.add_node(NodeKind::offer, "b");
  const auto m = net.add_node(NodeKind::market, "m");
  const auto t = net.add_node(NodeKind::sink, "t");
  net.add_edge(s, a, 10, 0);
  net.add_edge(s, b, 10, 0);
  const auto via_a = net.add_edge(a, m, SupplyNetwork::kUnbounded, 1.0);
  const auto via_b = net.add_edge(b, m, SupplyNetwork::kUnbounded, 3.0, Channel::diverted);
  net.add_edge(m, t, 12, 0);
  CHECK(net.min_cost_max_flow(s, t) == 12);
  CHECK(net.edges()[via_a].flow == 10);
  CHECK(net.edges()[via_b].flow == 2);
}

TEST_CASE("world::SupplyNetwork: the minimum cut of two fabs feeding one market is the smaller",
          "[world][network]") {
  SupplyNetwork net;
  const auto s = net.add_node(NodeKind::source, "s");
  const auto big = net.add_node(NodeKind::fab, "big");
  const auto small = net.add_node(NodeKind::fab, "small");
  const auto maker = net.add_node(NodeKind::chipmaker, "maker");
  const auto t = net.add_node(NodeKind::sink, "t");
  net.add_edge(s, big, 100, 0, Channel::legal, "big fab");
  net.add_edge(s, small, 30, 0, Channel::legal, "small fab");
  net.add_edge(big, maker, SupplyNetwork::kUnbounded, 0);
  net.add_edge(small, maker, SupplyNetwork::kUnbounded, 0);
  // when the market downstream takes at most 50, the cut is that route, not a fab
  const auto market_edge = net.add_edge(maker, t, 50, 0);
  auto cut = net.min_cut(s, t);
  CHECK(cut.value == 50);
  REQUIRE(cut.edges.size() == 1);
  CHECK(cut.edges[0] == market_edge);
  // when the fabs bind, the smaller fab is in the cut: f1 can deliver only 60 of its 100
  // through its route, f2 all its 30
  SupplyNetwork net2;
  const auto s2 = net2.add_node(NodeKind::source, "s");
  const auto f1 = net2.add_node(NodeKind::fab, "f1");
  const auto f2 = net2.add_node(NodeKind::fab, "f2");
  const auto lab = net2.add_node(NodeKind::lab, "lab");
  const auto t2 = net2.add_node(NodeKind::sink, "t");
  net2.add_edge(s2, f1, 100, 0);
  const auto e2 = net2.add_edge(s2, f2, 30, 0);
  net2.add_edge(f1, lab, 60, 0);  // f1 reaches the lab through a 60-unit route
  net2.add_edge(f2, lab, SupplyNetwork::kUnbounded, 0);
  net2.add_edge(lab, t2, SupplyNetwork::kUnbounded, 0);
  cut = net2.min_cut(s2, t2);
  CHECK(cut.value == 90);
  CHECK(std::find(cut.edges.begin(), cut.edges.end(), e2) != cut.edges.end());
}

TEST_CASE("world::SupplyNetwork: writes GraphViz DOT with labels", "[world][network]") {
  SupplyNetwork net;
  const auto s = net.add_node(NodeKind::source, "all fabs");
  const auto t = net.add_node(NodeKind::sink, "labs \"west\"");
  net.add_edge(s, t, 5, 0, Channel::licensed, "route");
  net.min_cost_max_flow(s, t);
  std::ostringstream dot;
  net.write_dot(dot);
  CHECK_THAT(dot.str(), Catch::Contains("digraph"));
  CHECK_THAT(dot.str(), Catch::Contains("label=\"all fabs\""));
  CHECK_THAT(dot.str(), Catch::Contains("labs \\\"west\\\""));
  CHECK_THAT(dot.str(), Catch::Contains("route: cap 5, flow 5, licensed"));
}
