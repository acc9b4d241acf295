#include "sim/engine/runner.hpp"

#include <tbb/blocked_range.h>

#include "sim/engine/parallel.hpp"

namespace sim::engine {

void Runner::step(Model& model, std::uint64_t replicate, int index) const {
  const Step step{index, calendar_.at(index), replicate};
  model.observe(step);
  const std::size_t n = model.agent_count();
  // each agent's stream is keyed by its identity, so which thread runs it cannot matter
  sim::engine::parallel_for(
      tbb::blocked_range<std::size_t>(0, n, 64), [&](const tbb::blocked_range<std::size_t>& range) {
        for (std::size_t agent = range.begin(); agent != range.end(); ++agent) {
          Rng rng = StreamFactory(seed_, replicate)
                        .stream(agent, static_cast<std::uint64_t>(index), Purpose::decide);
          model.decide(step, agent, rng);
        }
      });
  model.resolve(step, StreamFactory(seed_, replicate));
  model.account(step);
  model.record(step);
}

void Runner::run(Model& model, std::uint64_t replicate, int first_step,
                 const ProgressFn& progress) const {
  for (int index = first_step; index < calendar_.size(); ++index) {
    step(model, replicate, index);
    if (progress) progress();
  }
}

void run_replicates(std::uint64_t replicates, const std::function<void(std::uint64_t)>& run_one) {
  sim::engine::parallel_for(tbb::blocked_range<std::uint64_t>(0, replicates, 1),
                            [&](const tbb::blocked_range<std::uint64_t>& range) {
                              for (std::uint64_t r = range.begin(); r != range.end(); ++r)
                                run_one(r);
                            });
}

}  // namespace sim::engine
