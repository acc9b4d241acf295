// chipsim-kernels: Google Benchmark micro-benchmarks of the inner kernels, on the built-in
// default scenario (builtin:history/h20-2025.yaml) advanced to 2025-06, when its export
// controls, fees and tariffs are in force:
//   - BM_RngUniform, BM_RngStream: a draw, and deriving a stream then drawing once (sim::engine)
//   - BM_SaleTerms: the policy evaluation for one sale (sim::world::sale_terms), cycling over
//     every (product, designer, origin, destination) of the scenario
//   - BM_Month: one month of one replicate (decide, resolve with the market clearing, account,
//     record), on a simulation restored from a checkpoint, so every iteration clears the same
//     month
// Run: build/.../tools/chipsim-kernels [--benchmark_filter=REGEX] (tools/bench does not run it).
#include <benchmark/benchmark.h>

#include <cstddef>
#include <memory>
#include <string>
#include <tuple>
#include <vector>

#include "agents/register.hpp"
#include "scenarios/embedded.hpp"
#include "sim/engine/rng.hpp"
#include "sim/engine/runner.hpp"
#include "sim/io/file_source.hpp"
#include "sim/io/scenario_loader.hpp"
#include "sim/world/capacity.hpp"
#include "sim/world/policy_regime.hpp"
#include "sim/world/simulation.hpp"
#include "sim/world/world.hpp"

namespace {

using sim::world::Simulation;
using sim::world::World;

/// The default scenario, loaded once, and a simulation of replicate 0 advanced to `kStep`.
struct Fixture {
  static constexpr int kStep = 41;  // 2025-06: months from 2022-01
  std::unique_ptr<World> world;
  sim::world::BehaviourRegistry behaviours;
  std::unique_ptr<sim::engine::Runner> runner;
  std::unique_ptr<Simulation> sim;

  Fixture() {
    const sim::io::FileSource files(sim::scenarios::embedded());
    world = std::make_unique<World>(
        World::build(sim::io::load_scenario(sim::scenarios::kDefaultScenario, files)));
    agents::register_builtin(behaviours);
    runner = std::make_unique<sim::engine::Runner>(world->calendar(), world->seed());
    sim = std::make_unique<Simulation>(*world, behaviours, 0);
    for (int step = 0; step < kStep; ++step) runner->step(*sim, 0, step);
  }
};

Fixture& fixture() {
  static Fixture f;  // benchmark-only: built on first use, read-only afterwards
  return f;
}

void BM_RngUniform(benchmark::State& bench) {
  sim::engine::Rng rng(sim::engine::StreamKey{42, 0, 7, 12, 1});
  for ([[maybe_unused]] auto _ : bench) benchmark::DoNotOptimize(rng.uniform());
}
BENCHMARK(BM_RngUniform);

void BM_RngStream(benchmark::State& bench) {
  const sim::engine::StreamFactory streams(42, 0);
  std::uint64_t agent = 0;
  for ([[maybe_unused]] auto _ : bench) {
    sim::engine::Rng rng = streams.stream(agent++, 12, sim::engine::Purpose::decide);
    benchmark::DoNotOptimize(rng.uniform());
  }
}
BENCHMARK(BM_RngStream);

void BM_SaleTerms(benchmark::State& bench) {
  const Fixture& f = fixture();
  const World& world = *f.world;
  const sim::world::State& state = f.sim->state();
  std::vector<std::tuple<std::size_t, std::size_t, std::size_t, std::size_t>> sales;
  for (std::size_t p = 0; p < world.product_count(); ++p) {
    const std::size_t seller = world.product_designer(p);
    for (std::size_t origin : sim::world::origins_of(world, state, seller, p))
      for (std::size_t d = 0; d < world.country_count(); ++d)
        sales.emplace_back(p, seller, origin, d);
  }
  if (sales.empty()) {
    bench.SkipWithError("the scenario has no sales to evaluate");
    return;
  }
  std::size_t i = 0;
  for ([[maybe_unused]] auto _ : bench) {
    const auto& [p, seller, origin, d] = sales[i];
    benchmark::DoNotOptimize(sim::world::sale_terms(world, state, p, seller, origin, d));
    i = i + 1 == sales.size() ? 0 : i + 1;
  }
  bench.counters["sales"] = static_cast<double>(sales.size());
}
BENCHMARK(BM_SaleTerms);

void BM_Month(benchmark::State& bench) {
  const Fixture& f = fixture();
  const std::string saved = f.sim->save();  // a Model is not copyable: restore a checkpoint
  for ([[maybe_unused]] auto _ : bench) {
    bench.PauseTiming();
    Simulation copy(*f.world, f.behaviours, 0);
    copy.restore(saved);
    bench.ResumeTiming();
    f.runner->step(copy, 0, Fixture::kStep);
    benchmark::ClobberMemory();
  }
  bench.counters["agents"] = static_cast<double>(f.world->agent_count());
}
BENCHMARK(BM_Month)->Unit(benchmark::kMicrosecond);

}  // namespace

BENCHMARK_MAIN();
