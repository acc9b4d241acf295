#include "sim/io/scenario_loader.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <cstddef>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

#include "sim/engine/concat.hpp"
#include "sim/engine/errors.hpp"
#include "sim/io/detail/schema.hpp"
#include "sim/io/detail/text.hpp"
#include "sim/io/yaml_tree.hpp"
#include "sim/world/settable.hpp"

namespace sim::io {

namespace {

using detail::EnumName;
using detail::kAnyKind;
using detail::KeyRule;
using detail::parse_integer;
using detail::parse_number;
using detail::Range;
using engine::Month;

// ------------------------------------------------------------------------------------------
// small helpers

std::string child(const std::string& path, std::string_view key) {
  return path.empty() ? std::string(key) : concat(path, '.', key);
}

std::string indexed(const std::string& path, std::size_t index) {
  return concat(path, '[', index, ']');
}

std::string in_quotes(std::string_view text) { return concat('\'', text, '\''); }

/// `a chipmaker`, `an export_control`.
std::string with_article(std::string_view noun) {
  const bool vowel =
      !noun.empty() && std::string_view("aeiou").find(noun.front()) != std::string_view::npos;
  return concat(vowel ? "an " : "a ", noun);
}

/// `a`, `a and b`, `a, b and c`.
std::string join_and(const std::vector<std::string>& items) {
  std::string out;
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (i > 0) out += i + 1 == items.size() ? " and " : ", ";
    out += items[i];
  }
  return out;
}

template <typename E>
std::vector<std::string> enum_names(std::span<const EnumName<E>> table) {
  std::vector<std::string> names;
  for (const auto& entry : table) names.emplace_back(entry.name);
  return names;
}

/// The `id` scalar of a list entry, or empty.
std::string entry_id(const Tree& item) {
  const Tree* id = item.find("id");
  return id != nullptr && id->is_scalar() ? id->scalar : std::string();
}

constexpr std::array<std::string_view, 6> kIdSections = {"countries", "products", "agents",
                                                         "policies",  "deals",    "decisions"};

bool is_id_section(std::string_view key) {
  return std::find(std::begin(kIdSections), std::end(kIdSections), key) != std::end(kIdSections);
}

/// The singular used in messages for an entry of the list under `key`.
std::string noun_of_list(std::string_view key) {
  static constexpr std::array<std::pair<std::string_view, std::string_view>, 9> kNouns = {
      {{"countries", "country"},
       {"products", "product"},
       {"agents", "agent"},
       {"policies", "policy"},
       {"deals", "deal"},
       {"decisions", "decision"},
       {"fabs", "fab"},
       {"options", "option"},
       {"events", "event"}}};
  for (const auto& [list, noun] : kNouns) {
    if (list == key) return std::string(noun);
  }
  return "entry";
}

// ------------------------------------------------------------------------------------------
// problems

/// Collects problems and reports them sorted by location, each once.
class Problems {
 public:
  void add(const Loc& loc, std::string_view key, std::string_view message) {
    items_.push_back(Item{loc, format_error(loc, key, message)});
  }
  bool empty() const { return items_.empty(); }

  /// All messages, sorted by file, line and column (stable), joined by newlines.
  std::string text() const {
    std::vector<Item> sorted = items_;
    std::stable_sort(sorted.begin(), sorted.end(),
                     [](const Item& a, const Item& b) { return loc_before(a.loc, b.loc); });
    std::set<std::string> seen;
    std::string out;
    for (const Item& item : sorted) {
      if (!seen.insert(item.text).second) continue;
      if (!out.empty()) out += '\n';
      out += item.text;
    }
    return out;
  }

 private:
  struct Item {
    Loc loc;
    std::string text;
  };
  std::vector<Item> items_;
};

// ------------------------------------------------------------------------------------------
// includes

/// Merges list entries by id: an entry of `over` replaces the first not yet replaced entry of
/// `base` with the same id, in place; other entries of `over` are appended.
void merge_by_id(Tree& base, Tree&& over) {
  const std::size_t inherited = base.seq.size();
  std::vector<bool> replaced(inherited, false);
  for (Tree& item : over.seq) {
    const std::string id = entry_id(item);
    std::size_t match = inherited;  // the inherited entry `item` replaces, if any
    for (std::size_t i = 0; i < inherited && !id.empty(); ++i) {
      if (!replaced[i] && entry_id(base.seq[i]) == id) {
        match = i;
        break;
      }
    }
    if (match < inherited) {
      base.seq[match] = std::move(item);
      replaced[match] = true;
    } else {
      base.seq.push_back(std::move(item));
    }
  }
  base.loc = over.loc;
}

/// Merges mappings by key: a key of `over` replaces the same key of `base` in place.
void merge_by_key(Tree& base, Tree&& over) {
  for (MapEntry& entry : over.map) {
    if (MapEntry* existing = base.find_entry(entry.key)) {
      *existing = std::move(entry);
    } else {
      base.map.push_back(std::move(entry));
    }
  }
  base.loc = over.loc;
}

/// Merges the top-level sections of an including file (`over`) into those of what it
/// includes (`base`); see docs/scenario-format.md, "Includes".
Tree merge_files(Tree base, Tree over) {
  for (MapEntry& entry : over.map) {
    MapEntry* existing = base.find_entry(entry.key);
    if (existing == nullptr) {
      base.map.push_back(std::move(entry));
      continue;
    }
    Tree& old_value = existing->value;
    Tree& new_value = entry.value;
    if (new_value.is_null()) continue;  // an empty section adds nothing
    const bool both_maps = old_value.is_map() && new_value.is_map();
    const bool both_lists = old_value.is_seq() && new_value.is_seq();
    if ((entry.key == "scenario" || entry.key == "groups") && both_maps) {
      merge_by_key(old_value, std::move(new_value));
      existing->key_loc = entry.key_loc;
    } else if (entry.key == "events" && both_lists) {
      for (Tree& item : new_value.seq) old_value.seq.push_back(std::move(item));
      old_value.loc = new_value.loc;
      existing->key_loc = entry.key_loc;
    } else if (is_id_section(entry.key) && both_lists) {
      merge_by_id(old_value, std::move(new_value));
      existing->key_loc = entry.key_loc;
    } else {
      *existing = std::move(entry);  // a section of another type is replaced whole
    }
  }
  return base;
}

/// A path as the cycle check compares it: lexically normalised.
std::string normalized(const std::string& path) {
  constexpr std::string_view kBuiltin = "builtin:";
  if (path.rfind(kBuiltin, 0) == 0) {
    return concat(
        kBuiltin,
        std::filesystem::path(path.substr(kBuiltin.size())).lexically_normal().generic_string());
  }
  return std::filesystem::path(path).lexically_normal().string();
}

/// Replaces `scenario.include` by the merged contents of the files it names, recursively.
class IncludeResolver {
 public:
  IncludeResolver(const FileSource& files, const ScenarioLimits& limits)
      : files_(files), limits_(limits) {}

  /// `root` is the parsed file `file`; `chain` the files including it (normalised paths).
  Tree expand(Tree root, const std::string& file, std::vector<std::string>& chain) {
    if (root.is_null()) root = Tree::make_map(root.loc);
    if (!root.is_map()) {
      throw ConfigError(format_error(
          root.loc, "",
          concat("found ", describe(root),
                 "; expected a mapping of sections (scenario, model, countries, groups, products, "
                 "agents, policies, deals, events, decisions)")));
    }
    Tree* scenario = root.find("scenario");
    if (scenario == nullptr || !scenario->is_map()) return root;
    const MapEntry* include_entry = scenario->find_entry("include");
    if (include_entry == nullptr) return root;
    const Tree includes = include_entry->value;
    scenario->erase("include");
    if (includes.is_null()) return root;
    if (!includes.is_seq()) {
      throw ConfigError(
          format_error(includes.loc, "scenario.include",
                       concat("found ", describe(includes), "; expected a list of file paths")));
    }
    std::optional<Tree> merged;
    for (std::size_t i = 0; i < includes.seq.size(); ++i) {
      const Tree& item = includes.seq[i];
      const std::string key = indexed("scenario.include", i);
      if (!item.is_scalar() || item.scalar.empty()) {
        throw ConfigError(format_error(item.loc, key,
                                       concat("found ", describe(item), "; expected a file path")));
      }
      const std::string path = FileSource::resolve(file, item.scalar);
      const std::string id = normalized(path);
      const auto cycle_start = std::find(chain.begin(), chain.end(), id);
      if (cycle_start != chain.end()) {
        std::string names;
        for (auto it = cycle_start; it != chain.end(); ++it) names += *it + " -> ";
        throw ConfigError(format_error(
            item.loc, key,
            concat("include cycle ", names, id, "; expected includes that form no cycle")));
      }
      if (chain.size() > limits_.include_depth) {
        throw ConfigError(
            format_error(item.loc, key,
                         concat("includes nested deeper than ", limits_.include_depth,
                                " levels; expected fewer levels (raise the limit with --limit "
                                "include-depth=N)")));
      }
      const std::optional<std::string> text = files_.read(path);
      if (!text) {
        throw ConfigError(format_error(item.loc, key,
                                       concat("cannot read ", in_quotes(item.scalar), " (", path,
                                              "); expected a readable scenario file")));
      }
      chain.push_back(id);
      Tree included = expand(parse_yaml(*text, path, limits_.yaml), path, chain);
      chain.pop_back();
      merged = merged ? merge_files(std::move(*merged), std::move(included)) : std::move(included);
    }
    if (!merged) return root;
    return merge_files(std::move(*merged), std::move(root));
  }

 private:
  const FileSource& files_;
  const ScenarioLimits& limits_;
};

// ------------------------------------------------------------------------------------------
// overrides

/// Whether segment `i` of an override path names a list of entries with ids (or events), so
/// that a missing one is created as a list rather than a mapping.
bool names_list(const std::vector<std::string>& segments, std::size_t i) {
  if (i == 0) return is_id_section(segments[0]) || segments[0] == "events";
  if (i == 2) {
    return (segments[0] == "agents" && segments[2] == "fabs") ||
           (segments[0] == "decisions" && segments[2] == "options");
  }
  return false;
}

/// The entry of `list` addressed by `segment`: the first with that id, else the item at that
/// index when `segment` is a number.
Tree* find_item(Tree& list, const std::string& segment) {
  for (Tree& item : list.seq) {
    if (entry_id(item) == segment) return &item;
  }
  if (!segment.empty() &&
      std::all_of(segment.begin(), segment.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    const std::optional<long long> index = parse_integer(segment);
    if (index && *index >= 0 && static_cast<std::size_t>(*index) < list.seq.size()) {
      return &list.seq[static_cast<std::size_t>(*index)];
    }
  }
  return nullptr;
}

/// Applies override number `index` (0-based, in command-line order) to the merged tree.
void apply_override(Tree& root, const Override& change, std::size_t index) {
  Loc loc;
  loc.override_text =
      change.given_as.empty() ? concat("--set ", change.path, '=', change.value) : change.given_as;
  loc.line = static_cast<int>(index) + 1;  // sorts problems at overrides in the order given
  std::vector<std::string> segments;
  for (std::size_t start = 0;;) {
    const std::size_t dot = change.path.find('.', start);
    segments.push_back(change.path.substr(start, dot - start));
    if (dot == std::string::npos) break;
    start = dot + 1;
  }
  if (std::any_of(segments.begin(), segments.end(), [](const auto& s) { return s.empty(); })) {
    throw ConfigError(format_error(loc, change.path,
                                   "empty segment in PATH; expected PATH=VALUE with PATH like "
                                   "policies.ID.KEY"));
  }
  Tree value = parse_yaml_value(change.value, loc, change.path);

  Tree* node = &root;
  std::string walked;
  for (std::size_t i = 0; i < segments.size(); ++i) {
    const std::string& segment = segments[i];
    const bool last = i + 1 == segments.size();
    const std::string here = child(walked, segment);
    if (node->is_null()) {  // `key:` left empty
      node->kind = i > 0 && names_list(segments, i - 1) ? Tree::Kind::sequence : Tree::Kind::map;
    }
    if (node->is_map()) {
      MapEntry* entry = node->find_entry(segment);
      if (last) {
        if (entry == nullptr) {
          node->map.push_back(MapEntry{segment, loc, std::move(value)});
        } else {
          entry->value = std::move(value);
        }
        return;
      }
      if (entry == nullptr) {
        Tree fresh = names_list(segments, i) ? Tree::make_seq(loc) : Tree::make_map(loc);
        node->map.push_back(MapEntry{segment, loc, std::move(fresh)});
        entry = &node->map.back();
      }
      node = &entry->value;
    } else if (node->is_seq()) {
      Tree* item = find_item(*node, segment);
      if (item == nullptr) {
        const std::string noun = noun_of_list(segments[i - 1]);
        std::vector<std::string> ids;
        for (const Tree& candidate : node->seq) {
          if (const std::string id = entry_id(candidate); !id.empty()) ids.push_back(id);
        }
        std::string expected;
        if (!ids.empty()) {
          expected = detail::suggest(segment, ids);
        } else if (node->seq.empty()) {
          expected = concat("the list ", walked, " is empty");
        } else {
          expected = concat("expected an index from 0 to ", node->seq.size() - 1);
        }
        throw ConfigError(format_error(
            loc, here, concat("no ", noun, " with id ", in_quotes(segment), "; ", expected)));
      }
      if (last) {
        *item = std::move(value);
        return;
      }
      node = item;
    } else {
      throw ConfigError(
          format_error(loc, walked,
                       concat("found ", describe(*node), ", which has no key ", in_quotes(segment),
                              "; expected a path to a key of a mapping or an "
                              "entry of a list")));
    }
    walked = here;
  }
}

// ------------------------------------------------------------------------------------------
// validation

enum class Need { optional, required };
enum class MonthRule { any, within, not_after_end };

/// One entry of a list of entities with ids.
struct Entry {
  const Tree* node = nullptr;  ///< a mapping
  std::string path;            ///< `policies.ID`, or `policies[INDEX]` without a valid id
  std::string id;              ///< empty when missing or invalid
};

/// The entries of one list, with their distinct valid ids in order.
struct Section {
  std::string noun;
  std::string plural;
  std::vector<Entry> entries;
  std::vector<std::string> ids;
  std::map<std::string, Loc> first;  ///< id -> where it is first defined

  bool has(const std::string& id) const { return first.contains(id); }
};

/// For messages about a key that belongs to another kind of agent or policy.
struct KindContext {
  std::string_view entity;  ///< `agent`
  std::string_view plural;  ///< `agents`
  std::vector<std::string> kind_names;
  std::string id;
  std::string kind;
};

/// Semantic checks over the merged tree: reads every section into the spec and records every
/// problem found (none stops the reading).
class Validator {
 public:
  Validator(const Tree& root, Problems& problems) : root_(root), problems_(problems) {}

  world::ScenarioSpec run() {
    world::ScenarioSpec spec;
    check_keys(root_, "", detail::kRootKeys);
    spec.scenario = read_scenario();
    spec.model = read_model();
    index_sections();
    for (const Entry& entry : countries_.entries) spec.countries.push_back(read_country(entry));
    spec.groups = read_groups();
    for (const Entry& entry : products_.entries) spec.products.push_back(read_product(entry));
    for (const Entry& entry : agents_.entries) {
      spec.agents.push_back(read_agent(entry));
      if (!entry.id.empty()) built_agents_.emplace(entry.id, spec.agents.back());
    }
    for (const Entry& entry : policies_.entries) {
      spec.policies.push_back(read_policy(entry));
      if (!entry.id.empty()) built_policies_.emplace(entry.id, spec.policies.back());
    }
    for (const Entry& entry : deals_.entries) spec.deals.push_back(read_deal(entry));
    if (const Tree* events = list_section("events", "events")) {
      for (std::size_t i = 0; i < events->seq.size(); ++i) {
        if (auto event = read_event(events->seq[i], indexed("events", i), nullptr)) {
          spec.events.push_back(std::move(*event));
        }
      }
    }
    for (const Entry& entry : decisions_.entries) spec.decisions.push_back(read_decision(entry));
    spec.scenario.choices = read_choices(spec.decisions);
    return spec;
  }

 private:
  void problem(const Loc& loc, const std::string& key, const std::string& message) {
    problems_.add(loc, key, message);
  }

  // ---------------------------------------------------------------------- primitives

  /// Reports keys of `map` that `rules` do not allow for `kind_bit`.
  void check_keys(const Tree& map, const std::string& path, std::span<const KeyRule> rules,
                  unsigned kind_bit = kAnyKind, const KindContext* context = nullptr) {
    for (const MapEntry& entry : map.map) {
      const auto rule = std::find_if(rules.begin(), rules.end(),
                                     [&](const KeyRule& r) { return r.key == entry.key; });
      if (rule == rules.end()) {
        std::vector<std::string> candidates;
        for (const KeyRule& r : rules) {
          if ((r.kinds & kind_bit) != 0) candidates.emplace_back(r.key);
        }
        problem(entry.key_loc, child(path, entry.key),
                concat("unknown key; ", detail::suggest(entry.key, candidates)));
      } else if ((rule->kinds & kind_bit) == 0 && context != nullptr) {
        std::vector<std::string> owners;
        for (std::size_t k = 0; k < context->kind_names.size(); ++k) {
          if ((rule->kinds & (1U << k)) != 0) owners.push_back(context->kind_names[k]);
        }
        const std::string who = context->id.empty()
                                    ? concat("this ", context->entity)
                                    : concat(context->entity, ' ', in_quotes(context->id));
        problem(entry.key_loc, child(path, entry.key),
                concat(in_quotes(entry.key), " is a key of ", join_and(owners), ' ',
                       context->plural, "; ", who, " is ", with_article(context->kind)));
      }
    }
  }

  /// The value of `key` when present and not null; reports a required key that is missing.
  const Tree* get(const Tree& map, std::string_view key, const std::string& path, Need need,
                  std::string_view expected) {
    const Tree* node = map.find(key);
    if (node != nullptr && !node->is_null()) return node;
    if (need == Need::required) {
      if (node == nullptr) {
        problem(map.loc, child(path, key), concat("missing required key; expected ", expected));
      } else {
        problem(node->loc, child(path, key), concat("found no value; expected ", expected));
      }
    }
    return nullptr;
  }

  /// The text of a scalar; reports lists and mappings.
  const std::string* scalar(const Tree& node, const std::string& key, std::string_view expected) {
    if (node.is_scalar()) return &node.scalar;
    problem(node.loc, key, concat("found ", describe(node), "; expected ", expected));
    return nullptr;
  }

  std::optional<std::string> read_string(const Tree& map, std::string_view key,
                                         const std::string& path, Need need) {
    const Tree* node = get(map, key, path, need, "a string");
    if (node == nullptr) return std::nullopt;
    const std::string* text = scalar(*node, child(path, key), "a string");
    if (text == nullptr) return std::nullopt;
    return *text;
  }

  std::optional<double> number_value(const Tree& node, const std::string& key, const Range& range) {
    const std::string* text = scalar(node, key, range.text());
    if (text == nullptr) return std::nullopt;
    const std::optional<double> value = parse_number(*text);
    if (!value) {
      problem(node.loc, key, concat(in_quotes(*text), " is not a number; expected ", range.text()));
      return std::nullopt;
    }
    if (!range.contains(*value)) {
      problem(node.loc, key, concat(*text, " is out of range; expected ", range.text()));
      return std::nullopt;
    }
    return value;
  }

  std::optional<double> read_number(const Tree& map, std::string_view key, const std::string& path,
                                    const Range& range, Need need) {
    const Tree* node = get(map, key, path, need, range.text());
    if (node == nullptr) return std::nullopt;
    return number_value(*node, child(path, key), range);
  }

  std::optional<long long> read_integer(const Tree& map, std::string_view key,
                                        const std::string& path, const Range& range, Need need) {
    const Tree* node = get(map, key, path, need, range.text());
    if (node == nullptr) return std::nullopt;
    const std::string full = child(path, key);
    const std::string* text = scalar(*node, full, range.text());
    if (text == nullptr) return std::nullopt;
    const std::optional<double> number = parse_number(*text);
    if (!number) {
      problem(node->loc, full,
              concat(in_quotes(*text), " is not a number; expected ", range.text()));
      return std::nullopt;
    }
    // integral numbers written otherwise (`3.0`, `1e3`) count, up to 2^53 where doubles are exact
    std::optional<long long> value = parse_integer(*text);
    if (!value && std::floor(*number) == *number && std::fabs(*number) <= 9007199254740992.0) {
      value = static_cast<long long>(*number);
    }
    if (!value && std::floor(*number) != *number) {
      problem(node->loc, full, concat(*text, " is not an integer; expected ", range.text()));
      return std::nullopt;
    }
    if (!value || !range.contains(static_cast<double>(*value))) {
      problem(node->loc, full, concat(*text, " is out of range; expected ", range.text()));
      return std::nullopt;
    }
    return value;
  }

  std::optional<Month> read_month(const Tree& map, std::string_view key, const std::string& path,
                                  Need need, MonthRule rule) {
    const Tree* node = get(map, key, path, need, "a month YYYY-MM");
    if (node == nullptr) return std::nullopt;
    const std::string full = child(path, key);
    const std::string* text = scalar(*node, full, "a month YYYY-MM");
    if (text == nullptr) return std::nullopt;
    const std::optional<Month> month = Month::parse(*text);
    if (!month) {
      problem(node->loc, full, concat(in_quotes(*text), " is not a month; expected YYYY-MM"));
      return std::nullopt;
    }
    if (calendar_ && rule == MonthRule::within && (*month < *start_ || *month > *end_)) {
      problem(node->loc, full,
              concat(*text, " is outside the scenario (", start_->str(), "..", end_->str(),
                     "); expected a month in scenario.start..scenario.end"));
    } else if (calendar_ && rule == MonthRule::not_after_end && *month > *end_) {
      problem(node->loc, full,
              concat(*text, " is after scenario.end (", end_->str(),
                     "); expected a month no later than the end"));
    }
    return month;
  }

  /// Reports `until` before `from`.
  void check_order(const Tree& map, const std::string& path, const std::optional<Month>& from,
                   const std::optional<Month>& until) {
    if (from && until && *until < *from) {
      problem(map.find("until")->loc, child(path, "until"),
              concat(until->str(), " is before from (", from->str(),
                     "); expected a month at or after from"));
    }
  }

  template <typename E>
  std::optional<E> read_enum(const Tree& map, std::string_view key, const std::string& path,
                             std::span<const EnumName<E>> table, Need need) {
    const std::vector<std::string> names = enum_names(table);
    const std::string expected = concat("one of: ", detail::join_list(names));
    const Tree* node = get(map, key, path, need, expected);
    if (node == nullptr) return std::nullopt;
    const std::string full = child(path, key);
    const std::string* text = scalar(*node, full, expected);
    if (text == nullptr) return std::nullopt;
    for (const auto& entry : table) {
      if (entry.name == *text) return entry.value;
    }
    problem(node->loc, full,
            concat("unknown value ", in_quotes(*text), "; ", detail::suggest(*text, names)));
    return std::nullopt;
  }

  /// The list under `key` (nullptr when absent, null or not a list, which is reported).
  const Tree* read_list(const Tree& map, std::string_view key, const std::string& path, Need need,
                        std::string_view expected) {
    const Tree* node = get(map, key, path, need, expected);
    if (node == nullptr) return nullptr;
    if (!node->is_seq()) {
      problem(node->loc, child(path, key),
              concat("found ", describe(*node), "; expected ", expected));
      return nullptr;
    }
    return node;
  }

  /// The mapping under `key` (nullptr when absent, null or not a mapping, which is reported).
  const Tree* read_map(const Tree& map, std::string_view key, const std::string& path, Need need,
                       std::string_view expected) {
    const Tree* node = get(map, key, path, need, expected);
    if (node == nullptr) return nullptr;
    if (!node->is_map()) {
      problem(node->loc, child(path, key),
              concat("found ", describe(*node), "; expected ", expected));
      return nullptr;
    }
    return node;
  }

  /// Reports `value` when `section` has no entry with that id.
  bool check_ref(const Loc& loc, const std::string& key, const std::string& value,
                 const Section& section) {
    if (section.has(value)) return true;
    problem(
        loc, key,
        concat("no ", section.noun, " with id ", in_quotes(value), "; ",
               detail::suggest(value, section.ids, concat("no ", section.plural, " are defined"))));
    return false;
  }

  /// A reference to an entry of `section` under `key`.
  std::optional<std::string> read_ref(const Tree& map, std::string_view key,
                                      const std::string& path, const Section& section, Need need) {
    const std::string expected = concat("the id of ", with_article(section.noun));
    const Tree* node = get(map, key, path, need, expected);
    if (node == nullptr) return std::nullopt;
    const std::string full = child(path, key);
    const std::string* text = scalar(*node, full, expected);
    if (text == nullptr) return std::nullopt;
    check_ref(node->loc, full, *text, section);
    return *text;
  }

  /// A reference in a list: the id, its node and its key path (`agents.x.foundries[1]`).
  struct Ref {
    std::string id;
    const Tree* node;
    std::string key;
  };

  /// A list of references to entries of `section`: the valid ones.
  std::vector<Ref> read_refs(const Tree& map, std::string_view key, const std::string& path,
                             const Section& section, Need need) {
    std::vector<Ref> refs;
    const Tree* list = read_list(map, key, path, need, concat("a list of ", section.noun, " ids"));
    if (list == nullptr) return refs;
    const std::string full = child(path, key);
    for (std::size_t i = 0; i < list->seq.size(); ++i) {
      const Tree& item = list->seq[i];
      const std::string item_key = indexed(full, i);
      const std::string* text = scalar(item, item_key, concat("a ", section.noun, " id"));
      if (text != nullptr && check_ref(item.loc, item_key, *text, section)) {
        refs.push_back(Ref{*text, &item, item_key});
      }
    }
    return refs;
  }

  /// A list of countries and groups, groups expanded to their countries, without repeats.
  std::vector<std::string> read_places(const Tree& map, std::string_view key,
                                       const std::string& path, Need need) {
    std::vector<std::string> places;
    const Tree* list = read_list(map, key, path, need, "a list of country or group ids");
    if (list == nullptr) return places;
    const std::string full = child(path, key);
    const auto add = [&](const std::string& country) {
      if (std::find(places.begin(), places.end(), country) == places.end()) {
        places.push_back(country);
      }
    };
    for (std::size_t i = 0; i < list->seq.size(); ++i) {
      const Tree& item = list->seq[i];
      const std::string* text = scalar(item, indexed(full, i), "a country or group id");
      if (text == nullptr || !check_place(item, indexed(full, i), *text)) continue;
      if (countries_.has(*text)) {
        add(*text);
      } else {
        for (const std::string& country : group_members_[*text]) add(country);
      }
    }
    return places;
  }

  bool check_place(const Tree& node, const std::string& key, const std::string& value) {
    if (countries_.has(value) || group_members_.contains(value)) return true;
    std::vector<std::string> candidates = countries_.ids;
    for (const auto& [group, members] : group_members_) candidates.push_back(group);
    problem(node.loc, key,
            concat("no country or group with id ", in_quotes(value), "; ",
                   detail::suggest(value, candidates, "no countries are defined")));
    return false;
  }

  // ---------------------------------------------------------------------- entity lists

  /// The section's list when present and a list (a wrong type is reported).
  const Tree* list_section(std::string_view key, std::string_view plural) {
    const Tree* node = root_.find(key);
    if (node == nullptr || node->is_null()) return nullptr;
    if (!node->is_seq()) {
      problem(node->loc, std::string(key),
              concat("found ", describe(*node), "; expected a list of ", plural));
      return nullptr;
    }
    return node;
  }

  /// Indexes a list of entities with ids, reporting entries that are not mappings, missing or
  /// invalid ids and duplicates.
  Section index_list(const Tree* list, const std::string& path, std::string noun,
                     std::string plural) {
    Section section;
    section.noun = std::move(noun);
    section.plural = std::move(plural);
    if (list == nullptr) return section;
    for (std::size_t i = 0; i < list->seq.size(); ++i) {
      const Tree& item = list->seq[i];
      if (!item.is_map()) {
        problem(item.loc, indexed(path, i),
                concat("found ", describe(item), "; expected a mapping describing ",
                       with_article(section.noun)));
        continue;
      }
      Entry entry{&item, indexed(path, i), ""};
      const Tree* id = item.find("id");
      if (id == nullptr || id->is_null()) {
        get(item, "id", entry.path, Need::required, "an id");
      } else if (!id->is_scalar() || !detail::is_valid_id(id->scalar)) {
        problem(id->loc, child(entry.path, "id"),
                concat(id->is_scalar() ? in_quotes(id->scalar) + " is not a valid id"
                                       : "found " + describe(*id),
                       "; expected an id of lower-case letters, digits and '-'"));
      } else {
        entry.id = id->scalar;
        entry.path = child(path, entry.id);
        const auto [first, inserted] = section.first.emplace(entry.id, id->loc);
        if (inserted) {
          section.ids.push_back(entry.id);
        } else {
          problem(id->loc, child(entry.path, "id"),
                  concat("duplicate id ", in_quotes(entry.id), "; first defined at ",
                         first->second.str()));
        }
      }
      section.entries.push_back(std::move(entry));
    }
    return section;
  }

  /// Indexes every list of entities, so that references can be checked in any order.
  void index_sections() {
    countries_ =
        index_list(list_section("countries", "countries"), "countries", "country", "countries");
    products_ = index_list(list_section("products", "products"), "products", "product", "products");
    agents_ = index_list(list_section("agents", "agents"), "agents", "agent", "agents");
    policies_ = index_list(list_section("policies", "policies"), "policies", "policy", "policies");
    deals_ = index_list(list_section("deals", "deals"), "deals", "deal", "deals");
    decisions_ =
        index_list(list_section("decisions", "decisions"), "decisions", "decision", "decisions");
    // peek at kinds and at the nodes foundries offer; errors are reported when read
    for (const Entry& entry : agents_.entries) {
      const std::string kind = peek_scalar(*entry.node, "kind");
      if (!entry.id.empty() && !agent_kinds_.contains(entry.id) &&
          is_name(kind, detail::kAgentKinds)) {
        agent_kinds_.emplace(entry.id, kind);
      }
      if (kind != "foundry") continue;
      const Tree* fabs = entry.node->find("fabs");
      if (fabs == nullptr || !fabs->is_seq()) continue;
      for (const Tree& fab : fabs->seq) {
        const std::string node = fab.is_map() ? peek_scalar(fab, "node") : "";
        if (!node.empty() && std::find(nodes_.begin(), nodes_.end(), node) == nodes_.end()) {
          nodes_.push_back(node);
        }
      }
    }
    for (const Entry& entry : policies_.entries) {
      const std::string kind = peek_scalar(*entry.node, "kind");
      if (!entry.id.empty() && !policy_kinds_.contains(entry.id) &&
          is_name(kind, detail::kPolicyKinds)) {
        policy_kinds_.emplace(entry.id, kind);
      }
    }
  }

  static std::string peek_scalar(const Tree& map, std::string_view key) {
    const Tree* node = map.find(key);
    return node != nullptr && node->is_scalar() ? node->scalar : std::string();
  }

  template <typename E, std::size_t N>
  static bool is_name(const std::string& text, const std::array<EnumName<E>, N>& table) {
    return std::any_of(std::begin(table), std::end(table),
                       [&](const EnumName<E>& e) { return e.name == text; });
  }

  template <typename E, std::size_t N>
  static unsigned kind_bit(E value, const std::array<EnumName<E>, N>& table) {
    for (std::size_t k = 0; k < N; ++k) {
      if (table[k].value == value) return 1U << k;
    }
    return kAnyKind;
  }

  template <typename E, std::size_t N>
  static std::string kind_name(E value, const std::array<EnumName<E>, N>& table) {
    for (const auto& entry : table) {
      if (entry.value == value) return std::string(entry.name);
    }
    return "";
  }

  // ---------------------------------------------------------------------- sections

  /// A `true`/`false` flag.
  std::optional<bool> read_bool(const Tree& map, std::string_view key, const std::string& path) {
    return read_enum<bool>(map, key, path, detail::kBooleans, Need::optional);
  }

  world::ModelParams read_model() {
    world::ModelParams model;
    const Tree* node = read_map(root_, "model", "", Need::optional, "a mapping of parameters");
    if (node == nullptr) return model;
    check_keys(*node, "model", detail::kModelKeys);
    model.diversion_risk_premium =
        read_number(*node, "diversion_risk_premium", "model", detail::kNonNegative, Need::optional)
            .value_or(model.diversion_risk_premium);
    model.diversion_capacity_h100e_per_month =
        read_number(*node, "diversion_capacity_h100e_per_month", "model", detail::kNonNegative,
                    Need::optional)
            .value_or(model.diversion_capacity_h100e_per_month);
    model.choice_sensitivity =
        read_number(*node, "choice_sensitivity", "model", detail::kNonNegative, Need::optional)
            .value_or(model.choice_sensitivity);
    model.order_backlog_retention =
        read_number(*node, "order_backlog_retention", "model", detail::kRate, Need::optional)
            .value_or(model.order_backlog_retention);
    return model;
  }

  world::ScenarioInfo read_scenario() {
    world::ScenarioInfo info;
    const std::string path = "scenario";
    const Tree* node =
        read_map(root_, "scenario", "", Need::required, "a mapping with name, start and end");
    if (node == nullptr) return info;
    const Tree& map = *node;
    check_keys(map, path, detail::kScenarioKeys);
    if (const Tree* include = map.find("include")) {
      problem(include->loc, "scenario.include",
              "includes cannot be changed by --set; expected includes only in scenario files");
    }
    info.name = read_string(map, "name", path, Need::required).value_or("");
    info.description = read_string(map, "description", path, Need::optional).value_or("");
    start_ = read_month(map, "start", path, Need::required, MonthRule::any);
    end_ = read_month(map, "end", path, Need::required, MonthRule::any);
    if (start_) info.start = *start_;
    if (end_) info.end = *end_;
    if (start_ && end_) {
      if (*end_ < *start_) {
        problem(map.find("end")->loc, "scenario.end",
                concat(end_->str(), " is before scenario.start (", start_->str(),
                       "); expected a month at or after the start"));
      } else {
        calendar_ = true;
      }
    }
    if (auto seed = read_integer(map, "seed", path, detail::kIntNonNegative, Need::optional)) {
      info.seed = static_cast<std::uint64_t>(*seed);
    }
    if (auto n = read_integer(map, "replicates", path, detail::kIntPositive, Need::optional)) {
      info.replicates = static_cast<std::uint64_t>(*n);
    }
    return info;
  }

  world::CountrySpec read_country(const Entry& entry) {
    const Tree& map = *entry.node;
    check_keys(map, entry.path, detail::kCountryKeys);
    world::CountrySpec country;
    country.id = entry.id;
    country.name = read_string(map, "name", entry.path, Need::optional).value_or(entry.id);
    country.bloc = read_string(map, "bloc", entry.path, Need::optional).value_or(entry.id);
    country.enforcement =
        read_number(map, "enforcement", entry.path, detail::kRate, Need::optional).value_or(1.0);
    return country;
  }

  /// A member of a group as written: a country or group id, with its node and position.
  struct Member {
    std::string id;
    const Tree* node;
    std::size_t index;
  };

  std::vector<world::GroupSpec> read_groups() {
    std::vector<world::GroupSpec> groups;
    const Tree* node = read_map(root_, "groups", "", Need::optional,
                                "a mapping of group names to lists of country or group ids");
    if (node == nullptr) return groups;
    // names first, so that groups may name groups defined after them
    std::vector<std::string> names;
    for (const MapEntry& entry : node->map) {
      const std::string path = child("groups", entry.key);
      if (!detail::is_valid_id(entry.key)) {
        problem(entry.key_loc, path,
                concat(in_quotes(entry.key),
                       " is not a valid group name; expected an id of lower-case letters, digits "
                       "and '-'"));
      } else if (countries_.has(entry.key)) {
        problem(entry.key_loc, path,
                concat(in_quotes(entry.key), " is also a country id (",
                       countries_.first[entry.key].str(),
                       "); expected group names that differ from country ids"));
      } else {
        names.push_back(entry.key);
        group_members_[entry.key];
      }
    }
    // members as written
    std::map<std::string, std::vector<Member>> direct;
    for (const MapEntry& entry : node->map) {
      if (!group_members_.contains(entry.key)) continue;
      std::vector<Member>& members = direct[entry.key];
      const std::string path = child("groups", entry.key);
      if (entry.value.is_null()) continue;
      if (!entry.value.is_seq()) {
        problem(
            entry.value.loc, path,
            concat("found ", describe(entry.value), "; expected a list of country or group ids"));
        continue;
      }
      for (std::size_t i = 0; i < entry.value.seq.size(); ++i) {
        const Tree& item = entry.value.seq[i];
        const std::string* text = scalar(item, indexed(path, i), "a country or group id");
        if (text != nullptr && check_place(item, indexed(path, i), *text)) {
          members.push_back(Member{*text, &item, i});
        }
      }
    }
    // expand nested groups depth first, reporting each cycle once
    std::map<std::string, int> state;  // 0 new, 1 being expanded, 2 done
    std::vector<std::string> stack;
    for (const std::string& name : names) expand_group(name, direct, state, stack);
    for (const std::string& name : names) {
      groups.push_back(world::GroupSpec{name, group_members_[name]});
    }
    return groups;
  }

  void expand_group(const std::string& name,
                    const std::map<std::string, std::vector<Member>>& direct,
                    std::map<std::string, int>& state, std::vector<std::string>& stack) {
    if (state[name] != 0) return;
    state[name] = 1;
    stack.push_back(name);
    std::vector<std::string> countries;
    const auto add = [&](const std::string& country) {
      if (std::find(countries.begin(), countries.end(), country) == countries.end()) {
        countries.push_back(country);
      }
    };
    for (const Member& member : direct.at(name)) {
      if (countries_.has(member.id)) {
        add(member.id);
        continue;
      }
      if (state[member.id] == 1) {
        std::string chain;
        for (auto it = std::find(stack.begin(), stack.end(), member.id); it != stack.end(); ++it) {
          chain += *it + " -> ";
        }
        problem(member.node->loc, indexed(child("groups", name), member.index),
                concat("group cycle ", chain, member.id,
                       "; expected groups that do not contain themselves"));
        continue;
      }
      expand_group(member.id, direct, state, stack);
      for (const std::string& country : group_members_[member.id]) add(country);
    }
    group_members_[name] = std::move(countries);
    stack.pop_back();
    state[name] = 2;
  }

  world::ProductSpec read_product(const Entry& entry) {
    const Tree& map = *entry.node;
    const std::string& path = entry.path;
    check_keys(map, path, detail::kProductKeys);
    world::ProductSpec product;
    product.id = entry.id;
    product.name = read_string(map, "name", path, Need::optional).value_or(entry.id);
    if (auto designer = read_ref(map, "designer", path, agents_, Need::required)) {
      product.designer = *designer;
      expect_agent_kind(*map.find("designer"), child(path, "designer"), *designer, "chipmaker");
    }
    if (auto node = read_string(map, "node", path, Need::required)) {
      product.node = *node;
      if (std::find(nodes_.begin(), nodes_.end(), *node) == nodes_.end()) {
        problem(map.find("node")->loc, child(path, "node"),
                concat("no foundry fab offers node ", in_quotes(*node), "; ",
                       detail::suggest(*node, nodes_, "no foundry agent has fabs")));
      }
    }
    product.tpp = read_number(map, "tpp", path, detail::kNonNegative, Need::optional).value_or(0);
    product.interconnect_gbps =
        read_number(map, "interconnect_gbps", path, detail::kNonNegative, Need::optional)
            .value_or(0);
    product.memory_bandwidth_tbps =
        read_number(map, "memory_bandwidth_tbps", path, detail::kNonNegative, Need::optional)
            .value_or(0);
    product.density =
        read_number(map, "density", path, detail::kNonNegative, Need::optional).value_or(0);
    product.h100e =
        read_number(map, "h100e", path, detail::kNonNegative, Need::required).value_or(0);
    product.unit_cost_usd =
        read_number(map, "unit_cost_usd", path, detail::kNonNegative, Need::required).value_or(0);
    product.list_price_usd =
        read_number(map, "list_price_usd", path, detail::kNonNegative, Need::required).value_or(0);
    product.chips_per_wafer =
        read_number(map, "chips_per_wafer", path, detail::kPositive, Need::required).value_or(0);
    product.release = read_month(map, "release", path, Need::optional, MonthRule::not_after_end);
    product.markets = read_places(map, "markets", path, Need::optional);
    return product;
  }

  /// Reports a reference to an agent of another kind than `kind` (unknown kinds pass).
  void expect_agent_kind(const Tree& node, const std::string& key, const std::string& id,
                         std::string_view kind) {
    const auto it = agent_kinds_.find(id);
    if (it == agent_kinds_.end() || it->second == kind) return;
    problem(node.loc, key,
            concat("agent ", in_quotes(id), " is ", with_article(it->second), "; expected ",
                   with_article(kind), " agent"));
  }

  world::AgentSpec read_agent(const Entry& entry) {
    const Tree& map = *entry.node;
    const std::string& path = entry.path;
    world::AgentSpec agent;
    agent.id = entry.id;
    const auto kind =
        read_enum<world::AgentKind>(map, "kind", path, detail::kAgentKinds, Need::required);
    KindContext context{"agent", "agents", enum_names<world::AgentKind>(detail::kAgentKinds),
                        entry.id, kind ? kind_name(*kind, detail::kAgentKinds) : ""};
    check_keys(map, path, detail::kAgentKeys,
               kind ? kind_bit(*kind, detail::kAgentKinds) : kAnyKind, &context);
    if (kind) agent.kind = *kind;
    agent.country = read_ref(map, "country", path, countries_, Need::required).value_or("");
    if (!kind) return agent;
    const auto number = [&](std::string_view key, double fallback) {
      return read_number(map, key, path, detail::agent_field_range(key), Need::optional)
          .value_or(fallback);
    };
    const auto integer = [&](std::string_view key, int fallback) {
      return static_cast<int>(
          read_integer(map, key, path, detail::agent_field_range(key), Need::optional)
              .value_or(fallback));
    };
    switch (*kind) {
      case world::AgentKind::government: {
        agent.mode =
            read_enum<world::GovernmentMode>(map, "mode", path, detail::kModes, Need::optional)
                .value_or(world::GovernmentMode::scripted);
        agent.review_every_months = integer("review_every_months", agent.review_every_months);
        agent.adaptive_from =
            read_month(map, "adaptive_from", path, Need::optional, MonthRule::within);
        if (const Tree* weights =
                read_map(map, "weights", path, Need::optional, "a mapping of utility weights")) {
          const std::string weights_path = child(path, "weights");
          check_keys(*weights, weights_path, detail::kWeightKeys);
          const auto weight = [&](std::string_view key, double fallback) {
            return read_number(*weights, key, weights_path, detail::kNonNegative, Need::optional)
                .value_or(fallback);
          };
          agent.weight_security = weight("security", agent.weight_security);
          agent.weight_economy = weight("economy", agent.weight_economy);
          agent.weight_revenue = weight("revenue", agent.weight_revenue);
        }
        for (const Ref& ref : read_refs(map, "playbook", path, policies_, Need::optional))
          agent.playbook.push_back(ref.id);
        break;
      }
      case world::AgentKind::chipmaker:
        for (const Ref& ref : read_refs(map, "foundries", path, agents_, Need::optional)) {
          agent.foundries.push_back(ref.id);
          expect_agent_kind(*ref.node, ref.key, ref.id, "foundry");
        }
        agent.target_inventory_months = number("target_inventory_months", 1.0);
        agent.price_adjustment = number("price_adjustment", agent.price_adjustment);
        agent.min_margin = number("min_margin", agent.min_margin);
        agent.max_price_multiple = number("max_price_multiple", agent.max_price_multiple);
        agent.priority = integer("priority", agent.priority);
        agent.design_arounds = read_bool(map, "design_arounds", path).value_or(true);
        agent.design_lag_months = integer("design_lag_months", agent.design_lag_months);
        agent.pledge_cost_share = number("pledge_cost_share", agent.pledge_cost_share);
        agent.deal_horizon_months = integer("deal_horizon_months", agent.deal_horizon_months);
        break;
      case world::AgentKind::foundry: {
        const std::string fabs_path = child(path, "fabs");
        const Section fabs =
            index_list(read_list(map, "fabs", path, Need::optional, "a list of fabs"), fabs_path,
                       "fab", "fabs");
        for (const Entry& fab : fabs.entries) agent.fabs.push_back(read_fab(fab));
        agent.lead_time_months = static_cast<int>(
            read_integer(map, "lead_time_months", path, detail::kIntNonNegative, Need::optional)
                .value_or(3));
        agent.gross_margin = number("gross_margin", agent.gross_margin);
        agent.expansion = read_expansion(map, path);
        break;
      }
      case world::AgentKind::ai_lab:
        agent.budget_usd_per_month = number("budget_usd_per_month", 0);
        agent.budget_growth_per_year = number("budget_growth_per_year", 0);
        agent.compute_stock_h100e = number("compute_stock_h100e", 0);
        agent.algorithmic_efficiency = number("algorithmic_efficiency", 1.0);
        agent.depreciation_life_months = number("depreciation_life_months", 54);
        agent.risk_tolerance = number("risk_tolerance", 0);
        break;
    }
    return agent;
  }

  std::optional<world::ExpansionSpec> read_expansion(const Tree& map, const std::string& path) {
    const Tree* node = read_map(map, "expansion", path, Need::optional,
                                "a mapping with node, wafers_per_month and sites");
    if (node == nullptr) return std::nullopt;
    const std::string exp_path = child(path, "expansion");
    check_keys(*node, exp_path, detail::kExpansionKeys);
    world::ExpansionSpec exp;
    if (const Tree* n = get(*node, "node", exp_path, Need::required, "a process node")) {
      const std::string key = child(exp_path, "node");
      if (const std::string* text = scalar(*n, key, "a process node")) {
        exp.node = *text;
        if (std::find(nodes_.begin(), nodes_.end(), *text) == nodes_.end()) {
          problem(n->loc, key,
                  concat("no fab offers node ", in_quotes(*text), "; ",
                         detail::suggest(*text, nodes_, "no foundry agent has fabs")));
        }
      }
    }
    exp.wafers_per_month =
        read_number(*node, "wafers_per_month", exp_path, detail::kPositive, Need::required)
            .value_or(0);
    exp.utilization_trigger =
        read_number(*node, "utilization_trigger", exp_path, detail::kRate, Need::optional)
            .value_or(exp.utilization_trigger);
    exp.horizon_months = static_cast<int>(
        read_integer(*node, "horizon_months", exp_path, detail::kIntPositive, Need::optional)
            .value_or(exp.horizon_months));
    const std::string sites_path = child(exp_path, "sites");
    if (const Tree* sites =
            read_list(*node, "sites", exp_path, Need::required, "a list of sites")) {
      if (sites->seq.empty())
        problem(sites->loc, sites_path, "found an empty list; expected at least one site");
      for (std::size_t i = 0; i < sites->seq.size(); ++i) {
        const Tree& site = sites->seq[i];
        const std::string site_path = indexed(sites_path, i);
        if (!site.is_map()) {
          problem(site.loc, site_path, concat("found ", describe(site), "; expected a mapping"));
          continue;
        }
        check_keys(site, site_path, detail::kSiteKeys);
        world::SiteSpec spec;
        spec.country =
            read_ref(site, "country", site_path, countries_, Need::required).value_or("");
        spec.capex_usd =
            read_number(site, "capex_usd", site_path, detail::kNonNegative, Need::required)
                .value_or(0);
        spec.lead_time_months =
            static_cast<int>(read_integer(site, "lead_time_months", site_path,
                                          detail::kIntNonNegative, Need::optional)
                                 .value_or(spec.lead_time_months));
        exp.sites.push_back(std::move(spec));
      }
    }
    return exp;
  }

  world::FabSpec read_fab(const Entry& entry) {
    const Tree& map = *entry.node;
    const std::string& path = entry.path;
    check_keys(map, path, detail::kFabKeys);
    world::FabSpec fab;
    fab.id = entry.id;
    fab.country = read_ref(map, "country", path, countries_, Need::required).value_or("");
    fab.node = read_string(map, "node", path, Need::required).value_or("");
    fab.wafers_per_month =
        read_number(map, "wafers_per_month", path, detail::kNonNegative, Need::required)
            .value_or(0);
    fab.from = read_month(map, "from", path, Need::optional, MonthRule::not_after_end);
    fab.until = read_month(map, "until", path, Need::optional, MonthRule::within);
    check_order(map, path, fab.from, fab.until);
    for (const Ref& ref : read_refs(map, "customers", path, agents_, Need::optional)) {
      fab.customers.push_back(ref.id);
      expect_agent_kind(*ref.node, ref.key, ref.id, "chipmaker");
    }
    return fab;
  }

  world::PolicySpec read_policy(const Entry& entry) {
    const Tree& map = *entry.node;
    const std::string& path = entry.path;
    world::PolicySpec policy;
    policy.id = entry.id;
    const auto kind =
        read_enum<world::PolicyKind>(map, "kind", path, detail::kPolicyKinds, Need::required);
    KindContext context{"policy", "policies", enum_names<world::PolicyKind>(detail::kPolicyKinds),
                        entry.id, kind ? kind_name(*kind, detail::kPolicyKinds) : ""};
    check_keys(map, path, detail::kPolicyKeys,
               kind ? kind_bit(*kind, detail::kPolicyKinds) : kAnyKind, &context);
    if (kind) policy.kind = *kind;
    policy.issuer = read_ref(map, "issuer", path, countries_, Need::required).value_or("");
    policy.from = read_month(map, "from", path, Need::optional, MonthRule::within);
    policy.until = read_month(map, "until", path, Need::optional, MonthRule::within);
    check_order(map, path, policy.from, policy.until);
    policy.note = read_string(map, "note", path, Need::optional).value_or("");
    policy.source = read_string(map, "source", path, Need::optional).value_or("");
    policy.products.all = true;
    if (!kind) return policy;
    const auto rate = [&](std::string_view key, double fallback) {
      return read_number(map, key, path, detail::policy_field_range(*kind, key), Need::required)
          .value_or(fallback);
    };
    switch (*kind) {
      case world::PolicyKind::export_control: {
        policy.products = read_products(map, path);
        policy.destinations = read_places(map, "destinations", path, Need::required);
        const auto treatment = read_enum<world::Treatment>(map, "treatment", path,
                                                           detail::kTreatments, Need::required);
        if (treatment) policy.treatment = *treatment;
        policy.licence = read_licence(
            map, path,
            treatment == world::Treatment::licence_required ? Need::required : Need::optional);
        policy.quota = read_quota(
            map, path, treatment == world::Treatment::quota ? Need::required : Need::optional);
        policy.fdpr = read_bool(map, "fdpr", path).value_or(false);
        break;
      }
      case world::PolicyKind::export_fee:
        policy.products = read_products(map, path);
        policy.destinations = read_places(map, "destinations", path, Need::required);
        policy.rate = rate("rate", 0);
        break;
      case world::PolicyKind::tariff:
        policy.products = read_products(map, path);
        policy.origins = read_places(map, "origins", path, Need::optional);
        policy.rate = rate("rate", 0);
        if (const Tree* exempt = read_map(map, "exempt", path, Need::optional,
                                          "a mapping with pledged_in_issuer_usd_at_least")) {
          const std::string exempt_path = child(path, "exempt");
          check_keys(*exempt, exempt_path, detail::kExemptKeys);
          policy.exempt.pledged_in_issuer_usd_at_least =
              read_number(*exempt, "pledged_in_issuer_usd_at_least", exempt_path,
                          detail::kNonNegative, Need::optional);
        }
        break;
      case world::PolicyKind::import_restriction:
        policy.products = read_products(map, path);
        policy.demand_factor = rate("demand_factor", 1);
        break;
      case world::PolicyKind::subsidy:
        policy.fab_capex_share = rate("fab_capex_share", 0);
        break;
      case world::PolicyKind::cost_shock:
        policy.origins = read_places(map, "origins", path, Need::optional);
        policy.cost_increase = rate("cost_increase", 0);
        break;
    }
    return policy;
  }

  world::LicenceTerms read_licence(const Tree& map, const std::string& path, Need need) {
    world::LicenceTerms licence;
    const Tree* node = read_map(map, "licence", path, need,
                                "a mapping with approval_probability and delay_months");
    if (node == nullptr) return licence;
    const std::string licence_path = child(path, "licence");
    check_keys(*node, licence_path, detail::kLicenceKeys);
    licence.approval_probability =
        read_number(*node, "approval_probability", licence_path, detail::kRate, Need::required)
            .value_or(0);
    licence.delay_months = static_cast<int>(
        read_integer(*node, "delay_months", licence_path, detail::kIntNonNegative, Need::optional)
            .value_or(0));
    return licence;
  }

  world::QuotaTerms read_quota(const Tree& map, const std::string& path, Need need) {
    world::QuotaTerms quota;
    const Tree* node = read_map(map, "quota", path, need, "a mapping with tpp_per_country and per");
    if (node == nullptr) return quota;
    const std::string quota_path = child(path, "quota");
    check_keys(*node, quota_path, detail::kQuotaKeys);
    quota.tpp_per_country =
        read_number(*node, "tpp_per_country", quota_path, detail::kNonNegative, Need::required)
            .value_or(0);
    quota.per =
        read_enum<world::QuotaPeriod>(*node, "per", quota_path, detail::kPeriods, Need::optional)
            .value_or(world::QuotaPeriod::total);
    return quota;
  }

  world::ProductSelector read_products(const Tree& map, const std::string& policy_path) {
    static constexpr std::string_view kExpected =
        "all, a list of product ids, a threshold mapping {tpp_at_least, density_at_least} or "
        "{any_of: [threshold mappings]}";
    world::ProductSelector selector;
    const Tree* node = get(map, "products", policy_path, Need::optional, kExpected);
    if (node == nullptr) {
      selector.all = map.find("products") == nullptr;
      if (!selector.all) {
        problem(map.find("products")->loc, child(policy_path, "products"),
                concat("found no value; expected ", kExpected));
      }
      return selector;
    }
    const std::string path = child(policy_path, "products");
    if (node->is_scalar()) {
      if (node->scalar == "all") {
        selector.all = true;
      } else {
        problem(
            node->loc, path,
            concat(in_quotes(node->scalar), " is not a product selector; expected ", kExpected));
      }
    } else if (node->is_seq()) {
      for (std::size_t i = 0; i < node->seq.size(); ++i) {
        const Tree& item = node->seq[i];
        const std::string* text = scalar(item, indexed(path, i), "a product id");
        if (text != nullptr && check_ref(item.loc, indexed(path, i), *text, products_)) {
          selector.ids.push_back(*text);
        }
      }
    } else if (const Tree* any_of = node->find("any_of")) {
      if (node->map.size() > 1) {
        problem(node->loc, path,
                "any_of mixed with other keys; expected either {any_of: [...]} or one threshold "
                "mapping");
      }
      const std::string any_path = child(path, "any_of");
      if (!any_of->is_seq() || any_of->seq.empty()) {
        problem(any_of->loc, any_path,
                concat("found ", any_of->is_seq() ? "an empty list" : describe(*any_of),
                       "; expected a list of threshold mappings"));
      } else {
        for (std::size_t i = 0; i < any_of->seq.size(); ++i) {
          selector.any_of.push_back(read_clause(any_of->seq[i], indexed(any_path, i)));
        }
      }
    } else {
      selector.any_of.push_back(read_clause(*node, path));
    }
    return selector;
  }

  world::ThresholdClause read_clause(const Tree& node, const std::string& path) {
    world::ThresholdClause clause;
    if (!node.is_map()) {
      problem(node.loc, path,
              concat("found ", describe(node),
                     "; expected a threshold mapping {tpp_at_least, density_at_least}"));
      return clause;
    }
    check_keys(node, path, detail::kThresholdKeys);
    clause.tpp_at_least =
        read_number(node, "tpp_at_least", path, detail::kNonNegative, Need::optional);
    clause.density_at_least =
        read_number(node, "density_at_least", path, detail::kNonNegative, Need::optional);
    clause.interconnect_at_least =
        read_number(node, "interconnect_at_least", path, detail::kNonNegative, Need::optional);
    if (node.map.empty()) {
      problem(node.loc, path,
              "found an empty mapping; expected a threshold mapping with tpp_at_least and/or "
              "density_at_least");
    }
    return clause;
  }

  world::DealSpec read_deal(const Entry& entry) {
    const Tree& map = *entry.node;
    const std::string& path = entry.path;
    check_keys(map, path, detail::kDealKeys);
    world::DealSpec deal;
    deal.id = entry.id;
    deal.from_agent = read_ref(map, "from_agent", path, agents_, Need::required).value_or("");
    deal.to_agent = read_ref(map, "to_agent", path, agents_, Need::required).value_or("");
    deal.pledge_usd =
        read_number(map, "pledge_usd", path, detail::kNonNegative, Need::required).value_or(0);
    deal.over_months = static_cast<int>(
        read_integer(map, "over_months", path, detail::kIntPositive, Need::optional).value_or(1));
    if (const Tree* asks = read_map(map, "asks", path, Need::optional,
                                    "a mapping with repeal and/or exempt_from")) {
      const std::string asks_path = child(path, "asks");
      check_keys(*asks, asks_path, detail::kAsksKeys);
      for (const Ref& ref : read_refs(*asks, "repeal", asks_path, policies_, Need::optional)) {
        deal.asks.repeal.push_back(ref.id);
      }
      for (const Ref& ref : read_refs(*asks, "exempt_from", asks_path, policies_, Need::optional)) {
        deal.asks.exempt_from.push_back(ref.id);
        const auto kind = policy_kinds_.find(ref.id);
        if (kind != policy_kinds_.end() && kind->second != "tariff") {
          problem(ref.node->loc, ref.key,
                  concat("policy ", in_quotes(ref.id), " is ", with_article(kind->second),
                         "; expected a tariff policy"));
        }
      }
    }
    return deal;
  }

  /// An event; `option_month` is set for the events of a decision option, which take the
  /// decision's month and may not name one.
  std::optional<world::EventSpec> read_event(const Tree& node, const std::string& path,
                                             const std::optional<Month>* option_month) {
    if (!node.is_map()) {
      problem(node.loc, path,
              concat("found ", describe(node), "; expected a mapping describing an event"));
      return std::nullopt;
    }
    check_keys(node, path, detail::kEventKeys);
    world::EventSpec event;
    if (option_month != nullptr) {
      if (const MapEntry* month = node.find_entry("month")) {
        problem(month->key_loc, child(path, "month"),
                "events of a decision option take the decision's month; expected no month key");
      }
      if (*option_month) event.month = **option_month;
    } else if (auto month = read_month(node, "month", path, Need::required, MonthRule::within)) {
      event.month = *month;
    }
    std::vector<std::string> actions;
    for (std::string_view action : detail::kEventActions) {
      if (node.find(action) != nullptr) actions.emplace_back(action);
    }
    constexpr std::string_view kExpectedAction =
        "expected exactly one of: enact, repeal, set, accept_deal";
    if (actions.empty()) {
      problem(node.loc, path, concat("no action; ", kExpectedAction));
    } else if (actions.size() > 1) {
      problem(node.loc, path,
              concat("several actions (", detail::join_list(actions), "); ", kExpectedAction));
    } else if (actions.front() == "set") {
      event.action = world::EventAction::set;
      const Tree& set = *node.find("set");
      read_set(set, child(path, "set"), event);
    } else {
      const bool deal = actions.front() == "accept_deal";
      event.action = deal                         ? world::EventAction::accept_deal
                     : actions.front() == "enact" ? world::EventAction::enact
                                                  : world::EventAction::repeal;
      event.target =
          read_ref(node, actions.front(), path, deal ? deals_ : policies_, Need::required)
              .value_or("");
    }
    event.note = read_string(node, "note", path, Need::optional).value_or("");
    event.source = read_string(node, "source", path, Need::optional).value_or("");
    return event;
  }

  void read_set(const Tree& set, const std::string& path, world::EventSpec& event) {
    static constexpr std::string_view kExpected =
        "a mapping of agents.ID.FIELD or policies.ID.FIELD to numbers";
    if (!set.is_map() || set.map.empty()) {
      problem(set.loc, path,
              concat("found ", set.is_map() ? "an empty mapping" : describe(set), "; expected ",
                     kExpected));
      return;
    }
    for (const MapEntry& entry : set.map) {
      const std::string key = child(path, entry.key);
      const std::size_t first_dot = entry.key.find('.');
      const std::size_t second_dot =
          first_dot == std::string::npos ? first_dot : entry.key.find('.', first_dot + 1);
      const std::string section = entry.key.substr(0, first_dot);
      if (second_dot == std::string::npos || (section != "agents" && section != "policies") ||
          second_dot == first_dot + 1 || second_dot + 1 == entry.key.size()) {
        problem(entry.key_loc, key,
                "not a settable path; expected agents.ID.FIELD or policies.ID.FIELD");
        continue;
      }
      const std::string id = entry.key.substr(first_dot + 1, second_dot - first_dot - 1);
      const std::string field = entry.key.substr(second_dot + 1);
      const bool is_agent = section == "agents";
      if (!check_ref(entry.key_loc, key, id, is_agent ? agents_ : policies_)) {
        continue;
      }
      const std::optional<Range> range = is_agent
                                             ? settable_agent_field(id, field, entry.key_loc, key)
                                             : settable_policy_field(id, field, entry.key_loc, key);
      if (!range) continue;
      const std::string* text = scalar(entry.value, key, range->text());
      if (text == nullptr) continue;
      if (number_value(entry.value, key, *range)) event.set.emplace_back(entry.key, *text);
    }
  }

  /// The range of `field` when it is a settable field of agent `id`, else reports it.
  std::optional<Range> settable_agent_field(const std::string& id, const std::string& field,
                                            const Loc& loc, const std::string& key) {
    const auto agent = built_agents_.find(id);
    if (agent == built_agents_.end() || !agent_kinds_.contains(id)) return detail::kAnyNumber;
    world::AgentSpec copy = agent->second;
    if (world::settable_field(copy, field) != nullptr) return detail::agent_field_range(field);
    std::vector<std::string> candidates;
    for (std::string_view name : detail::kAgentNumericFields) {
      if (world::settable_field(copy, name) != nullptr) candidates.emplace_back(name);
    }
    const std::string& kind = agent_kinds_.at(id);
    problem(loc, key,
            concat(in_quotes(field), " is not a settable field of ", kind, " agents; ",
                   detail::suggest(field, candidates,
                                   concat("expected none: ", kind, " agents have none"))));
    return std::nullopt;
  }

  /// The range of `field` when it is a settable field of policy `id`, else reports it.
  std::optional<Range> settable_policy_field(const std::string& id, const std::string& field,
                                             const Loc& loc, const std::string& key) {
    const auto policy = built_policies_.find(id);
    if (policy == built_policies_.end() || !policy_kinds_.contains(id)) return detail::kAnyNumber;
    world::PolicySpec copy = policy->second;
    const unsigned bit = kind_bit(copy.kind, detail::kPolicyKinds);
    // settable for this policy: world::settable_field knows it and its key is of the kind
    const auto settable = [&](std::string_view name) {
      const std::string_view top = name.substr(0, name.find('.'));
      const bool of_kind = std::any_of(
          std::begin(detail::kPolicyKeys), std::end(detail::kPolicyKeys),
          [&](const KeyRule& rule) { return rule.key == top && (rule.kinds & bit) != 0; });
      return of_kind && world::settable_field(copy, name) != nullptr;
    };
    if (settable(field)) return detail::policy_field_range(copy.kind, field);
    std::vector<std::string> candidates;
    for (std::string_view name : detail::kPolicyNumericFields) {
      if (settable(name)) candidates.emplace_back(name);
    }
    const std::string& kind = policy_kinds_.at(id);
    problem(loc, key,
            concat(in_quotes(field), " is not a settable field of ", kind, " policies; ",
                   detail::suggest(field, candidates,
                                   concat("expected none: ", kind, " policies have none"))));
    return std::nullopt;
  }

  /// `scenario.choices`: decision id -> one of its option ids.
  std::map<std::string, std::string> read_choices(
      const std::vector<world::DecisionSpec>& decisions) {
    std::map<std::string, std::string> choices;
    const Tree* scenario = root_.find("scenario");
    if (scenario == nullptr || !scenario->is_map()) return choices;
    const Tree* node =
        read_map(*scenario, "choices", "scenario", Need::optional, "a mapping of decision: option");
    if (node == nullptr) return choices;
    for (const auto& entry : node->map) {
      const std::string key = child("scenario.choices", entry.key);
      const auto decision =
          std::find_if(decisions.begin(), decisions.end(),
                       [&](const world::DecisionSpec& d) { return d.id == entry.key; });
      if (decision == decisions.end()) {
        std::vector<std::string> ids;
        ids.reserve(decisions.size());
        for (const auto& d : decisions) ids.push_back(d.id);
        problem(entry.key_loc, key,
                concat("no decision with id ", in_quotes(entry.key), "; ",
                       detail::suggest(entry.key, ids,
                                       "expected none: the scenario has no decisions")));
        continue;
      }
      const std::string* option = scalar(entry.value, key, "an option id");
      if (option == nullptr) continue;
      std::vector<std::string> ids;
      for (const auto& o : decision->options) ids.push_back(o.id);
      if (std::find(ids.begin(), ids.end(), *option) == ids.end()) {
        problem(entry.value.loc, key,
                concat("decision ", in_quotes(entry.key), " has no option ", in_quotes(*option),
                       "; ", detail::suggest(*option, ids, "expected one of its options")));
        continue;
      }
      choices[entry.key] = *option;
    }
    return choices;
  }

  world::DecisionSpec read_decision(const Entry& entry) {
    const Tree& map = *entry.node;
    const std::string& path = entry.path;
    check_keys(map, path, detail::kDecisionKeys);
    world::DecisionSpec decision;
    decision.id = entry.id;
    const std::optional<Month> month =
        read_month(map, "month", path, Need::required, MonthRule::within);
    if (month) decision.month = *month;
    decision.actor = read_ref(map, "actor", path, agents_, Need::required).value_or("");
    decision.question = read_string(map, "question", path, Need::optional).value_or("");
    const std::string options_path = child(path, "options");
    const Tree* list = read_list(map, "options", path, Need::required, "a list of options");
    const Section options = index_list(list, options_path, "option", "options");
    if (list != nullptr && list->seq.empty()) {
      problem(list->loc, options_path, "found an empty list; expected at least one option");
    }
    for (const Entry& option_entry : options.entries) {
      const Tree& option_map = *option_entry.node;
      check_keys(option_map, option_entry.path, detail::kOptionKeys);
      world::OptionSpec option;
      option.id = option_entry.id;
      option.description =
          read_string(option_map, "description", option_entry.path, Need::optional).value_or("");
      const std::string events_path = child(option_entry.path, "events");
      if (const Tree* events = read_list(option_map, "events", option_entry.path, Need::optional,
                                         "a list of events")) {
        for (std::size_t i = 0; i < events->seq.size(); ++i) {
          if (auto event = read_event(events->seq[i], indexed(events_path, i), &month)) {
            option.events.push_back(std::move(*event));
          }
        }
      }
      decision.options.push_back(std::move(option));
    }
    const Tree* historical = get(map, "historical", path, Need::required, "an option id");
    if (historical != nullptr) {
      const std::string key = child(path, "historical");
      if (const std::string* text = scalar(*historical, key, "an option id")) {
        decision.historical = *text;
        if (list != nullptr && !list->seq.empty()) check_ref(historical->loc, key, *text, options);
      }
    }
    return decision;
  }

  const Tree& root_;
  Problems& problems_;
  std::optional<Month> start_;
  std::optional<Month> end_;
  bool calendar_ = false;  ///< start and end are valid and in order
  Section countries_;
  Section products_;
  Section agents_;
  Section policies_;
  Section deals_;
  Section decisions_;
  std::map<std::string, std::vector<std::string>> group_members_;  ///< expanded, by group
  std::map<std::string, std::string> agent_kinds_;   ///< id -> kind name, valid kinds only
  std::map<std::string, std::string> policy_kinds_;  ///< id -> kind name, valid kinds only
  std::vector<std::string> nodes_;                   ///< nodes offered by foundry fabs
  std::map<std::string, world::AgentSpec> built_agents_;
  std::map<std::string, world::PolicySpec> built_policies_;
};

/// The limits of `limits` that a valid `spec` (read from `root`) exceeds, as problems.
void check_limits(const Tree& root, const world::ScenarioSpec& spec, const ScenarioLimits& limits,
                  Problems& problems) {
  const auto where = [&](std::string_view section, std::string_view key) {
    const Tree* node = root.find(section);
    if (node != nullptr && !key.empty() && node->find(key) != nullptr) node = node->find(key);
    return node != nullptr ? node->loc : root.loc;
  };
  const auto over = [&](std::string_view section, std::string_view key, std::string_view what,
                        std::uint64_t count, std::uint64_t limit, std::string_view name) {
    if (count <= limit) return;
    problems.add(where(section, key), key.empty() ? section : concat(section, '.', key),
                 concat(count, ' ', what, " exceed the limit of ", limit, "; expected at most ",
                        limit, " (raise the limit with --limit ", name, "=N)"));
  };
  const int months = spec.scenario.end - spec.scenario.start + 1;
  over("scenario", "end", "months from scenario.start", static_cast<std::uint64_t>(months),
       limits.months, "months");
  over("agents", "", "agents", spec.agents.size(), limits.agents, "agents");
  over("products", "", "products", spec.products.size(), limits.products, "products");
  over("scenario", "replicates", "replicates", spec.scenario.replicates, limits.replicates,
       "replicates");
}

world::ScenarioSpec load_tree(Tree root, const std::string& name, const FileSource& files,
                              const LoadOptions& options) {
  std::vector<std::string> chain{normalized(name)};
  root = IncludeResolver(files, options.limits).expand(std::move(root), name, chain);
  for (std::size_t i = 0; i < options.overrides.size(); ++i) {
    apply_override(root, options.overrides[i], i);
  }
  Problems problems;
  world::ScenarioSpec spec = Validator(root, problems).run();
  if (problems.empty()) check_limits(root, spec, options.limits, problems);
  if (!problems.empty()) throw ConfigError(problems.text());
  // choices in one order, whichever order files and --choose gave them in, so that the same
  // choices give the same resolved text
  if (Tree* scenario = root.find("scenario"); scenario != nullptr)
    if (Tree* choices = scenario->find("choices"); choices != nullptr && choices->is_map())
      std::stable_sort(choices->map.begin(), choices->map.end(),
                       [](const MapEntry& a, const MapEntry& b) { return a.key < b.key; });
  spec.resolved_yaml = emit(root);
  spec.source = name;
  return spec;
}

}  // namespace

Override parse_override(const std::string& text) {
  const std::size_t equals = text.find('=');
  const std::string where = concat("--set ", text, ": error: ");
  if (equals == std::string::npos) {
    throw ConfigError(concat(where,
                             "no '=' in override; expected PATH=VALUE, e.g. "
                             "policies.h20-share.rate=0.25"));
  }
  if (equals == 0) {
    throw ConfigError(concat(where,
                             "empty PATH in override; expected PATH=VALUE, e.g. "
                             "policies.h20-share.rate=0.25"));
  }
  return Override{text.substr(0, equals), text.substr(equals + 1), {}};
}

std::vector<std::string> limit_names() {
  return {"yaml-nodes", "yaml-alias-nodes", "yaml-depth", "include-depth", "months",
          "agents",     "products",         "replicates", "sweep-points"};
}

void set_limit(ScenarioLimits& limits, const std::string& text) {
  const std::string where = concat("--limit ", text, ": error: ");
  const std::size_t equals = text.find('=');
  const std::string name = text.substr(0, equals);
  const std::vector<std::string> names = limit_names();
  if (equals == std::string::npos || std::find(names.begin(), names.end(), name) == names.end()) {
    std::string known;
    for (const std::string& n : names) known += (known.empty() ? "" : ", ") + n;
    throw ConfigError(concat(where, "expected NAME=N with NAME one of ", known));
  }
  const std::string value = text.substr(equals + 1);
  std::uint64_t n = 0;
  const char* last = std::to_address(std::string_view(value).end());
  const auto [end, ec] = std::from_chars(value.data(), last, n);
  const std::uint64_t max = name == "yaml-depth" ? 100'000 : (std::uint64_t{1} << 62);
  if (ec != std::errc() || end != last || n == 0 || n > max) {
    throw ConfigError(
        concat(where, "found '", value, "'; expected a whole number from 1 to ", max));
  }
  if (name == "yaml-nodes") limits.yaml.max_nodes = static_cast<std::size_t>(n);
  if (name == "yaml-alias-nodes") limits.yaml.max_alias_nodes = static_cast<std::size_t>(n);
  if (name == "yaml-depth") limits.yaml.max_depth = static_cast<int>(n);
  if (name == "include-depth") limits.include_depth = static_cast<std::size_t>(n);
  if (name == "months") limits.months = static_cast<std::size_t>(n);
  if (name == "agents") limits.agents = static_cast<std::size_t>(n);
  if (name == "products") limits.products = static_cast<std::size_t>(n);
  if (name == "replicates") limits.replicates = n;
  if (name == "sweep-points") limits.sweep_points = static_cast<std::size_t>(n);
}

Override choice_override(const std::string& decision, const std::string& option) {
  return Override{concat("scenario.choices.", decision), option,
                  concat("--choose ", decision, '=', option)};
}

world::ScenarioSpec load_scenario(const std::string& path, const FileSource& files,
                                  const LoadOptions& options) {
  const std::optional<std::string> text = files.read(path);
  if (!text) {
    throw ConfigError(format_error(Loc{path, 0, 0, ""}, "",
                                   "cannot read file; expected a readable scenario file"));
  }
  return load_tree(parse_yaml(*text, path, options.limits.yaml), path, files, options);
}

world::ScenarioSpec load_scenario_text(const std::string& text, const std::string& name,
                                       const FileSource& files, const LoadOptions& options) {
  return load_tree(parse_yaml(text, name, options.limits.yaml), name, files, options);
}

}  // namespace sim::io
