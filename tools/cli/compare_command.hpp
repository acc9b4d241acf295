#pragma once

#include <CLI/CLI.hpp>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace cli {

/// The arguments of `chipsim compare`.
struct CompareArgs {
  std::string file_a;                ///< run A (the baseline)
  std::string file_b;                ///< run B: rows show B - A
  std::vector<std::string> metrics;  ///< `--metric AXIS/NAME`; empty: the default set
  std::string month;                 ///< `--month YYYY-MM`; empty: the last common month
  std::string format = "table";      ///< table, csv or json
  bool bootstrap = false;            ///< `--bootstrap [N]` given: percentile bootstrap, not t
  std::size_t resamples = 10000;     ///< N of `--bootstrap N`
  std::uint64_t seed = 1;            ///< `--seed`: the bootstrap's resampling seed
  bool allow_mismatch = false;       ///< compare what the runs share instead of refusing
};

/// Adds the `compare` subcommand to `app`; its options fill `args`.
CLI::App* add_compare_command(CLI::App& app, CompareArgs& args);

/// Runs `chipsim compare`: reads both result files, compares B with A paired by replicate
/// (analysis::compare) and prints the result on stdout in the chosen format. Mismatches let
/// through by `--allow-mismatch` and notes go to the table's header, or to stderr for csv and
/// json so stdout stays machine-readable. Returns the exit status.
/// @throws sim::ConfigError when the runs are not comparable, for an unknown metric or a bad
///   month (exit status 2); sim::IoError when a file cannot be read (exit status 1).
int compare_command(const CompareArgs& args);

}  // namespace cli
