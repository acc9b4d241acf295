#include "sim/io/file_source.hpp"

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string_view>

namespace sim::io {

namespace {
constexpr std::string_view kBuiltin = "builtin:";

bool is_builtin(const std::string& path) { return path.rfind(kBuiltin, 0) == 0; }
}  // namespace

std::optional<std::string> FileSource::read(const std::string& path) const {
  if (is_builtin(path)) {
    const auto it = builtin_.find(path.substr(kBuiltin.size()));
    if (it == builtin_.end()) return std::nullopt;
    return it->second;
  }
  // devices are never scenario files, and some (/dev/zero, /dev/urandom) never end: an
  // include naming one must not read forever
  std::error_code ec;
  const auto status = std::filesystem::status(path, ec);
  if (std::filesystem::is_directory(status) || std::filesystem::is_character_file(status) ||
      std::filesystem::is_block_file(status)) {
    return std::nullopt;
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) return std::nullopt;
  return text.str();
}

std::string FileSource::resolve(const std::string& including, const std::string& include) {
  namespace fs = std::filesystem;
  if (is_builtin(include)) return include;
  if (is_builtin(including)) {
    const fs::path base = fs::path(including.substr(kBuiltin.size())).parent_path();
    return std::string(kBuiltin) + (base / include).lexically_normal().generic_string();
  }
  const fs::path inc(include);
  if (inc.is_absolute()) return inc.lexically_normal().string();
  return (fs::path(including).parent_path() / inc).lexically_normal().string();
}

}  // namespace sim::io
