#include "tools/cli/parts.hpp"

#include <unistd.h>

#include <algorithm>
#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "sim/engine/concat.hpp"
#include "sim/engine/errors.hpp"

namespace cli {

namespace fs = std::filesystem;
using sim::concat;
using sim::IoError;

std::string parts_dir(const std::string& output) { return output + ".parts"; }

std::string part_path(const std::string& parts, std::size_t point, std::uint64_t replicate) {
  std::array<char, 64> name{};
  std::snprintf(name.data(), name.size(), "p%06zu-r%04llu.h5", point,
                static_cast<unsigned long long>(replicate));
  return (fs::path(parts) / name.data()).string();
}

void write_text_file(const std::string& path, const std::string& text) {
  const std::string temp = path + ".tmp";
  {
    std::ofstream out(temp, std::ios::binary | std::ios::trunc);
    out << text;
    out.flush();
    if (!out) throw IoError(concat(path, ": cannot write"));
  }
  std::error_code ec;
  fs::rename(temp, path, ec);
  if (ec) throw IoError(concat(path, ": cannot write: ", ec.message()));
}

std::string read_text_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw IoError(concat(path, ": cannot read"));
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

std::string yaml_quoted(const std::string& text) {
  std::string quoted = "'";
  for (char c : text) quoted += c == '\'' ? std::string("''") : std::string(1, c);
  return quoted + "'";
}

void create_parts_dir(const std::string& parts,
                      const std::vector<std::pair<std::string, std::string>>& files) {
  const std::string staging = concat(parts, ".new.", ::getpid());
  std::error_code ec;
  fs::create_directories(staging, ec);
  if (ec) throw IoError(concat(parts, ": cannot create the folder: ", ec.message()));
  try {
    for (const auto& [name, text] : files)
      write_text_file((fs::path(staging) / name).string(), text);
    fs::rename(staging, parts, ec);
    if (ec) throw IoError(concat(parts, ": cannot create the folder: ", ec.message()));
  } catch (...) {
    std::error_code ignored;
    fs::remove_all(staging, ignored);
    throw;
  }
}

void append_replicate(sim::world::RunResults& into, sim::world::RunResults&& part) {
  for (std::size_t m = 0; m < into.metrics.size(); ++m)
    for (std::vector<double>& block : part.metrics[m].values)
      into.metrics[m].values.push_back(std::move(block));
  into.flows.insert(into.flows.end(), part.flows.begin(), part.flows.end());
  std::vector<sim::world::FlowRecord>().swap(part.flows);
  for (sim::world::EventRecord& e : part.events) into.events.push_back(std::move(e));
  for (sim::world::Checkpoint& c : part.checkpoints) into.checkpoints.push_back(std::move(c));
  // by month (YYYY-MM sorts as text), then replicate, as run_world orders them
  std::stable_sort(into.checkpoints.begin(), into.checkpoints.end(),
                   [](const sim::world::Checkpoint& a, const sim::world::Checkpoint& b) {
                     return a.month < b.month;
                   });
  into.replicates += part.replicates;
}

}  // namespace cli
