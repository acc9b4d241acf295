// chipsim-phase-times: times the phases of one `chipsim run` separately (loading the scenario,
// building the world, running it, writing the HDF5 file), for tools/bench's "scaling" section:
// the CLI can only be timed whole, and the share of a run spent writing HDF5 needs the write
// alone. It does what tools/cli/main.cpp's run_command does, with a clock around each step.
//
// Usage: chipsim-phase-times SCENARIO OUTPUT.h5 [THREADS]
// Prints one line of `key=value` pairs: agents, labs, months, load_s, build_s, run_s, write_s
// (wall seconds), run_cpu_s, write_cpu_s (CPU seconds of the process, all threads) and
// peak_rss_kib (getrusage ru_maxrss: the peak resident set of the whole process).
#include <sys/resource.h>
#include <tbb/global_control.h>

#include <chrono>
#include <cstddef>
#include <ctime>
#include <exception>
#include <iostream>
#include <optional>
#include <span>
#include <string>

#include "agents/register.hpp"
#include "scenarios/embedded.hpp"
#include "sim/io/file_source.hpp"
#include "sim/io/result_file.hpp"
#include "sim/io/scenario_loader.hpp"
#include "sim/world/run.hpp"
#include "sim/world/world.hpp"

namespace {

double wall_now() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

double cpu_now() {
  timespec t{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
  return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_nsec) * 1e-9;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3 || argc > 4) {
    std::cerr << "usage: chipsim-phase-times SCENARIO OUTPUT.h5 [THREADS]\n";
    return 2;
  }
  const std::span<char*> args(argv, static_cast<std::size_t>(argc));
  try {
    std::optional<tbb::global_control> limit;
    if (argc == 4)
      limit.emplace(tbb::global_control::max_allowed_parallelism,
                    static_cast<std::size_t>(std::stoul(args[3])));
    const sim::io::FileSource files(sim::scenarios::embedded());

    double w = wall_now();
    sim::world::ScenarioSpec spec = sim::io::load_scenario(args[1], files);
    const double load_s = wall_now() - w;

    w = wall_now();
    const sim::world::World world = sim::world::World::build(std::move(spec));
    const double build_s = wall_now() - w;

    sim::world::BehaviourRegistry behaviours;
    agents::register_builtin(behaviours);
    // as `chipsim run` does: the flows are compressed while the run goes when a core is idle
    sim::io::FlowChunks flow_chunks;
    sim::world::RunOptions options;
    if (sim::io::FlowChunks::pays_off())
      options.first_replicate_flows = [&](std::span<const sim::world::FlowRecord> f) {
        flow_chunks.add(f);
      };
    w = wall_now();
    double c = cpu_now();
    sim::world::RunResults results = sim::world::run_world(world, behaviours, options);
    const double run_s = wall_now() - w;
    const double run_cpu_s = cpu_now() - c;
    results.chipsim_version = "phase-times";

    w = wall_now();
    c = cpu_now();
    sim::io::write_results(args[2], results, flow_chunks);
    const double write_s = wall_now() - w;
    const double write_cpu_s = cpu_now() - c;

    std::size_t labs = 0;
    for (const std::string& k : results.agent_kinds) labs += k == "ai_lab" ? 1U : 0U;
    std::cout << "agents=" << results.agent_ids.size() << " labs=" << labs
              << " months=" << results.months.size() << " replicates=" << results.replicates
              << " flows=" << results.flows.size() << " load_s=" << load_s << " build_s=" << build_s
              << " run_s=" << run_s << " run_cpu_s=" << run_cpu_s << " write_s=" << write_s
              << " write_cpu_s=" << write_cpu_s;
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    // NOLINTNEXTLINE(cppcoreguidelines-pro-type-union-access): glibc declares ru_maxrss in a union
    std::cout << " peak_rss_kib=" << usage.ru_maxrss << "\n";
  } catch (const std::exception& e) {
    std::cerr << "chipsim-phase-times: error: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
