// `chipsim report`: one self-contained HTML page of charts over result files (docs/report.md).
// The numbers are computed here and written into the page as JSON; the page's script
// (analysis/report_assets/report.js) only draws them with the bundled Chart.js.
#include "analysis/report.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <optional>
#include <ostream>
#include <set>
#include <string_view>

#include "analysis/compare.hpp"
#include "analysis/detail/report_assets.hpp"
#include "analysis/format.hpp"
#include "sim/engine/concat.hpp"
#include "sim/engine/errors.hpp"

namespace analysis {

namespace {

std::string json_string_html(std::string_view text) { return json_string(text, true); }

using sim::concat;
using sim::world::Channel;
using sim::world::Metric;
using sim::world::MetricAxis;
using sim::world::RunResults;

constexpr std::array<Channel, 3> kChannels = {Channel::legal, Channel::licensed, Channel::diverted};

// ---- escaping ----

/// `text` as HTML character data or a quoted attribute value.
std::string html(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (const char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

/// The shortest text that reads back as exactly `v`; JSON has no NaN or infinity: null.
std::string json_number(double v) {
  if (!std::isfinite(v)) return "null";
  std::array<char, 32> buf{};
  for (int precision = 15; precision <= 17; ++precision) {
    std::snprintf(buf.data(), buf.size(), "%.*g", precision, v);
    if (std::strtod(buf.data(), nullptr) == v) break;
  }
  return buf.data();
}

std::string json_numbers(const std::vector<double>& values) {
  std::string out = "[";
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (i > 0) out += ',';
    out += json_number(values[i]);
  }
  return out + "]";
}

std::string json_strings(const std::vector<std::string>& values) {
  std::string out = "[";
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (i > 0) out += ',';
    out += json_string_html(values[i]);
  }
  return out + "]";
}

/// A script's text made safe to inline in a `<script>` element: `</script` would end the element
/// early and `<!--` would switch the HTML parser into its escaped-script state. In JavaScript
/// both can appear only inside strings, template literals, regular expressions or comments
/// (`<!--` in code opens a comment itself), where `\x3C` means `<` (even in a `u` regular
/// expression). Chart.js 3.9.1 holds neither; this keeps another release safe too.
std::string inline_script(std::string_view js) {
  std::string out;
  out.reserve(js.size());
  for (std::size_t i = 0; i < js.size(); ++i) {
    if (js[i] == '<') {
      std::string next(js.substr(i, 8));
      std::transform(next.begin(), next.end(), next.begin(), [](char c) {
        return static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      });
      if (next == "</script" || next.rfind("<!--", 0) == 0) {
        out += "\\x3C";
        continue;
      }
    }
    out += js[i];
  }
  return out;
}

/// The version in Chart.js's header comment (" * Chart.js v3.9.1"), or "" when it has none.
std::string chart_js_version() {
  const std::string_view js = detail::chart_js();
  const std::string_view mark = "Chart.js v";
  const std::size_t at = js.substr(0, 400).find(mark);
  if (at == std::string_view::npos) return "";
  const std::size_t from = at + mark.size();
  const std::size_t end = js.find_first_not_of("0123456789.", from);
  return std::string(js.substr(from, end - from));
}

// ---- what the page shows of one run ----

/// A firm's series: the mean over replicates of a monthly agent metric.
struct FirmSeries {
  std::string id;
  std::string kind;
  std::vector<double> mean;  ///< [month]
};

/// The numbers a run's charts draw, each the mean (and for compute, the band) over replicates.
struct RunData {
  std::vector<std::string> blocs;        ///< sorted by name
  std::vector<std::vector<Band>> stock;  ///< [bloc][month]: compute stock summed over the bloc
  std::string stock_units;
  /// Chips sold per replicate (`/trade/flows` units): [channel][month][replicate].
  std::array<std::vector<std::vector<double>>, kChannels.size()> chips;
  std::vector<FirmSeries> revenue;  ///< chipmakers and foundries
  std::string revenue_units;
  std::vector<FirmSeries> write_downs;  ///< chipmakers, and any other agent with one
  std::string write_down_units;
};

/// The metric `axis`/`name` of `run`, its shape checked.
/// @throws sim::IoError naming the run when it is missing or misshapen.
const Metric& require(const ReportRun& run, MetricAxis axis, const char* name) {
  const RunResults& r = run.results;
  const std::string path = concat("/metrics/", sim::world::axis_name(axis), "/", name);
  const Metric* m = r.find(axis, name);
  if (m == nullptr)
    throw sim::IoError(concat(run.label, ": no ", path, " (a core metric, docs/output-format.md)"));
  if (m->values.size() != r.replicates)
    throw sim::IoError(concat(run.label, ": ", path, " has ", m->values.size(),
                              " replicates, expected ", r.replicates));
  for (std::size_t rep = 0; rep < m->values.size(); ++rep)
    if (m->values[rep].size() != r.months.size() * r.width(axis))
      throw sim::IoError(concat(run.label, ": ", path, ": replicate ", rep, " has ",
                                m->values[rep].size(), " values, expected ",
                                r.months.size() * r.width(axis)));
  return *m;
}

/// `index` as a position into a dimension of `size`. @throws sim::IoError when out of range.
std::size_t checked_index(const ReportRun& run, std::int32_t index, std::size_t size,
                          const char* table, std::size_t row, const char* column) {
  if (index < 0 || static_cast<std::size_t>(index) >= size)
    throw sim::IoError(concat(run.label, ": ", table, " row ", row, ": ", column, " ", index,
                              " is out of range (", size, ")"));
  return static_cast<std::size_t>(index);
}

/// The mean over replicates of agent metric `m` for agent `a`, month by month.
std::vector<double> agent_mean(const RunResults& r, const Metric& m, std::size_t a) {
  const std::size_t n = r.agent_ids.size();
  std::vector<double> out(r.months.size());
  std::vector<double> v(r.replicates);
  for (std::size_t t = 0; t < r.months.size(); ++t) {
    for (std::size_t rep = 0; rep < r.replicates; ++rep) v[rep] = m.values[rep][t * n + a];
    out[t] = mean(v);
  }
  return out;
}

bool any_nonzero(const Metric& m, std::size_t width, std::size_t column) {
  for (const std::vector<double>& block : m.values)
    for (std::size_t i = column; i < block.size(); i += width)
      if (block[i] != 0.0) return true;
  return false;
}

/// Computes what the charts of `run` draw.
/// @throws sim::IoError as write_report documents.
RunData run_data(const ReportRun& run) {
  const RunResults& r = run.results;
  if (r.country_blocs.size() != r.country_ids.size())
    throw sim::IoError(concat(run.label, ": ", r.country_blocs.size(), " blocs for ",
                              r.country_ids.size(), " countries"));
  if (r.agent_kinds.size() != r.agent_ids.size())
    throw sim::IoError(concat(run.label, ": ", r.agent_kinds.size(), " kinds for ",
                              r.agent_ids.size(), " agents"));
  RunData d;
  const std::size_t months = r.months.size();
  const std::size_t reps = r.replicates;
  const std::size_t c = r.country_ids.size();
  const std::size_t n = r.agent_ids.size();

  // compute stock by bloc: the bloc's countries summed in each replicate, then the band
  const Metric& stock = require(run, MetricAxis::country, "compute_stock_h100e");
  d.stock_units = stock.units;
  const std::set<std::string> blocs(r.country_blocs.begin(), r.country_blocs.end());
  d.blocs.assign(blocs.begin(), blocs.end());
  std::vector<double> v(reps);
  for (const std::string& bloc : d.blocs) {
    std::vector<Band> series(months);
    for (std::size_t t = 0; t < months && reps > 0; ++t) {
      for (std::size_t rep = 0; rep < reps; ++rep) {
        v[rep] = 0;
        for (std::size_t i = 0; i < c; ++i)
          if (r.country_blocs[i] == bloc) v[rep] += stock.values[rep][t * c + i];
      }
      series[t] = band(v);
    }
    d.stock.push_back(std::move(series));
  }

  // chips sold by channel, month and replicate, from the trade table
  for (auto& per_channel : d.chips) per_channel.assign(months, std::vector<double>(reps, 0.0));
  for (std::size_t row = 0; row < r.flows.size(); ++row) {
    const sim::world::FlowRecord& f = r.flows[row];
    const std::size_t t = checked_index(run, f.month, months, "/trade/flows", row, "month");
    const std::size_t rep = checked_index(run, f.replicate, reps, "/trade/flows", row, "replicate");
    d.chips[static_cast<std::size_t>(f.channel)][t][rep] += f.units;
  }

  // revenue and write-downs by firm
  const Metric& revenue = require(run, MetricAxis::agent, "revenue_usd");
  const Metric& write_down = require(run, MetricAxis::agent, "write_down_usd");
  d.revenue_units = revenue.units;
  d.write_down_units = write_down.units;
  for (std::size_t a = 0; a < n && reps > 0; ++a) {
    const std::string& kind = r.agent_kinds[a];
    if (kind == "chipmaker" || kind == "foundry")
      d.revenue.push_back({r.agent_ids[a], kind, agent_mean(r, revenue, a)});
    if (kind == "chipmaker" || any_nonzero(write_down, n, a))
      d.write_downs.push_back({r.agent_ids[a], kind, agent_mean(r, write_down, a)});
  }

  for (std::size_t row = 0; row < r.events.size(); ++row) {
    const sim::world::EventRecord& e = r.events[row];
    checked_index(run, e.month, months, "/events", row, "month");
    if (e.actor != -1) checked_index(run, e.actor, n, "/events", row, "actor");
  }
  return d;
}

/// The event kinds of `events` in the order the timeline lists them: decisions first, then
/// by name.
std::vector<std::string> event_kinds(const std::vector<const sim::world::EventRecord*>& events) {
  std::set<std::string> kinds;
  for (const auto* e : events) kinds.insert(e->kind);
  std::vector<std::string> out;
  if (kinds.erase("decision") > 0) out.emplace_back("decision");
  out.insert(out.end(), kinds.begin(), kinds.end());
  return out;
}

/// The events of replicate 0, in file order.
std::vector<const sim::world::EventRecord*> first_replicate_events(const RunResults& r) {
  std::vector<const sim::world::EventRecord*> out;
  for (const sim::world::EventRecord& e : r.events)
    if (e.replicate == 0) out.push_back(&e);
  return out;
}

// ---- differences between runs ----

/// One bar of a difference chart.
struct DiffRow {
  std::string label;  ///< e.g. "west", "revenue nvidia", "diverted"
  PairedDifference stats;
};

/// The bars of one difference chart: metrics in the same units.
struct DiffGroup {
  std::string id;     ///< compute, usd or chips: the canvas is `diff-<id>`
  std::string title;  ///< what the chart shows
  std::string units;
  std::vector<DiffRow> rows;
};

/// Run `b` minus the first run.
struct Difference {
  std::size_t b = 0;  ///< index of the run
  std::optional<Comparison> comparison;
  std::string error;  ///< why the runs could not be compared (no comparison then)
  std::vector<DiffGroup> groups;
};

/// The chips of `d` on channel `ch` in replicate `rep`, summed over months `first..last`.
double chips_sum(const RunData& d, std::size_t ch, std::size_t rep, std::size_t first,
                 std::size_t last) {
  double total = 0;
  for (std::size_t t = first; t <= last; ++t) total += d.chips[ch][t][rep];
  return total;
}

std::size_t month_index(const RunResults& r, const std::string& month) {
  const auto it = std::find(r.months.begin(), r.months.end(), month);
  SIM_ASSERT(it != r.months.end(), concat("compare chose month ", month, " the run lacks"));
  return static_cast<std::size_t>(it - r.months.begin());
}

/// Run `b` minus run 0: compute stock by bloc, chipmakers' revenue and investment pledged from
/// `compare` (its default metrics and entity filters), and chips sold by channel from the trade
/// tables, summed over the same months and paired the same way.
Difference difference(const std::vector<ReportRun>& runs, const std::vector<RunData>& data,
                      std::size_t b, const ReportOptions& options) {
  const ReportRun& ra = runs.front();
  const ReportRun& rb = runs[b];
  Difference diff;
  diff.b = b;
  CompareOptions compare_options;
  compare_options.allow_mismatch = true;
  compare_options.label_a = ra.label;
  compare_options.label_b = rb.label;
  compare_options.interval = options.interval;
  try {
    diff.comparison = compare(ra.results, rb.results, compare_options);
  } catch (const sim::ConfigError& e) {
    // e.g. runs that share no month: the page says so and shows each run alone
    diff.error = e.what();
    return diff;
  }
  const Comparison& c = *diff.comparison;

  DiffGroup compute{"compute", "Compute stock by bloc at " + c.month, "", {}};
  DiffGroup usd{"usd",
                concat("Chipmakers' revenue (", c.flows_from, " to ", c.month,
                       ") and investment pledged (at ", c.month, ")"),
                "USD",
                {}};
  for (const ComparisonRow& row : c.rows) {
    if (row.metric == "bloc/compute_stock_h100e") {
      compute.units = row.units;
      compute.rows.push_back({row.entity, row.stats});
    } else if (row.metric == "agent/revenue_usd") {
      usd.rows.push_back({"revenue " + row.entity, row.stats});
    } else if (row.metric == "agent/investment_pledged_usd") {
      usd.rows.push_back({"pledged " + row.entity, row.stats});
    }
  }

  DiffGroup chips{
      "chips", concat("Chips sold by channel, ", c.flows_from, " to ", c.month), "chips", {}};
  const std::size_t first_a = month_index(ra.results, c.flows_from);
  const std::size_t last_a = month_index(ra.results, c.month);
  const std::size_t first_b = month_index(rb.results, c.flows_from);
  const std::size_t last_b = month_index(rb.results, c.month);
  std::vector<double> va(c.pairs);
  std::vector<double> vb(c.pairs);
  for (std::size_t ch = 0; ch < kChannels.size(); ++ch) {
    for (std::size_t rep = 0; rep < c.pairs; ++rep) {
      va[rep] = chips_sum(data.front(), ch, rep, first_a, last_a);
      vb[rep] = chips_sum(data[b], ch, rep, first_b, last_b);
    }
    chips.rows.push_back(
        {sim::world::channel_name(kChannels[ch]), paired_difference(va, vb, options.interval)});
  }
  for (DiffGroup* g : {&compute, &usd, &chips})
    if (!g->rows.empty()) diff.groups.push_back(std::move(*g));
  return diff;
}

// ---- the page ----

std::string describe_months(const RunResults& r) {
  if (r.months.empty()) return "no months";
  return concat(r.months.front(), " to ", r.months.back(), " (", r.months.size(), ")");
}

std::string scenario_names(const std::vector<ReportRun>& runs) {
  std::vector<std::string> names;
  for (const ReportRun& run : runs)
    if (std::find(names.begin(), names.end(), run.results.scenario_name) == names.end())
      names.push_back(run.results.scenario_name);
  std::string out;
  for (std::size_t i = 0; i < names.size(); ++i) out += (i > 0 ? ", " : "") + names[i];
  return out;
}

/// A chart's place on the page: a canvas the script finds by id, and a caption saying how to
/// read it.
void chart(std::ostream& out, const std::string& id, const std::string& caption,
           const std::string& controls = "") {
  out << "<figure class=\"chart\">\n"
      << controls << R"(<div class="canvas-box"><canvas id=")" << html(id)
      << "\" role=\"img\"></canvas></div>\n<figcaption>" << caption << "</figcaption>\n</figure>\n";
}

/// The list of replicate 0's events under the timeline, by month. A kind with more events
/// than there are months (seizures, typically) is folded into one line per month that opens
/// to show them.
void event_list(std::ostream& out, const RunResults& r,
                const std::vector<const sim::world::EventRecord*>& events) {
  if (events.empty()) {
    out << "<p class=\"note\">No events in replicate 0.</p>\n";
    return;
  }
  std::map<std::string, std::size_t> per_kind;
  for (const auto* e : events) ++per_kind[e->kind];
  const auto folded = [&](const std::string& kind) { return per_kind[kind] > r.months.size(); };
  const auto actor = [&](const sim::world::EventRecord& e) {
    return e.actor >= 0 ? r.agent_ids[static_cast<std::size_t>(e.actor)] : std::string();
  };
  out << "<ol class=\"events\">\n";
  for (std::size_t i = 0; i < events.size();) {
    const std::int32_t month = events[i]->month;
    std::size_t end = i;
    while (end < events.size() && events[end]->month == month) ++end;
    std::set<std::string> shown;
    for (std::size_t j = i; j < end; ++j) {
      const sim::world::EventRecord& e = *events[j];
      const std::string when = r.months[static_cast<std::size_t>(month)];
      const std::string kind_class = e.kind == "decision" ? " decision" : "";
      if (!folded(e.kind)) {
        out << "<li class=\"event" << kind_class << R"("><span class="month">)" << when
            << "</span> <span class=\"kind\">" << html(e.kind) << "</span> ";
        if (const std::string who = actor(e); !who.empty())
          out << "<span class=\"actor\">" << html(who) << "</span> ";
        out << html(e.text) << "</li>\n";
        continue;
      }
      if (!shown.insert(e.kind).second) continue;
      std::vector<const sim::world::EventRecord*> same;
      for (std::size_t k = j; k < end; ++k)
        if (events[k]->kind == e.kind) same.push_back(events[k]);
      out << R"(<li class="event folded"><details><summary><span class="month">)" << when
          << "</span> <span class=\"kind\">" << html(e.kind) << "</span> " << same.size()
          << (same.size() == 1 ? " event" : " events") << "</summary><ul>";
      for (const auto* s : same) out << "<li>" << html(s->text) << "</li>";
      out << "</ul></details></li>\n";
    }
    i = end;
  }
  out << "</ol>\n";
}

void write_run_json(std::ostream& out, const ReportRun& run, const RunData& d,
                    const std::vector<const sim::world::EventRecord*>& events) {
  const RunResults& r = run.results;
  out << "{\"label\":" << json_string_html(run.label)
      << ",\"scenario\":" << json_string_html(r.scenario_name) << ",\"seed\":" << r.seed
      << ",\"replicates\":" << r.replicates << ",\"months\":" << json_strings(r.months);

  out << R"(,"stock":{"units":)" << json_string_html(d.stock_units) << ",\"blocs\":[";
  for (std::size_t b = 0; b < d.blocs.size(); ++b) {
    std::vector<double> m;
    std::vector<double> lo;
    std::vector<double> hi;
    for (const Band& band : d.stock[b]) {
      m.push_back(band.mean);
      lo.push_back(band.q05);
      hi.push_back(band.q95);
    }
    out << (b > 0 ? "," : "") << "{\"id\":" << json_string_html(d.blocs[b])
        << ",\"mean\":" << json_numbers(m) << ",\"q05\":" << json_numbers(lo)
        << ",\"q95\":" << json_numbers(hi) << "}";
  }

  out << R"(]},"chips":{"units":"chips","channels":[)";
  for (std::size_t ch = 0; ch < kChannels.size(); ++ch) {
    std::vector<double> m;
    for (const std::vector<double>& per_rep : d.chips[ch])
      m.push_back(per_rep.empty() ? 0.0 : mean(per_rep));
    out << (ch > 0 ? "," : "")
        << "{\"id\":" << json_string_html(sim::world::channel_name(kChannels[ch]))
        << ",\"mean\":" << json_numbers(m) << "}";
  }

  const auto firms_json = [&out](const char* key, const std::string& units,
                                 const std::vector<FirmSeries>& firms) {
    out << "]},\"" << key << R"(":{"units":)" << json_string_html(units) << ",\"firms\":[";
    for (std::size_t i = 0; i < firms.size(); ++i)
      out << (i > 0 ? "," : "") << "{\"id\":" << json_string_html(firms[i].id)
          << ",\"kind\":" << json_string_html(firms[i].kind)
          << ",\"mean\":" << json_numbers(firms[i].mean) << "}";
  };
  firms_json("revenue", d.revenue_units, d.revenue);
  firms_json("write_downs", d.write_down_units, d.write_downs);

  // events: [month index, kind index, actor, text]
  const std::vector<std::string> kinds = event_kinds(events);
  out << R"(]},"events":{"replicate":0,"kinds":)" << json_strings(kinds) << ",\"items\":[";
  for (std::size_t i = 0; i < events.size(); ++i) {
    const sim::world::EventRecord& e = *events[i];
    const auto k = std::find(kinds.begin(), kinds.end(), e.kind) - kinds.begin();
    out << (i > 0 ? "," : "") << "[" << e.month << "," << k << ","
        << json_string_html(e.actor >= 0 ? r.agent_ids[static_cast<std::size_t>(e.actor)] : "")
        << "," << json_string_html(e.text) << "]";
  }
  out << "]}}";
}

void write_difference_json(std::ostream& out, const std::vector<ReportRun>& runs,
                           const Difference& diff) {
  out << "{\"a\":" << json_string_html(runs.front().label)
      << ",\"b\":" << json_string_html(runs[diff.b].label) << ",\"run\":" << diff.b;
  if (!diff.comparison) {
    out << ",\"error\":" << json_string_html(diff.error) << ",\"groups\":[]}";
    return;
  }
  const Comparison& c = *diff.comparison;
  out << ",\"month\":" << json_string_html(c.month)
      << ",\"flows_from\":" << json_string_html(c.flows_from) << ",\"pairs\":" << c.pairs
      << ",\"method\":" << json_string_html(method_name(c.interval.method))
      << ",\"level\":" << json_number(c.interval.level) << ",\"groups\":[";
  for (std::size_t g = 0; g < diff.groups.size(); ++g) {
    const DiffGroup& group = diff.groups[g];
    out << (g > 0 ? "," : "") << "{\"id\":" << json_string_html(group.id)
        << ",\"title\":" << json_string_html(group.title)
        << ",\"units\":" << json_string_html(group.units) << ",\"rows\":[";
    for (std::size_t i = 0; i < group.rows.size(); ++i) {
      const DiffRow& row = group.rows[i];
      const PairedDifference& s = row.stats;
      out << (i > 0 ? "," : "") << "{\"label\":" << json_string_html(row.label) << ",\"n\":" << s.n
          << ",\"mean_a\":" << json_number(s.mean_a) << ",\"mean_b\":" << json_number(s.mean_b)
          << ",\"mean_diff\":" << json_number(s.mean_diff)
          << ",\"ci_low\":" << (s.ci ? json_number(s.ci->low) : "null")
          << ",\"ci_high\":" << (s.ci ? json_number(s.ci->high) : "null")
          << ",\"share_b_greater\":" << json_number(s.share_b_greater) << "}";
    }
    out << "]}";
  }
  out << "]}";
}

/// Whether a note of `compare` is about what the page shows: its default set also holds
/// chip imports by country and investment built, which the page leaves out.
bool shown_note(const std::string& note) {
  const std::array<const char*, 2> hidden = {"country/chip_imports_units",
                                             "agent/investment_built_usd"};
  return std::none_of(hidden.begin(), hidden.end(),
                      [&note](const char* prefix) { return note.rfind(prefix, 0) == 0; });
}

void write_differences_section(std::ostream& out, const std::vector<ReportRun>& runs,
                               const std::vector<Difference>& diffs, const ReportOptions& options) {
  const int confidence = static_cast<int>(std::lround(options.interval.level * 100.0));
  out << "<section id=\"differences\">\n<h2>Differences between the runs</h2>\n"
      << "<p>Each later run minus the first, <strong>" << html(runs.front().label)
      << "</strong> (A): B &minus; A for replicate r of both runs, averaged over the pairs. "
      << "Runs with the same seed share their random numbers replicate by replicate, so a "
      << "difference is the effect of what differs between them, not chance. Bars: the mean "
      << "difference; whiskers: its " << confidence << "% confidence interval ("
      << (options.interval.method == IntervalMethod::t ? "Student t" : "percentile bootstrap")
      << "; none with a single pair).</p>\n";
  for (const Difference& d : diffs) {
    const std::string pair = html(runs[d.b].label) + " &minus; " + html(runs.front().label);
    if (!d.comparison) {
      out << "<p class=\"warning\">" << pair << ": not compared: " << html(d.error) << "</p>\n";
      continue;
    }
    const Comparison& c = *d.comparison;
    out << "<p>" << pair << ": " << c.pairs << (c.pairs == 1 ? " pair" : " pairs") << "; levels at "
        << c.month << ", flows summed " << c.flows_from << " to " << c.month << ".</p>\n";
    if (!c.mismatches.empty() || std::any_of(c.notes.begin(), c.notes.end(), shown_note)) {
      out << "<ul class=\"notes\">\n";
      for (const std::string& m : c.mismatches)
        out << "<li class=\"warning\">not like for like: " << html(m) << "</li>\n";
      for (const std::string& n : c.notes)
        if (shown_note(n)) out << "<li>" << html(n) << "</li>\n";
      out << "</ul>\n";
    }
  }
  // a chart for each group some pair of runs has rows in
  const std::array<std::pair<const char*, const char*>, 3> groups = {{
      {"compute",
       "Installed AI compute of each bloc's labs at the month compared, B &minus; A, in "
       "H100-equivalents."},
      {"usd",
       "Chipmakers' revenue summed over the months compared, and investment pledged "
       "(cumulative) by the agents that pledged any, B &minus; A, in US dollars."},
      {"chips",
       "Chips sold over the months compared, by channel (legal, under licence, diverted), "
       "B &minus; A."},
  }};
  for (const auto& [id, caption] : groups)
    if (std::any_of(diffs.begin(), diffs.end(), [wanted = std::string(id)](const Difference& d) {
          return std::any_of(d.groups.begin(), d.groups.end(),
                             [&wanted](const DiffGroup& g) { return g.id == wanted; });
        }))
      chart(out, std::string("diff-") + id, caption);
  chart(out, "overlay-compute",
        "Compute stock by bloc in every run (mean over replicates): colour is the bloc, the "
        "line style the run.",
        "<label class=\"control\"><input type=\"checkbox\" data-log-scale=\"overlay-compute\">"
        " logarithmic scale</label>\n");
  out << "</section>\n";
}

void write_run_section(std::ostream& out, const ReportRun& run, std::size_t index,
                       const std::vector<const sim::world::EventRecord*>& events) {
  const RunResults& r = run.results;
  const std::string i = std::to_string(index);
  const std::string over =
      r.replicates > 1 ? concat("the mean over ", r.replicates, " replicates") : "one replicate";
  out << "<section id=\"run-" << i << "\" class=\"run\">\n<h2>" << html(run.label) << ": "
      << html(r.scenario_name) << "</h2>\n<p>Seed " << r.seed << ", " << r.replicates
      << (r.replicates == 1 ? " replicate" : " replicates") << ", " << html(describe_months(r))
      << ". Lines and bars show " << over << ".</p>\n";
  chart(out, "stock-" + i,
        concat("Installed AI compute of each bloc's labs at month end, in H100-equivalents: ", over,
               r.replicates > 1
                   ? "; the shaded band runs from the 5% to the 95% quantile across replicates."
                   : "."),
        R"(<label class="control"><input type="checkbox" data-log-scale="stock-)" + i +
            "\"> logarithmic scale</label>\n");
  chart(out, "flows-" + i,
        "Chips sold each month by channel (the trade table): legal, under an export licence, "
        "or diverted through third countries; stacked.");
  chart(out, "revenue-" + i, "Sales revenue of each chipmaker and foundry, each month, in USD.");
  chart(out, "writedowns-" + i,
        "Inventory and chips in production written off each month, by firm, in USD (a new "
        "control can leave a product with no buyer).");
  chart(out, "timeline-" + i,
        concat("Events and decisions of replicate 0",
               r.replicates > 1 ? " (chance events "
                                  "differ between "
                                  "replicates)"
                                : "",
               ", by month and kind; a larger marker holds several events. Point at a marker "
               "to read them; the list below has them all."));
  out << "<details class=\"event-list\" open><summary>Events and decisions, replicate 0 ("
      << events.size() << ")</summary>\n";
  event_list(out, r, events);
  out << "</details>\n</section>\n";
}

}  // namespace

void write_report(std::ostream& out, const std::vector<ReportRun>& runs,
                  const ReportOptions& options) {
  if (runs.empty()) throw sim::ConfigError("report: error: no result file to report on");
  std::vector<RunData> data;
  std::vector<std::vector<const sim::world::EventRecord*>> events;
  for (const ReportRun& run : runs) {
    data.push_back(run_data(run));
    events.push_back(first_replicate_events(run.results));
  }
  std::vector<Difference> diffs;
  for (std::size_t b = 1; b < runs.size(); ++b) diffs.push_back(difference(runs, data, b, options));

  const std::string title =
      options.title.empty() ? "chipsim report: " + scenario_names(runs) : options.title;
  const std::string chart_version = chart_js_version();
  out << "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
      << "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
      << R"(<meta name="generator" content=")" << html(options.generator) << "\">\n"
      << "<title>" << html(title) << "</title>\n<style>\n"
      << detail::report_css() << "</style>\n</head>\n<body>\n<header>\n<h1>" << html(title)
      << "</h1>\n<table class=\"runs\">\n<thead><tr><th>file</th><th>scenario</th><th>seed</th>"
      << "<th>replicates</th><th>months</th><th>written by</th><th>created (UTC)</th></tr>"
      << "</thead>\n<tbody>\n";
  for (std::size_t i = 0; i < runs.size(); ++i) {
    const RunResults& r = runs[i].results;
    out << "<tr><td><a href=\"#run-" << i << "\">" << html(runs[i].label) << "</a></td><td>"
        << html(r.scenario_name) << "</td><td>" << r.seed << "</td><td>" << r.replicates
        << "</td><td>" << html(describe_months(r)) << "</td><td>chipsim " << html(r.chipsim_version)
        << "</td><td>" << html(r.created_utc) << "</td></tr>\n";
  }
  out << "</tbody>\n</table>\n";
  if (runs.size() > 1)
    out << "<p><a href=\"#differences\">Differences between the runs</a> come first, then each "
           "run on its own.</p>\n";
  out << "</header>\n<main>\n";
  if (runs.size() > 1) write_differences_section(out, runs, diffs, options);
  for (std::size_t i = 0; i < runs.size(); ++i) write_run_section(out, runs[i], i, events[i]);
  out << "</main>\n<footer>\n<p>Made by " << html(options.generator)
      << ". Charts drawn by Chart.js " << html(chart_version)
      << " (MIT licence; its notice is in the page source), bundled into this page: it needs "
         "no network.</p>\n</footer>\n"
      << "<pre id=\"render-check\" hidden></pre>\n"
      << "<script type=\"application/json\" id=\"report-data\">\n{\"generator\":"
      << json_string_html(options.generator) << ",\"chart_js\":" << json_string_html(chart_version)
      << ",\"runs\":[";
  for (std::size_t i = 0; i < runs.size(); ++i) {
    if (i > 0) out << ",\n";
    write_run_json(out, runs[i], data[i], events[i]);
  }
  out << "],\n\"differences\":[";
  for (std::size_t i = 0; i < diffs.size(); ++i) {
    if (i > 0) out << ",\n";
    write_difference_json(out, runs, diffs[i]);
  }
  out << "]}\n</script>\n<script>\n"
      << inline_script(detail::chart_js()) << "\n</script>\n<script>\n"
      << inline_script(detail::report_js()) << "\n</script>\n</body>\n</html>\n";
}

}  // namespace analysis
