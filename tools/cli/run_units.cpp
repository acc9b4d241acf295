#include "tools/cli/run_units.hpp"

#include <tbb/blocked_range.h>

#include <filesystem>
#include <utility>

#include "sim/engine/concat.hpp"
#include "sim/engine/errors.hpp"
#include "sim/engine/parallel.hpp"
#include "sim/io/result_file.hpp"
#include "sim/io/yaml_tree.hpp"
#include "sim/world/run.hpp"
#include "tools/cli/parts.hpp"

namespace cli {

namespace fs = std::filesystem;
using sim::concat;

namespace {

constexpr const char* kManifest = "manifest.yaml";

void list(std::string& text, const char* key, const std::vector<std::string>& items) {
  if (items.empty()) return;
  text += concat(key, ":\n");
  for (const std::string& item : items) text += concat("  - ", yaml_quoted(item), "\n");
}

}  // namespace

std::string manifest_text(const RunManifest& manifest) {
  std::string text = concat("# chipsim run in progress; continue with chipsim run --resume\n",
                            "scenario: ", yaml_quoted(manifest.scenario), "\n");
  if (manifest.seed) text += concat("seed: ", *manifest.seed, "\n");
  if (manifest.replicates) text += concat("replicates: ", *manifest.replicates, "\n");
  list(text, "set", manifest.sets);
  list(text, "choose", manifest.choices);
  list(text, "limits", manifest.limits);
  list(text, "checkpoint_at", manifest.checkpoint_at);
  return text;
}

RunManifest read_manifest(const std::string& parts, const std::string& output) {
  std::error_code ec;
  if (!fs::is_directory(parts, ec))
    throw sim::ConfigError(concat("chipsim run: error: --resume ", output, ": no interrupted run (",
                                  parts, " does not exist)"));
  const std::string path = (fs::path(parts) / kManifest).string();
  const sim::io::Tree tree = sim::io::parse_yaml(read_text_file(path), path);
  const auto scalar = [&](const char* key) -> std::optional<std::string> {
    const sim::io::Tree* node = tree.find(key);
    if (node == nullptr) return std::nullopt;
    if (!node->is_scalar())
      throw sim::ConfigError(concat(path, ": error: ", key, ": expected a value"));
    return node->scalar;
  };
  const auto number = [&](const char* key) -> std::optional<std::uint64_t> {
    const std::optional<std::string> text = scalar(key);
    if (!text) return std::nullopt;
    try {
      std::size_t used = 0;
      const std::uint64_t n = std::stoull(*text, &used);
      if (used == text->size()) return n;
    } catch (const std::exception&) {
    }
    throw sim::ConfigError(
        concat(path, ": error: ", key, ": expected a whole number, got '", *text, "'"));
  };
  const auto items = [&](const char* key) {
    std::vector<std::string> found;
    const sim::io::Tree* node = tree.find(key);
    if (node == nullptr) return found;
    if (!node->is_seq())
      throw sim::ConfigError(concat(path, ": error: ", key, ": expected a list"));
    for (const sim::io::Tree& item : node->seq) found.push_back(item.scalar);
    return found;
  };
  RunManifest m;
  const std::optional<std::string> scenario = scalar("scenario");
  if (!scenario || scenario->empty())
    throw sim::ConfigError(concat(path, ": error: scenario: missing"));
  m.scenario = *scenario;
  m.seed = number("seed");
  m.replicates = number("replicates");
  m.sets = items("set");
  m.choices = items("choose");
  m.limits = items("limits");
  m.checkpoint_at = items("checkpoint_at");
  return m;
}

void run_replicate_units(const sim::world::World& world,
                         const sim::world::BehaviourRegistry& behaviours, const std::string& parts,
                         std::vector<std::uint64_t> todo, const std::vector<int>& checkpoint_steps,
                         const std::function<void()>& progress, const Cluster& cluster) {
  const std::uint64_t replicates = world.spec().scenario.replicates;
  const int months = world.calendar().size();
  UnitDealer dealer(cluster, std::move(todo), [&progress, months] {
    if (progress)
      for (int m = 0; m < months; ++m) progress();
  });
  // one replicate per task, as run_world runs them; see sweep_command for the tickets
  sim::engine::parallel_for(
      tbb::blocked_range<std::uint64_t>(0, replicates, 1), [&](const auto& range) {
        for (std::uint64_t i = range.begin(); i != range.end(); ++i) {
          const std::optional<std::uint64_t> replicate = dealer.next();
          if (!replicate) return;
          try {
            sim::world::RunOptions options;
            options.first_replicate = *replicate;
            options.replicates = 1;
            options.checkpoint_steps = checkpoint_steps;
            options.progress = progress;
            sim::world::RunResults results = sim::world::run_world(world, behaviours, options);
            results.chipsim_version = CHIPSIM_VERSION;
            sim::io::write_results(part_path(parts, 0, *replicate), results);
            dealer.done();
          } catch (...) {
            dealer.fail(std::current_exception());
          }
        }
      });
  dealer.finish();
}

sim::world::RunResults merge_replicate_parts(const std::string& parts, std::uint64_t replicates) {
  const auto read = [&](std::uint64_t r) {
    const std::string path = part_path(parts, 0, r);
    sim::world::RunResults part = sim::io::read_results(path);
    part.checkpoints = sim::io::read_checkpoints(path);
    return part;
  };
  sim::world::RunResults merged = read(0);
  for (std::uint64_t r = 1; r < replicates; ++r) append_replicate(merged, read(r));
  return merged;
}

}  // namespace cli
