#include "analysis/summary.hpp"

#include <algorithm>
#include <array>
#include <cstdio>
#include <map>
#include <sstream>

#include "analysis/format.hpp"
#include "sim/engine/concat.hpp"
#include "sim/engine/errors.hpp"

namespace analysis {

using sim::world::MetricAxis;
using sim::world::RunResults;

const sim::world::Metric& require_metric(const RunResults& r, MetricAxis axis, const char* name) {
  const sim::world::Metric* m = r.find(axis, name);
  if (m == nullptr)
    throw sim::IoError(
        sim::concat("result has no metric /metrics/", sim::world::axis_name(axis), "/", name));
  return *m;
}

Headline headline(const RunResults& r) {
  Headline h;
  const std::size_t months = r.months.size();
  const std::size_t reps = r.replicates;
  if (months == 0 || reps == 0) return h;
  h.last_month = r.months.back();
  const double per_rep = 1.0 / static_cast<double>(reps);

  const auto& stock = require_metric(r, MetricAxis::country, "compute_stock_h100e");
  const std::size_t c = r.country_ids.size();
  std::map<std::string, double> by_bloc;
  for (std::size_t i = 0; i < c; ++i) by_bloc[r.country_blocs[i]] += 0.0;
  for (std::size_t rep = 0; rep < reps; ++rep)
    for (std::size_t i = 0; i < c; ++i)
      by_bloc[r.country_blocs[i]] += stock.values[rep][(months - 1) * c + i] * per_rep;
  h.compute_by_bloc_h100e.assign(by_bloc.begin(), by_bloc.end());

  const auto& revenue = require_metric(r, MetricAxis::agent, "revenue_usd");
  const std::size_t n = r.agent_ids.size();
  for (std::size_t a = 0; a < n; ++a) {
    if (r.agent_kinds[a] != "chipmaker") continue;
    double total = 0;
    for (std::size_t rep = 0; rep < reps; ++rep)
      for (std::size_t t = 0; t < months; ++t) total += revenue.values[rep][t * n + a] * per_rep;
    h.revenue_by_chipmaker_usd.emplace_back(r.agent_ids[a], total);
  }

  for (const auto& f : r.flows) {
    const double u = f.units * per_rep;
    h.chips_sold += u;
    switch (f.channel) {
      case sim::world::Channel::legal:
        h.chips_legal += u;
        break;
      case sim::world::Channel::licensed:
        h.chips_licensed += u;
        break;
      case sim::world::Channel::diverted:
        h.chips_diverted += u;
        break;
    }
  }
  h.events = r.events.size() / reps;
  return h;
}

std::string format_summary(const RunResults& r) {
  const Headline h = headline(r);
  std::ostringstream out;
  out << "scenario " << r.scenario_name << ": " << (r.months.empty() ? "" : r.months.front())
      << " to " << h.last_month << ", seed " << r.seed << ", " << r.replicates << " replicate"
      << (r.replicates == 1 ? "" : "s") << (r.replicates > 1 ? " (means shown)" : "") << "\n";
  out << "  compute stock at " << h.last_month << " (H100e):";
  for (const auto& [bloc, v] : h.compute_by_bloc_h100e)
    out << "  " << bloc << " " << human_number(v);
  out << "\n  chipmaker revenue, whole run (USD):";
  for (const auto& [id, v] : h.revenue_by_chipmaker_usd)
    out << "  " << id << " " << human_number(v);
  out << "\n  chips sold: " << human_number(h.chips_sold) << " (legal "
      << human_number(h.chips_legal) << ", licensed " << human_number(h.chips_licensed)
      << ", diverted " << human_number(h.chips_diverted) << ")\n  events logged: " << h.events
      << "\n";
  return out.str();
}

std::vector<BandRow> ensemble_bands(const RunResults& r, const std::vector<std::string>& months) {
  std::vector<BandRow> rows;
  const std::size_t reps = r.replicates;
  if (reps == 0) return rows;
  const auto& stock = require_metric(r, MetricAxis::country, "compute_stock_h100e");
  const auto& revenue = require_metric(r, MetricAxis::agent, "revenue_usd");
  const auto& sold = require_metric(r, MetricAxis::agent, "units_sold");
  const std::size_t c = r.country_ids.size();
  const std::size_t n = r.agent_ids.size();
  std::vector<std::string> blocs;
  for (const std::string& b : r.country_blocs)
    if (std::find(blocs.begin(), blocs.end(), b) == blocs.end()) blocs.push_back(b);
  std::sort(blocs.begin(), blocs.end());
  for (const std::string& month : months) {
    const auto it = std::find(r.months.begin(), r.months.end(), month);
    if (it == r.months.end())
      throw sim::ConfigError(sim::concat("month ", month, " is not in the results (",
                                         r.months.empty() ? "" : r.months.front(), " to ",
                                         r.months.empty() ? "" : r.months.back(), ")"));
    const std::size_t t = static_cast<std::size_t>(it - r.months.begin());
    std::vector<double> v(reps);
    for (const std::string& bloc : blocs) {
      for (std::size_t rep = 0; rep < reps; ++rep) {
        v[rep] = 0;
        for (std::size_t i = 0; i < c; ++i)
          if (r.country_blocs[i] == bloc) v[rep] += stock.values[rep][t * c + i];
      }
      rows.push_back({"compute stock (H100e)", bloc, month, band(v)});
    }
    for (std::size_t a = 0; a < n; ++a) {
      if (r.agent_kinds[a] != "chipmaker") continue;
      for (const auto* metric : {&revenue, &sold}) {
        for (std::size_t rep = 0; rep < reps; ++rep) {
          v[rep] = 0;
          for (std::size_t s = 0; s <= t; ++s) v[rep] += metric->values[rep][s * n + a];
        }
        rows.push_back({metric == &revenue ? "revenue to date (USD)" : "chips sold to date",
                        r.agent_ids[a], month, band(v)});
      }
    }
  }
  return rows;
}

std::string format_bands(const std::vector<BandRow>& rows, std::uint64_t replicates) {
  std::ostringstream out;
  std::array<char, 160> line{};
  std::snprintf(line.data(), line.size(), "  %-24s %-12s %-8s %9s %9s %9s %9s\n",
                "across replicates", "", "month", "mean", "5%", "median", "95%");
  out << "  " << replicates << " replicates: mean and 5/50/95% quantiles\n" << line.data();
  for (const BandRow& row : rows) {
    std::snprintf(line.data(), line.size(), "  %-24s %-12s %-8s %9s %9s %9s %9s\n",
                  row.metric.c_str(), row.entity.c_str(), row.month.c_str(),
                  human_number(row.band.mean).c_str(), human_number(row.band.q05).c_str(),
                  human_number(row.band.q50).c_str(), human_number(row.band.q95).c_str());
    out << line.data();
  }
  return out.str();
}

}  // namespace analysis
