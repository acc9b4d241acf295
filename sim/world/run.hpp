#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "sim/engine/runner.hpp"
#include "sim/world/behaviour.hpp"
#include "sim/world/results.hpp"
#include "sim/world/world.hpp"

namespace sim::world {

struct RunOptions {
  std::optional<std::uint64_t> seed;        ///< overrides the scenario's seed
  std::optional<std::uint64_t> replicates;  ///< overrides the scenario's replicates
  engine::ProgressFn progress;              ///< called after each simulated month
};

/// Runs every replicate of `world` (in parallel when the TBB arena allows) and gathers the
/// results in replicate order. The same seed gives bit-identical results at any thread count.
RunResults run_world(const World& world, const BehaviourRegistry& behaviours,
                     const RunOptions& options = {});

/// The identity and dimension fields of a result for `world` (no metric values).
RunResults describe_world(const World& world, std::uint64_t seed, std::uint64_t replicates);

}  // namespace sim::world
