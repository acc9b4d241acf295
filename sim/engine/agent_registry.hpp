#pragma once

#include <compare>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sim::engine {

/// An agent's position in its registry: dense, from 0, in registration order. Phases, random
/// streams and results are all indexed by it.
struct AgentId {
  std::uint32_t value = 0;
  auto operator<=>(const AgentId&) const = default;
};

/// The agents of a simulation: each has a unique text id and a kind label. The engine attaches
/// no meaning to kinds; models do.
class AgentRegistry {
 public:
  /// Registers an agent. @throws ConfigError if `id` is already registered.
  AgentId add(std::string id, std::string kind);
  std::optional<AgentId> find(std::string_view id) const;
  const std::string& id(AgentId agent) const { return ids_[agent.value]; }
  const std::string& kind(AgentId agent) const { return kinds_[agent.value]; }
  std::size_t size() const { return ids_.size(); }

 private:
  std::vector<std::string> ids_;
  std::vector<std::string> kinds_;
  std::map<std::string, std::uint32_t, std::less<>> index_;
};

}  // namespace sim::engine
