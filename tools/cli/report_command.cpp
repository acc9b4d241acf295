// `chipsim report FILE... [-o report.html]`: one self-contained HTML page of charts over result
// files, drawn offline by the Chart.js bundled into it (docs/report.md).
#include "tools/cli/report_command.hpp"

#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <set>
#include <sstream>
#include <system_error>

#include "analysis/report.hpp"
#include "sim/engine/concat.hpp"
#include "sim/engine/errors.hpp"
#include "sim/io/result_file.hpp"

namespace cli {

namespace {

namespace fs = std::filesystem;
using sim::concat;

constexpr int kOk = 0;
constexpr int kBadInput = 2;

/// How the page names each file: its file name when those are all different, else the path as
/// given.
std::vector<std::string> labels_of(const std::vector<std::string>& files) {
  std::vector<std::string> names;
  std::set<std::string> distinct;
  for (const std::string& f : files) {
    names.push_back(fs::path(f).filename().string());
    distinct.insert(names.back());
  }
  return distinct.size() == files.size() ? names : files;
}

/// Writes `text` to `path` through a temporary file in the same folder renamed into place, so
/// a failed write leaves no partial page and any existing file intact. @throws IoError.
void write_file_atomically(const std::string& path, const std::string& text) {
  std::error_code ec;
  if (fs::is_directory(path, ec))
    throw sim::IoError(concat(path, ": cannot write the report: a directory of that name exists"));
  const fs::path parent = fs::path(path).parent_path();
  if (!parent.empty()) fs::create_directories(parent, ec);
  const std::string temp_path = concat(path, ".tmp.", ::getpid());
  {
    std::ofstream out(temp_path, std::ios::binary | std::ios::trunc);
    if (!out)
      throw sim::IoError(
          concat(path, ": cannot write the report: ", std::generic_category().message(errno)));
    out << text;
    out.close();
    if (!out) {
      fs::remove(temp_path, ec);
      throw sim::IoError(concat(path, ": cannot write the report: write failed (disk full?)"));
    }
  }
  if (std::rename(temp_path.c_str(), path.c_str()) != 0) {
    // the thread-safe strerror: the same text
    const std::string why = std::generic_category().message(errno);
    fs::remove(temp_path, ec);
    throw sim::IoError(
        concat(path, ": cannot rename temporary file '", temp_path, "' into place: ", why));
  }
}

}  // namespace

CLI::App* add_report_command(CLI::App& app, ReportArgs& args) {
  CLI::App* report = app.add_subcommand(
      "report", "Write one self-contained HTML page of charts over result files (works offline)");
  report
      ->add_option("files", args.files,
                   "Result files (.h5); with two or more, each later file is compared with the "
                   "first (B - A); one replay file compares its branch with its history")
      ->required();
  report->add_option("-o,--output", args.output, "HTML file to write (default: report.html)");
  report->add_option("--title", args.title,
                     "Title of the page (default: chipsim report: SCENARIO NAMES)");
  report->add_flag("--force", args.force, "Overwrite an existing output file");
  report->add_flag("-q,--quiet", args.quiet, "Print nothing on success");
  return report;
}

int report_command(const ReportArgs& args) {
  std::error_code ec;
  if (!args.force && fs::exists(args.output, ec)) {
    std::cerr << "chipsim: " << args.output << " exists; use --force to overwrite it or -o FILE\n";
    return kBadInput;
  }
  for (const std::string& file : args.files)
    if (fs::equivalent(file, args.output, ec))
      throw sim::ConfigError(
          concat("-o ", args.output, ": error: that is the input file ", file, "; choose another"));

  std::vector<sim::world::RunResults> results;
  std::vector<std::string> labels = labels_of(args.files);
  // one replay file: its historical path is run A and the branch run B
  if (args.files.size() == 1 && sim::io::has_history(args.files[0])) {
    results.push_back(sim::io::read_history(args.files[0]));
    results.push_back(sim::io::read_results(args.files[0]));
    labels = {concat("history (", labels[0], ")"), concat("branch (", labels[0], ")")};
  } else {
    results.reserve(args.files.size());
    for (const std::string& file : args.files) results.push_back(sim::io::read_results(file));
  }
  std::vector<analysis::ReportRun> runs;
  for (std::size_t i = 0; i < results.size(); ++i) runs.push_back({labels[i], results[i]});

  analysis::ReportOptions options;
  options.generator = std::string("chipsim ") + CHIPSIM_VERSION;
  options.title = args.title;
  std::ostringstream page;
  analysis::write_report(page, runs, options);
  write_file_atomically(args.output, page.str());
  if (!args.quiet)
    std::cout << "report: " << fs::absolute(args.output).lexically_normal().string() << "\n";
  return kOk;
}

}  // namespace cli
