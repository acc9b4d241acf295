#include "tools/cli/sweep_command.hpp"

#include <tbb/blocked_range.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <future>
#include <iostream>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <stdexcept>
#include <vector>

#include "agents/register.hpp"
#include "analysis/design.hpp"
#include "sim/engine/concat.hpp"
#include "sim/engine/errors.hpp"
#include "sim/engine/parallel.hpp"
#include "sim/io/result_file.hpp"
#include "sim/io/scenario_loader.hpp"
#include "sim/io/sweep_loader.hpp"
#include "sim/io/yaml_tree.hpp"
#include "sim/world/run.hpp"
#include "sim/world/world.hpp"
#include "tools/cli/cluster.hpp"
#include "tools/cli/common.hpp"
#include "tools/cli/parts.hpp"
#include "tools/cli/progress.hpp"

namespace cli {
namespace {

namespace fs = std::filesystem;
using sim::concat;
using sim::ConfigError;
using sim::io::SweepMethod;
using sim::world::MetricAxis;
using sim::world::RunResults;
using sim::world::World;

// Files in OUT.parts/ besides the units' results: the sweep as it was started.
constexpr const char* kManifest = "manifest.yaml";
constexpr const char* kSweepText = "sweep.yaml";
constexpr const char* kBaseText = "base.yaml";

/// A number as a `--set` value: integers without a decimal point, others round-trip exact.
std::string set_value(double v) {
  std::array<char, 64> buf{};
  if (v == static_cast<double>(static_cast<long long>(v)) && std::abs(v) < 1e15)
    std::snprintf(buf.data(), buf.size(), "%lld", static_cast<long long>(v));
  else
    std::snprintf(buf.data(), buf.size(), "%.17g", v);
  return buf.data();
}

/// One output, resolved against the scenario: which series and entries it sums, at which month.
struct ResolvedOutput {
  std::size_t metric = 0;
  std::vector<std::size_t> entries;
  std::size_t first = 0;  ///< flows: the first month summed
  std::size_t month = 0;
  bool level = false;
};

/// Everything that determines the sweep's results, rebuilt identically on resume.
struct Plan {
  sim::io::SweepSpec spec;
  std::vector<analysis::SweepParameter> params;
  analysis::Design design;
  std::vector<sim::io::Override> base_overrides;  ///< fixed sets, seed and replicates
  std::string base_resolved;                      ///< the base scenario with them applied
  sim::io::ScenarioLimits limits;                 ///< --limit
  std::uint64_t seed = 0;
  std::uint64_t replicates = 1;
  sim::world::Choices choices;
  std::vector<ResolvedOutput> outputs;
};

analysis::DesignMethod design_method(SweepMethod m) {
  switch (m) {
    case SweepMethod::grid:
      return analysis::DesignMethod::grid;
    case SweepMethod::lhs:
      return analysis::DesignMethod::lhs;
    case SweepMethod::sobol:
      return analysis::DesignMethod::sobol;
    case SweepMethod::morris:
      return analysis::DesignMethod::morris;
  }
  return analysis::DesignMethod::grid;
}

/// Applies `--method` / `--samples` to the sweep read from its file. A grid's values become
/// ranges (their minimum and maximum) for a sampling method.
void apply_cli_method(sim::io::SweepSpec& spec, const std::string& method,
                      std::optional<std::size_t> samples) {
  if (method.empty()) {
    if (samples) throw ConfigError("chipsim sweep: error: --samples goes with --method");
    return;
  }
  const analysis::DesignMethod m = analysis::parse_design_method(method);
  const SweepMethod target = m == analysis::DesignMethod::grid    ? SweepMethod::grid
                             : m == analysis::DesignMethod::lhs   ? SweepMethod::lhs
                             : m == analysis::DesignMethod::sobol ? SweepMethod::sobol
                                                                  : SweepMethod::morris;
  if (target == SweepMethod::grid) {
    for (const auto& p : spec.parameters)
      if (p.values.empty())
        throw ConfigError(concat(p.where, ": error: parameters: ", p.path,
                                 " has a range; --method grid needs values"));
  } else {
    for (auto& p : spec.parameters)
      if (!p.values.empty()) {
        p.low = *std::min_element(p.values.begin(), p.values.end());
        p.high = *std::max_element(p.values.begin(), p.values.end());
        p.values.clear();
      }
    if (samples)
      spec.samples = *samples;
    else if (spec.method == SweepMethod::grid)
      spec.samples = target == SweepMethod::morris ? 10 : 16;
  }
  if (target == SweepMethod::morris && spec.outputs.empty())
    throw ConfigError(concat(spec.file,
                             ": error: outputs: --method morris screens the sweep's "
                             "outputs; expected an outputs list in the sweep file"));
  if (target == SweepMethod::morris && spec.samples < 2)
    throw ConfigError("chipsim sweep: error: --samples: Morris needs at least 2 trajectories");
  spec.method = target;
}

ResolvedOutput resolve_output(const sim::io::SweepOutputSpec& out, const RunResults& frame) {
  const auto slash = out.metric.find('/');
  const std::string axis = out.metric.substr(0, slash);
  const std::string name = out.metric.substr(slash + 1);
  const auto fail = [&](const std::string& what) -> ConfigError {
    // NOLINTNEXTLINE(modernize-return-braced-init-list): the inherited constructor is explicit
    return ConfigError(concat(out.where, ": error: outputs: ", out.name, ": ", what));
  };
  ResolvedOutput r;
  const MetricAxis metric_axis = axis == "bloc"      ? MetricAxis::country
                                 : axis == "agent"   ? MetricAxis::agent
                                 : axis == "product" ? MetricAxis::product
                                 : axis == "policy"  ? MetricAxis::policy
                                                     : MetricAxis::country;
  bool found = false;
  std::vector<std::string> available;
  for (std::size_t m = 0; m < frame.metrics.size(); ++m) {
    if (frame.metrics[m].axis != metric_axis) continue;
    available.push_back(frame.metrics[m].name);
    if (frame.metrics[m].name == name) {
      r.metric = m;
      r.level = frame.metrics[m].level;
      found = true;
    }
  }
  if (!found)
    throw fail(concat("no metric '", name, "' on axis ", axis, "; expected one of: ", [&] {
      std::string list;
      for (const auto& a : available) list += (list.empty() ? "" : ", ") + a;
      return list;
    }()));
  if (axis == "bloc") {
    for (std::size_t c = 0; c < frame.country_blocs.size(); ++c)
      if (frame.country_blocs[c] == out.id) r.entries.push_back(c);
    if (r.entries.empty()) throw fail(concat("no country is in bloc '", out.id, "'"));
  } else {
    const std::vector<std::string>& ids = metric_axis == MetricAxis::agent     ? frame.agent_ids
                                          : metric_axis == MetricAxis::product ? frame.product_ids
                                          : metric_axis == MetricAxis::policy  ? frame.policy_ids
                                                                               : frame.country_ids;
    const auto it = std::find(ids.begin(), ids.end(), out.id);
    if (it == ids.end()) throw fail(concat("no ", axis, " '", out.id, "' in the base scenario"));
    r.entries.push_back(static_cast<std::size_t>(it - ids.begin()));
  }
  r.month = frame.months.size() - 1;
  if (!out.month.empty()) {
    const auto it = std::find(frame.months.begin(), frame.months.end(), out.month);
    if (it == frame.months.end())
      throw fail(concat("month ", out.month, " is outside the scenario (", frame.months.front(),
                        " to ", frame.months.back(), ")"));
    r.month = static_cast<std::size_t>(it - frame.months.begin());
  }
  if (!out.from.empty()) {
    const auto it = std::find(frame.months.begin(), frame.months.end(), out.from);
    if (it == frame.months.end())
      throw fail(concat("from ", out.from, " is outside the scenario (", frame.months.front(),
                        " to ", frame.months.back(), ")"));
    r.first = static_cast<std::size_t>(it - frame.months.begin());
    if (r.level) throw fail(concat(out.metric, " is a level, read at a month; drop from"));
    if (r.first > r.month) throw fail(concat("from ", out.from, " is after the output's month"));
  }
  return r;
}

/// The output's value in replicate `rep` of `r`: a level at its month, a flow summed from its
/// first month through it.
double output_value(const RunResults& r, const ResolvedOutput& out, std::size_t rep) {
  const sim::world::Metric& m = r.metrics[out.metric];
  const std::size_t width = r.width(m.axis);
  double sum = 0;
  const std::size_t first = out.level ? out.month : out.first;
  for (std::size_t t = first; t <= out.month; ++t)
    for (std::size_t i : out.entries) sum += m.values[rep][t * width + i];
  return sum;
}

/// Reads and checks the sweep, applies the command line, builds the design and checks the
/// outputs and the parameters' extreme values against the base scenario.
Plan make_plan(sim::io::SweepSpec spec, const std::string& method,
               std::optional<std::size_t> samples, const sim::io::FileSource& files,
               const sim::io::ScenarioLimits& limits) {
  apply_cli_method(spec, method, samples);
  Plan plan;
  plan.limits = limits;
  for (const sim::io::Override& o : spec.sets) plan.base_overrides.push_back(o);
  if (spec.seed) plan.base_overrides.emplace_back("scenario.seed", std::to_string(*spec.seed));
  if (spec.replicates)
    plan.base_overrides.emplace_back("scenario.replicates", std::to_string(*spec.replicates));
  // problems with the fixed `set` and `choose` entries name their lines in the sweep file
  const auto located = [&](const ConfigError& e) {
    std::string text = e.what();
    const auto replace = [&](const std::string& from, const std::string& to) {
      for (auto at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size()))
        text.replace(at, from.size(), to);
    };
    for (std::size_t i = 0; i < spec.sets.size(); ++i)
      replace(concat("--set ", spec.sets[i].path, '=', spec.sets[i].value), spec.set_where[i]);
    for (std::size_t i = 0; i < spec.choices.size(); ++i)
      replace(concat("--choose ", spec.choices[i]), spec.choice_where[i]);
    return ConfigError(text);
  };
  sim::io::LoadOptions options;
  options.overrides = plan.base_overrides;
  options.limits = plan.limits;
  std::optional<World> built;
  try {
    sim::world::ScenarioSpec base = sim::io::load_scenario(spec.base, files, options);
    plan.base_resolved = base.resolved_yaml;
    plan.seed = base.scenario.seed;
    plan.replicates = base.scenario.replicates;
    plan.choices = parse_choices(spec.choices);
    built.emplace(World::build(std::move(base), plan.choices));
  } catch (const ConfigError& e) {
    throw located(e);
  }
  const World& world = *built;
  const RunResults frame = sim::world::describe_world(world, plan.seed, plan.replicates);
  for (const sim::io::SweepOutputSpec& out : spec.outputs)
    plan.outputs.push_back(resolve_output(out, frame));

  for (const sim::io::SweepParameterSpec& p : spec.parameters)
    plan.params.push_back(analysis::SweepParameter{p.path, p.values, p.low, p.high, p.integer});
  plan.design = analysis::make_design(
      plan.params,
      analysis::DesignOptions{design_method(spec.method), spec.samples, spec.levels, plan.seed});

  // each parameter's smallest and largest value must be valid in the base scenario
  for (std::size_t k = 0; k < plan.params.size(); ++k) {
    std::set<double> extremes;
    double lo = plan.design.points.front()[k];
    double hi = lo;
    for (const auto& point : plan.design.points) {
      lo = std::min(lo, point[k]);
      hi = std::max(hi, point[k]);
    }
    extremes = {lo, hi};
    for (double v : extremes) {
      sim::io::LoadOptions check;
      check.overrides = plan.base_overrides;
      check.limits = plan.limits;
      check.overrides.emplace_back(plan.params[k].path, set_value(v));
      try {
        const World w = World::build(sim::io::load_scenario(spec.base, files, check), plan.choices);
        if (w.calendar().size() != world.calendar().size() ||
            w.agent_count() != world.agent_count() || w.country_count() != world.country_count() ||
            w.product_count() != world.product_count())
          throw ConfigError(
              "it changes the scenario's months or entities; expected a path to a value");
      } catch (const ConfigError& e) {
        throw ConfigError(concat(spec.parameters[k].where,
                                 ": error: parameters: ", plan.params[k].path, " = ", set_value(v),
                                 " is not valid in the base scenario:\n", e.what()));
      }
    }
  }
  plan.spec = std::move(spec);
  return plan;
}

/// Builds the world of each point once, shared by the replicates of it that run on this process.
/// Units come in point order, so a point older than the newest one asked for never comes back:
/// its world is dropped when its last unit here finishes.
class WorldCache {
 public:
  WorldCache(const Plan& plan, const sim::io::FileSource& files) : plan_(plan), files_(files) {}

  /// The world of `point`, in use until done(point).
  std::shared_ptr<const World> get(std::size_t point) {
    std::shared_future<std::shared_ptr<const World>> future;
    std::promise<std::shared_ptr<const World>> promise;
    bool build = false;
    {
      const std::lock_guard lock(mutex_);
      newest_ = std::max(newest_, point);
      std::erase_if(worlds_,
                    [&](const auto& w) { return w.second.users == 0 && w.first < newest_; });
      auto it = worlds_.find(point);
      if (it == worlds_.end()) {
        future = promise.get_future().share();
        it = worlds_.emplace(point, Entry{future, 0}).first;
        build = true;
      }
      ++it->second.users;
      future = it->second.world;
    }
    if (build) {
      try {
        sim::io::LoadOptions options;
        options.overrides = plan_.base_overrides;
        options.limits = plan_.limits;
        for (std::size_t k = 0; k < plan_.params.size(); ++k)
          options.overrides.emplace_back(plan_.params[k].path,
                                         set_value(plan_.design.points[point][k]));
        promise.set_value(std::make_shared<const World>(
            World::build(sim::io::load_scenario(plan_.spec.base, files_, options), plan_.choices)));
      } catch (...) {
        promise.set_exception(std::current_exception());
      }
    }
    return future.get();
  }

  /// A unit of `point` no longer uses its world.
  void done(std::size_t point) {
    const std::lock_guard lock(mutex_);
    const auto it = worlds_.find(point);
    if (it != worlds_.end() && --it->second.users == 0 && point < newest_) worlds_.erase(it);
  }

 private:
  struct Entry {
    std::shared_future<std::shared_ptr<const World>> world;
    int users = 0;  ///< units of the point running on this process
  };
  const Plan& plan_;
  const sim::io::FileSource& files_;
  std::mutex mutex_;
  std::map<std::size_t, Entry> worlds_;
  std::size_t newest_ = 0;
};

/// The manifest of an interrupted sweep: where the sweep came from and the command line.
std::string manifest_text(const std::string& sweep_file, const SweepArgs& args) {
  std::string text = concat("# chipsim sweep in progress; continue with chipsim sweep --resume\n",
                            "sweep_file: ", yaml_quoted(sweep_file), "\n");
  if (!args.method.empty()) text += concat("method: ", args.method, "\n");
  if (args.samples) text += concat("samples: ", *args.samples, "\n");
  if (!args.limits.empty()) {
    text += "limits:\n";
    for (const std::string& limit : args.limits) text += concat("  - ", yaml_quoted(limit), "\n");
  }
  return text;
}

void print_summary(const Plan& plan, const std::vector<std::vector<double>>& output_means,
                   const std::vector<sim::io::MorrisRow>& morris) {
  const auto& outs = plan.spec.outputs;
  const bool values = !output_means.empty();
  if (!values || (!outs.empty() && plan.spec.method != SweepMethod::morris)) {
    std::cout << (values ? "outputs, mean over replicates:\n  point" : "points:\n  point");
    for (const auto& p : plan.params) std::cout << "  " << p.path;
    if (values)
      for (const auto& o : outs) std::cout << "  " << o.name;
    std::cout << "\n";
    const std::size_t shown = std::min<std::size_t>(plan.design.points.size(), 20);
    for (std::size_t p = 0; p < shown; ++p) {
      std::array<char, 32> buf{};
      std::snprintf(buf.data(), buf.size(), "  %5zu", p);
      std::cout << buf.data();
      for (double v : plan.design.points[p]) {
        std::snprintf(buf.data(), buf.size(), "  %.4g", v);
        std::cout << buf.data();
      }
      for (double v : values ? output_means[p] : std::vector<double>{}) {
        std::snprintf(buf.data(), buf.size(), "  %.4g", v);
        std::cout << buf.data();
      }
      std::cout << "\n";
    }
    if (shown < plan.design.points.size())
      std::cout << "  ... (" << plan.design.points.size() - shown << " more points in the file)\n";
  }
  if (!morris.empty()) {
    std::cout << "Morris elementary effects (unit scale of each range; docs/sensitivity.md):\n";
    std::string last;
    for (const sim::io::MorrisRow& row : morris) {
      if (row.output != last) {
        std::cout << "  " << row.output << "\n";
        last = row.output;
      }
      std::array<char, 256> buf{};
      std::snprintf(buf.data(), buf.size(), "    %-50s mu* %11.4g  mu %11.4g  sigma %11.4g\n",
                    row.parameter.c_str(), row.mu_star, row.mu, row.sigma);
      std::cout << buf.data();
    }
  }
}

}  // namespace

CLI::App* add_sweep_command(CLI::App& app, SweepArgs& args) {
  CLI::App* sub = app.add_subcommand(
      "sweep", "Run a scenario over a grid or sample of parameter values (docs/sweep-format.md)");
  sub->add_option("sweep", args.sweep, "Sweep file (YAML)");
  sub->add_option("-o,--output", args.output, "Result file (default: SWEEP-NAME.h5)");
  sub->add_option("--resume", args.resume,
                  "Finish the interrupted sweep into FILE: run only its missing units");
  sub->add_option("--method", args.method,
                  "Override the file's method: grid, lhs, sobol or morris (Morris screening of "
                  "the sweep's outputs)");
  sub->add_option("--samples", args.samples,
                  "With --method: points (lhs, sobol) or trajectories (morris)")
      ->check(CLI::PositiveNumber);
  sub->add_option("--limit", args.limits, std::string(kLimitHelp) + " (--resume keeps them)")
      ->type_name("NAME=N");
  sub->add_option("--max-units", args.max_units,
                  "Run at most N point-replicate units, then stop (finish with --resume)")
      ->check(CLI::PositiveNumber);
  sub->add_flag("--force", args.force, "Overwrite an existing result file");
  sub->add_flag("--dry-run", args.dry_run,
                "Check the sweep against its base scenario and list its points; run nothing");
  sub->add_flag("-q,--quiet", args.quiet, "No progress bar and no summary");
  return sub;
}

int sweep_command(const SweepArgs& args, const sim::io::FileSource& files, const Cluster& cluster) {
  const auto started = std::chrono::steady_clock::now();
  if (args.sweep.empty() == args.resume.empty())
    throw ConfigError("chipsim sweep: error: expected a sweep file, or --resume FILE (not both)");
  // the root prints; the other processes of an MPI job only run units
  const bool quiet = args.quiet || !cluster.root();

  // the sweep, as started or as recorded when it was started: every process reads it
  std::string output;
  std::string parts;
  std::string sweep_file;
  SweepArgs recorded = args;
  std::optional<Plan> built;
  std::error_code ec;
  std::exception_ptr error;
  try {
    sim::io::SweepSpec spec;
    sim::io::LoadOptions limited;
    if (args.resume.empty()) {
      apply_limits(limited, args.limits);
      spec = sim::io::load_sweep(args.sweep, files, limited.limits);
      output = args.output.empty() ? spec.name + ".h5" : args.output;
      parts = parts_dir(output);
      sweep_file =
          args.sweep.rfind("builtin:", 0) == 0 ? args.sweep : fs::absolute(args.sweep).string();
    } else {
      output = args.resume;
      parts = parts_dir(output);
      if (!fs::is_directory(parts, ec))
        throw ConfigError(concat("chipsim sweep: error: --resume ", output,
                                 ": no interrupted sweep (", parts, " does not exist)"));
      if (!args.method.empty() || args.samples)
        throw ConfigError(
            "chipsim sweep: error: --resume continues the sweep as started; drop --method and "
            "--samples");
      const std::string manifest_path = (fs::path(parts) / kManifest).string();
      const sim::io::Tree manifest =
          sim::io::parse_yaml(read_text_file(manifest_path), manifest_path);
      const auto field = [&](const char* key) -> std::string {
        const sim::io::Tree* node = manifest.find(key);
        return node != nullptr && node->is_scalar() ? node->scalar : std::string();
      };
      sweep_file = field("sweep_file");
      recorded.method = field("method");
      if (const std::string s = field("samples"); !s.empty()) recorded.samples = std::stoull(s);
      // the limits of the first start, then any given now (a later NAME=N wins)
      recorded.limits.clear();
      if (const sim::io::Tree* node = manifest.find("limits"); node != nullptr && node->is_seq())
        for (const sim::io::Tree& item : node->seq) recorded.limits.push_back(item.scalar);
      recorded.limits.insert(recorded.limits.end(), args.limits.begin(), args.limits.end());
      apply_limits(limited, recorded.limits);
      spec = sim::io::load_sweep_text(read_text_file((fs::path(parts) / kSweepText).string()),
                                      sweep_file, limited.limits);
    }
    built = make_plan(std::move(spec), recorded.method, recorded.samples, files, limited.limits);
  } catch (...) {
    error = std::current_exception();
  }
  cluster.agree(error);
  if (!built) throw std::logic_error("agree() let a process without its plan through");
  const Plan& plan = *built;
  const std::size_t points = plan.design.points.size();
  const std::uint64_t replicates = plan.replicates;
  if (args.dry_run) {
    if (!cluster.root()) return 0;
    std::cout << "sweep " << plan.spec.name << ": ok, " << points << " points x " << replicates
              << " replicates = " << points * replicates << " units ("
              << sim::io::sweep_method_name(plan.spec.method) << ", seed " << plan.seed << ")\n";
    if (!quiet) print_summary(plan, {}, {});
    return 0;
  }

  // the root sets up OUT.parts/ and lists the units still to run, in point order
  std::vector<std::uint64_t> todo;
  std::size_t missing = 0;
  if (cluster.root()) {
    try {
      if (args.resume.empty()) {
        if (!args.force && fs::exists(output, ec))
          throw ConfigError(
              concat("chipsim: ", output, " exists; use --force to overwrite it or -o FILE"));
        if (fs::exists(parts, ec))
          throw ConfigError(concat(
              "chipsim sweep: error: ", parts, " holds an interrupted sweep into ", output,
              "; continue it with `chipsim sweep --resume ", output, "` or remove that folder"));
        create_parts_dir(parts, {{kSweepText, plan.spec.text},
                                 {kBaseText, plan.base_resolved},
                                 {kManifest, manifest_text(sweep_file, recorded)}});
      } else if (read_text_file((fs::path(parts) / kBaseText).string()) != plan.base_resolved) {
        throw ConfigError(concat("chipsim sweep: error: --resume ", output,
                                 ": the base scenario has changed since the sweep started; its "
                                 "finished units would not match. Start the sweep again."));
      }
      for (std::size_t p = 0; p < points; ++p)
        for (std::uint64_t r = 0; r < replicates; ++r)
          if (!fs::exists(part_path(parts, p, r), ec)) todo.push_back(p * replicates + r);
      missing = todo.size();
      if (!args.resume.empty() && !quiet)
        std::cout << "resuming " << output << ": " << points * replicates - missing << " of "
                  << points * replicates << " units done, " << missing << " to run\n";
      if (args.max_units && todo.size() > *args.max_units) todo.resize(*args.max_units);
    } catch (...) {
      error = std::current_exception();
    }
  }
  cluster.agree(error);
  const std::size_t running = todo.size();

  sim::world::BehaviourRegistry behaviours;
  agents::register_builtin(behaviours);
  WorldCache worlds(plan, files);
  const std::shared_ptr<const World> shape = worlds.get(0);  // kept for the file's layout
  worlds.done(0);
  const auto months = static_cast<std::uint64_t>(shape->calendar().size());
  ProgressBar bar("sweeping", todo.size() * months, !quiet);
  UnitDealer dealer(cluster, std::move(todo), [&bar, months] {
    for (std::uint64_t m = 0; m < months; ++m) bar.tick();
  });
  // one unit per task (grain 1), as tbb::parallel_for(0, n, f) would; a process takes at
  // most as many units as the job has, and stops asking once the dealer has none left
  const std::uint64_t tickets = points * replicates;
  sim::engine::parallel_for(
      tbb::blocked_range<std::uint64_t>(0, tickets, 1), [&](const auto& range) {
        for (std::uint64_t i = range.begin(); i != range.end(); ++i) {
          const std::optional<std::uint64_t> unit = dealer.next();
          if (!unit) return;
          const std::size_t point = *unit / replicates;
          const std::uint64_t replicate = *unit % replicates;
          try {
            const std::shared_ptr<const World> world = worlds.get(point);
            sim::world::RunOptions options;
            options.first_replicate = replicate;
            options.replicates = 1;
            options.progress = [&bar] { bar.tick(); };
            RunResults results = sim::world::run_world(*world, behaviours, options);
            results.chipsim_version = CHIPSIM_VERSION;
            sim::io::write_results(part_path(parts, point, replicate), results);
            worlds.done(point);
            dealer.done();
          } catch (...) {
            worlds.done(point);
            dealer.fail(std::current_exception());
          }
        }
      });
  dealer.finish();
  bar.finish();
  if (!cluster.root()) return 0;
  if (running < missing) {
    if (!quiet)
      std::cout << "stopped after " << running << " of " << missing
                << " missing units; finish with: chipsim sweep --resume " << output << "\n";
    return 0;
  }

  // merge the parts, point by point
  RunResults layout = sim::world::describe_world(*shape, plan.seed, replicates);
  layout.resolved_yaml = plan.base_resolved;  // the base as the sweep resolved it, not point 0
  layout.chipsim_version = CHIPSIM_VERSION;
  layout.created_utc = utc_now();
  sim::io::SweepLayout sweep;
  sweep.name = plan.spec.name;
  sweep.method = sim::io::sweep_method_name(plan.spec.method);
  sweep.definition = plan.spec.text;
  for (const auto& p : plan.params) sweep.parameters.push_back(p.path);
  sweep.points = plan.design.points;
  for (const auto& o : plan.spec.outputs) sweep.outputs.push_back(o.name);
  const fs::path parent = fs::path(output).parent_path();
  if (!parent.empty()) fs::create_directories(parent, ec);
  sim::io::SweepWriter writer(output, layout, sweep);
  std::vector<std::vector<double>> output_means(points,
                                                std::vector<double>(plan.outputs.size(), 0.0));
  for (std::size_t p = 0; p < points; ++p) {
    RunResults merged = sim::io::read_results(part_path(parts, p, 0));
    for (std::uint64_t r = 1; r < replicates; ++r)
      append_replicate(merged, sim::io::read_results(part_path(parts, p, r)));
    std::vector<std::vector<double>> values(replicates,
                                            std::vector<double>(plan.outputs.size(), 0.0));
    for (std::uint64_t r = 0; r < replicates; ++r)
      for (std::size_t o = 0; o < plan.outputs.size(); ++o) {
        values[r][o] = output_value(merged, plan.outputs[o], r);
        output_means[p][o] += values[r][o] / static_cast<double>(replicates);
      }
    writer.add_point(p, merged, values);
  }
  std::vector<sim::io::MorrisRow> morris;
  if (plan.spec.method == SweepMethod::morris) {
    for (std::size_t o = 0; o < plan.outputs.size(); ++o) {
      std::vector<double> y(points);
      for (std::size_t p = 0; p < points; ++p) y[p] = output_means[p][o];
      for (const analysis::MorrisEffect& e : analysis::morris_effects(plan.params, plan.design, y))
        morris.push_back({plan.spec.outputs[o].name, e.parameter, e.mu, e.mu_star, e.sigma,
                          static_cast<std::int64_t>(e.n)});
    }
    writer.set_morris(morris);
  }
  writer.commit();
  fs::remove_all(parts, ec);

  if (!quiet) {
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    std::cout << "sweep " << plan.spec.name << ": " << points << " points x " << replicates
              << " replicates (" << sim::io::sweep_method_name(plan.spec.method) << "), " << missing
              << " units run in " << std::lround(seconds) << " s\n";
    print_summary(plan, output_means, morris);
    std::cout << "results: " << fs::absolute(output).lexically_normal().string() << "\n";
  }
  return 0;
}

}  // namespace cli
