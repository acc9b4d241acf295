#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "analysis/stats.hpp"
#include "sim/world/results.hpp"

/// Comparing two regimes: run A and run B of the same scenario family, paired by replicate
/// (replicate r of both shares its random numbers under the same seed, DESIGN.md), compared
/// metric by metric and entity by entity as B - A (docs/compare.md).
namespace analysis {

/// What to compare and how.
struct CompareOptions {
  /// Metrics as `AXIS/NAME`: AXIS is `country`, `agent`, `product` or `policy` (a dataset
  /// `/metrics/AXIS/NAME`), or `bloc` (a country metric summed over the countries of each bloc).
  /// Empty: `default_metrics()`, with their entity filters.
  std::vector<std::string> metrics;
  /// The month compared, `YYYY-MM`; empty: the last month common to both runs. A level metric
  /// is read at this month; a flow metric is summed from the first common month through it.
  std::string month;
  IntervalSpec interval;  ///< t (default) or percentile bootstrap, at 95% by default
  /// Compare what the runs have in common (replicates, months, entities) instead of refusing
  /// runs that differ; the differences are reported in `Comparison::mismatches`.
  bool allow_mismatch = false;
  std::string label_a = "A";  ///< how messages and tables name run A (e.g. its file)
  std::string label_b = "B";  ///< how messages and tables name run B
};

/// One row: a metric for one entity (bloc, country, agent, product or policy).
struct ComparisonRow {
  std::string metric;  ///< `AXIS/NAME` as requested, e.g. `bloc/compute_stock_h100e`
  std::string entity;  ///< the bloc, country, agent, product or policy id
  std::string units;   ///< the metric's units (may be empty)
  bool level = false;  ///< read at the month (true) or summed up to it (false)
  PairedDifference stats;
};

/// Identity of a compared run, for headers.
struct RunLabel {
  std::string label;  ///< CompareOptions::label_a or label_b
  std::string scenario_name;
  std::uint64_t seed = 0;
  std::uint64_t replicates = 0;
};

/// The result of `compare`.
struct Comparison {
  RunLabel a;
  RunLabel b;
  std::string month;       ///< YYYY-MM: levels are read here, flows summed up to here
  std::string flows_from;  ///< YYYY-MM: the first month of the flow sums
  std::size_t pairs = 0;   ///< replicates paired in every row (0 .. pairs - 1)
  IntervalSpec interval;
  /// Differences between the runs that `allow_mismatch` let through, one sentence each; empty
  /// when the runs are comparable.
  std::vector<std::string> mismatches;
  /// Other remarks, e.g. a default metric that one of the runs does not hold (it is skipped).
  std::vector<std::string> notes;
  std::vector<ComparisonRow> rows;  ///< by metric in the order asked, then by entity
};

/// The metrics compared when none is named: bloc/compute_stock_h100e (every bloc),
/// country/chip_imports_units (every country), agent/revenue_usd (chipmakers only),
/// agent/investment_pledged_usd and agent/investment_built_usd (agents whose value at the month
/// is non-zero in some replicate of either run).
std::vector<std::string> default_metrics();

/// Every `AXIS/NAME` both runs hold, in file order, then `bloc/NAME` for each country metric.
std::vector<std::string> available_metrics(const sim::world::RunResults& a,
                                           const sim::world::RunResults& b);

/// Compares run `b` with run `a`: for each metric and entity, the values of replicate r of both
/// at the month, B - A paired by replicate (`paired_difference`).
/// The runs must have the same months, seed and replicate count, and the same ids along every
/// axis compared (for blocs: the same countries in the same blocs); entities pair by id, so
/// their order may differ. With `allow_mismatch` the common replicates, months and entities are
/// compared and every difference is listed in `Comparison::mismatches`.
/// @throws sim::ConfigError naming both labels and every difference when the runs are not
///   comparable and `allow_mismatch` is off; naming the metric and listing the available ones
///   for an unknown metric (or one only one run holds); for a malformed `month` or one outside
///   the months both runs share; when the runs share no month or no replicate.
Comparison compare(const sim::world::RunResults& a, const sim::world::RunResults& b,
                   const CompareOptions& options = {});

/// A table for the terminal, at most 100 columns for ids up to 30 characters: a header saying
/// what is compared (runs, pairs, interval method, month, how flows and levels are read, any
/// mismatch and note), then one block per metric with a row per entity. Numbers use SI
/// suffixes (k, M, B, T) with three significant digits; shares are percentages; an interval
/// that is not available (a single pair) reads `n/a`.
std::string format_table(const Comparison& comparison);

/// CSV with the header
/// `metric,entity,month,n,mean_a,mean_b,mean_diff,ci_low,ci_high,share_b_greater,method`;
/// numbers in shortest round-trip form, share as a fraction in [0, 1], `n/a` for an interval
/// that is not available. Fields are quoted as RFC 4180 asks when needed.
std::string format_csv(const Comparison& comparison);

/// A JSON array with one object per row and the fields of `format_csv`; `n` is an integer, an
/// interval that is not available is `null`, strings are escaped as RFC 8259 asks.
std::string format_json(const Comparison& comparison);

}  // namespace analysis
