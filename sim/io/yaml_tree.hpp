#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

/// Our own small YAML document tree. yaml-cpp nodes are converted once, right after parsing,
/// into `Tree`s whose every node remembers the file and 1-based position it came from, so
/// that after includes merged entries of several files (and `--set` overrides replaced some),
/// each error still names the right place. Nothing outside sim::io sees yaml-cpp.
namespace sim::io {

/// Where a node came from: `FILE:LINE:COL` (1-based) or, for nodes made by a `--set`
/// override, the override text (`--set PATH=VALUE`).
struct Loc {
  std::string file;
  int line = 0;  ///< 1-based; 0 when only the file is known; for overrides, their position
  int col = 0;   ///< 1-based; 0 when only the file is known
  std::string override_text;  ///< non-empty for nodes created by `--set`

  /// `FILE:LINE:COL`, `FILE` when the position is unknown, or `--set PATH=VALUE`.
  std::string str() const;
};

/// Orders locations for error listings: by file, then line, then column; locations of
/// `--set` overrides come after all file locations, in the order the overrides were given.
bool loc_before(const Loc& a, const Loc& b);

/// A problem in the input, formatted as `LOC: error: KEY: MESSAGE`. An empty KEY is left out
/// (problems with the document as a whole).
std::string format_error(const Loc& loc, std::string_view key, std::string_view message);

struct MapEntry;

/// One node of a YAML document: null, a scalar (kept as written), a list or a mapping whose
/// entries keep their order and their keys' locations.
struct Tree {
  enum class Kind { null, scalar, sequence, map };

  Kind kind = Kind::null;
  std::string scalar;         ///< the text of a scalar, as written (no number conversion)
  bool quoted = false;        ///< scalar was written quoted (`'x'`, `"x"`), so is never null
  std::vector<Tree> seq;      ///< items of a list
  std::vector<MapEntry> map;  ///< entries of a mapping, in document order
  Loc loc;

  bool is_null() const { return kind == Kind::null; }
  bool is_scalar() const { return kind == Kind::scalar; }
  bool is_seq() const { return kind == Kind::sequence; }
  bool is_map() const { return kind == Kind::map; }

  /// The value of `key` in a mapping; nullptr when absent or when this is not a mapping.
  const Tree* find(std::string_view key) const;
  Tree* find(std::string_view key);
  /// The entry of `key` in a mapping (key location included); nullptr when absent.
  const MapEntry* find_entry(std::string_view key) const;
  MapEntry* find_entry(std::string_view key);
  /// Removes `key` from a mapping; no effect when absent.
  void erase(std::string_view key);

  static Tree make_map(Loc loc);
  static Tree make_seq(Loc loc);
  static Tree make_scalar(std::string text, Loc loc);
};

/// A key of a mapping with its own location, and its value.
struct MapEntry {
  std::string key;
  Loc key_loc;
  Tree value;
};

/// Limits that keep hostile documents (e.g. "billion laughs" aliases, which yaml-cpp expands
/// when walked) from exhausting memory or stack.
/// Each is checked while parsing, before any node is built, so a document past one is refused
/// in time proportional to its text.
struct TreeLimits {
  std::size_t max_nodes = 10'000'000;     ///< nodes after expanding aliases
  int max_depth = 64;                     ///< nesting of lists and mappings
  std::size_t max_alias_nodes = 100'000;  ///< nodes that expanding aliases adds
};

/// Parses one YAML document of `file` (the name used in messages; the path as given).
/// An empty document gives a null tree.
/// @throws ConfigError `FILE:LINE:COL: error: yaml: MESSAGE; expected valid YAML` for a syntax
///   error, for more than one document, for duplicate keys in a mapping and when `limits`
///   are exceeded.
Tree parse_yaml(const std::string& text, const std::string& file, const TreeLimits& limits = {});

/// Parses the VALUE of a `--set` override; every node of the result is located at `loc`.
/// @throws ConfigError when `text` is not valid YAML.
Tree parse_yaml_value(const std::string& text, const Loc& loc, std::string_view key,
                      const TreeLimits& limits = {});

/// The tree as YAML text: block style, keys in order, scalars as written.
std::string emit(const Tree& tree);

/// How a node reads in a message: `a mapping`, `a list`, `no value`, or the quoted scalar.
std::string describe(const Tree& tree);

}  // namespace sim::io
