#pragma once

#include <CLI/CLI.hpp>
#include <iosfwd>
#include <string>
#include <vector>

#include "sim/io/file_source.hpp"

/// `chipsim replay`: plays a scenario month by month, stopping at its decisions for a choice,
/// and compares the branch with history at the end (docs/replay.md).
namespace cli {

struct ReplayArgs {
  std::string scenario;              ///< default: the built-in historical scenario
  std::vector<std::string> sets;     ///< --set PATH=VALUE
  std::vector<std::string> limits;   ///< --limit NAME=N
  std::vector<std::string> choices;  ///< --choose DECISION=OPTION: answered, not asked
  std::string output;                ///< result file (branch + /history); empty: none
  bool show_history = false;         ///< show what happened before asking
  bool batch = false;                ///< never read input
  bool force = false;
  bool quiet = false;
};

CLI::App* add_replay_command(CLI::App& app, ReplayArgs& args);

/// Runs the replay, reading keys from `in` and writing to `out`. Non-interactive (no input
/// read) with --batch or any --choose. Returns the exit status.
int replay_command(const ReplayArgs& args, const sim::io::FileSource& files, std::istream& in,
                   std::ostream& out);

}  // namespace cli
