#pragma once

#include <string>
#include <vector>

#include "sim/io/scenario_loader.hpp"
#include "sim/world/world.hpp"

/// Small helpers the subcommands share.
namespace cli {

/// The current time as `YYYY-MM-DDTHH:MM:SSZ`, for the result files' `created_utc`.
std::string utc_now();

/// Parses `--choose DECISION=OPTION` texts.
/// @throws sim::ConfigError for a text that is not DECISION=OPTION.
sim::world::Choices parse_choices(const std::vector<std::string>& texts);

/// The same `--choose` texts as scenario overrides (`scenario.choices.DECISION=OPTION`), so that
/// the stored scenario text records the options taken. @throws sim::ConfigError like
/// parse_choices.
std::vector<sim::io::Override> choice_overrides(const std::vector<std::string>& texts);

/// Help of the `--limit NAME=N` option of the subcommands that load scenarios.
inline constexpr const char* kLimitHelp =
    "Raise a resource limit: NAME=N (repeatable; docs/scenario-format.md, \"Limits\")";

/// Applies `--limit NAME=N` texts to `options`. @throws sim::ConfigError for a bad text.
void apply_limits(sim::io::LoadOptions& options, const std::vector<std::string>& texts);

}  // namespace cli
