#pragma once

#include <string>

#include "sim/world/results.hpp"

namespace sim::io {

/// Writes `results` to `path` as docs/output-format.md describes. The file is written under a
/// temporary name in the same folder and renamed into place only when complete, so a failed or
/// killed run leaves no file (and no partial one) at `path`.
/// @throws IoError naming the file and dataset when HDF5 or the file system fails.
void write_results(const std::string& path, const world::RunResults& results);

/// Reads a file written by `write_results` back into memory.
/// @throws IoError when the file cannot be read or is not a chipsim result file.
world::RunResults read_results(const std::string& path);

}  // namespace sim::io
