#pragma once

#include <cstdint>
#include <memory>
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
