#pragma once

#include <CLI/CLI.hpp>
#include <cstddef>
#include <optional>
#include <string>

#include "sim/io/file_source.hpp"
#include "tools/cli/cluster.hpp"

namespace cli {

/// The arguments of `chipsim sweep`.
struct SweepArgs {
  std::string sweep;                     ///< the sweep file; empty with --resume
  std::string output;                    ///< -o; default: SWEEP-NAME.h5
  std::string resume;                    ///< --resume FILE: finish an interrupted sweep
  std::string method;                    ///< --method: overrides the file's method
  std::optional<std::size_t> samples;    ///< --samples: with --method
  std::optional<std::size_t> max_units;  ///< --max-units: stop after this many units
  std::vector<std::string> limits;       ///< --limit NAME=N (recorded; --resume applies them)
  bool force = false;                    ///< overwrite an existing result file
  bool dry_run = false;                  ///< check the sweep and list its points; run nothing
  bool quiet = false;
};

/// Adds the `sweep` subcommand to `app`; its options fill `args`.
CLI::App* add_sweep_command(CLI::App& app, SweepArgs& args);

/// Runs `chipsim sweep` (docs/cli.md, docs/sweep-format.md): every point x replicate of the
/// sweep ("unit") runs in parallel and is written to `OUT.parts/` as soon as it is done, so an
/// interrupted sweep resumes with only the missing units; when all are done they are merged
/// into OUT and the parts removed. In an MPI job every process runs units, handed out by the
/// root, which then merges them (docs/distributed.md). Returns the exit status.
/// @throws sim::ConfigError for a bad sweep file or point (exit 2); sim::IoError when files
///   cannot be written (exit 1); ReportedElsewhere on a process whose job another reports.
int sweep_command(const SweepArgs& args, const sim::io::FileSource& files, const Cluster& cluster);

}  // namespace cli
