#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "sim/io/file_source.hpp"
#include "sim/io/yaml_tree.hpp"
#include "sim/world/scenario.hpp"

namespace sim::io {

/// One `--set PATH=VALUE` override. VALUE is parsed as YAML (`0.25`, `2028-12`, `[chn, sgp]`).
struct Override {
  Override() = default;
  Override(std::string path_arg, std::string value_arg, std::string given_as_arg = {})
      : path(std::move(path_arg)), value(std::move(value_arg)), given_as(std::move(given_as_arg)) {}

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

/// Resource limits for untrusted scenario files (docs/scenario-format.md, "Limits"). The
/// defaults are far above any real scenario; a file past one is refused with a ConfigError
/// naming the file, the limit and how to raise it (`--limit NAME=N`). Limits are options of the
/// caller, never keys of the scenario, so a file cannot raise its own.
struct ScenarioLimits {
  TreeLimits yaml;                       ///< per file: nodes after expanding aliases, nesting
  std::size_t include_depth = 32;        ///< files including files, the top file not counted
  std::size_t months = 1200;             ///< scenario.start..scenario.end, both included
  std::size_t agents = 1'000'000;        ///< entries of `agents`
  std::size_t products = 10'000;         ///< entries of `products`
  std::uint64_t replicates = 1'000'000;  ///< scenario.replicates
  std::size_t sweep_points = 1'000'000;  ///< points of a sweep (grid product, samples, ...)
};

/// The names `--limit NAME=N` accepts, in documentation order: yaml-nodes, yaml-depth,
/// include-depth, months, agents, products, replicates, sweep-points.
std::vector<std::string> limit_names();

/// Applies `--limit` text `NAME=N` (N a positive integer) to `limits`.
/// @throws ConfigError `--limit TEXT: error: ...` for an unknown NAME or a bad N.
void set_limit(ScenarioLimits& limits, const std::string& text);

struct LoadOptions {
  std::vector<Override> overrides;
  ScenarioLimits limits;
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
