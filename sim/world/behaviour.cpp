#include "sim/world/behaviour.hpp"

#include "sim/engine/concat.hpp"
#include "sim/engine/errors.hpp"

namespace sim::world {

const Behaviour& BehaviourRegistry::get(AgentKind kind) const {
  const auto& slot = slots_[static_cast<std::size_t>(kind)];
  if (!slot)
    throw ConfigError(concat("no behaviour registered for agent kind ", static_cast<int>(kind)));
  return *slot;
}

}  // namespace sim::world
