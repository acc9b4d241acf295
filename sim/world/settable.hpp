#pragma once

#include <span>
#include <string_view>

#include "sim/world/scenario.hpp"

namespace sim::world {

/// The numeric parameters that a dated `set` event may change while a run is under way,
/// addressed as `agents.ID.FIELD` or `policies.ID.FIELD`. Returns the field, or nullptr when
/// FIELD is not such a parameter for this entity. The loader uses it to check `set` events; the
/// model uses it to apply them.
double* settable_field(AgentSpec& agent, std::string_view field);
double* settable_field(PolicySpec& policy, std::string_view field);

/// Every field `settable_field` knows for agents of `kind` (possibly none), and for policies.
std::span<const std::string_view> settable_fields(AgentKind kind);
std::span<const std::string_view> settable_policy_fields();

}  // namespace sim::world
