#include "sim/io/yaml_tree.hpp"

#include <yaml-cpp/anchor.h>
#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <map>
#include <sstream>
#include <tuple>
#include <utility>

#include "sim/engine/concat.hpp"
#include "sim/engine/errors.hpp"
#include "sim/io/detail/text.hpp"

namespace sim::io {

std::string Loc::str() const {
  if (!override_text.empty()) return override_text;
  if (line <= 0) return file;
  return concat(file, ':', line, ':', col);
}

bool loc_before(const Loc& a, const Loc& b) {
  const bool a_set = !a.override_text.empty();
  const bool b_set = !b.override_text.empty();
  return std::tie(a_set, a.file, a.line, a.col) < std::tie(b_set, b.file, b.line, b.col);
}

std::string format_error(const Loc& loc, std::string_view key, std::string_view message) {
  if (key.empty()) return concat(loc.str(), ": error: ", message);
  return concat(loc.str(), ": error: ", key, ": ", message);
}

const Tree* Tree::find(std::string_view key) const {
  const MapEntry* entry = find_entry(key);
  return entry != nullptr ? &entry->value : nullptr;
}

Tree* Tree::find(std::string_view key) {
  MapEntry* entry = find_entry(key);
  return entry != nullptr ? &entry->value : nullptr;
}

const MapEntry* Tree::find_entry(std::string_view key) const {
  for (const MapEntry& entry : map) {
    if (entry.key == key) return &entry;
  }
  return nullptr;
}

MapEntry* Tree::find_entry(std::string_view key) {
  for (MapEntry& entry : map) {
    if (entry.key == key) return &entry;
  }
  return nullptr;
}

void Tree::erase(std::string_view key) {
  std::erase_if(map, [&](const MapEntry& entry) { return entry.key == key; });
}

Tree Tree::make_map(Loc loc) {
  Tree tree;
  tree.kind = Kind::map;
  tree.loc = std::move(loc);
  return tree;
}

Tree Tree::make_seq(Loc loc) {
  Tree tree;
  tree.kind = Kind::sequence;
  tree.loc = std::move(loc);
  return tree;
}

Tree Tree::make_scalar(std::string text, Loc loc) {
  Tree tree;
  tree.kind = Kind::scalar;
  tree.scalar = std::move(text);
  tree.loc = std::move(loc);
  return tree;
}

namespace {

/// Converts yaml-cpp nodes to `Tree`s, counting nodes as aliases expand and tracking depth.
class Converter {
 public:
  Converter(std::string file, const TreeLimits& limits, const Loc* fixed_loc)
      : file_(std::move(file)), limits_(limits), fixed_loc_(fixed_loc) {}

  Tree convert(const YAML::Node& node, const std::string& path, int depth,
               const Loc* fallback = nullptr) {
    if (++count_ > limits_.max_nodes) {
      throw ConfigError(
          format_error(where(YAML::Mark::null_mark()), "",
                       concat("yaml: more than ", limits_.max_nodes,
                              " nodes after expanding aliases; expected a smaller document "
                              "(raise the limit with --limit yaml-nodes=N)")));
    }
    Tree tree;
    tree.loc = where(node.Mark());
    if (fallback != nullptr && fixed_loc_ == nullptr) tree.loc = *fallback;
    if (depth > limits_.max_depth) {
      throw ConfigError(format_error(
          tree.loc, "",
          concat("yaml: nesting deeper than ", limits_.max_depth, " levels; expected at most ",
                 limits_.max_depth, " (raise the limit with --limit yaml-depth=N)")));
    }
    switch (node.Type()) {
      case YAML::NodeType::Undefined:
      case YAML::NodeType::Null:
        tree.kind = Tree::Kind::null;
        break;
      case YAML::NodeType::Scalar:
        tree.kind = Tree::Kind::scalar;
        tree.scalar = node.Scalar();
        tree.quoted = node.Tag() == "!";
        break;
      case YAML::NodeType::Sequence: {
        tree.kind = Tree::Kind::sequence;
        std::size_t index = 0;
        for (const YAML::Node& item : node) {
          tree.seq.push_back(convert(item, item_path(path, item, index), depth + 1));
          ++index;
        }
        break;
      }
      case YAML::NodeType::Map: {
        tree.kind = Tree::Kind::map;
        std::map<std::string, Loc> seen;
        for (auto it = node.begin(); it != node.end(); ++it) {
          MapEntry entry;
          entry.key = it->first.IsScalar() ? it->first.Scalar() : describe_key(it->first);
          entry.key_loc = where(it->first.Mark());
          const std::string key_path = path.empty() ? entry.key : path + "." + entry.key;
          const auto [first, inserted] = seen.emplace(entry.key, entry.key_loc);
          if (!inserted) {
            throw ConfigError(
                format_error(entry.key_loc, key_path,
                             concat("duplicate key; first defined at ", first->second.str())));
          }
          // an omitted value (`key:`) is marked by yaml-cpp at the next token, often on a
          // later line; point at the key instead
          const bool implicit_null =
              it->second.IsNull() && it->second.Mark().line != it->first.Mark().line;
          entry.value =
              convert(it->second, key_path, depth + 1, implicit_null ? &entry.key_loc : nullptr);
          tree.map.push_back(std::move(entry));
        }
        break;
      }
    }
    return tree;
  }

 private:
  Loc where(const YAML::Mark& mark) const {
    if (fixed_loc_ != nullptr) return *fixed_loc_;
    Loc loc;
    loc.file = file_;
    if (!mark.is_null()) {
      loc.line = mark.line + 1;
      loc.col = mark.column + 1;
    }
    return loc;
  }

  /// `path.ID` for a list entry with a valid `id`, else `path[INDEX]`.
  static std::string item_path(const std::string& path, const YAML::Node& item, std::size_t index) {
    if (item.IsMap()) {
      const YAML::Node id = item["id"];
      if (id && id.IsScalar() && detail::is_valid_id(id.Scalar())) return path + "." + id.Scalar();
    }
    return concat(path, '[', index, ']');
  }

  static std::string describe_key(const YAML::Node& key) {
    return key.IsMap() ? "{...}" : key.IsSequence() ? "[...]" : "~";
  }

  std::string file_;
  TreeLimits limits_;
  const Loc* fixed_loc_;
  std::size_t count_ = 0;
};

/// Counts the nodes of a document as if its aliases were expanded, from parser events and
/// without building anything, so that "billion laughs" documents are refused in microseconds
/// rather than after building a million nodes. Throws `TooManyNodes` past the limit.
class NodeCounter : public YAML::EventHandler {
 public:
  struct TooManyNodes {};
  struct TooManyAliasNodes {};
  struct TooDeep {
    YAML::Mark mark;
  };
  /// yaml-cpp 0.7 reads a stray `,` outside a flow collection as an empty document, again and
  /// again without moving on (jbeder/yaml-cpp#1040): a document that starts where the one
  /// before it started is that loop.
  struct Stalled {
    YAML::Mark mark;
  };

  explicit NodeCounter(const TreeLimits& limits)
      : max_nodes_(limits.max_nodes),
        max_alias_nodes_(limits.max_alias_nodes),
        max_depth_(limits.max_depth) {}

  void OnDocumentStart(const YAML::Mark& mark) override {
    if (documents_ > 0 && mark.pos == last_document_pos_) throw Stalled{mark};
    ++documents_;
    last_document_pos_ = mark.pos;
  }
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark& /*mark*/, YAML::anchor_t anchor) override { leaf(anchor); }
  void OnAlias(const YAML::Mark& /*mark*/, YAML::anchor_t anchor) override {
    const auto it = sizes_.find(anchor);
    const std::size_t n = it == sizes_.end() ? 1 : it->second;
    alias_total_ += n;
    if (alias_total_ > max_alias_nodes_) throw TooManyAliasNodes{};
    add(n);
  }
  void OnScalar(const YAML::Mark& /*mark*/, const std::string& /*tag*/, YAML::anchor_t anchor,
                const std::string& /*value*/) override {
    leaf(anchor);
  }
  void OnSequenceStart(const YAML::Mark& mark, const std::string& /*tag*/, YAML::anchor_t anchor,
                       YAML::EmitterStyle::value /*style*/) override {
    open(mark, anchor);
  }
  void OnSequenceEnd() override { close(); }
  void OnMapStart(const YAML::Mark& mark, const std::string& /*tag*/, YAML::anchor_t anchor,
                  YAML::EmitterStyle::value /*style*/) override {
    open(mark, anchor);
  }
  void OnMapEnd() override { close(); }

 private:
  void add(std::size_t n) {
    total_ += n;
    if (total_ > max_nodes_) throw TooManyNodes{};
  }
  void leaf(YAML::anchor_t anchor) {
    add(1);
    if (anchor != YAML::NullAnchor) sizes_[anchor] = 1;
  }
  void open(const YAML::Mark& mark, YAML::anchor_t anchor) {
    // the list or mapping opened now sits at depth open_.size() (the document's root at 0)
    if (open_.size() > static_cast<std::size_t>(std::max(max_depth_, 0))) throw TooDeep{mark};
    open_.emplace_back(total_, anchor);
    add(1);
  }
  void close() {
    const auto [start, anchor] = open_.back();
    open_.pop_back();
    if (anchor != YAML::NullAnchor) sizes_[anchor] = total_ - start;
  }

  std::size_t max_nodes_;
  std::size_t max_alias_nodes_;
  int max_depth_;
  std::size_t total_ = 0;
  std::size_t alias_total_ = 0;
  std::size_t documents_ = 0;
  int last_document_pos_ = 0;
  std::vector<std::pair<std::size_t, YAML::anchor_t>> open_;
  std::map<YAML::anchor_t, std::size_t> sizes_;
};

std::vector<YAML::Node> load_documents(const std::string& text, const Loc& error_loc,
                                       const std::string& file, std::string_view key,
                                       std::string_view expected, const TreeLimits& limits) {
  const auto refuse = [&](std::string_view what) {
    Loc loc = error_loc;
    if (loc.override_text.empty()) loc = Loc{file, 0, 0, ""};
    return ConfigError(format_error(loc, key, what));
  };
  try {
    std::istringstream in(text);
    YAML::Parser parser(in);
    NodeCounter counter(limits);
    while (parser.HandleNextDocument(counter)) {
    }
    return YAML::LoadAll(text);
  } catch (const NodeCounter::TooManyNodes&) {
    throw refuse(concat("yaml: more than ", limits.max_nodes,
                        " nodes after expanding aliases; expected a smaller document (raise the "
                        "limit with --limit yaml-nodes=N)"));
  } catch (const NodeCounter::Stalled& stalled) {
    Loc loc = error_loc;
    if (loc.override_text.empty())
      loc = Loc{file, stalled.mark.line + 1, stalled.mark.column + 1, ""};
    throw ConfigError(format_error(
        loc, key,
        concat("yaml: the parser cannot get past this point (a ',' outside [...] or {...}?); ",
               expected)));
  } catch (const NodeCounter::TooDeep& deep) {
    Loc loc = error_loc;
    if (loc.override_text.empty()) {
      loc = Loc{file, deep.mark.line + 1, deep.mark.column + 1, ""};
      if (deep.mark.is_null()) loc = Loc{file, 0, 0, ""};
    }
    throw ConfigError(format_error(
        loc, key,
        concat("yaml: nesting deeper than ", limits.max_depth, " levels; expected at most ",
               limits.max_depth, " (raise the limit with --limit yaml-depth=N)")));
  } catch (const NodeCounter::TooManyAliasNodes&) {
    throw refuse(concat("yaml: aliases expand to more than ", limits.max_alias_nodes,
                        " nodes (a \"billion laughs\" document?); expected fewer or smaller "
                        "aliases (raise the limit with --limit yaml-alias-nodes=N)"));
  } catch (const YAML::ParserException& e) {
    Loc loc = error_loc;
    if (loc.override_text.empty()) {
      loc.file = file;
      loc.line = e.mark.line + 1;
      loc.col = e.mark.column + 1;
    }
    throw ConfigError(format_error(loc, key, concat("yaml: ", e.msg, "; ", expected)));
  }
}

void emit_tree(YAML::Emitter& out, const Tree& tree) {
  switch (tree.kind) {
    case Tree::Kind::null:
      out << YAML::Null;
      break;
    case Tree::Kind::scalar:
      if (tree.quoted) out << YAML::DoubleQuoted;
      out << tree.scalar;
      break;
    case Tree::Kind::sequence:
      out << YAML::BeginSeq;
      for (const Tree& item : tree.seq) emit_tree(out, item);
      out << YAML::EndSeq;
      break;
    case Tree::Kind::map:
      out << YAML::BeginMap;
      for (const MapEntry& entry : tree.map) {
        out << YAML::Key << entry.key << YAML::Value;
        emit_tree(out, entry.value);
      }
      out << YAML::EndMap;
      break;
  }
}

}  // namespace

Tree parse_yaml(const std::string& text, const std::string& file, const TreeLimits& limits) {
  const std::vector<YAML::Node> docs =
      load_documents(text, Loc{}, file, "", "expected valid YAML", limits);
  if (docs.size() > 1) {
    Loc loc{file, docs[1].Mark().line + 1, docs[1].Mark().column + 1, ""};
    if (docs[1].Mark().is_null()) loc = Loc{file, 0, 0, ""};
    throw ConfigError(
        format_error(loc, "", "yaml: a second document; expected one YAML document per file"));
  }
  Converter converter(file, limits, nullptr);
  Tree tree = converter.convert(docs.empty() ? YAML::Node() : docs.front(), "", 0);
  if (tree.loc.line == 0) tree.loc = Loc{file, 1, 1, ""};
  return tree;
}

Tree parse_yaml_value(const std::string& text, const Loc& loc, std::string_view key,
                      const TreeLimits& limits) {
  const std::vector<YAML::Node> docs =
      load_documents(text, loc, loc.file, key, "expected a valid YAML value", limits);
  if (docs.size() > 1) {
    throw ConfigError(
        format_error(loc, key, "yaml: several documents; expected a single YAML value"));
  }
  Converter converter(loc.file, limits, &loc);
  if (docs.empty()) return converter.convert(YAML::Node(), std::string(key), 0);
  return converter.convert(docs.front(), std::string(key), 0);
}

std::string emit(const Tree& tree) {
  YAML::Emitter out;
  out.SetMapFormat(YAML::Block);
  out.SetSeqFormat(YAML::Block);
  emit_tree(out, tree);
  std::string text = out.c_str();
  if (!text.empty() && text.back() != '\n') text += '\n';
  return text;
}

std::string describe(const Tree& tree) {
  switch (tree.kind) {
    case Tree::Kind::null:
      return "no value";
    case Tree::Kind::scalar:
      return "'" + tree.scalar + "'";
    case Tree::Kind::sequence:
      return "a list";
    case Tree::Kind::map:
      return "a mapping";
  }
  return "no value";
}

}  // namespace sim::io
