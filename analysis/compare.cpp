#include "analysis/compare.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <iomanip>
#include <map>
#include <optional>
#include <set>
#include <sstream>
#include <string_view>

#include "analysis/format.hpp"
#include "sim/engine/concat.hpp"
#include "sim/engine/errors.hpp"
#include "sim/engine/month.hpp"

namespace analysis {

namespace {

using sim::concat;
using sim::world::Metric;
using sim::world::MetricAxis;
using sim::world::RunResults;

/// Which entities of a metric get a row.
enum class EntityFilter {
  all,         ///< every entity both runs hold
  chipmakers,  ///< agents of kind "chipmaker" (in either run)
  nonzero,     ///< entities whose compared value is non-zero in some replicate of either run
};

/// A metric to compare, parsed from `AXIS/NAME`.
struct Selection {
  std::string full_name;                  ///< as asked, e.g. `bloc/compute_stock_h100e`
  MetricAxis axis = MetricAxis::country;  ///< the dataset's axis: country for a bloc metric
  bool by_bloc = false;
  std::string name;
  EntityFilter filter = EntityFilter::all;
};

/// An entity to compare: its id and the columns it sums in each run (one, or a bloc's countries).
struct Entity {
  std::string id;
  std::vector<std::size_t> columns_a;
  std::vector<std::size_t> columns_b;
};

/// The months both runs share, as index ranges into each run's calendar.
struct MonthWindow {
  std::string first;  ///< first common month: flows are summed from here
  std::string month;  ///< the month compared
  std::size_t first_a = 0, month_a = 0;
  std::size_t first_b = 0, month_b = 0;
};

constexpr std::array<std::pair<std::string_view, MetricAxis>, 4> kAxes = {{
    {"country", MetricAxis::country},
    {"agent", MetricAxis::agent},
    {"product", MetricAxis::product},
    {"policy", MetricAxis::policy},
}};

const std::vector<std::string>& ids(const RunResults& r, MetricAxis axis) {
  switch (axis) {
    case MetricAxis::country:
      return r.country_ids;
    case MetricAxis::agent:
      return r.agent_ids;
    case MetricAxis::product:
      return r.product_ids;
    case MetricAxis::policy:
      return r.policy_ids;
  }
  SIM_ASSERT(false, "unknown metric axis");
  return r.country_ids;
}

std::optional<std::size_t> index_of(const std::vector<std::string>& v, const std::string& s) {
  const auto it = std::find(v.begin(), v.end(), s);
  if (it == v.end()) return std::nullopt;
  return static_cast<std::size_t>(it - v.begin());
}

/// `names` joined by ", " and wrapped to lines of at most `width` columns, each indented by two.
std::string wrap_list(const std::vector<std::string>& names, std::size_t width = 100) {
  std::string out, line = "  ";
  for (std::size_t i = 0; i < names.size(); ++i) {
    const std::string item = names[i] + (i + 1 < names.size() ? "," : "");
    if (line.size() > 2 && line.size() + 1 + item.size() > width) {
      out += line + "\n";
      line = "  ";
    }
    line += (line.size() > 2 ? " " : "") + item;
  }
  return out + line;
}

/// At most five ids, then "and N more".
std::string some_ids(const std::vector<std::string>& v) {
  constexpr std::size_t kShown = 5;
  std::string out;
  for (std::size_t i = 0; i < v.size() && i < kShown; ++i) out += (i > 0 ? ", " : "") + v[i];
  if (v.size() > kShown) out += concat(" and ", v.size() - kShown, " more");
  return out;
}

std::string describe_months(const std::vector<std::string>& months) {
  if (months.empty()) return "no months";
  return concat(months.front(), " to ", months.back(), " (", months.size(),
                months.size() == 1 ? " month)" : " months)");
}

/// Parses `AXIS/NAME`; nullopt when the axis is not one of bloc, country, agent, product, policy
/// or the name is empty.
std::optional<Selection> parse_selection(const std::string& text) {
  const auto slash = text.find('/');
  if (slash == std::string::npos || slash + 1 == text.size()) return std::nullopt;
  const std::string_view axis(text.data(), slash);
  Selection s;
  s.full_name = text;
  s.name = text.substr(slash + 1);
  if (s.name.find('/') != std::string::npos) return std::nullopt;
  if (axis == "bloc") {
    s.axis = MetricAxis::country;
    s.by_bloc = true;
    return s;
  }
  for (const auto& [axis_name, axis_value] : kAxes)
    if (axis == axis_name) {
      s.axis = axis_value;
      return s;
    }
  return std::nullopt;
}

/// Resolves the metric names asked for (or the default set) against both runs.
/// @throws sim::ConfigError for a name that is malformed or that one of the runs lacks.
std::vector<Selection> select_metrics(const RunResults& a, const RunResults& b,
                                      const CompareOptions& options, Comparison& comparison) {
  std::vector<Selection> selections;
  if (options.metrics.empty()) {
    const std::pair<const char*, EntityFilter> defaults[] = {
        {"bloc/compute_stock_h100e", EntityFilter::all},
        {"country/chip_imports_units", EntityFilter::all},
        {"agent/revenue_usd", EntityFilter::chipmakers},
        {"agent/investment_pledged_usd", EntityFilter::nonzero},
        {"agent/investment_built_usd", EntityFilter::nonzero},
    };
    for (const auto& [name, filter] : defaults) {
      Selection s = *parse_selection(name);
      s.filter = filter;
      const bool in_a = a.find(s.axis, s.name) != nullptr;
      const bool in_b = b.find(s.axis, s.name) != nullptr;
      if (in_a && in_b)
        selections.push_back(std::move(s));
      else if (in_a || in_b)
        comparison.notes.push_back(
            concat(name, " is not in ", in_a ? options.label_b : options.label_a, "; skipped"));
      else
        comparison.notes.push_back(concat(name, " is in neither run; skipped"));
    }
    return selections;
  }
  for (const std::string& text : options.metrics) {
    const std::optional<Selection> s = parse_selection(text);
    const bool in_a = s && a.find(s->axis, s->name) != nullptr;
    const bool in_b = s && b.find(s->axis, s->name) != nullptr;
    if (in_a && in_b) {
      selections.push_back(*s);
      continue;
    }
    const std::string available = wrap_list(available_metrics(a, b));
    if (in_a || in_b)
      throw sim::ConfigError(concat("metric '", text, "': error: only ",
                                    in_a ? options.label_a : options.label_b,
                                    " holds it; metrics both runs hold:\n", available));
    throw sim::ConfigError(concat("metric '", text, "': error: unknown metric",
                                  s ? ""
                                    : " (expected AXIS/NAME, AXIS one of bloc, country, "
                                      "agent, product, policy)",
                                  "; available metrics:\n", available));
  }
  return selections;
}

/// Every difference between the runs that makes pairing them unsound for `selections`.
std::vector<std::string> find_mismatches(const RunResults& a, const RunResults& b,
                                         const std::vector<Selection>& selections,
                                         const CompareOptions& options) {
  const std::string& la = options.label_a;
  const std::string& lb = options.label_b;
  std::vector<std::string> problems;
  if (a.months != b.months)
    problems.push_back(concat("months differ: ", la, " runs ", describe_months(a.months), ", ", lb,
                              " ", describe_months(b.months)));
  if (a.seed != b.seed)
    problems.push_back(concat("seeds differ: ", a.seed, " in ", la, ", ", b.seed, " in ", lb,
                              ", so paired replicates share no random numbers"));
  if (a.replicates != b.replicates)
    problems.push_back(concat("replicate counts differ: ", a.replicates, " in ", la, ", ",
                              b.replicates, " in ", lb));

  // ids along each axis compared, checked once per axis
  std::set<MetricAxis> axes;
  bool blocs = false;
  for (const Selection& s : selections) {
    axes.insert(s.axis);
    blocs = blocs || s.by_bloc;
  }
  for (const MetricAxis axis : axes) {
    const auto& ia = ids(a, axis);
    const auto& ib = ids(b, axis);
    std::vector<std::string> only_a, only_b;
    for (const std::string& id : ia)
      if (!index_of(ib, id)) only_a.push_back(id);
    for (const std::string& id : ib)
      if (!index_of(ia, id)) only_b.push_back(id);
    if (only_a.empty() && only_b.empty()) continue;
    std::string text = concat(sim::world::axis_name(axis), " ids differ:");
    if (!only_a.empty()) text += concat(" only in ", la, ": ", some_ids(only_a));
    if (!only_b.empty())
      text += concat(only_a.empty() ? "" : ";", " only in ", lb, ": ", some_ids(only_b));
    problems.push_back(text);
  }
  if (blocs)
    for (std::size_t i = 0; i < a.country_ids.size(); ++i)
      if (const auto j = index_of(b.country_ids, a.country_ids[i]))
        if (a.country_blocs[i] != b.country_blocs[*j])
          problems.push_back(concat("country ", a.country_ids[i], " is in bloc ",
                                    a.country_blocs[i], " in ", la, ", ", b.country_blocs[*j],
                                    " in ", lb));

  for (const Selection& s : selections) {
    const Metric& ma = *a.find(s.axis, s.name);
    const Metric& mb = *b.find(s.axis, s.name);
    if (ma.level != mb.level)
      problems.push_back(concat(s.full_name, " is a ", ma.level ? "level" : "flow", " in ", la,
                                " but a ", mb.level ? "level" : "flow", " in ", lb,
                                " (files written before the 'aggregation' attribute read as "
                                "flows); read as in ",
                                la));
    if (ma.units != mb.units)
      problems.push_back(
          concat(s.full_name, " is in '", ma.units, "' in ", la, " but '", mb.units, "' in ", lb));
  }
  return problems;
}

/// The month compared and where flow sums start, as indices into each run's months.
/// @throws sim::ConfigError for a malformed month, one outside the common months, or none common.
MonthWindow month_window(const RunResults& a, const RunResults& b, const CompareOptions& options) {
  std::vector<std::string> common;
  for (const std::string& m : a.months)
    if (index_of(b.months, m)) common.push_back(m);
  if (common.empty())
    throw sim::ConfigError(concat(options.label_a, " vs ", options.label_b,
                                  ": error: the runs share no month (", options.label_a, " runs ",
                                  describe_months(a.months), ", ", options.label_b, " ",
                                  describe_months(b.months), ")"));
  MonthWindow w;
  w.first = common.front();
  w.month = common.back();
  if (!options.month.empty()) {
    if (!sim::engine::Month::parse(options.month))
      throw sim::ConfigError(
          concat("month '", options.month, "': error: expected a month YYYY-MM, e.g. 2025-04"));
    if (!index_of(common, options.month))
      throw sim::ConfigError(concat("month '", options.month,
                                    "': error: not a month both runs hold; they share ",
                                    describe_months(common)));
    w.month = options.month;
  }
  w.first_a = *index_of(a.months, w.first);
  w.month_a = *index_of(a.months, w.month);
  w.first_b = *index_of(b.months, w.first);
  w.month_b = *index_of(b.months, w.month);
  return w;
}

/// The entities of `s` both runs hold: ids in A's order, or blocs sorted by name.
std::vector<Entity> entities(const Selection& s, const RunResults& a, const RunResults& b) {
  std::vector<Entity> out;
  if (s.by_bloc) {
    std::map<std::string, Entity> blocs;
    for (std::size_t i = 0; i < a.country_ids.size(); ++i)
      blocs[a.country_blocs[i]].columns_a.push_back(i);
    for (std::size_t j = 0; j < b.country_ids.size(); ++j)
      blocs[b.country_blocs[j]].columns_b.push_back(j);
    for (auto& [bloc, e] : blocs) {
      if (e.columns_a.empty() || e.columns_b.empty()) continue;
      e.id = bloc;
      out.push_back(std::move(e));
    }
    return out;
  }
  const auto& ia = ids(a, s.axis);
  const auto& ib = ids(b, s.axis);
  for (std::size_t i = 0; i < ia.size(); ++i)
    if (const auto j = index_of(ib, ia[i])) out.push_back(Entity{ia[i], {i}, {*j}});
  return out;
}

/// The value of `metric` in replicate `rep`, summed over `columns`: at month `last` for a level,
/// over months `first..last` for a flow.
double value_at(const Metric& metric, std::size_t width, std::size_t rep,
                const std::vector<std::size_t>& columns, std::size_t first, std::size_t last,
                bool level) {
  const std::vector<double>& block = metric.values[rep];
  double total = 0;
  for (const std::size_t column : columns) {
    if (level) {
      total += block[last * width + column];
      continue;
    }
    for (std::size_t t = first; t <= last; ++t) total += block[t * width + column];
  }
  return total;
}

void check_shape(const RunResults& r, const Metric& m) {
  SIM_ASSERT(m.values.size() == r.replicates,
             concat("/metrics/", sim::world::axis_name(m.axis), "/", m.name, " has ",
                    m.values.size(), " replicates, expected ", r.replicates));
  for (const auto& block : m.values)
    SIM_ASSERT(block.size() == r.months.size() * r.width(m.axis),
               concat("/metrics/", sim::world::axis_name(m.axis), "/", m.name, ": a replicate has ",
                      block.size(), " values, expected ", r.months.size() * r.width(m.axis)));
}

bool is_chipmaker(const RunResults& r, const std::string& agent) {
  const auto i = index_of(r.agent_ids, agent);
  return i && *i < r.agent_kinds.size() && r.agent_kinds[*i] == "chipmaker";
}

/// Why a metric whose entities were all filtered out has no row.
const char* why_no_rows(EntityFilter filter) {
  switch (filter) {
    case EntityFilter::chipmakers:
      return "no chipmaker in either run";
    case EntityFilter::nonzero:
      return "0 for every entity in both runs";
    case EntityFilter::all:
      break;
  }
  return "no entity both runs hold";
}

// ---- formatting ----

/// A number with three significant digits and an SI suffix (k, M, B, T), as a person reads it.
std::string si(double v) {
  if (std::isnan(v)) return "nan";
  if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
  if (v == 0) return "0";
  constexpr std::pair<double, const char*> kScales[] = {
      {1e12, "T"}, {1e9, "B"}, {1e6, "M"}, {1e3, "k"}};
  const double a = std::fabs(v);
  char buf[32];
  // 999.5 and up would round to "1e+03" at three digits: that belongs to the next scale
  if (a >= 999.5e12) {
    std::snprintf(buf, sizeof buf, "%.2e", v);
    return buf;
  }
  for (const auto& [scale, suffix] : kScales)
    if (a >= 999.5 * scale / 1e3) {
      std::snprintf(buf, sizeof buf, "%.3g%s", v / scale, suffix);
      return buf;
    }
  std::snprintf(buf, sizeof buf, "%.3g", v);
  return buf;
}

std::string percent(double share) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%.0f%%", share * 100.0);
  return buf;
}

/// Shortest text that reads back as the same double (std::to_chars); -0 is written as 0.
std::string exact(double v) {
  if (v == 0) v = 0;  // drop the sign of -0
  char buf[32];
  const auto result = std::to_chars(buf, buf + sizeof buf, v);
  return std::string(buf, result.ptr);
}

std::string method_description(const IntervalSpec& spec) {
  if (spec.method == IntervalMethod::t) return "Student t on the paired differences";
  return concat("percentile bootstrap of the mean difference, ", spec.bootstrap.resamples,
                " resamples, seed ", spec.bootstrap.seed);
}

std::string describe_run(const RunLabel& r) {
  return concat(r.label, " (scenario ", r.scenario_name, ", seed ", r.seed, ", ", r.replicates,
                r.replicates == 1 ? " replicate)" : " replicates)");
}

/// `line` broken at spaces into lines of at most `width` columns (a longer word stays whole),
/// continuation lines indented by four; ends with a newline.
std::string wrap_words(const std::string& line, std::size_t width = 100) {
  std::string out;
  std::string rest = line;
  while (rest.size() > width) {
    std::size_t cut = rest.rfind(' ', width);
    if (cut == std::string::npos || cut <= 4) cut = rest.find(' ', width);
    if (cut == std::string::npos) break;
    out += rest.substr(0, cut) + "\n";
    rest = "    " + rest.substr(cut + 1);
  }
  return out + rest + "\n";
}

std::string csv_field(const std::string& s) {
  if (s.find_first_of(",\"\r\n") == std::string::npos) return s;
  std::string out = "\"";
  for (const char c : s) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

/// JSON has no NaN or infinity: those become null.
std::string json_number(double v) { return std::isfinite(v) ? exact(v) : "null"; }

}  // namespace

std::vector<std::string> default_metrics() {
  return {"bloc/compute_stock_h100e", "country/chip_imports_units", "agent/revenue_usd",
          "agent/investment_pledged_usd", "agent/investment_built_usd"};
}

std::vector<std::string> available_metrics(const RunResults& a, const RunResults& b) {
  std::vector<std::string> names, blocs;
  for (const Metric& m : a.metrics) {
    if (b.find(m.axis, m.name) == nullptr) continue;
    names.push_back(concat(sim::world::axis_name(m.axis), "/", m.name));
    if (m.axis == MetricAxis::country) blocs.push_back("bloc/" + m.name);
  }
  names.insert(names.end(), blocs.begin(), blocs.end());
  return names;
}

Comparison compare(const RunResults& a, const RunResults& b, const CompareOptions& options) {
  SIM_ASSERT(a.country_blocs.size() == a.country_ids.size(), "run A: a bloc for every country");
  SIM_ASSERT(b.country_blocs.size() == b.country_ids.size(), "run B: a bloc for every country");
  Comparison c;
  c.a = RunLabel{options.label_a, a.scenario_name, a.seed, a.replicates};
  c.b = RunLabel{options.label_b, b.scenario_name, b.seed, b.replicates};
  c.interval = options.interval;

  const std::vector<Selection> selections = select_metrics(a, b, options, c);
  std::vector<std::string> problems = find_mismatches(a, b, selections, options);
  if (!problems.empty() && !options.allow_mismatch) {
    std::string text =
        concat(options.label_a, " vs ", options.label_b, ": error: the runs are not comparable:");
    for (const std::string& p : problems) text += "\n  " + p;
    text += "\n(--allow-mismatch compares the replicates, months and entities they share)";
    throw sim::ConfigError(text);
  }
  c.mismatches = std::move(problems);

  const MonthWindow window = month_window(a, b, options);
  c.month = window.month;
  c.flows_from = window.first;
  c.pairs = static_cast<std::size_t>(std::min(a.replicates, b.replicates));
  if (c.pairs == 0)
    throw sim::ConfigError(concat(
        options.label_a, " vs ", options.label_b, ": error: no replicate to pair (", a.replicates,
        " in ", options.label_a, ", ", b.replicates, " in ", options.label_b, ")"));
  if (!c.mismatches.empty())
    c.notes.push_back(concat("compared anyway: replicate r of ", options.label_a,
                             " with replicate r of ", options.label_b, " for r = 0 to ",
                             c.pairs - 1, ", months ", window.first, " to ", window.month,
                             ", the entities both runs hold"));

  std::vector<double> va(c.pairs), vb(c.pairs);
  for (const Selection& s : selections) {
    const Metric& ma = *a.find(s.axis, s.name);
    const Metric& mb = *b.find(s.axis, s.name);
    check_shape(a, ma);
    check_shape(b, mb);
    const std::size_t width_a = a.width(s.axis), width_b = b.width(s.axis);
    const std::size_t rows_before = c.rows.size();
    for (const Entity& e : entities(s, a, b)) {
      if (s.filter == EntityFilter::chipmakers && !is_chipmaker(a, e.id) && !is_chipmaker(b, e.id))
        continue;
      for (std::size_t rep = 0; rep < c.pairs; ++rep) {
        va[rep] = value_at(ma, width_a, rep, e.columns_a, window.first_a, window.month_a, ma.level);
        vb[rep] = value_at(mb, width_b, rep, e.columns_b, window.first_b, window.month_b, ma.level);
      }
      const auto nonzero = [](double v) { return v != 0.0; };
      if (s.filter == EntityFilter::nonzero && std::none_of(va.begin(), va.end(), nonzero) &&
          std::none_of(vb.begin(), vb.end(), nonzero))
        continue;
      c.rows.push_back(ComparisonRow{s.full_name, e.id, ma.units, ma.level,
                                     paired_difference(va, vb, options.interval)});
    }
    if (c.rows.size() == rows_before)
      c.notes.push_back(concat(s.full_name, ": no rows (", why_no_rows(s.filter), ")"));
  }
  return c;
}

std::string format_table(const Comparison& c) {
  std::ostringstream out;
  const int confidence = static_cast<int>(std::lround(c.interval.level * 100.0));
  out << "B - A, paired by replicate: " << c.pairs << (c.pairs == 1 ? " pair" : " pairs") << "\n"
      << wrap_words("  A: " + describe_run(c.a)) << wrap_words("  B: " + describe_run(c.b))
      << "  at " << c.month << ": a level is that month's value; a flow is summed over "
      << c.flows_from << " to " << c.month << "\n"
      << wrap_words(concat("  ", confidence, "% CI: ", method_description(c.interval),
                           "; B > A: share of pairs with B strictly greater"));
  for (const std::string& m : c.mismatches) out << wrap_words("  mismatch (allowed): " + m);
  for (const std::string& n : c.notes) out << wrap_words("  note: " + n);
  if (c.rows.empty()) out << "\nnothing to compare\n";

  std::size_t entity_width = 6;
  for (const ComparisonRow& row : c.rows) entity_width = std::max(entity_width, row.entity.size());
  const int ew = static_cast<int>(entity_width);
  const std::string ci_title = concat(confidence, "% CI");
  std::string metric;
  for (const ComparisonRow& row : c.rows) {
    if (row.metric != metric) {
      metric = row.metric;
      out << "\n"
          << metric << " (" << (row.units.empty() ? "" : row.units + ", ")
          << (row.level ? concat("level at ", c.month)
                        : concat("flow summed ", c.flows_from, " to ", c.month))
          << ")\n"
          << "  " << std::left << std::setw(ew) << "entity" << std::right << std::setw(5) << "n"
          << std::setw(10) << "mean A" << std::setw(10) << "mean B" << std::setw(10) << "B - A"
          << std::setw(22) << ci_title << std::setw(8) << "B > A"
          << "\n";
    }
    const PairedDifference& s = row.stats;
    const std::string ci = s.ci ? concat("[", si(s.ci->low), ", ", si(s.ci->high), "]") : "n/a";
    out << "  " << std::left << std::setw(ew) << row.entity << std::right << std::setw(5) << s.n
        << std::setw(10) << si(s.mean_a) << std::setw(10) << si(s.mean_b) << std::setw(10)
        << si(s.mean_diff) << std::setw(22) << ci << std::setw(8) << percent(s.share_b_greater)
        << "\n";
  }
  return out.str();
}

std::string format_csv(const Comparison& c) {
  std::ostringstream out;
  out << "metric,entity,month,n,mean_a,mean_b,mean_diff,ci_low,ci_high,share_b_greater,method\n";
  const char* method = method_name(c.interval.method);
  for (const ComparisonRow& row : c.rows) {
    const PairedDifference& s = row.stats;
    out << csv_field(row.metric) << ',' << csv_field(row.entity) << ',' << c.month << ',' << s.n
        << ',' << exact(s.mean_a) << ',' << exact(s.mean_b) << ',' << exact(s.mean_diff) << ','
        << (s.ci ? exact(s.ci->low) : "n/a") << ',' << (s.ci ? exact(s.ci->high) : "n/a") << ','
        << exact(s.share_b_greater) << ',' << method << '\n';
  }
  return out.str();
}

std::string format_json(const Comparison& c) {
  if (c.rows.empty()) return "[]\n";
  std::ostringstream out;
  const std::string method = json_string(method_name(c.interval.method));
  out << "[\n";
  for (std::size_t i = 0; i < c.rows.size(); ++i) {
    const ComparisonRow& row = c.rows[i];
    const PairedDifference& s = row.stats;
    out << "  {\"metric\": " << json_string(row.metric)
        << ", \"entity\": " << json_string(row.entity) << ", \"month\": " << json_string(c.month)
        << ", \"n\": " << s.n << ", \"mean_a\": " << json_number(s.mean_a)
        << ", \"mean_b\": " << json_number(s.mean_b)
        << ", \"mean_diff\": " << json_number(s.mean_diff)
        << ", \"ci_low\": " << (s.ci ? json_number(s.ci->low) : "null")
        << ", \"ci_high\": " << (s.ci ? json_number(s.ci->high) : "null")
        << ", \"share_b_greater\": " << json_number(s.share_b_greater) << ", \"method\": " << method
        << "}" << (i + 1 < c.rows.size() ? "," : "") << "\n";
  }
  out << "]\n";
  return out.str();
}

}  // namespace analysis
