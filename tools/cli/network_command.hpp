#pragma once

#include <CLI/CLI.hpp>
#include <string>
#include <vector>

#include "sim/io/file_source.hpp"

namespace cli {

/// The arguments of `chipsim network`.
struct NetworkArgs {
  std::string scenario;              ///< empty: the built-in default scenario
  std::string month;                 ///< YYYY-MM; empty: the scenario's first month
  std::string dot;                   ///< DOT output file; `-` for stdout; empty: none
  std::vector<std::string> sets;     ///< `--set PATH=VALUE`
  std::vector<std::string> choices;  ///< `--choose DECISION=OPTION`
  std::vector<std::string> limits;   ///< `--limit NAME=N`
  bool quiet = false;                ///< no chokepoint report
};

/// Adds the `network` subcommand to `app`; its options fill `args`.
CLI::App* add_network_command(CLI::App& app, NetworkArgs& args);

/// Runs `chipsim network`: simulates replicate 0 up to and including the month, prints the
/// chokepoint report of each bloc (on stdout, or stderr when the DOT goes to stdout) and writes
/// the month's supply network as GraphViz DOT. Returns the exit status.
/// @throws sim::ConfigError for a bad scenario, override, choice or month (exit status 2);
///   sim::IoError when the DOT file cannot be written (exit status 1).
int network_command(const NetworkArgs& args, const sim::io::FileSource& files);

}  // namespace cli
