#include "analysis/branch.hpp"

#include <array>
#include <cmath>
#include <cstdio>
#include <map>
#include <sstream>

#include "analysis/format.hpp"
#include "analysis/summary.hpp"
#include "sim/engine/concat.hpp"
#include "sim/engine/errors.hpp"

namespace analysis {

using sim::world::MetricAxis;
using sim::world::RunResults;

namespace {

constexpr const char* kChina = "chn";

/// Mean over replicates of entry `i` of a metric at the last month (a level).
double last_month_mean(const RunResults& r, const sim::world::Metric& m, std::size_t i) {
  const std::size_t width = r.width(m.axis);
  const std::size_t t = r.months.size() - 1;
  double sum = 0;
  for (const std::vector<double>& block : m.values) sum += block[t * width + i];
  return sum / static_cast<double>(r.replicates);
}

/// Mean over replicates of entry `i` summed over all months (a flow).
double total_mean(const RunResults& r, const sim::world::Metric& m, std::size_t i) {
  const std::size_t width = r.width(m.axis);
  double sum = 0;
  for (const std::vector<double>& block : m.values)
    for (std::size_t t = 0; t < r.months.size(); ++t) sum += block[t * width + i];
  return sum / static_cast<double>(r.replicates);
}

/// Mean over replicates of the value of flows from `seller` to buyers in `destination`.
double sales_mean(const RunResults& r, std::size_t seller, std::size_t destination) {
  double sum = 0;
  for (const sim::world::FlowRecord& f : r.flows)
    if (static_cast<std::size_t>(f.seller) == seller &&
        static_cast<std::size_t>(f.destination) == destination)
      sum += f.value_usd;
  return sum / static_cast<double>(r.replicates);
}

std::size_t index_of(const std::vector<std::string>& ids, const std::string& id) {
  for (std::size_t i = 0; i < ids.size(); ++i)
    if (ids[i] == id) return i;
  return ids.size();
}

}  // namespace

std::vector<BranchRow> branch_summary(const RunResults& history, const RunResults& branch) {
  if (history.months != branch.months || history.country_ids != branch.country_ids ||
      history.agent_ids != branch.agent_ids || history.replicates != branch.replicates)
    throw sim::IoError(
        "the branch and the history differ in months, countries, agents or "
        "replicates; they are not two paths of one scenario");
  std::vector<BranchRow> rows;
  if (history.months.empty() || history.replicates == 0) return rows;
  const std::array<const RunResults*, 2> runs = {&history, &branch};

  // compute stock by bloc, blocs in order of first appearance
  std::vector<std::string> blocs;
  for (const std::string& b : history.country_blocs)
    if (index_of(blocs, b) == blocs.size()) blocs.push_back(b);
  for (const std::string& bloc : blocs) {
    BranchRow row{sim::concat("compute stock, ", bloc), "H100e", 0, 0};
    for (std::size_t k = 0; k < runs.size(); ++k) {
      const auto& stock = require_metric(*runs[k], MetricAxis::country, "compute_stock_h100e");
      double& value = k == 0 ? row.history : row.branch;
      for (std::size_t c = 0; c < history.country_ids.size(); ++c)
        if (history.country_blocs[c] == bloc) value += last_month_mean(*runs[k], stock, c);
    }
    rows.push_back(row);
  }

  const std::size_t china = index_of(history.country_ids, kChina);
  if (china < history.country_ids.size()) {
    for (std::size_t a = 0; a < history.agent_ids.size(); ++a) {
      if (history.agent_kinds[a] != "chipmaker" || history.agent_countries[a] == kChina) continue;
      const BranchRow row{sim::concat(history.agent_ids[a], " revenue from China"), "USD",
                          sales_mean(history, a, china), sales_mean(branch, a, china)};
      if (row.history != 0 || row.branch != 0) rows.push_back(row);
    }
  }

  for (std::size_t c = 0; c < history.country_ids.size(); ++c) {
    BranchRow row{sim::concat("investment pledged in ", history.country_ids[c]), "USD", 0, 0};
    row.history = last_month_mean(
        history, require_metric(history, MetricAxis::country, "investment_pledged_usd"), c);
    row.branch = last_month_mean(
        branch, require_metric(branch, MetricAxis::country, "investment_pledged_usd"), c);
    if (row.history != 0 || row.branch != 0) rows.push_back(row);
  }

  if (china < history.country_ids.size()) {
    rows.push_back(
        {"chips made in China", "chips",
         total_mean(history, require_metric(history, MetricAxis::country, "chips_produced_units"),
                    china),
         total_mean(branch, require_metric(branch, MetricAxis::country, "chips_produced_units"),
                    china)});
  }
  return rows;
}

std::string format_branch_summary(const std::vector<BranchRow>& rows, const std::string& month) {
  std::ostringstream out;
  std::array<char, 160> line{};
  std::snprintf(line.data(), line.size(), "%-34s %10s %10s %11s %9s\n",
                sim::concat("at ", month, " (flows: whole run)").c_str(), "history", "branch",
                "difference", "change");
  out << line.data();
  for (const BranchRow& r : rows) {
    const double diff = r.branch - r.history;
    const std::string sign = diff > 0 ? "+" : "";
    std::string change = "-";
    if (r.history != 0) {
      std::array<char, 32> pct{};
      std::snprintf(pct.data(), pct.size(), "%+.1f%%", 100.0 * diff / std::fabs(r.history));
      change = pct.data();
    }
    const std::string label = sim::concat(r.label, " (", r.units, ")");
    std::snprintf(line.data(), line.size(), "%-34.34s %10s %10s %11s %9s\n", label.c_str(),
                  human_number(r.history).c_str(), human_number(r.branch).c_str(),
                  (diff == 0 ? std::string("0") : sign + human_number(diff)).c_str(),
                  change.c_str());
    out << line.data();
  }
  return out.str();
}

}  // namespace analysis
