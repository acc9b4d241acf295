#pragma once

#include "sim/world/behaviour.hpp"

namespace agents {

/// Registers the built-in behaviours of the four agent kinds.
void register_builtin(sim::world::BehaviourRegistry& registry);

}  // namespace agents
