#pragma once

#include <string>
#include <vector>

#include "sim/world/results.hpp"

namespace analysis {

/// A public aggregate the historical scenario is fitted to, beside what a run produced.
struct Aggregate {
  std::string name;
  std::string unit;
  double model = 0;  ///< mean over replicates
  double target = 0;
  double low = 0;  ///< the target's range (tolerance)
  double high = 0;
  std::string source;  ///< URL, and whether reported or estimate
  bool within() const { return low <= model && model <= high; }
};

/// The fitted aggregates (docs/calibration.md) computed from a run of a scenario with the
/// built-in catalogue's ids (nvidia, amd, h20, chn...). Aggregates whose months or ids the run
/// lacks are left out.
std::vector<Aggregate> historical_aggregates(const sim::world::RunResults& results);

/// A fixed-width table of the aggregates: name, model, target, range, within or not.
std::string format_aggregates(const std::vector<Aggregate>& aggregates);

}  // namespace analysis
