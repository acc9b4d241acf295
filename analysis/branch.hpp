#pragma once

#include <string>
#include <vector>

#include "sim/world/results.hpp"

/// A branch against history: the headline numbers of a replay's two paths side by side at the
/// scenario's end (docs/replay.md).
namespace analysis {

/// One headline number in both paths, each the mean over replicates.
struct BranchRow {
  std::string label;  ///< e.g. "compute stock, china"
  std::string units;  ///< e.g. "H100e", "USD", "chips"
  double history = 0;
  double branch = 0;
};

/// The headline numbers, at the last month: compute stock by bloc; each chipmaker based outside
/// China's revenue from buyers in China (cumulative, from /trade/flows); investment pledged to
/// each country's government (cumulative, where non-zero in either path); chips made in China
/// (cumulative). "China" is the country with id `chn`; rows about it are left out when the
/// scenario has none. @throws sim::IoError when the runs differ in shape or lack a metric.
std::vector<BranchRow> branch_summary(const sim::world::RunResults& history,
                                      const sim::world::RunResults& branch);

/// The rows as an aligned table no wider than 80 columns: history, branch, difference (and
/// relative difference where history is non-zero).
std::string format_branch_summary(const std::vector<BranchRow>& rows, const std::string& month);

}  // namespace analysis
