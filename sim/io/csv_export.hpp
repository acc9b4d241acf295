#pragma once

#include <string>

#include "sim/world/results.hpp"

namespace sim::io {

/// Writes `results` as tidy CSV into the folder `directory` (created if missing), one row per
/// observation with named columns (docs/output-format.md, "CSV export"):
/// - `metrics.csv`: replicate, month, axis, metric, entity, value, units;
/// - `flows.csv`: replicate, month, product, seller, buyer, origin, destination, channel, units,
///   value_usd;
/// - `events.csv`: replicate, month, actor, kind, text.
/// Ids are written as names, months as YYYY-MM, numbers so that they read back exactly. Each file
/// is written under a temporary name and renamed into place.
/// @throws IoError naming the file when the folder or a file cannot be written.
void write_csv(const std::string& directory, const world::RunResults& results);

}  // namespace sim::io
