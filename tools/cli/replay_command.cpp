// `chipsim replay`: history month by month in a plain terminal, a choice at each decision, and
// the branch against history at the end (docs/replay.md). A choice that differs from the path
// being played switches worlds through a checkpoint: the state at the start of the decision's
// month is saved, the world is rebuilt with the new option and the state restored into it, so
// the months before are exactly history's.
#include "tools/cli/replay_command.hpp"

#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <iostream>
#include <map>
#include <memory>
#include <optional>
#include <sstream>

#include "agents/register.hpp"
#include "analysis/branch.hpp"
#include "analysis/format.hpp"
#include "scenarios/embedded.hpp"
#include "sim/engine/concat.hpp"
#include "sim/engine/errors.hpp"
#include "sim/engine/runner.hpp"
#include "sim/io/result_file.hpp"
#include "sim/io/scenario_loader.hpp"
#include "sim/world/run.hpp"
#include "sim/world/simulation.hpp"
#include "tools/cli/common.hpp"

namespace cli {

CLI::App* add_replay_command(CLI::App& app, ReplayArgs& args) {
  CLI::App* replay = app.add_subcommand(
      "replay",
      "Play a scenario month by month, choose at its decisions, and compare with history");
  replay->add_option("scenario", args.scenario,
                     "Scenario YAML file (default: the built-in historical scenario, " +
                         std::string(sim::scenarios::kDefaultScenario) + ")");
  replay->add_option("--choose", args.choices,
                     "Take an option at a decision without asking: DECISION=OPTION (repeatable; "
                     "makes the replay non-interactive)");
  replay->add_option("-o,--output", args.output,
                     "Write the branch and, under /history, the historical path to this result "
                     "file (default: write nothing)");
  replay->add_option("--set", args.sets, "Override a value: PATH=VALUE (repeatable)");
  replay->add_option("--limit", args.limits, kLimitHelp)->type_name("NAME=N");
  replay->add_flag("--show-history", args.show_history,
                   "At each decision, show what was decided in history before asking");
  replay->add_flag("--batch", args.batch,
                   "Read no input: decisions not given by --choose take their historical option");
  replay->add_flag("--force", args.force, "Overwrite an existing result file");
  replay->add_flag("-q,--quiet", args.quiet, "Print only the final comparison");
  return replay;
}

namespace {

using sim::world::DecisionSpec;
using sim::world::MetricAxis;
using sim::world::World;

constexpr std::size_t kWidth = 80;

/// Display columns of UTF-8 text (continuation bytes take none).
std::size_t columns(const std::string& s) {
  return static_cast<std::size_t>(std::count_if(
      s.begin(), s.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}

/// `text` wrapped at kWidth columns, the first line after `first`, the others after `indent`.
std::string wrap(const std::string& text, const std::string& first, const std::string& indent) {
  std::string out = first;
  std::size_t used = columns(first);
  std::size_t prefix = used;  // the current line's prefix: `first`, then `indent`
  const auto place = [&](const std::string& word) {
    const std::size_t w = columns(word);
    const std::size_t space = used > prefix ? 1 : 0;
    // wrap unless the line holds nothing yet and a new line would be no wider
    if (used + space + w > kWidth && (used > prefix || prefix > columns(indent))) {
      out += "\n" + indent;
      used = prefix = columns(indent);
    }
    if (used > prefix) {
      out += ' ';
      ++used;
    }
    out += word;
    used += w;
  };
  std::istringstream words(text);
  std::string word;
  const std::size_t room = kWidth - std::min(columns(indent), kWidth / 2);
  std::vector<std::string> pieces;
  while (words >> word) {
    // a word longer than a line (a URL) is cut into lines of its own
    pieces.clear();
    while (columns(word) > room) {
      std::size_t cut = 0;
      for (std::size_t n = 0; cut < word.size(); ++cut)
        if ((static_cast<unsigned char>(word[cut]) & 0xC0) != 0x80 && n++ == room) break;
      pieces.push_back(word.substr(0, cut));
      word.erase(0, cut);
    }
    pieces.push_back(word);
    for (const std::string& piece : pieces) place(piece);
  }
  return out + "\n";
}

std::size_t metric_index(MetricAxis axis, const char* name) {
  static const std::vector<sim::world::Metric> catalogue = sim::world::metric_catalogue();
  for (std::size_t m = 0; m < catalogue.size(); ++m)
    if (catalogue[m].axis == axis && catalogue[m].name == name) return m;
  throw sim::Error(sim::concat("no metric ", sim::world::axis_name(axis), "/", name));
}

/// Lines from the user, or nothing once input has ended.
class Keys {
 public:
  /// `echo`: repeat each line read after its prompt (input from a pipe shows no typing).
  Keys(std::istream& in, std::ostream& out, bool echo) : in_(in), out_(out), echo_(echo) {}
  /// Shows `prompt` and reads one line (trimmed); nullopt at end of input.
  std::optional<std::string> ask(const std::string& prompt) {
    if (ended_) return std::nullopt;
    out_ << prompt << std::flush;
    std::string line;
    if (!std::getline(in_, line)) {
      ended_ = true;
      out_ << "\n";
      return std::nullopt;
    }
    if (echo_) out_ << line << "\n";
    const auto begin = line.find_first_not_of(" \t\r");
    if (begin == std::string::npos) return std::string();
    return line.substr(begin, line.find_last_not_of(" \t\r") - begin + 1);
  }
  bool ended() const { return ended_; }

 private:
  std::istream& in_;
  std::ostream& out_;
  bool echo_ = false;
  bool ended_ = false;
};

class Replay {
 public:
  Replay(const ReplayArgs& args, const sim::io::FileSource& files, std::ostream& out)
      : args_(args), files_(files), out_(out) {
    for (const std::string& s : args.sets) base_.overrides.push_back(sim::io::parse_override(s));
    apply_limits(base_, args.limits);
    path_ = args.scenario.empty() ? sim::scenarios::kDefaultScenario : args.scenario;
    taken_ = parse_choices(args.choices);
    agents::register_builtin(behaviours_);
    world_ = build(taken_);  // checks the scenario and the choices given
    // NOLINTNEXTLINE(cppcoreguidelines-prefer-member-initializer): needs world_, built above
    decisions_ = world_->spec().decisions;
  }

  /// Plays the scenario; returns the exit status.
  int play(std::istream& in) {
    const bool interactive = !args_.batch && args_.choices.empty();
    if (!args_.output.empty() && !args_.force && std::filesystem::exists(args_.output)) {
      std::cerr << "chipsim: " << args_.output
                << " exists; use --force to overwrite it or -o FILE\n";
      return 2;
    }
    Keys keys(in, out_, &in == &std::cin && ::isatty(STDIN_FILENO) == 0);
    // the calendar and replicates are the same in every world a choice switches to
    const sim::engine::Calendar calendar = world_->calendar();
    const int months = calendar.size();
    if (!args_.quiet) introduce(interactive);

    const std::uint64_t replicates = world_->spec().scenario.replicates;
    for (std::uint64_t r = 0; r < replicates; ++r)
      sims_.push_back(std::make_unique<sim::world::Simulation>(*world_, behaviours_, r));

    bool to_decision = !interactive;
    for (int t = 0; t < months; ++t) {
      const sim::engine::Month month = calendar.at(t);
      for (const DecisionSpec& d : decisions_) {
        if (d.month != month) continue;
        if (interactive && !taken_.contains(d.id)) {
          const std::optional<std::string> option = ask(d, keys);
          if (!option) return stopped(month);
          choose(d, *option);
        }
        to_decision = !interactive || keys.ended();
      }
      if (interactive && !to_decision && !keys.ended()) {
        const std::optional<std::string> key = next_key(month, keys);
        if (key && *key == "q") return stopped(month);
        to_decision = keys.ended() || (key && *key == "d");
      }
      step(t);
      if (!args_.quiet) show_month(t);
    }
    return finish();
  }

 private:
  std::unique_ptr<World> build(const std::map<std::string, std::string>& choices) const {
    sim::io::LoadOptions options = base_;
    for (const auto& [decision, option] : choices)
      options.overrides.push_back(sim::io::choice_override(decision, option));
    return std::make_unique<World>(World::build(sim::io::load_scenario(path_, files_, options)));
  }

  void introduce(bool interactive) {
    const World& w = *world_;
    out_ << "chipsim replay: " << w.spec().scenario.name << ", " << w.calendar().first().str()
         << " to " << w.calendar().last().str() << ", seed " << w.seed();
    if (w.spec().scenario.replicates > 1)
      out_ << ", numbers are means of " << w.spec().scenario.replicates << " replicates";
    out_ << "\n";
    out_ << wrap(sim::concat(decisions_.size(),
                             " decision point(s): the run stops at each to ask "
                             "what the actor should do."),
                 "", "");
    if (interactive)
      out_ << "Keys: Enter = next month, d = run to the next decision, q = quit, ? = help.\n";
    out_ << "\n";
  }

  void help() {
    out_ << "Enter   play the next month\n"
            "d       play on to the next decision (or the end)\n"
            "q       quit without writing anything\n"
            "?       this help\n"
            "At a decision, answer with the option's number or id; h shows what happened.\n"
            "At the end of input, remaining decisions take what happened and the run ends.\n";
  }

  std::optional<std::string> next_key(sim::engine::Month month, Keys& keys) {
    for (;;) {
      std::optional<std::string> key =
          keys.ask(sim::concat("next: ", month.str(), " [Enter, d, q, ?] > "));
      if (!key) return std::nullopt;
      if (key->empty() || *key == "d" || *key == "q") return key;
      if (*key == "?")
        help();
      else
        out_ << "unknown key '" << *key << "'; Enter, d, q or ? (help)\n";
    }
  }

  /// Asks for an option at `d`; nullopt when the user quits. At the end of input, the option
  /// the world would take anyway (history, unless the scenario chooses otherwise).
  std::optional<std::string> ask(const DecisionSpec& d, Keys& keys) {
    out_ << "\n"
         << std::string(kWidth - 1, '=') << "\n"
         << "Decision " << d.id << " - " << d.month.str() << ", " << d.actor << "\n"
         << wrap(d.question, "", "") << "\n";
    for (std::size_t i = 0; i < d.options.size(); ++i) {
      const auto& o = d.options[i];
      out_ << wrap(o.description.empty() ? o.id : sim::concat(o.id, ": ", o.description),
                   sim::concat("  ", i + 1, ") "), "     ");
    }
    if (args_.show_history) show_history(d);
    out_ << std::string(kWidth - 1, '=') << "\n";
    const std::string range = sim::concat("1-", d.options.size());
    for (;;) {
      const std::optional<std::string> key =
          keys.ask(sim::concat("Your choice [", range, ", h = what happened, q = quit] > "));
      if (!key) {
        const std::string fallback = world_->choices().at(d.id);
        out_ << "(end of input: taking '" << fallback << "'"
             << (fallback == d.historical ? ", what happened" : "") << ")\n";
        return fallback;
      }
      if (*key == "q") return std::nullopt;
      if (*key == "h") {
        show_history(d);
        continue;
      }
      if (*key == "?") {
        help();
        continue;
      }
      for (std::size_t i = 0; i < d.options.size(); ++i) {
        if (*key == d.options[i].id || *key == std::to_string(i + 1)) {
          const std::string& id = d.options[i].id;
          if (!args_.show_history) {
            if (id == d.historical)
              out_ << "That is what happened.\n";
            else
              show_history(d);
          }
          return id;
        }
      }
      out_ << "unknown answer '" << *key << "'; type 1 to " << d.options.size()
           << ", an option id, h or q\n";
    }
  }

  void show_history(const DecisionSpec& d) {
    for (const auto& o : d.options)
      if (o.id == d.historical)
        out_ << wrap(o.description.empty() ? o.id : sim::concat(o.id, ": ", o.description),
                     sim::concat("In history, ", d.actor, " chose "), "  ");
  }

  /// Takes `option` at `d`: switches to a world with that option when it differs from the path
  /// being played, carrying the state over through a checkpoint.
  void choose(const DecisionSpec& d, const std::string& option) {
    taken_[d.id] = option;
    if (world_->choices().at(d.id) == option) return;
    std::unique_ptr<World> next = build(taken_);
    std::vector<std::unique_ptr<sim::world::Simulation>> moved;
    for (std::uint64_t r = 0; r < sims_.size(); ++r) {
      auto sim = std::make_unique<sim::world::Simulation>(*next, behaviours_, r);
      sim->restore(sims_[r]->save());
      moved.push_back(std::move(sim));
    }
    sims_ = std::move(moved);
    world_ = std::move(next);
  }

  void step(int t) {
    const sim::engine::Runner runner(world_->calendar(), world_->seed());
    sim::engine::run_replicates(sims_.size(),
                                [&](std::uint64_t r) { runner.step(*sims_[r], r, t); });
  }

  /// Mean over replicates of entry `i` of metric `m` at month `t`.
  double mean(std::size_t m, int t, std::size_t width, std::size_t i) const {
    double sum = 0;
    for (const auto& sim : sims_)
      sum += sim->output().metric_values[m][static_cast<std::size_t>(t) * width + i];
    return sum / static_cast<double>(sims_.size());
  }

  void show_month(int t) {
    const World& w = *world_;
    out_ << "-- " << w.calendar().at(t).str() << " " << std::string(kWidth - 12, '-') << "\n";
    // replicate 0's events: scripted ones are the same in every replicate
    const auto& logged = sims_.front()->logged();
    for (; shown_events_ < logged.size(); ++shown_events_) {
      const sim::engine::LoggedEvent& e = logged[shown_events_];
      if (e.step != t) continue;
      if (e.kind == "licence_applied" || e.kind == "licence_granted" ||
          e.kind == "licence_refused" || e.kind == "seizure")
        continue;  // one per seller, destination and month: too many for a terminal
      out_ << wrap(e.text, "  * ", "    ");
    }
    const std::size_t c = w.country_count();
    const std::size_t compute = metric_index(MetricAxis::country, "compute_stock_h100e");
    std::map<std::string, double> by_bloc;
    std::vector<std::string> blocs;
    for (std::size_t i = 0; i < c; ++i) {
      const std::string& bloc = w.country(i).bloc;
      if (!by_bloc.contains(bloc)) blocs.push_back(bloc);
      by_bloc[bloc] += mean(compute, t, c, i);
    }
    std::string line = "compute (H100e):";
    for (const std::string& b : blocs)
      line += sim::concat(" ", b, " ", analysis::human_number(by_bloc[b]));
    out_ << wrap(line, "  ", "    ");
    const std::size_t revenue = metric_index(MetricAxis::agent, "revenue_usd");
    line = "chip revenue (USD):";
    bool sold = false;
    for (std::size_t a : w.agents_of(sim::world::AgentKind::chipmaker))
      if (const double v = mean(revenue, t, w.agent_count(), a); v > 0) {
        line += sim::concat(" ", w.agent(a).id, " ", analysis::human_number(v));
        sold = true;
      }
    out_ << wrap(sold ? line : line + " none", "  ", "    ");
  }

  int stopped(sim::engine::Month month) {
    out_ << "Stopped before " << month.str() << "; nothing written.\n";
    return 0;
  }

  /// Gathers the branch, runs history beside it, compares and writes.
  int finish() {
    std::vector<sim::world::ReplicateOutput> outputs;
    outputs.reserve(sims_.size());
    for (auto& sim : sims_) outputs.push_back(sim->take_output());
    sim::world::RunResults branch = sim::world::gather_results(*world_, std::move(outputs));

    std::map<std::string, std::string> historical;
    for (const DecisionSpec& d : decisions_) historical[d.id] = d.historical;
    const std::unique_ptr<World> past = build(historical);
    sim::world::RunOptions options;
    sim::world::RunResults history = sim::world::run_world(*past, behaviours_, options);

    const std::string stamp = utc_now();
    for (sim::world::RunResults* r : {&branch, &history}) {
      r->chipsim_version = CHIPSIM_VERSION;
      r->created_utc = stamp;
    }
    out_ << "\nYour choices:";
    bool any = false;
    for (const sim::world::DecisionRecord& d : branch.decisions) {
      out_ << "\n  " << d.id << ": " << d.option
           << (d.option == d.historical ? " (as in history)"
                                        : sim::concat(" (history: ", d.historical, ")"));
      any = true;
    }
    out_ << (any ? "\n\n" : " none (the scenario has no decisions)\n\n");
    out_ << analysis::format_branch_summary(analysis::branch_summary(history, branch),
                                            branch.months.empty() ? "" : branch.months.back());
    if (!args_.output.empty()) {
      std::error_code ec;
      const std::filesystem::path parent = std::filesystem::path(args_.output).parent_path();
      if (!parent.empty()) std::filesystem::create_directories(parent, ec);
      sim::io::write_results(args_.output, branch, &history);
      out_ << "results: " << std::filesystem::absolute(args_.output).lexically_normal().string()
           << " (branch; history under /history)\n";
    }
    return 0;
  }

  const ReplayArgs& args_;
  const sim::io::FileSource& files_;
  std::ostream& out_;
  sim::io::LoadOptions base_;
  std::string path_;
  std::map<std::string, std::string> taken_;  ///< options chosen so far (given or answered)
  sim::world::BehaviourRegistry behaviours_;
  std::unique_ptr<World> world_;  ///< the world of the path being played
  std::vector<DecisionSpec> decisions_;
  std::vector<std::unique_ptr<sim::world::Simulation>> sims_;  ///< one per replicate
  std::size_t shown_events_ = 0;
};

}  // namespace

int replay_command(const ReplayArgs& args, const sim::io::FileSource& files, std::istream& in,
                   std::ostream& out) {
  Replay replay(args, files, out);
  return replay.play(in);
}

}  // namespace cli
