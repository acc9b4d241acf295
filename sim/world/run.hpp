#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "sim/engine/runner.hpp"
#include "sim/world/behaviour.hpp"
#include "sim/world/results.hpp"
#include "sim/world/world.hpp"

namespace sim::world {

struct ReplicateOutput;  // sim/world/simulation.hpp

/// Which replicates to run. The seed is the scenario's (`scenario.seed`): override it in the
/// scenario (`--set scenario.seed=N`) so that the stored scenario text reproduces the run.
struct RunOptions {
  std::uint64_t first_replicate = 0;        ///< run replicates first, first + 1, ...
  std::optional<std::uint64_t> replicates;  ///< how many; default: the scenario's
  engine::ProgressFn progress;              ///< called after each simulated month
  /// Save each replicate's state at the start of these steps into RunResults::checkpoints.
  std::vector<int> checkpoint_steps;
  /// Continue replicate first_replicate + k from checkpoint resume_from[k] instead of step 0
  /// (one per replicate, all of the same month); the months before come from the checkpoint.
  std::vector<std::string> resume_from;
  /// Called on replicate first_replicate's thread after each month it records, with all of its
  /// flows so far (the restored ones too). They are final, and they are the first rows of
  /// RunResults::flows: a writer can encode them while the run goes on (sim::io::FlowChunks).
  std::function<void(std::span<const FlowRecord>)> first_replicate_flows;
};

/// Runs replicates `first_replicate ..` of `world` (in parallel when the TBB arena allows) and
/// gathers the results in replicate order. Replicate r draws the same random numbers whichever
/// replicates run beside it. The same seed gives bit-identical results at any thread count.
RunResults run_world(const World& world, const BehaviourRegistry& behaviours,
                     const RunOptions& options = {});

/// The results of replicates first, first + 1, ... from their outputs, in that order.
RunResults gather_results(const World& world, std::vector<ReplicateOutput> outputs);

/// The identity and dimension fields of a result for `world` (no metric values).
RunResults describe_world(const World& world, std::uint64_t seed, std::uint64_t replicates);

}  // namespace sim::world
