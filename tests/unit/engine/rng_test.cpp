#include "sim/engine/rng.hpp"

#include <catch2/catch.hpp>
#include <cmath>
#include <vector>

using sim::engine::Purpose;
using sim::engine::Rng;
using sim::engine::StreamFactory;
using sim::engine::StreamKey;

TEST_CASE("engine::Rng: a stream is a pure function of its key", "[engine][rng]") {
  const StreamFactory f(42, 3);
  Rng a = f.stream(7, 11, Purpose::decide);
  Rng b = f.stream(7, 11, Purpose::decide);
  for (int i = 0; i < 100; ++i) CHECK(a.next_u64() == b.next_u64());
}

TEST_CASE("engine::Rng: every key component changes the stream", "[engine][rng]") {
  const std::uint64_t base = Rng(StreamKey{1, 2, 3, 4, 5}).next_u64();
  CHECK(Rng(StreamKey{9, 2, 3, 4, 5}).next_u64() != base);
  CHECK(Rng(StreamKey{1, 9, 3, 4, 5}).next_u64() != base);
  CHECK(Rng(StreamKey{1, 2, 9, 4, 5}).next_u64() != base);
  CHECK(Rng(StreamKey{1, 2, 3, 9, 5}).next_u64() != base);
  CHECK(Rng(StreamKey{1, 2, 3, 4, 9}).next_u64() != base);
}

TEST_CASE("engine::Rng: uniform draws have the moments of U(0,1)", "[engine][rng]") {
  // mean 1/2 and variance 1/12; with n = 200000 the standard error of the mean is ~0.00065
  Rng rng(StreamKey{123, 0, 0, 0, 1});
  const int n = 200000;
  double sum = 0;
  double sum_sq = 0;
  for (int i = 0; i < n; ++i) {
    const double u = rng.uniform();
    REQUIRE(u >= 0.0);
    REQUIRE(u < 1.0);
    sum += u;
    sum_sq += u * u;
  }
  const double mean = sum / n;
  CHECK(mean == Approx(0.5).margin(0.004));
  CHECK(sum_sq / n - mean * mean == Approx(1.0 / 12.0).margin(0.002));
}

TEST_CASE("engine::Rng: normal draws have mean 0 and variance 1", "[engine][rng]") {
  Rng rng(StreamKey{5, 0, 0, 0, 1});
  const int n = 100000;
  double sum = 0;
  double sum_sq = 0;
  for (int i = 0; i < n; ++i) {
    const double z = rng.normal();
    sum += z;
    sum_sq += z * z;
  }
  CHECK(sum / n == Approx(0.0).margin(0.015));
  CHECK(sum_sq / n == Approx(1.0).margin(0.02));
}

TEST_CASE("engine::Rng: bernoulli respects its edges and its rate", "[engine][rng]") {
  Rng rng(StreamKey{8, 0, 0, 0, 1});
  int hits = 0;
  for (int i = 0; i < 10000; ++i) {
    CHECK_FALSE(rng.bernoulli(0.0));
    CHECK(rng.bernoulli(1.0));
    hits += rng.bernoulli(0.25) ? 1 : 0;
  }
  CHECK(hits == Approx(2500).margin(150));  // sd = sqrt(10000 * 0.25 * 0.75) = 43
}
