#pragma once

#include <CLI/CLI.hpp>
#include <string>
#include <vector>

namespace cli {

/// The arguments of `chipsim report`.
struct ReportArgs {
  std::vector<std::string> files;      ///< result files; later ones are compared with the first
  std::string output = "report.html";  ///< `-o FILE`
  std::string title;                   ///< `--title`; empty: from the scenario names
  bool force = false;                  ///< overwrite an existing output file
  bool quiet = false;                  ///< print nothing on success
};

/// Adds the `report` subcommand to `app`; its options fill `args`.
CLI::App* add_report_command(CLI::App& app, ReportArgs& args);

/// Runs `chipsim report`: reads the result files and writes one self-contained HTML page of
/// charts (analysis::write_report, docs/report.md) to the output file, through a temporary file
/// in the same folder renamed into place. Refuses to replace an existing output file without
/// `--force` (exit status 2, the file untouched). Returns the exit status.
/// @throws sim::ConfigError when the output would replace one of the input files (exit status
///   2); sim::IoError when a file cannot be read or the page cannot be written (exit status 1).
int report_command(const ReportArgs& args);

}  // namespace cli
