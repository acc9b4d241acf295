#include "sim/world/supply_network.hpp"

#include <boost/graph/adjacency_list.hpp>
#include <boost/graph/boykov_kolmogorov_max_flow.hpp>
#include <boost/graph/graphviz.hpp>
#include <boost/graph/successive_shortest_path_nonnegative_weights.hpp>
#include <cmath>
#include <ostream>
#include <sstream>

#include "sim/engine/errors.hpp"

namespace sim::world {

namespace {

using Traits = boost::adjacency_list_traits<boost::vecS, boost::vecS, boost::directedS>;
using EdgeProps = boost::property<
    boost::edge_capacity_t, std::int64_t,
    boost::property<boost::edge_residual_capacity_t, std::int64_t,
                    boost::property<boost::edge_reverse_t, Traits::edge_descriptor,
                                    boost::property<boost::edge_weight_t, double>>>>;
using VertexProps = boost::property<
    boost::vertex_color_t, boost::default_color_type,
    boost::property<boost::vertex_distance_t, double,
                    boost::property<boost::vertex_predecessor_t, Traits::edge_descriptor>>>;
using Graph =
    boost::adjacency_list<boost::vecS, boost::vecS, boost::directedS, VertexProps, EdgeProps>;

/// The BGL graph of a network: each of our edges and its reverse (capacity 0, cost −cost),
/// as the flow algorithms require. `forward[i]` is our edge i.
struct Built {
  Graph g;
  std::vector<Traits::edge_descriptor> forward;
};

Built build(const std::vector<NetNode>& nodes, const std::vector<NetEdge>& edges) {
  Built b{Graph(nodes.size()), {}};
  auto capacity = get(boost::edge_capacity, b.g);
  auto reverse = get(boost::edge_reverse, b.g);
  auto weight = get(boost::edge_weight, b.g);
  b.forward.reserve(edges.size());
  for (const NetEdge& e : edges) {
    const auto there = boost::add_edge(e.from, e.to, b.g).first;
    const auto back = boost::add_edge(e.to, e.from, b.g).first;
    capacity[there] = std::max<std::int64_t>(0, e.capacity);
    capacity[back] = 0;
    // whole-number weights (exact in a double) keep the reduced costs of successive shortest
    // paths exactly >= 0; doubles, unlike integers, sum the algorithm's "infinite" distances
    // of unreachable vertices without overflow
    const double w = std::round(e.cost * SupplyNetwork::kCostScale);
    weight[there] = w;
    weight[back] = -w;
    reverse[there] = back;
    reverse[back] = there;
    b.forward.push_back(there);
  }
  return b;
}

const char* kind_label(NodeKind k) {
  switch (k) {
    case NodeKind::source:
      return "source";
    case NodeKind::sink:
      return "sink";
    case NodeKind::fab:
      return "fab";
    case NodeKind::chipmaker:
      return "chipmaker";
    case NodeKind::offer:
      return "offer";
    case NodeKind::transit:
      return "transit";
    case NodeKind::market:
      return "market";
    case NodeKind::lab:
      return "lab";
  }
  return "?";
}

std::string quoted(const std::string& s) {
  std::string q = "\"";
  for (char c : s) q += (c == '"' || c == '\\') ? std::string("\\") + c : std::string(1, c);
  return q + "\"";
}

}  // namespace

std::size_t SupplyNetwork::add_node(NodeKind kind, std::string label, std::size_t ref) {
  nodes_.push_back(NetNode{kind, std::move(label), ref});
  return nodes_.size() - 1;
}

std::size_t SupplyNetwork::add_edge(std::size_t from, std::size_t to, std::int64_t capacity,
                                    double cost, Channel channel, std::string label) {
  SIM_ASSERT(from < nodes_.size() && to < nodes_.size(), "edge between unknown nodes");
  SIM_ASSERT(cost >= 0, "negative edge cost");
  edges_.push_back(NetEdge{from, to, capacity, cost, channel, std::move(label), 0});
  return edges_.size() - 1;
}

std::int64_t SupplyNetwork::min_cost_max_flow(std::size_t s, std::size_t t) {
  Built b = build(nodes_, edges_);
  boost::successive_shortest_path_nonnegative_weights(b.g, s, t);
  auto capacity = get(boost::edge_capacity, b.g);
  auto residual = get(boost::edge_residual_capacity, b.g);
  std::int64_t total = 0;
  for (std::size_t i = 0; i < edges_.size(); ++i) {
    edges_[i].flow = capacity[b.forward[i]] - residual[b.forward[i]];
    if (edges_[i].to == t) total += edges_[i].flow;
    if (edges_[i].from == t) total -= edges_[i].flow;
  }
  return total;
}

SupplyNetwork::Cut SupplyNetwork::min_cut(std::size_t s, std::size_t t) const {
  Built b = build(nodes_, edges_);
  Cut cut;
  cut.value = boost::boykov_kolmogorov_max_flow(b.g, s, t);
  // Boykov–Kolmogorov colours the vertices it can still reach from the source in the residual
  // graph black; every saturated edge from there to elsewhere is in the cut
  auto color = get(boost::vertex_color, b.g);
  const auto source_side = color[s];
  for (std::size_t i = 0; i < edges_.size(); ++i) {
    const NetEdge& e = edges_[i];
    if (e.capacity > 0 && color[e.from] == source_side && color[e.to] != source_side)
      cut.edges.push_back(i);
  }
  return cut;
}

void SupplyNetwork::write_dot(std::ostream& out) const {
  // an edge-indexed graph, so the writer can find each edge's label
  using DotGraph =
      boost::adjacency_list<boost::vecS, boost::vecS, boost::directedS, boost::no_property,
                            boost::property<boost::edge_index_t, std::size_t>>;
  DotGraph g(nodes_.size());
  for (std::size_t i = 0; i < edges_.size(); ++i)
    boost::add_edge(edges_[i].from, edges_[i].to, i, g);
  auto index = get(boost::edge_index, g);
  const auto vertex_writer = [&](std::ostream& os, std::size_t v) {
    const NetNode& n = nodes_[v];
    os << "[label=" << quoted(n.label) << ", kind=" << quoted(kind_label(n.kind)) << "]";
  };
  const auto edge_writer = [&](std::ostream& os, const DotGraph::edge_descriptor& d) {
    const NetEdge& e = edges_[index[d]];
    std::ostringstream label;
    if (!e.label.empty()) label << e.label << ": ";
    if (e.capacity >= kUnbounded)
      label << "cap inf";
    else
      label << "cap " << e.capacity;
    if (e.flow > 0) label << ", flow " << e.flow;
    if (e.channel != Channel::legal) label << ", " << channel_name(e.channel);
    os << "[label=" << quoted(label.str()) << "]";
  };
  boost::write_graphviz(out, g, vertex_writer, edge_writer,
                        [](std::ostream& os) { os << "rankdir=LR;\n"; });
}

}  // namespace sim::world
