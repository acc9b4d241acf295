#pragma once

#include <string>
#include <utility>
#include <vector>

#include "sim/io/file_source.hpp"
#include "sim/world/scenario.hpp"

namespace sim::io {

/// One `--set PATH=VALUE` override. VALUE is parsed as YAML (`0.25`, `2028-12`, `[chn, sgp]`).
struct Override {
  Override() = default;
  Override(std::string path_, std::string value_, std::string given_as_ = {})
      : path(std::move(path_)), value(std::move(value_)), given_as(std::move(given_as_)) {}

  std::string path;
  std::string value;
  /// How messages name the change: `--set PATH=VALUE`, or e.g. `--choose` for a choice given
  /// as `--choose DECISION=OPTION` and applied as `scenario.choices.DECISION=OPTION`.
  std::string given_as;
};

/// The override that takes `option` at decision `decision` (`--choose DECISION=OPTION`).
Override choice_override(const std::string& decision, const std::string& option);

/// Parses `--set` text `PATH=VALUE`. @throws ConfigError when there is no `=` or PATH is empty.
Override parse_override(const std::string& text);

struct LoadOptions {
  std::vector<Override> overrides;
};

/// Loads, merges (includes), overrides and validates a scenario.
///
/// @throws ConfigError listing every problem found, one per line, each as
///   `FILE:LINE:COL: error: KEY: what is wrong; what was expected` (docs/scenario-format.md).
world::ScenarioSpec load_scenario(const std::string& path, const FileSource& files,
                                  const LoadOptions& options = {});

/// Loads a scenario from YAML text (for tests and for `/scenario/resolved_yaml`); `name` stands
/// in for the file name in messages. Includes are resolved relative to `name`.
world::ScenarioSpec load_scenario_text(const std::string& text, const std::string& name,
                                       const FileSource& files, const LoadOptions& options = {});

}  // namespace sim::io
