#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "analysis/stats.hpp"
#include "sim/world/results.hpp"

namespace analysis {

/// The headline numbers of a run at its last month, each the mean over replicates.
struct Headline {
  std::string last_month;
  std::vector<std::pair<std::string, double>> compute_by_bloc_h100e;     ///< bloc -> stock, by bloc
  std::vector<std::pair<std::string, double>> revenue_by_chipmaker_usd;  ///< cumulative
  double chips_sold = 0;  ///< cumulative, all channels
  double chips_legal = 0;
  double chips_licensed = 0;
  double chips_diverted = 0;
  std::size_t events = 0;  ///< per replicate, mean
};

/// The metric `/metrics/AXIS/NAME` of a result. @throws sim::IoError when it has none.
const sim::world::Metric& require_metric(const sim::world::RunResults& results,
                                         sim::world::MetricAxis axis, const char* name);

/// Computes the headline numbers. @throws sim::IoError when a core metric is missing.
Headline headline(const sim::world::RunResults& results);

/// A short human-readable summary (a dozen lines at most) for the terminal.
std::string format_summary(const sim::world::RunResults& results);

/// One headline number across replicates at one month.
struct BandRow {
  std::string metric;  ///< e.g. "compute stock (H100e)"
  std::string entity;  ///< a bloc or a chipmaker
  std::string month;   ///< YYYY-MM
  Band band;           ///< mean and 5/50/95% quantiles over replicates
};

/// The headline numbers (compute stock by bloc at the month; each chipmaker's revenue and chips
/// sold, summed from the first month through it) across replicates at each of `months`.
/// @throws sim::ConfigError naming a month the results do not have.
std::vector<BandRow> ensemble_bands(const sim::world::RunResults& results,
                                    const std::vector<std::string>& months);

/// The bands as an aligned table, one row per metric, entity and month.
std::string format_bands(const std::vector<BandRow>& rows, std::uint64_t replicates);

}  // namespace analysis
