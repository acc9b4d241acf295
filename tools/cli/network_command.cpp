// `chipsim network`: the supply network of one month as GraphViz DOT, and the chokepoints
// between all fabs and each bloc's labs (docs/cli.md, "network").
#include "tools/cli/network_command.hpp"

#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <optional>
#include <ostream>
#include <sstream>
#include <string>
#include <system_error>

#include "agents/register.hpp"
#include "scenarios/embedded.hpp"
#include "sim/engine/concat.hpp"
#include "sim/engine/errors.hpp"
#include "sim/engine/month.hpp"
#include "sim/io/scenario_loader.hpp"
#include "sim/world/network_view.hpp"
#include "sim/world/world.hpp"
#include "tools/cli/common.hpp"

namespace cli {

namespace {

namespace fs = std::filesystem;
using sim::concat;

/// The step of `--month` in the world's calendar. @throws ConfigError when it is malformed or
/// outside the scenario.
int step_of_month(const sim::world::World& world, const std::string& text) {
  const sim::engine::Calendar& calendar = world.calendar();
  if (text.empty()) return 0;
  const std::optional<sim::engine::Month> month = sim::engine::Month::parse(text);
  if (!month)
    throw sim::ConfigError(
        concat("--month ", text, ": error: expected a month YYYY-MM, got '", text, "'"));
  if (!calendar.contains(*month))
    throw sim::ConfigError(concat("--month ", text, ": error: outside the scenario '",
                                  world.spec().scenario.name, "', which runs from ",
                                  calendar.first().str(), " to ", calendar.last().str()));
  return calendar.step_of(*month);
}

/// Writes `text` to `path` through a temporary file in the same folder renamed into place, so
/// a failed write leaves any existing file intact. @throws IoError.
void write_file_atomically(const std::string& path, const std::string& text) {
  std::error_code ec;
  if (fs::is_directory(path, ec))
    throw sim::IoError(concat(path, ": cannot write the network: a directory of that name exists"));
  const std::string temp_path = concat(path, ".tmp.", ::getpid());
  {
    std::ofstream out(temp_path, std::ios::binary | std::ios::trunc);
    if (!out)
      throw sim::IoError(
          concat(path, ": cannot write the network: ", std::generic_category().message(errno)));
    out << text;
    out.close();
    if (!out) {
      fs::remove(temp_path, ec);
      throw sim::IoError(concat(path, ": cannot write the network: write failed"));
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

void print_report(std::ostream& out, const sim::world::World& world, int step,
                  const sim::world::SupplyNetwork& network,
                  const std::vector<sim::world::Chokepoint>& chokepoints) {
  std::int64_t fabs = 0;
  std::int64_t fab_capacity = 0;
  for (const sim::world::NetEdge& e : network.edges())
    if (network.nodes()[e.from].kind == sim::world::NodeKind::source) {
      ++fabs;
      fab_capacity += e.capacity;
    }
  out << "supply network of " << world.spec().scenario.name << " in "
      << world.calendar().at(step).str() << " (replicate 0), in H100e per month\n"
      << "  " << fabs << (fabs == 1 ? " fab" : " fabs") << " operating, " << fab_capacity
      << " in all; " << network.nodes().size() << " nodes, " << network.edges().size() << " edges\n"
      << "chokepoints (minimum cut between all fabs and each bloc's labs):\n";
  for (const sim::world::Chokepoint& c : chokepoints) {
    out << "  " << c.bloc << ": at most " << c.max_flow << " H100e per month\n";
    if (c.cut.empty()) out << "    no route reaches its labs\n";
    for (std::size_t i = 0; i < c.cut.size(); ++i)
      out << "    " << std::setw(10) << c.cut_capacity[i] << "  " << c.cut[i] << "\n";
  }
}

}  // namespace

CLI::App* add_network_command(CLI::App& app, NetworkArgs& args) {
  CLI::App* network = app.add_subcommand(
      "network", "The supply network of a month as GraphViz DOT, and its chokepoints");
  network->add_option("scenario", args.scenario,
                      "Scenario YAML file (default: the built-in H20 scenario, " +
                          std::string(sim::scenarios::kDefaultScenario) + ")");
  network->add_option("--month", args.month, "Month YYYY-MM (default: the scenario's first month)");
  network->add_option("--dot", args.dot,
                      "Write the network as GraphViz DOT to FILE (overwritten; - for stdout)");
  network->add_option("--set", args.sets, "Override a value: PATH=VALUE (repeatable)");
  network->add_option("--limit", args.limits, kLimitHelp)->type_name("NAME=N");
  network->add_option("--choose", args.choices,
                      "Take an option at a decision: DECISION=OPTION (repeatable)");
  network->add_flag("-q,--quiet", args.quiet, "No chokepoint report");
  return network;
}

int network_command(const NetworkArgs& args, const sim::io::FileSource& files) {
  sim::io::LoadOptions options;
  apply_limits(options, args.limits);
  for (const std::string& s : args.sets) options.overrides.push_back(sim::io::parse_override(s));
  const std::string path = args.scenario.empty() ? sim::scenarios::kDefaultScenario : args.scenario;
  sim::world::ScenarioSpec spec = sim::io::load_scenario(path, files, options);
  const sim::world::World world =
      sim::world::World::build(std::move(spec), parse_choices(args.choices));
  const int step = step_of_month(world, args.month);

  sim::world::BehaviourRegistry behaviours;
  agents::register_builtin(behaviours);
  const sim::world::State state = sim::world::state_after(world, behaviours, step);
  const sim::world::SupplyNetwork network = sim::world::capacity_network(world, state, step);

  if (!args.dot.empty()) {
    std::ostringstream dot;
    network.write_dot(dot);
    if (args.dot == "-")
      std::cout << dot.str() << std::flush;
    else
      write_file_atomically(args.dot, dot.str());
  }
  if (!args.quiet)
    print_report(args.dot == "-" ? std::cerr : std::cout, world, step, network,
                 sim::world::chokepoints(world, network));
  return 0;
}

}  // namespace cli
