#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "sim/world/behaviour.hpp"
#include "sim/world/results.hpp"
#include "sim/world/world.hpp"
#include "tools/cli/cluster.hpp"

/// `chipsim run` with its replicates as units: in an MPI job, or resuming one
/// (docs/distributed.md). Each replicate is written to `OUT.parts/` when done, then the root
/// merges them into the same results a single process would have written.
namespace cli {

/// What a resumed run repeats: the run's options as given (`OUT.parts/manifest.yaml`).
struct RunManifest {
  std::string scenario;  ///< absolute path, or builtin:NAME
  std::vector<std::string> sets;
  std::optional<std::uint64_t> seed;
  std::optional<std::uint64_t> replicates;
  std::vector<std::string> choices;
  std::vector<std::string> limits;
  std::vector<std::string> checkpoint_at;
};

/// The manifest's text: YAML, with a comment saying how to continue.
std::string manifest_text(const RunManifest& manifest);

/// Reads `parts/manifest.yaml`. @throws sim::ConfigError when `parts` holds no interrupted run
/// (exit 2), naming `output`; sim::IoError when it cannot be read.
RunManifest read_manifest(const std::string& parts, const std::string& output);

/// Runs the replicates in `todo` (the root's list; ignored elsewhere) over the processes of
/// `cluster`, each written to `parts` as it finishes, with checkpoints at `checkpoint_steps`.
/// A failing replicate stops the job (UnitDealer::finish). `progress` ticks once per month
/// run on any process (on the root).
void run_replicate_units(const sim::world::World& world,
                         const sim::world::BehaviourRegistry& behaviours, const std::string& parts,
                         std::vector<std::uint64_t> todo, const std::vector<int>& checkpoint_steps,
                         const std::function<void()>& progress, const Cluster& cluster);

/// The results of replicates 0 .. replicates - 1 from their part files in `parts`, as
/// run_world would give them for all replicates together (checkpoints included).
/// @throws sim::IoError when a part cannot be read.
sim::world::RunResults merge_replicate_parts(const std::string& parts, std::uint64_t replicates);

}  // namespace cli
