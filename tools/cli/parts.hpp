#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "sim/world/results.hpp"

/// The folder `OUT.parts/` where `chipsim sweep` and a distributed `chipsim run` keep each
/// finished unit's result file until all are merged into OUT, so that an interrupted job
/// resumes with only its missing units (docs/sweep-format.md, docs/distributed.md).
namespace cli {

/// `OUT.parts`.
std::string parts_dir(const std::string& output);

/// The result file of one unit in `parts`: `p000003-r0001.h5` (point 3, replicate 1).
std::string part_path(const std::string& parts, std::size_t point, std::uint64_t replicate);

/// Writes `text` to `path` through a temporary name, so the file is whole or absent.
/// @throws sim::IoError when it cannot be written.
void write_text_file(const std::string& path, const std::string& text);

/// @throws sim::IoError when `path` cannot be read.
std::string read_text_file(const std::string& path);

/// `text` as a single-quoted YAML scalar (its quotes doubled).
std::string yaml_quoted(const std::string& text);

/// Creates `parts` with `files` (name, text) in it, all at once: the folder appears complete or
/// not at all, so a job killed before it exists starts again and one killed after resumes.
/// @throws sim::IoError when it cannot be created.
void create_parts_dir(const std::string& parts,
                      const std::vector<std::pair<std::string, std::string>>& files);

/// Appends the next replicate's results, `part` (one replicate, read from its part file), to
/// `into`: its metric block, flows, events and checkpoints, in the order run_world gives them
/// when it runs the replicates together. `into.replicates` counts the replicates appended.
void append_replicate(sim::world::RunResults& into, sim::world::RunResults&& part);

}  // namespace cli
