#pragma once

#include <cstdint>
#include <functional>
#include <memory>

#include "sim/engine/model.hpp"
#include "sim/engine/month.hpp"

namespace sim::engine {

/// Called after each simulated month of any replicate; may be called from several threads at
/// once.
using ProgressFn = std::function<void()>;

/// Steps one model through a calendar: observe, decide (in parallel over agents with TBB),
/// resolve, account, record. The number of threads is whatever the caller's
/// `tbb::global_control` allows; results do not depend on it.
class Runner {
 public:
  Runner(Calendar calendar, std::uint64_t seed) : calendar_(calendar), seed_(seed) {}

  /// Runs replicate `replicate` of `model` over steps `first_step..calendar.size()-1`.
  void run(Model& model, std::uint64_t replicate, int first_step = 0,
           const ProgressFn& progress = {}) const;

  /// Runs one step; exposed so interactive replays can stop between months.
  void step(Model& model, std::uint64_t replicate, int index) const;

  const Calendar& calendar() const { return calendar_; }
  std::uint64_t seed() const { return seed_; }

 private:
  Calendar calendar_;
  std::uint64_t seed_;
};

/// Runs `replicates` independent replicates in parallel (TBB, nested with the agents' own
/// parallel decide phase). `run_one(r)` must build, run and store replicate r by itself and touch
/// no state shared with other replicates.
void run_replicates(std::uint64_t replicates, const std::function<void(std::uint64_t)>& run_one);

}  // namespace sim::engine
