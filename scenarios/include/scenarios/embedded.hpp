#pragma once

#include <map>
#include <string>

namespace sim::scenarios {

/// The YAML files under `scenarios/`, embedded at build time: path relative to `scenarios/`
/// (e.g. `history/h20-2025.yaml`) -> contents.
const std::map<std::string, std::string>& embedded();

/// The scenario `chipsim run` uses when given none.
inline constexpr const char* kDefaultScenario = "builtin:history/h20-2025.yaml";

}  // namespace sim::scenarios
