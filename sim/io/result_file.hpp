#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "sim/world/results.hpp"

namespace sim::io {

/// Writes `results` to `path` as docs/output-format.md describes. The file is written under a
/// temporary name in the same folder and renamed into place only when complete, so a failed or
/// killed run leaves no file (and no partial one) at `path`.
/// `history`, when given, is a second run of the same world (a replay's historical path beside
/// the branch in `results`), stored under `/history`.
/// @throws IoError naming the file and dataset when HDF5 or the file system fails.
void write_results(const std::string& path, const world::RunResults& results,
                   const world::RunResults* history = nullptr);

/// The first chunks of a run's `/trade/flows`, compressed while the run goes on. A run's first
/// replicate's flows are final month by month and are the table's first rows
/// (world::RunOptions::first_replicate_flows): each whole chunk of them is encoded as the file
/// stores it by a TBB task, on a core the run leaves idle, instead of after the run. The file
/// is the same, byte for byte, with or without it.
class FlowChunks {
 public:
  /// Holds at most about `budget_bytes` of chunks (compressed, or waiting to be); the rows past
  /// them are compressed by write_results as usual.
  explicit FlowChunks(std::size_t budget_bytes = kDefaultBudget);
  FlowChunks(const FlowChunks&) = delete;
  FlowChunks& operator=(const FlowChunks&) = delete;
  ~FlowChunks();  ///< cancels the tasks not started and waits for the others

  /// `flows`: the first replicate's flows so far, a prefix of the run's RunResults::flows as
  /// long as the last call's or longer. Starts compressing each whole chunk not yet started.
  void add(std::span<const world::FlowRecord> flows);

  /// How many rows of the table the chunks started so far hold.
  std::size_t rows() const;

  /// Whether compressing during the run can pay off: whether the current TBB arena and the
  /// active tbb::global_control allow more than one thread. On one thread the tasks would only
  /// run when write_results waits for them, holding the rows uncompressed until then.
  static bool pays_off();

  static constexpr std::size_t kDefaultBudget = std::size_t{256} << 20;

 private:
  friend void write_results(const std::string& path, const world::RunResults& results,
                            FlowChunks& chunks);
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

/// write_results, with the first rows of `results.flows` compressed already by `chunks`
/// (after waiting for its tasks).
/// @throws std::logic_error when `chunks` saw other rows than `results.flows` begins with.
void write_results(const std::string& path, const world::RunResults& results, FlowChunks& chunks);

/// Reads a file written by `write_results` back into memory (the run at its root; checkpoints
/// are left in the file, see read_checkpoints).
/// @throws IoError when the file cannot be read or is not a chipsim result file.
world::RunResults read_results(const std::string& path);

/// Whether the file holds a historical path beside its run (`/history`).
bool has_history(const std::string& path);

/// The historical path stored beside the run: identity and dimensions as read_results, the
/// scenario text, metrics, flows, events and decisions from `/history`.
/// @throws IoError when the file has none.
world::RunResults read_history(const std::string& path);

/// Every checkpoint in the file (`/checkpoints`), by month then replicate.
std::vector<world::Checkpoint> read_checkpoints(const std::string& path);

/// One row of `/sweep/morris`: the elementary effects of one parameter on one output.
struct MorrisRow {
  std::string output;
  std::string parameter;
  double mu = 0;
  double mu_star = 0;
  double sigma = 0;
  std::int64_t n = 0;
};

/// What a sweep file holds besides its points' series (docs/output-format.md, "Sweep files").
struct SweepLayout {
  std::string name;                         ///< the sweep's name
  std::string method;                       ///< grid, lhs, sobol or morris
  std::string definition;                   ///< the sweep file's text
  std::vector<std::string> parameters;      ///< the swept `--set` paths
  std::vector<std::vector<double>> points;  ///< [point][parameter]
  std::vector<std::string> outputs;         ///< the outputs' names
};

/// Writes a sweep result file point by point: the series get a leading `point` dimension and
/// the tables a `point` column. Like write_results, the file is written under a temporary name
/// and renamed into place by commit(); destroying an uncommitted writer removes it.
class SweepWriter {
 public:
  /// Creates the temporary file. `layout` gives the identity and dimensions (`replicates` is
  /// per point; metric values are not used).
  /// @throws IoError when the file cannot be created.
  SweepWriter(const std::string& path, const world::RunResults& layout, SweepLayout sweep);
  SweepWriter(const SweepWriter&) = delete;
  SweepWriter& operator=(const SweepWriter&) = delete;
  ~SweepWriter();

  /// Writes point `point`: `results` holds its replicates in order (same dimensions as the
  /// layout) and `outputs` its outputs, [replicate][output]. Points may come in any order.
  /// @throws IoError on a shape mismatch or an HDF5 failure.
  void add_point(std::size_t point, const world::RunResults& results,
                 const std::vector<std::vector<double>>& outputs);

  /// Writes `/sweep/morris`.
  void set_morris(const std::vector<MorrisRow>& rows);

  /// Flushes, closes, syncs and renames the file into place.
  /// @throws IoError when a point is missing or the file system fails.
  void commit();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace sim::io
