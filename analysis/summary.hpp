#pragma once

#include <string>
#include <utility>
#include <vector>

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

/// Computes the headline numbers. @throws sim::IoError when a core metric is missing.
Headline headline(const sim::world::RunResults& results);

/// A short human-readable summary (a dozen lines at most) for the terminal.
std::string format_summary(const sim::world::RunResults& results);

}  // namespace analysis
