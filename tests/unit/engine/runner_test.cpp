#include "sim/engine/runner.hpp"

#include <tbb/global_control.h>

#include <catch2/catch.hpp>
#include <cstring>
#include <string>
#include <vector>

using namespace sim::engine;

namespace {

/// A toy model: each agent draws a number per step; resolve sums them in agent order.
class ToyModel final : public Model {
 public:
  explicit ToyModel(std::size_t agents) : draws_(agents, 0.0) {}
  std::size_t agent_count() const override { return draws_.size(); }
  void observe(const Step& step) override {
    trace_ += 'o';
    trace_ += std::to_string(step.index);
  }
  void decide(const Step& /*step*/, std::size_t agent, Rng& rng) override {
    draws_[agent] = rng.uniform();
  }
  void resolve(const Step& /*step*/, const StreamFactory& /*streams*/) override {
    double sum = 0;
    for (double d : draws_) sum += d;
    totals_.push_back(sum);
    trace_ += "r";
  }
  void account(const Step& /*step*/) override { trace_ += "a"; }
  void record(const Step& step) override {
    trace_ += "w";
    next_ = step.index + 1;
  }
  // the state is the totals so far: doubles copied byte for byte, after the next step's index
  std::string save() const override {
    std::string bytes(sizeof next_ + totals_.size() * sizeof(double), '\0');
    std::memcpy(bytes.data(), &next_, sizeof next_);
    std::memcpy(&bytes[sizeof next_], totals_.data(), totals_.size() * sizeof(double));
    return bytes;
  }
  void restore(std::string_view bytes) override {
    std::memcpy(&next_, bytes.data(), sizeof next_);
    totals_.resize((bytes.size() - sizeof next_) / sizeof(double));
    std::memcpy(totals_.data(), bytes.data() + sizeof next_, totals_.size() * sizeof(double));
  }
  int next_step() const override { return next_; }

  const std::vector<double>& totals() const { return totals_; }
  const std::string& trace() const { return trace_; }

 private:
  std::vector<double> totals_;
  std::string trace_;
  std::vector<double> draws_;
  int next_ = 0;
};

std::vector<double> run_toy(int threads, std::uint64_t seed) {
  tbb::global_control limit(tbb::global_control::max_allowed_parallelism,
                            static_cast<std::size_t>(threads));
  ToyModel model(1000);
  Runner runner(Calendar(Month::from_year_month(2024, 1), Month::from_year_month(2024, 12)), seed);
  runner.run(model, 0);
  return model.totals();
}

}  // namespace

TEST_CASE("engine::Runner: runs the phases in order, month by month", "[engine][runner]") {
  ToyModel model(3);
  Runner runner(Calendar(Month::from_year_month(2024, 1), Month::from_year_month(2024, 3)), 1);
  runner.run(model, 0);
  CHECK(model.trace() ==
        "o0raw"
        "o1raw"
        "o2raw");
}

TEST_CASE("engine::Runner: results do not depend on the thread count",
          "[engine][runner][parallel]") {
  const std::vector<double> one = run_toy(1, 7);
  const std::vector<double> two = run_toy(2, 7);
  const std::vector<double> eight = run_toy(8, 7);
  REQUIRE(one.size() == 12);
  CHECK(one == two);  // bit-identical, not approximately equal
  CHECK(one == eight);
  CHECK(run_toy(2, 8) != one);  // and the seed matters
}

TEST_CASE("engine::run_replicates: runs each replicate exactly once",
          "[engine][runner][parallel]") {
  std::vector<int> runs(50, 0);
  run_replicates(50, [&](std::uint64_t r) { runs[r] += 1; });
  CHECK(std::count(runs.begin(), runs.end(), 1) == 50);
}

TEST_CASE("engine::Runner: a model restored from a checkpoint continues bit-identically",
          "[engine][runner][checkpoint]") {
  const Runner runner(Calendar(Month::from_year_month(2024, 1), Month::from_year_month(2024, 12)),
                      7);
  ToyModel whole(100);
  runner.run(whole, 0);

  ToyModel first(100);
  for (int t = 0; t < 5; ++t) runner.step(first, 0, t);
  const std::string checkpoint = first.save();
  ToyModel second(100);
  second.restore(checkpoint);
  REQUIRE(second.next_step() == 5);
  runner.run(second, 0, second.next_step());
  REQUIRE(second.totals().size() == 12);
  CHECK(second.totals() == whole.totals());  // months 6..12 drawn from the same streams
}
