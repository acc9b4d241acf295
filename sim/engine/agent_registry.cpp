#include "sim/engine/agent_registry.hpp"

#include "sim/engine/concat.hpp"
#include "sim/engine/errors.hpp"

namespace sim::engine {

AgentId AgentRegistry::add(std::string id, std::string kind) {
  const auto next = static_cast<std::uint32_t>(ids_.size());
  if (!index_.emplace(id, next).second)
    throw ConfigError(concat("agent '", id, "' registered twice"));
  ids_.push_back(std::move(id));
  kinds_.push_back(std::move(kind));
  return AgentId{next};
}

std::optional<AgentId> AgentRegistry::find(std::string_view id) const {
  const auto it = index_.find(id);
  if (it == index_.end()) return std::nullopt;
  return AgentId{it->second};
}

}  // namespace sim::engine
