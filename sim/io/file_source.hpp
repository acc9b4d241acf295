#pragma once

#include <map>
#include <optional>
#include <string>

namespace sim::io {

/// Where scenario files come from. Paths starting with `builtin:` name scenarios embedded in
/// the chipsim binary (`builtin:history/h20-2025.yaml`); all others are files on disk.
class FileSource {
 public:
  FileSource() = default;
  /// `builtin` maps names relative to `scenarios/` (e.g. `catalog/chips.yaml`) to contents.
  explicit FileSource(std::map<std::string, std::string> builtin) : builtin_(std::move(builtin)) {}

  /// The file's contents, or nullopt when it cannot be read or is a directory or a device.
  std::optional<std::string> read(const std::string& path) const;

  /// The path of `include`, named inside the file at `including`: relative to its folder,
  /// staying builtin when the including file is builtin. Lexically normalised.
  static std::string resolve(const std::string& including, const std::string& include);

  const std::map<std::string, std::string>& builtin() const { return builtin_; }

 private:
  std::map<std::string, std::string> builtin_;
};

}  // namespace sim::io
