#pragma once

#include <iosfwd>
#include <string>
#include <vector>

#include "analysis/stats.hpp"
#include "sim/world/results.hpp"

/// HTML reports over result files (`chipsim report`, docs/report.md): one self-contained page
/// whose charts are drawn by Chart.js, bundled into the page, so it needs no network at view time.
namespace analysis {

/// One run shown in a report.
struct ReportRun {
  std::string label;  ///< how the page names the run: its file name, or e.g. "history"
  const sim::world::RunResults& results;  ///< must outlive the write_report call
};

/// How a report is made.
struct ReportOptions {
  /// Who made the page, shown in its header and footer, e.g. "chipsim 0.1.0".
  std::string generator = "chipsim";
  /// The page's title; empty: "chipsim report: " and the runs' scenario names.
  std::string title;
  /// The confidence intervals of the differences between runs (Student t at 95% by default).
  IntervalSpec interval;
};

/// Writes one HTML page to `out` with, for each run in order: compute stock by bloc over time
/// (the mean over replicates, with a shaded band from the 5% to the 95% quantile (type 7) when
/// there are several), chips sold per month by channel (`/trade/flows`, mean over replicates),
/// revenue by firm (chipmakers and foundries, mean), write-downs by firm (mean), and a timeline
/// of replicate 0's events with decisions marked, followed by the same events as a list. With
/// two runs or more, it first shows each later run minus the first (B - A, paired by replicate
/// as `compare` pairs them, at the last month they share): compute stock by bloc, cumulative
/// revenue by chipmaker, investment pledged, and chips sold by channel, each with its 95%
/// interval; and the runs' compute stock by bloc in one chart. Runs that `compare` would refuse
/// (other seed, months or replicates) are compared on what they share, and the page says so.
///
/// The page inlines Chart.js (its licence header kept), its own script and style; it refers to
/// no URL. Every text from the results is escaped: HTML text for the page, JSON with `<`, `>`
/// and `&` escaped for the data block (`<script type="application/json" id="report-data">`)
/// the charts are drawn from. After drawing, the page writes a JSON summary of each chart
/// (its id, datasets, points drawn, non-blank pixels, title, axis titles and legend) into
/// `<pre id="render-check">`, for tests. The same runs and options give the same bytes.
/// @throws sim::ConfigError when `runs` is empty.
/// @throws sim::IoError naming the run's label when a run lacks a core metric
///   (`country/compute_stock_h100e`, `agent/revenue_usd`, `agent/write_down_usd`), when a
///   metric's shape does not match the run's replicates, months and ids, or when a flow or an
///   event refers to a month, agent or replicate the run does not have.
void write_report(std::ostream& out, const std::vector<ReportRun>& runs,
                  const ReportOptions& options = {});

}  // namespace analysis
