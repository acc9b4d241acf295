#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "sim/io/file_source.hpp"
#include "sim/io/scenario_loader.hpp"

namespace sim::io {

/// How a sweep chooses its points (docs/sweep-format.md).
enum class SweepMethod { grid, lhs, sobol, morris };

const char* sweep_method_name(SweepMethod method);

/// One swept input, addressed by its `--set` path.
struct SweepParameterSpec {
  std::string path;
  std::vector<double> values;  ///< grid: the values, in order; empty for ranges
  double low = 0, high = 0;    ///< lhs, sobol, morris: the range
  bool integer = false;        ///< sampled values are rounded to integers
  std::string where;           ///< `FILE:LINE:COL` of the entry, for later messages
};

/// A scalar the sweep reports per point and replicate (and Morris screens).
struct SweepOutputSpec {
  std::string name;    ///< an id, unique in the sweep
  std::string metric;  ///< `AXIS/NAME`; AXIS is country, agent, product, policy or bloc
  std::string id;      ///< the entity on that axis (a country, agent, product, policy or bloc)
  std::string month;   ///< YYYY-MM; empty: the last month
  std::string from;    ///< YYYY-MM: a flow is summed from this month; empty: the first month
  std::string where;   ///< `FILE:LINE:COL` of the entry
};

/// A sweep file, read and checked (docs/sweep-format.md).
struct SweepSpec {
  std::string file;  ///< as given
  std::string text;  ///< the file's contents
  std::string name;
  std::string description;
  std::string base;  ///< the base scenario, resolved relative to the sweep file
  SweepMethod method = SweepMethod::grid;
  std::size_t samples = 0;                  ///< lhs, sobol: points; morris: trajectories
  int levels = 4;                           ///< morris: grid levels
  std::optional<std::uint64_t> replicates;  ///< per point; default: the base scenario's
  std::optional<std::uint64_t> seed;        ///< default: the base scenario's
  std::vector<Override> sets;               ///< fixed overrides applied to every point
  std::vector<std::string> set_where;       ///< `FILE:LINE:COL` of each of `sets`
  std::vector<std::string> choices;         ///< `DECISION=OPTION`, applied to every point
  std::vector<std::string> choice_where;    ///< `FILE:LINE:COL` of each of `choices`
  std::vector<SweepParameterSpec> parameters;
  std::vector<SweepOutputSpec> outputs;
};

/// Reads and checks a sweep file. Checks against the base scenario (that each path exists and
/// each value is valid there, each output names a metric and an entity) are the caller's, as
/// they need the scenario loaded.
/// @throws ConfigError listing every problem, one per line, as
///   `FILE:LINE:COL: error: KEY: what is wrong; what was expected`.
/// Also refuses a file past `limits.yaml` or with more points than `limits.sweep_points`.
SweepSpec load_sweep(const std::string& path, const FileSource& files,
                     const ScenarioLimits& limits = {});

/// As load_sweep, from text; `name` stands in for the file name in messages and resolves `base`.
SweepSpec load_sweep_text(const std::string& text, const std::string& name,
                          const ScenarioLimits& limits = {});

/// The points a sweep runs: the product of the value counts (grid), `samples` (lhs, sobol) or
/// `samples` x (parameters + 1) (morris); the largest uint64 when that overflows.
std::uint64_t sweep_point_count(const SweepSpec& spec);

}  // namespace sim::io
