#pragma once

#include <cstddef>
#include <cstdint>
#include <iosfwd>
#include <string>
#include <vector>

#include "sim/world/results.hpp"

namespace sim::world {

/// What a node of the supply network stands for.
enum class NodeKind { source, sink, fab, chipmaker, offer, transit, market, lab };

struct NetNode {
  NodeKind kind = NodeKind::source;
  std::string label;
  std::size_t ref = static_cast<std::size_t>(-1);  ///< agent, country or offer index
};

/// A directed edge with an integer capacity (flow units are chosen by the builder), a cost
/// per unit of flow (>= 0) and the legal channel the edge stands for.
struct NetEdge {
  std::size_t from = 0;
  std::size_t to = 0;
  std::int64_t capacity = 0;
  double cost = 0;
  Channel channel = Channel::legal;
  std::string label;
  std::int64_t flow = 0;  ///< set by min_cost_max_flow
};

/// A flow network over our own node and edge types, solved with Boost.Graph: min-cost
/// max-flow by successive shortest paths (`successive_shortest_path_nonnegative_weights`) and
/// minimum cuts by Boykov–Kolmogorov. Nodes and edges keep their insertion order, so results
/// are deterministic.
class SupplyNetwork {
 public:
  /// A capacity no flow reaches (about 9e15 units).
  static constexpr std::int64_t kUnbounded = std::int64_t{1} << 53;
  /// Costs are rounded to 1/kCostScale of their unit for the flow algorithm (integer weights
  /// keep its reduced costs exact).
  static constexpr double kCostScale = 100.0;

  std::size_t add_node(NodeKind kind, std::string label,
                       std::size_t ref = static_cast<std::size_t>(-1));
  /// Adds an edge; a capacity <= 0 still adds it (it carries no flow). Costs must be >= 0.
  std::size_t add_edge(std::size_t from, std::size_t to, std::int64_t capacity, double cost,
                       Channel channel = Channel::legal, std::string label = {});

  /// Sends the most flow from `s` to `t` at least total cost; sets every edge's `flow` and
  /// returns the total flow.
  std::int64_t min_cost_max_flow(std::size_t s, std::size_t t);

  struct Cut {
    std::int64_t value = 0;          ///< capacity of the cut = the maximum flow
    std::vector<std::size_t> edges;  ///< edges from the source side to the sink side
  };
  /// The minimum s–t cut: the edges whose loss would cut the most flow, cheapest first.
  Cut min_cut(std::size_t s, std::size_t t) const;

  /// The network as GraphViz DOT (`boost::write_graphviz`), labelled with capacities and, when
  /// solved, flows.
  void write_dot(std::ostream& out) const;

  const std::vector<NetNode>& nodes() const { return nodes_; }
  const std::vector<NetEdge>& edges() const { return edges_; }

 private:
  std::vector<NetNode> nodes_;
  std::vector<NetEdge> edges_;
};

}  // namespace sim::world
