#include "sim/io/sweep_loader.hpp"

#include <algorithm>
#include <array>
#include <limits>
#include <set>
#include <string_view>
#include <utility>

#include "sim/engine/concat.hpp"
#include "sim/engine/errors.hpp"
#include "sim/engine/month.hpp"
#include "sim/io/detail/text.hpp"
#include "sim/io/yaml_tree.hpp"

namespace sim::io {
namespace {

constexpr std::array<std::string_view, 3> kRootKeys = {"sweep", "parameters", "outputs"};
constexpr std::array<std::string_view, 10> kSweepKeys = {
    "name",   "description", "base", "method", "samples",
    "levels", "replicates",  "seed", "set",    "choose"};
constexpr std::array<std::string_view, 4> kParameterKeys = {"path", "values", "range", "integer"};
constexpr std::array<std::string_view, 5> kOutputKeys = {"name", "metric", "id", "month", "from"};
constexpr std::array<std::string_view, 5> kAxes = {"country", "agent", "product", "policy", "bloc"};
constexpr std::array<std::pair<std::string_view, SweepMethod>, 4> kMethods = {
    {{"grid", SweepMethod::grid},
     {"lhs", SweepMethod::lhs},
     {"sobol", SweepMethod::sobol},
     {"morris", SweepMethod::morris}}};

template <std::size_t N>
std::vector<std::string> names(const std::array<std::string_view, N>& table) {
  return {std::begin(table), std::end(table)};
}

/// Reads one sweep document, collecting every problem before throwing.
class SweepReader {
 public:
  SweepReader(const Tree& root, std::string file) : root_(root), file_(std::move(file)) {}

  SweepSpec read() {
    SweepSpec spec;
    if (!root_.is_map()) {
      problem(root_.loc, "", "expected a mapping with keys sweep, parameters and outputs");
      finish();
    }
    check_keys(root_, "", names(kRootKeys));
    read_header(spec);
    read_parameters(spec);
    read_outputs(spec);
    finish();
    return spec;
  }

 private:
  void problem(const Loc& loc, std::string_view key, std::string_view message) {
    problems_.emplace_back(loc, format_error(loc, key, message));
  }

  void finish() {
    if (problems_.empty()) return;
    std::stable_sort(problems_.begin(), problems_.end(),
                     [](const auto& a, const auto& b) { return loc_before(a.first, b.first); });
    std::string text;
    for (const auto& [loc, line] : problems_) text += (text.empty() ? "" : "\n") + line;
    throw ConfigError(text);
  }

  static std::string child(const std::string& path, std::string_view key) {
    return path.empty() ? std::string(key) : concat(path, '.', key);
  }

  void check_keys(const Tree& map, const std::string& path, const std::vector<std::string>& keys) {
    for (const MapEntry& entry : map.map)
      if (std::find(keys.begin(), keys.end(), entry.key) == keys.end())
        problem(entry.key_loc, child(path, entry.key),
                concat("unknown key; ", detail::suggest(entry.key, keys)));
  }

  /// The scalar text of `key`, or nullopt (with a problem when required or not a scalar).
  std::optional<std::string> scalar(const Tree& map, std::string_view key, const std::string& path,
                                    bool required, std::string_view expected) {
    const Tree* node = map.find(key);
    if (node == nullptr || node->is_null()) {
      if (required) problem(map.loc, child(path, key), concat("missing; expected ", expected));
      return std::nullopt;
    }
    if (!node->is_scalar()) {
      problem(node->loc, child(path, key),
              concat("got ", describe(*node), "; expected ", expected));
      return std::nullopt;
    }
    return node->scalar;
  }

  std::optional<double> number(const Tree& node, const std::string& key) {
    if (node.is_scalar())
      if (const auto value = detail::parse_number(node.scalar)) return value;
    problem(node.loc, key, concat("got ", describe(node), "; expected a number"));
    return std::nullopt;
  }

  /// A whole number >= `min` at `key`, or nullopt.
  std::optional<long long> integer(const Tree& map, std::string_view key, const std::string& path,
                                   long long min) {
    const auto text = scalar(map, key, path, false, "an integer");
    if (!text) return std::nullopt;
    const auto value = detail::parse_integer(*text);
    if (!value || *value < min) {
      problem(map.find(key)->loc, child(path, key),
              concat("got '", *text, "'; expected an integer >= ", min));
      return std::nullopt;
    }
    return value;
  }

  void read_header(SweepSpec& spec) {
    const std::string path = "sweep";
    const Tree* node = root_.find("sweep");
    if (node == nullptr || !node->is_map()) {
      problem(node != nullptr ? node->loc : root_.loc, path,
              node != nullptr ? concat("got ", describe(*node), "; expected a mapping")
                              : "missing; expected a mapping with name and base");
      return;
    }
    check_keys(*node, path, names(kSweepKeys));
    read_identity(*node, path, spec);
    read_method(*node, path, spec);
    read_samples(*node, path, spec);
    read_levels(*node, path, spec);
    read_run(*node, path, spec);
    read_sets(*node, spec);
    read_choices(*node, spec);
  }

  // read_header's parts, each its own function with few std::optional locals: clang-tidy 16's
  // bugprone-unchecked-optional-access never finished on the whole (docs/development.md)

  /// sweep.name, sweep.description and sweep.base.
  void read_identity(const Tree& node, const std::string& path, SweepSpec& spec) {
    if (const auto name = scalar(node, "name", path, true, "an id such as h20-share")) {
      spec.name = *name;
      if (!detail::is_valid_id(*name))
        problem(node.find("name")->loc, "sweep.name",
                concat("got '", *name, "'; expected an id of lower-case letters, digits and '-'"));
    }
    spec.description = scalar(node, "description", path, false, "text").value_or("");
    if (const auto base = scalar(node, "base", path, true, "the base scenario's path"))
      spec.base = FileSource::resolve(file_, *base);
  }

  /// sweep.method; an unknown one clears method_known_.
  void read_method(const Tree& node, const std::string& path, SweepSpec& spec) {
    if (const auto method = scalar(node, "method", path, false, "grid, lhs, sobol or morris")) {
      const auto* const it = std::find_if(std::begin(kMethods), std::end(kMethods),
                                          [&](const auto& m) { return m.first == *method; });
      if (it == std::end(kMethods)) {
        std::vector<std::string> all;
        all.reserve(kMethods.size());
        for (const auto& m : kMethods) all.emplace_back(m.first);
        problem(node.find("method")->loc, "sweep.method",
                concat("got '", *method, "'; ", detail::suggest(*method, all)));
        method_known_ = false;  // the checks that depend on the method would mislead
      } else {
        spec.method = it->second;
      }
    }
  }

  /// sweep.samples: required by every method but grid, which takes none.
  void read_samples(const Tree& node, const std::string& path, SweepSpec& spec) {
    const auto samples = integer(node, "samples", path, 1);
    if (!method_known_) {
      if (samples) spec.samples = static_cast<std::size_t>(*samples);
    } else if (spec.method == SweepMethod::grid) {
      if (node.find("samples") != nullptr)
        problem(node.find("samples")->loc, "sweep.samples",
                "a grid sweeps every combination of the parameters' values; expected no "
                "samples (or method lhs, sobol or morris)");
    } else if (samples) {
      spec.samples = static_cast<std::size_t>(*samples);
    } else if (node.find("samples") == nullptr) {
      problem(node.loc, "sweep.samples",
              concat("missing; expected the number of ",
                     spec.method == SweepMethod::morris ? "trajectories" : "points", " for method ",
                     sweep_method_name(spec.method)));
    }
  }

  /// sweep.levels: method morris only, an even number.
  void read_levels(const Tree& node, const std::string& path, SweepSpec& spec) {
    if (const auto levels = integer(node, "levels", path, 2); levels && method_known_) {
      if (spec.method != SweepMethod::morris)
        problem(node.find("levels")->loc, "sweep.levels", "levels is for method morris only");
      else if (*levels % 2 != 0)
        problem(node.find("levels")->loc, "sweep.levels",
                concat("got ", *levels, "; expected an even number of levels (4, 6, 8...)"));
      else
        spec.levels = static_cast<int>(*levels);
    }
  }

  /// sweep.replicates and sweep.seed.
  void read_run(const Tree& node, const std::string& path, SweepSpec& spec) {
    if (const auto replicates = integer(node, "replicates", path, 1))
      spec.replicates = static_cast<std::uint64_t>(*replicates);
    if (const auto seed = integer(node, "seed", path, 0))
      spec.seed = static_cast<std::uint64_t>(*seed);
  }

  /// sweep.set: --set paths to values.
  void read_sets(const Tree& node, SweepSpec& spec) {
    if (const Tree* set = node.find("set"); set != nullptr && !set->is_null()) {
      if (!set->is_map()) {
        problem(set->loc, "sweep.set",
                concat("got ", describe(*set), "; expected a mapping of --set paths to values"));
      } else {
        for (const MapEntry& entry : set->map) {
          spec.sets.emplace_back(entry.key,
                                 entry.value.is_scalar() ? entry.value.scalar : emit(entry.value));
          spec.set_where.push_back(entry.key_loc.str());
        }
      }
    }
  }

  /// sweep.choose: decisions to options.
  void read_choices(const Tree& node, SweepSpec& spec) {
    if (const Tree* choose = node.find("choose"); choose != nullptr && !choose->is_null()) {
      if (!choose->is_map()) {
        problem(choose->loc, "sweep.choose",
                concat("got ", describe(*choose), "; expected a mapping of decisions to options"));
      } else {
        for (const MapEntry& entry : choose->map) {
          if (!entry.value.is_scalar())
            problem(entry.value.loc, child("sweep.choose", entry.key),
                    concat("got ", describe(entry.value), "; expected an option id"));
          else {
            spec.choices.push_back(concat(entry.key, '=', entry.value.scalar));
            spec.choice_where.push_back(entry.key_loc.str());
          }
        }
      }
    }
  }

  void read_parameters(SweepSpec& spec) {
    const Tree* list = root_.find("parameters");
    if (list == nullptr || !list->is_seq() || list->seq.empty()) {
      problem(list != nullptr ? list->loc : root_.loc, "parameters",
              list != nullptr ? concat("got ", describe(*list), "; expected a non-empty list")
                              : "missing; expected a list of parameters, each with a path");
      return;
    }
    const bool grid = spec.method == SweepMethod::grid;
    std::set<std::string> seen;
    if (!method_known_) {
      // still check the paths, but not values against ranges: the method decides which is right
      for (std::size_t i = 0; i < list->seq.size(); ++i)
        if (list->seq[i].is_map()) {
          check_keys(list->seq[i], concat("parameters[", i, "]"), names(kParameterKeys));
          static_cast<void>(
              scalar(list->seq[i], "path", concat("parameters[", i, "]"), true, "a --set path"));
        }
      return;
    }
    for (std::size_t i = 0; i < list->seq.size(); ++i) {
      const Tree& item = list->seq[i];
      const std::string path = concat("parameters[", i, "]");
      if (!item.is_map()) {
        problem(item.loc, path, concat("got ", describe(item), "; expected a mapping with path"));
        continue;
      }
      check_keys(item, path, names(kParameterKeys));
      SweepParameterSpec p;
      p.where = item.loc.str();
      if (const auto text = scalar(item, "path", path, true, "a --set path")) {
        p.path = *text;
        if (!seen.insert(p.path).second)
          problem(item.find("path")->loc, child(path, "path"),
                  concat("'", p.path, "' is swept twice; expected each path once"));
      }
      if (const Tree* integer_node = item.find("integer")) {
        if (integer_node->is_scalar() &&
            (integer_node->scalar == "true" || integer_node->scalar == "false"))
          p.integer = integer_node->scalar == "true";
        else
          problem(integer_node->loc, child(path, "integer"),
                  concat("got ", describe(*integer_node), "; expected true or false"));
      }
      const Tree* values = item.find("values");
      const Tree* range = item.find("range");
      if (grid) {
        if (range != nullptr)
          problem(range->loc, child(path, "range"),
                  "a grid takes values; expected values: [...] (or method lhs, sobol or morris)");
        if (values == nullptr || !values->is_seq() || values->seq.empty()) {
          problem(values != nullptr ? values->loc : item.loc, child(path, "values"),
                  values != nullptr
                      ? concat("got ", describe(*values), "; expected a list of numbers")
                      : "missing; expected a list of numbers");
          continue;
        }
        for (std::size_t k = 0; k < values->seq.size(); ++k)
          if (const auto v = number(values->seq[k], concat(child(path, "values"), '[', k, ']')))
            p.values.push_back(*v);
      } else {
        if (values != nullptr)
          problem(values->loc, child(path, "values"),
                  concat("method ", sweep_method_name(spec.method),
                         " samples a range; expected range: [low, high]"));
        if (range == nullptr || !range->is_seq() || range->seq.size() != 2) {
          problem(range != nullptr ? range->loc : item.loc, child(path, "range"),
                  range != nullptr ? concat("got ", describe(*range), "; expected [low, high]")
                                   : "missing; expected range: [low, high]");
          continue;
        }
        const auto low = number(range->seq[0], child(path, "range[0]"));
        const auto high = number(range->seq[1], child(path, "range[1]"));
        if (low && high) {
          if (*low >= *high)
            problem(range->loc, child(path, "range"),
                    concat("got [", range->seq[0].scalar, ", ", range->seq[1].scalar,
                           "]; expected low < high"));
          p.low = *low;
          p.high = *high;
        }
      }
      spec.parameters.push_back(std::move(p));
    }
  }

  void read_outputs(SweepSpec& spec) {
    const Tree* list = root_.find("outputs");
    if (list == nullptr || list->is_null()) {
      if (method_known_ && spec.method == SweepMethod::morris)
        problem(root_.loc, "outputs",
                "missing; expected the outputs Morris screens, e.g. [{name: china-compute, "
                "metric: bloc/compute_stock_h100e, id: china}]");
      return;
    }
    if (!list->is_seq() || list->seq.empty()) {
      problem(list->loc, "outputs", concat("got ", describe(*list), "; expected a non-empty list"));
      return;
    }
    std::set<std::string> seen;
    for (std::size_t i = 0; i < list->seq.size(); ++i) {
      const Tree& item = list->seq[i];
      const std::string path = concat("outputs[", i, "]");
      if (!item.is_map()) {
        problem(item.loc, path,
                concat("got ", describe(item), "; expected a mapping with name, metric and id"));
        continue;
      }
      check_keys(item, path, names(kOutputKeys));
      SweepOutputSpec out;
      out.where = item.loc.str();
      read_output_name(item, path, seen, out);
      read_output_metric(item, path, out);
      out.id = scalar(item, "id", path, true, "the entity's id on the metric's axis").value_or("");
      read_output_months(item, path, out);
      spec.outputs.push_back(std::move(out));
    }
  }

  // read_outputs' parts, for the same reason as read_header's

  /// outputs[i].name: an id, unique among the outputs.
  void read_output_name(const Tree& item, const std::string& path, std::set<std::string>& seen,
                        SweepOutputSpec& out) {
    if (const auto name = scalar(item, "name", path, true, "an id")) {
      out.name = *name;
      if (!detail::is_valid_id(*name))
        problem(item.find("name")->loc, child(path, "name"),
                concat("got '", *name, "'; expected an id of lower-case letters, digits and '-'"));
      else if (!seen.insert(*name).second)
        problem(item.find("name")->loc, child(path, "name"),
                concat("'", *name, "' names two outputs; expected unique names"));
    }
  }

  /// outputs[i].metric: AXIS/NAME on a known axis.
  void read_output_metric(const Tree& item, const std::string& path, SweepOutputSpec& out) {
    if (const auto metric = scalar(item, "metric", path, true, "AXIS/NAME")) {
      out.metric = *metric;
      const auto slash = metric->find('/');
      const std::string axis = metric->substr(0, slash);
      if (slash == std::string::npos || slash + 1 == metric->size())
        problem(item.find("metric")->loc, child(path, "metric"),
                concat("got '", *metric, "'; expected AXIS/NAME, e.g. agent/revenue_usd"));
      else if (std::find(std::begin(kAxes), std::end(kAxes), axis) == std::end(kAxes))
        problem(item.find("metric")->loc, child(path, "metric"),
                concat("unknown axis '", axis, "'; ", detail::suggest(axis, names(kAxes))));
    }
  }

  /// outputs[i].month and outputs[i].from: months YYYY-MM, from <= month.
  void read_output_months(const Tree& item, const std::string& path, SweepOutputSpec& out) {
    if (const auto month = scalar(item, "month", path, false, "a month YYYY-MM")) {
      if (!engine::Month::parse(*month))
        problem(item.find("month")->loc, child(path, "month"),
                concat("got '", *month, "'; expected a month YYYY-MM"));
      out.month = *month;
    }
    if (const auto from = scalar(item, "from", path, false, "a month YYYY-MM")) {
      const auto from_month = engine::Month::parse(*from);
      const auto until = engine::Month::parse(out.month);
      if (!from_month)
        problem(item.find("from")->loc, child(path, "from"),
                concat("got '", *from, "'; expected a month YYYY-MM"));
      else if (!out.month.empty() && until && *from_month > *until)
        problem(item.find("from")->loc, child(path, "from"),
                concat("got ", *from, ", after month ", out.month, "; expected from <= month"));
      out.from = *from;
    }
  }

  const Tree& root_;
  std::string file_;
  std::vector<std::pair<Loc, std::string>> problems_;
  bool method_known_ = true;
};

}  // namespace

const char* sweep_method_name(SweepMethod method) {
  for (const auto& [name, m] : kMethods)
    if (m == method) return name.data();
  return "?";
}

std::uint64_t sweep_point_count(const SweepSpec& spec) {
  constexpr std::uint64_t kMax = std::numeric_limits<std::uint64_t>::max();
  std::uint64_t points = 1;
  switch (spec.method) {
    case SweepMethod::grid:
      // the product of the value counts, saturating rather than wrapping
      for (const SweepParameterSpec& p : spec.parameters) {
        const std::uint64_t n = p.values.size();
        points = n != 0 && points > kMax / n ? kMax : points * n;
      }
      return points;
    case SweepMethod::lhs:
    case SweepMethod::sobol:
      return spec.samples;
    case SweepMethod::morris: {
      // each trajectory visits every parameter once after its start
      const std::uint64_t per = spec.parameters.size() + 1;
      return spec.samples > kMax / per ? kMax : spec.samples * per;
    }
  }
  return points;
}

SweepSpec load_sweep_text(const std::string& text, const std::string& name,
                          const ScenarioLimits& limits) {
  const Tree root = parse_yaml(text, name, limits.yaml);
  SweepSpec spec = SweepReader(root, name).read();
  spec.file = name;
  spec.text = text;
  if (const std::uint64_t points = sweep_point_count(spec); points > limits.sweep_points) {
    const Tree* sweep = root.find("sweep");
    const Tree* at = spec.method == SweepMethod::grid ? root.find("parameters") : nullptr;
    if (at == nullptr && sweep != nullptr) at = sweep->find("samples");
    if (at == nullptr) at = sweep != nullptr ? sweep : &root;
    const std::string points_text =
        points == std::numeric_limits<std::uint64_t>::max() ? "too many" : concat(points);
    throw ConfigError(
        format_error(at->loc, spec.method == SweepMethod::grid ? "parameters" : "sweep.samples",
                     concat(points_text, " sweep points exceed the limit of ", limits.sweep_points,
                            "; expected at most ", limits.sweep_points,
                            " (raise the limit with --limit sweep-points=N)")));
  }
  return spec;
}

SweepSpec load_sweep(const std::string& path, const FileSource& files,
                     const ScenarioLimits& limits) {
  const std::optional<std::string> text = files.read(path);
  if (!text)
    throw ConfigError(
        format_error(Loc{path, 0, 0, {}}, "", "cannot read file; expected a readable sweep file"));
  return load_sweep_text(*text, path, limits);
}

}  // namespace sim::io
