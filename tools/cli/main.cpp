// The chipsim command line: run, validate, inspect. Maps errors to exit codes:
// 0 success, 1 runtime failure, 2 bad input or usage.
#include <tbb/global_control.h>
#include <tbb/info.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <cstdint>
#include <ctime>
#include <filesystem>
#include <iostream>
#include <map>
#include <optional>
#include <span>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "agents/register.hpp"
#include "analysis/history.hpp"
#include "analysis/summary.hpp"
#include "scenarios/embedded.hpp"
#include "sim/engine/concat.hpp"
#include "sim/engine/errors.hpp"
#include "sim/engine/month.hpp"
#include "sim/io/csv_export.hpp"
#include "sim/io/result_file.hpp"
#include "sim/io/scenario_loader.hpp"
#include "sim/world/run.hpp"
#include "sim/world/world.hpp"
#include "tools/cli/cluster.hpp"
#include "tools/cli/common.hpp"
#include "tools/cli/compare_command.hpp"
#include "tools/cli/generate_command.hpp"
#include "tools/cli/network_command.hpp"
#include "tools/cli/parts.hpp"
#include "tools/cli/progress.hpp"
#include "tools/cli/replay_command.hpp"
#include "tools/cli/report_command.hpp"
#include "tools/cli/run_units.hpp"
#include "tools/cli/sweep_command.hpp"

namespace {

constexpr int kOk = 0;
constexpr int kRuntimeFailure = 1;
constexpr int kBadInput = 2;

struct RunArgs {
  std::string scenario;
  std::string output;
  std::optional<std::uint64_t> seed;
  std::optional<std::uint64_t> replicates;
  std::vector<std::string> sets;
  std::vector<std::string> choices;
  std::vector<std::string> summary_months;
  std::vector<std::string> checkpoint_at;  ///< YYYY-MM
  std::string from_checkpoint;             ///< FILE@YYYY-MM
  std::string resume;                      ///< --resume FILE: finish an interrupted MPI run
  std::vector<std::string> limits;         ///< --limit NAME=N
  bool force = false;
};

/// The months of the ensemble table: those asked for, or the last month when there are several
/// replicates and none was asked for.
std::vector<std::string> band_months(const std::vector<std::string>& asked,
                                     const sim::world::RunResults& r) {
  if (!asked.empty()) return asked;
  if (r.replicates > 1 && !r.months.empty()) return {r.months.back()};
  return {};
}

sim::io::FileSource file_source() { return sim::io::FileSource(sim::scenarios::embedded()); }

/// The step of `month` (YYYY-MM) in the world's calendar, for `option`.
/// @throws sim::ConfigError when it is not a month of the scenario.
int step_of(const sim::world::World& world, const std::string& month, const char* option) {
  const auto m = sim::engine::Month::parse(month);
  if (!m || !world.calendar().contains(*m))
    throw sim::ConfigError(sim::concat(option, " ", month, ": error: not a month of the scenario (",
                                       world.calendar().first().str(), " to ",
                                       world.calendar().last().str(), "); expected YYYY-MM"));
  return world.calendar().step_of(*m);
}

/// Where a run continues from (`--from-checkpoint FILE@YYYY-MM`): the file's scenario text and
/// the checkpoint of each replicate at that month.
struct Resume {
  std::string file;
  std::string month;
  sim::world::RunResults source;   ///< the file's run (scenario text, decisions)
  std::vector<std::string> bytes;  ///< per replicate
};

Resume read_resume(const std::string& text) {
  const auto at = text.rfind('@');
  if (at == std::string::npos || at == 0 || at + 1 == text.size())
    throw sim::ConfigError(sim::concat("--from-checkpoint ", text,
                                       ": error: expected FILE@YYYY-MM, e.g. h20-2025.h5@2025-04"));
  Resume r;
  r.file = text.substr(0, at);
  r.month = text.substr(at + 1);
  r.source = sim::io::read_results(r.file);
  std::vector<std::string> months;
  for (sim::world::Checkpoint& c : sim::io::read_checkpoints(r.file)) {
    if (months.empty() || months.back() != c.month) months.push_back(c.month);
    if (c.month != r.month) continue;
    if (c.replicate != r.bytes.size())
      throw sim::IoError(sim::concat(r.file, ": /checkpoints/", r.month, ": replicate ",
                                     r.bytes.size(), " is missing"));
    r.bytes.push_back(std::move(c.bytes));
  }
  if (r.bytes.empty()) {
    std::string held;
    for (const std::string& m : months) held += (held.empty() ? "" : ", ") + m;
    throw sim::ConfigError(sim::concat(
        "--from-checkpoint ", text, ": error: ", r.file, " has no checkpoint at ", r.month,
        months.empty() ? "; it has none (write one with chipsim run --checkpoint-at YYYY-MM)"
                       : "; it has checkpoints at " + held));
  }
  if (r.bytes.size() != r.source.replicates)
    throw sim::IoError(sim::concat(r.file, ": /checkpoints/", r.month, ": ", r.bytes.size(),
                                   " replicates, expected ", r.source.replicates));
  return r;
}

/// Refuses choices that would change a decision the checkpoint has already taken.
void check_resumable(const sim::world::World& world, const Resume& resume) {
  const std::optional<sim::engine::Month> parsed = sim::engine::Month::parse(resume.month);
  if (!parsed)  // read_resume found a checkpoint there, so only a damaged file gets here
    throw sim::IoError(
        sim::concat(resume.file, ": /checkpoints/", resume.month, ": not a month (YYYY-MM)"));
  const sim::engine::Month month = *parsed;
  for (const sim::world::DecisionRecord& taken : resume.source.decisions) {
    const auto d = sim::engine::Month::parse(taken.month);
    const auto now = world.choices().find(taken.id);
    if (!d || !(*d < month) || now == world.choices().end() || now->second == taken.option)
      continue;
    throw sim::ConfigError(sim::concat(
        "--choose ", taken.id, "=", now->second, ": error: decision '", taken.id, "' is in ",
        taken.month, ", before the checkpoint (", resume.month, "), where '", taken.option,
        "' was taken; choose only at decisions from ", resume.month, " on, or checkpoint earlier"));
  }
}

/// Takes the options of the interrupted run into `resume` from its manifest.
RunArgs resumed_args(const RunArgs& given) {
  if (!given.scenario.empty() || !given.output.empty() || !given.sets.empty() || given.seed ||
      given.replicates || !given.choices.empty() || !given.checkpoint_at.empty() ||
      !given.from_checkpoint.empty())
    throw sim::ConfigError(
        "chipsim run: error: --resume FILE continues the run as started (its scenario and "
        "options are in FILE.parts/manifest.yaml); give only --threads, --limit, "
        "--summary-months and -q");
  const cli::RunManifest m = cli::read_manifest(cli::parts_dir(given.resume), given.resume);
  RunArgs args = given;
  args.scenario = m.scenario;
  args.output = given.resume;
  args.sets = m.sets;
  args.seed = m.seed;
  args.replicates = m.replicates;
  args.choices = m.choices;
  args.checkpoint_at = m.checkpoint_at;
  // the limits of the first start, then any given now (a later NAME=N wins)
  args.limits = m.limits;
  args.limits.insert(args.limits.end(), given.limits.begin(), given.limits.end());
  return args;
}

/// The manifest a resumed run repeats: the options as given, the scenario's path absolute.
cli::RunManifest manifest_of(const RunArgs& args, const std::string& path) {
  cli::RunManifest m;
  m.scenario = path.rfind("builtin:", 0) == 0 ? path : std::filesystem::absolute(path).string();
  m.sets = args.sets;
  m.seed = args.seed;
  m.replicates = args.replicates;
  m.choices = args.choices;
  m.limits = args.limits;
  m.checkpoint_at = args.checkpoint_at;
  return m;
}

/// Prints the summary of a finished run and where its file is.
void print_run(const sim::world::RunResults& results, const RunArgs& args,
               const std::string& output) {
  std::cout << analysis::format_summary(results);
  if (const auto months = band_months(args.summary_months, results); !months.empty())
    std::cout << analysis::format_bands(analysis::ensemble_bands(results, months),
                                        results.replicates);
  std::cout << "results: " << std::filesystem::absolute(output).lexically_normal().string() << "\n";
}

int run_command(const RunArgs& given, bool quiet, const cli::Cluster& cluster) {
  // In an MPI job, or resuming one, the replicates are units written to OUT.parts/ (run_units).
  const bool in_parts = cluster.distributed() || !given.resume.empty();
  quiet = quiet || !cluster.root();
  std::optional<RunArgs> resumed;
  std::optional<Resume> resume;
  std::optional<sim::world::World> built;
  std::string output;
  std::string path;
  sim::world::RunOptions run_options;
  int first_step = 0;
  std::exception_ptr error;
  // every process reads the scenario and builds the world; any error stops them all
  try {
    if (!given.resume.empty()) resumed = resumed_args(given);
    const RunArgs& args = resumed ? *resumed : given;
    sim::io::LoadOptions options;
    cli::apply_limits(options, args.limits);
    if (!args.from_checkpoint.empty()) {
      if (!args.scenario.empty() || !args.sets.empty() || args.seed || args.replicates)
        throw sim::ConfigError(
            "--from-checkpoint: error: the scenario, its values, seed and replicates come from "
            "the checkpoint's file; give only --choose (and -o, --checkpoint-at, "
            "--summary-months)");
      if (in_parts)
        throw sim::ConfigError(
            "--from-checkpoint: error: runs in one process; run it without mpirun");
      resume = read_resume(args.from_checkpoint);
    }
    for (const std::string& s : args.sets) options.overrides.push_back(sim::io::parse_override(s));
    // as overrides, so that the stored scenario text reproduces the run
    if (args.seed) options.overrides.emplace_back("scenario.seed", std::to_string(*args.seed));
    if (args.replicates)
      options.overrides.emplace_back("scenario.replicates", std::to_string(*args.replicates));
    for (sim::io::Override& o : cli::choice_overrides(args.choices))
      options.overrides.push_back(std::move(o));
    path = args.scenario.empty() ? sim::scenarios::kDefaultScenario : args.scenario;
    sim::world::ScenarioSpec spec =
        resume ? sim::io::load_scenario_text(resume->source.resolved_yaml,
                                             resume->file + ":/scenario/resolved_yaml",
                                             file_source(), options)
               : sim::io::load_scenario(path, file_source(), options);
    output = args.output.empty() ? spec.scenario.name + ".h5" : args.output;
    built.emplace(sim::world::World::build(std::move(spec)));
    for (const std::string& month : args.summary_months) step_of(*built, month, "--summary-months");
    if (resume) {
      check_resumable(*built, *resume);
      first_step = step_of(*built, resume->month, "--from-checkpoint");
      run_options.resume_from = std::move(resume->bytes);
    }
    for (const std::string& month : args.checkpoint_at) {
      const int step = step_of(*built, month, "--checkpoint-at");
      if (resume && step < first_step)
        throw sim::ConfigError(sim::concat(
            "--checkpoint-at ", month, ": error: before the checkpoint this run continues from (",
            resume->month, ")"));
      run_options.checkpoint_steps.push_back(step);
    }
  } catch (...) {
    error = std::current_exception();
  }
  cluster.agree(error);
  const RunArgs& args = resumed ? *resumed : given;
  if (!built) throw std::logic_error("agree() let a process without its world through");
  const sim::world::World& world = *built;
  std::error_code ec;
  if (!args.force && given.resume.empty() && cluster.root() &&
      std::filesystem::exists(output, ec)) {
    error = std::make_exception_ptr(sim::ConfigError(
        sim::concat("chipsim: ", output, " exists; use --force to overwrite it or -o FILE")));
  }
  sim::world::BehaviourRegistry behaviours;
  agents::register_builtin(behaviours);
  const std::uint64_t replicates = world.spec().scenario.replicates;
  const std::filesystem::path parent = std::filesystem::path(output).parent_path();

  const std::string parts = cli::parts_dir(output);
  if (given.resume.empty() && cluster.root() && !error && std::filesystem::exists(parts, ec))
    error = std::make_exception_ptr(sim::ConfigError(sim::concat(
        "chipsim run: error: ", parts, " holds an interrupted run into ", output,
        "; continue it with `chipsim run --resume ", output, "` or remove that folder")));

  if (in_parts) {
    std::vector<std::uint64_t> todo;
    if (cluster.root() && !error) {
      try {
        if (given.resume.empty()) {
          if (!parent.empty()) std::filesystem::create_directories(parent, ec);
          cli::create_parts_dir(parts,
                                {{"manifest.yaml", cli::manifest_text(manifest_of(args, path))},
                                 {"scenario.yaml", world.spec().resolved_yaml}});
        } else if (cli::read_text_file((std::filesystem::path(parts) / "scenario.yaml").string()) !=
                   world.spec().resolved_yaml) {
          throw sim::ConfigError(sim::concat(
              "chipsim run: error: --resume ", output, ": the scenario (", path,
              ") has changed since the run started; its finished replicates would not match. "
              "Start the run again."));
        }
        for (std::uint64_t r = 0; r < replicates; ++r)
          if (!std::filesystem::exists(cli::part_path(parts, 0, r), ec)) todo.push_back(r);
        if (!given.resume.empty() && !quiet)
          std::cout << "resuming " << output << ": " << replicates - todo.size() << " of "
                    << replicates << " replicates done, " << todo.size() << " to run\n";
      } catch (...) {
        error = std::current_exception();
      }
    }
    cluster.agree(error);
    cli::ProgressBar bar("running",
                         todo.size() * static_cast<std::uint64_t>(world.calendar().size()), !quiet);
    cli::run_replicate_units(
        world, behaviours, parts, std::move(todo), run_options.checkpoint_steps,
        [&bar] { bar.tick(); }, cluster);
    bar.finish();
    if (!cluster.root()) return kOk;
    sim::world::RunResults results = cli::merge_replicate_parts(parts, replicates);
    results.chipsim_version = CHIPSIM_VERSION;
    results.created_utc = cli::utc_now();
    sim::io::write_results(output, results);
    std::filesystem::remove_all(parts, ec);
    if (!quiet) print_run(results, args, output);
    return kOk;
  }

  if (error) std::rethrow_exception(error);
  cli::ProgressBar bar(
      "running", replicates * static_cast<std::uint64_t>(world.calendar().size() - first_step),
      !quiet);
  run_options.progress = [&bar] { bar.tick(); };
  // on one thread there is no idle core to compress the flows on while the run goes
  sim::io::FlowChunks flow_chunks;
  if (sim::io::FlowChunks::pays_off())
    run_options.first_replicate_flows = [&flow_chunks](std::span<const sim::world::FlowRecord> f) {
      flow_chunks.add(f);
    };
  sim::world::RunResults results = sim::world::run_world(world, behaviours, run_options);
  bar.finish();
  results.chipsim_version = CHIPSIM_VERSION;
  results.created_utc = cli::utc_now();

  if (!parent.empty()) std::filesystem::create_directories(parent, ec);
  sim::io::write_results(output, results, flow_chunks);
  if (!quiet) print_run(results, args, output);
  return kOk;
}

int validate_command(const std::vector<std::string>& files, const std::vector<std::string>& sets,
                     const std::vector<std::string>& limits, bool quiet) {
  sim::io::LoadOptions options;
  cli::apply_limits(options, limits);
  for (const std::string& s : sets) options.overrides.push_back(sim::io::parse_override(s));
  int status = kOk;
  const sim::io::FileSource files_source = file_source();
  for (const std::string& file : files) {
    try {
      sim::io::load_scenario(file, files_source, options);
      if (!quiet) std::cout << file << ": ok\n";
    } catch (const sim::ConfigError& e) {
      std::cerr << e.what() << "\n";
      status = kBadInput;
    }
  }
  return status;
}

int inspect_command(const std::string& file, bool history,
                    const std::vector<std::string>& summary_months) {
  const sim::world::RunResults r = sim::io::read_results(file);
  std::map<std::string, int> kinds;
  for (const std::string& k : r.agent_kinds) ++kinds[k];
  std::cout << "file " << file << "\n"
            << "  chipsim " << r.chipsim_version << ", created " << r.created_utc << "\n"
            << "  months " << r.months.size() << " ("
            << (r.months.empty() ? "" : r.months.front() + " to " + r.months.back()) << ")\n"
            << "  countries " << r.country_ids.size() << ", products " << r.product_ids.size()
            << ", agents " << r.agent_ids.size() << " (";
  bool first = true;
  for (const auto& [kind, count] : kinds) {
    std::cout << (first ? "" : ", ") << count << " " << kind;
    first = false;
  }
  std::cout << ")\n  metrics " << r.metrics.size() << ", flows " << r.flows.size() << ", events "
            << r.events.size() << "\n"
            << analysis::format_summary(r);
  if (const auto months = band_months(summary_months, r); !months.empty())
    std::cout << analysis::format_bands(analysis::ensemble_bands(r, months), r.replicates);
  if (history) {
    std::cout << "historical aggregates (docs/calibration.md):\n"
              << analysis::format_aggregates(analysis::historical_aggregates(r));
  }
  return kOk;
}

int export_command(const std::string& file, const std::string& csv_dir, bool force, bool quiet) {
  const sim::world::RunResults r = sim::io::read_results(file);
  if (!force)
    for (const char* name : {"metrics.csv", "flows.csv", "events.csv"})
      if (std::filesystem::exists(std::filesystem::path(csv_dir) / name)) {
        std::cerr << "chipsim: " << (std::filesystem::path(csv_dir) / name).string()
                  << " exists; use --force to overwrite it\n";
        return kBadInput;
      }
  sim::io::write_csv(csv_dir, r);
  if (!quiet)
    std::cout << "wrote metrics.csv, flows.csv and events.csv to "
              << std::filesystem::absolute(csv_dir).lexically_normal().string() << "\n";
  return kOk;
}

}  // namespace

// Only CLI11's set-up, outside the try below, can throw here: on a programming error (a clashing
// option name), which must crash loudly.
// NOLINTNEXTLINE(bugprone-exception-escape): CLI11 set-up errors are bugs; let them abort
int main(int argc, char** argv) {
  // MPI starts here when mpirun (or srun) launched this process (docs/distributed.md)
  std::optional<cli::Cluster> started;
  try {
    started.emplace(argc, argv);
  } catch (const sim::Error& e) {
    std::cerr << "chipsim: error: " << e.what() << "\n";
    return kRuntimeFailure;
  }
  const cli::Cluster& cluster = *started;
  CLI::App app{"chipsim: an agent-based simulator of the geopolitics of AI chips"};
  app.set_version_flag("--version", std::string("chipsim ") + CHIPSIM_VERSION);
  app.require_subcommand(1);
  bool quiet = false;
  int threads = 0;

  RunArgs run_args;
  CLI::App* run = app.add_subcommand("run", "Run a scenario and write its results to HDF5");
  run->add_option("scenario", run_args.scenario,
                  "Scenario YAML file (default: the built-in H20 scenario, " +
                      std::string(sim::scenarios::kDefaultScenario) + ")");
  run->add_option("-o,--output", run_args.output,
                  "Result file (default: SCENARIO-NAME.h5 in the current folder)");
  run->add_option("--seed", run_args.seed, "Master seed (default: the scenario's)");
  run->add_option("--replicates", run_args.replicates, "Replicates (default: the scenario's)")
      ->check(CLI::PositiveNumber);
  run->add_option("--threads", threads, "Worker threads (default: all cores)")
      ->check(CLI::NonNegativeNumber);
  run->add_option("--set", run_args.sets, "Override a value: PATH=VALUE (repeatable)");
  run->add_option("--limit", run_args.limits, cli::kLimitHelp)->type_name("NAME=N");
  run->add_option("--choose", run_args.choices,
                  "Take an option at a decision: DECISION=OPTION (repeatable)");
  run->add_option("--summary-months", run_args.summary_months,
                  "Months (YYYY-MM) of the summary's table across replicates: mean and 5/50/95% "
                  "quantiles (default: the last month, when there are several replicates)")
      ->delimiter(',');
  run->add_option("--checkpoint-at", run_args.checkpoint_at,
                  "Save each replicate's complete state at the start of this month (YYYY-MM) "
                  "into the result file, to branch from later (repeatable)");
  run->add_option("--from-checkpoint", run_args.from_checkpoint,
                  "Continue from a checkpoint, FILE@YYYY-MM, with the scenario of FILE and the "
                  "options given by --choose at decisions from that month on");
  run->add_option("--resume", run_args.resume,
                  "Finish the interrupted MPI run into FILE: run only its missing replicates "
                  "(docs/distributed.md)");
  run->add_flag("--force", run_args.force, "Overwrite an existing result file");
  run->add_flag("-q,--quiet", quiet, "No progress bar and no summary");

  std::vector<std::string> validate_files;
  std::vector<std::string> validate_sets;
  CLI::App* validate = app.add_subcommand("validate", "Check scenario files; write nothing");
  validate->add_option("files", validate_files, "Scenario YAML files")->required();
  validate->add_option("--set", validate_sets, "Override a value: PATH=VALUE (repeatable)");
  std::vector<std::string> validate_limits;
  validate->add_option("--limit", validate_limits, cli::kLimitHelp)->type_name("NAME=N");
  validate->add_flag("-q,--quiet", quiet, "Print only problems");

  std::string inspect_file;
  CLI::App* inspect = app.add_subcommand("inspect", "Describe what a result file holds");
  inspect->add_option("file", inspect_file, "Result file (.h5)")->required();
  bool inspect_history = false;
  std::vector<std::string> inspect_months;
  inspect
      ->add_option("--summary-months", inspect_months,
                   "Months (YYYY-MM) of the table across replicates (default: the last month, "
                   "when there are several replicates)")
      ->delimiter(',');
  inspect->add_flag("--history", inspect_history,
                    "Also compare the run with the public aggregates it is calibrated to");

  cli::NetworkArgs network_args;
  CLI::App* network = cli::add_network_command(app, network_args);

  std::string export_file;
  std::string export_csv;
  bool export_force = false;
  CLI::App* exporter =
      app.add_subcommand("export", "Write a result file's metrics, flows and events as tidy CSV");
  exporter->add_option("file", export_file, "Result file (.h5) of chipsim run")->required();
  exporter->add_option("--csv", export_csv, "Folder for metrics.csv, flows.csv, events.csv")
      ->required();
  exporter->add_flag("--force", export_force, "Overwrite CSV files already in the folder");
  exporter->add_flag("-q,--quiet", quiet, "Print nothing on success");

  cli::SweepArgs sweep_args;
  CLI::App* sweep = cli::add_sweep_command(app, sweep_args);
  sweep->add_option("--threads", threads, "Worker threads (default: all cores)")
      ->check(CLI::NonNegativeNumber);

  cli::CompareArgs compare_args;
  CLI::App* compare = cli::add_compare_command(app, compare_args);

  cli::GenerateArgs generate_args;
  CLI::App* generate = cli::add_generate_command(app, generate_args);

  cli::ReportArgs report_args;
  CLI::App* report = cli::add_report_command(app, report_args);

  cli::ReplayArgs replay_args;
  CLI::App* replay = cli::add_replay_command(app, replay_args);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    // usage errors and --help once, from the root
    std::ostringstream elsewhere;
    const int code = cluster.root() ? app.exit(e) : app.exit(e, elsewhere, elsewhere);
    return code == 0 ? kOk : kBadInput;
  }

  // one cap for everything: replicates, sweep units and the agents' decide phase share it;
  // the processes of an MPI job on one machine share its cores
  if (threads == 0 && cluster.local_size() > 1)
    threads = std::max(1, tbb::info::default_concurrency() / cluster.local_size());
  std::optional<tbb::global_control> limit;
  if (threads > 0)
    limit.emplace(tbb::global_control::max_allowed_parallelism, static_cast<std::size_t>(threads));

  // an error shows once: from the root, or from the one process that met it
  const std::string where = cluster.root() ? "" : sim::concat("[process ", cluster.rank(), "] ");
  try {
    if (cluster.distributed() && !*run && !*sweep) {
      if (!cluster.root()) return kBadInput;
      std::cerr << "chipsim: error: this command runs in one process; only run and sweep "
                   "share their work over MPI processes (docs/distributed.md)\n";
      return kBadInput;
    }
    if (*run) return run_command(run_args, quiet, cluster);
    if (*validate) return validate_command(validate_files, validate_sets, validate_limits, quiet);
    if (*inspect) return inspect_command(inspect_file, inspect_history, inspect_months);
    if (*network) return cli::network_command(network_args, file_source());
    if (*sweep) return cli::sweep_command(sweep_args, file_source(), cluster);
    if (*compare) return cli::compare_command(compare_args);
    if (*generate) return cli::generate_command(generate_args);
    if (*report) return cli::report_command(report_args);
    if (*replay) return cli::replay_command(replay_args, file_source(), std::cin, std::cout);
    if (*exporter) return export_command(export_file, export_csv, export_force, quiet);
  } catch (const cli::ReportedElsewhere& e) {
    return e.status();
  } catch (const sim::ConfigError& e) {
    std::cerr << where << e.what() << "\n";
    return kBadInput;
  } catch (const std::exception& e) {
    std::cerr << where << "chipsim: error: " << e.what() << "\n";
    return kRuntimeFailure;
  }
  return kBadInput;
}
