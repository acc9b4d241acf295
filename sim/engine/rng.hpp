#pragma once

#include <cmath>
#include <cstdint>
#include <numbers>

namespace sim::engine {

/// What a random stream is used for. Streams with different purposes never share numbers, so
/// adding a new use of randomness cannot shift the draws of an existing one.
enum class Purpose : std::uint32_t {
  decide = 1,   ///< an agent's decide phase
  resolve = 2,  ///< resolution by or on behalf of an agent (licence decisions, seizures)
  initial = 3,  ///< initial conditions
  user = 100,   ///< first id free for models
};

/// SplitMix64's finaliser (Steele, Lea, Flood 2014): a bijective 64-bit mixer.
constexpr std::uint64_t mix64(std::uint64_t x) {
  x += 0x9E3779B97F4A7C15ULL;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ULL;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBULL;
  return x ^ (x >> 31);
}

/// Identity of a random stream: (seed, replicate, agent, step, purpose). The same key always
/// yields the same numbers, whatever thread asks and in whatever order.
struct StreamKey {
  std::uint64_t seed = 0;
  std::uint64_t replicate = 0;
  std::uint64_t agent = 0;
  std::uint64_t step = 0;
  std::uint64_t purpose = 0;

  constexpr std::uint64_t hash() const {
    std::uint64_t h = mix64(seed);
    h = mix64(h ^ replicate);
    h = mix64(h ^ agent);
    h = mix64(h ^ step);
    return mix64(h ^ purpose);
  }
};

/// A counter-based random stream: draw i is `mix64(key ^ mix64(i))`. Distributions are our own
/// (std distributions are not specified bit for bit across standard libraries).
class Rng {
 public:
  explicit constexpr Rng(StreamKey key) : key_(key.hash()) {}

  /// 64 uniformly distributed bits.
  constexpr std::uint64_t next_u64() { return mix64(key_ ^ mix64(counter_++)); }

  /// Uniform on [0, 1) with 53 bits of resolution.
  constexpr double uniform() { return static_cast<double>(next_u64() >> 11) * 0x1.0p-53; }

  /// Uniform on [lo, hi).
  constexpr double uniform(double lo, double hi) { return lo + (hi - lo) * uniform(); }

  /// True with probability p (p <= 0 never, p >= 1 always).
  constexpr bool bernoulli(double p) { return uniform() < p; }

  /// Standard normal by the Box–Muller transform; uses two draws per call.
  double normal() {
    const double u1 = 1.0 - uniform();  // (0, 1]: log is finite
    const double u2 = uniform();
    return std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * std::numbers::pi * u2);
  }

  double normal(double mean, double sd) { return mean + sd * normal(); }

  /// Number of draws taken so far.
  constexpr std::uint64_t draws() const { return counter_; }

 private:
  std::uint64_t key_;
  std::uint64_t counter_ = 0;
};

/// Makes the streams of one replicate of one run.
class StreamFactory {
 public:
  constexpr StreamFactory(std::uint64_t seed, std::uint64_t replicate)
      : seed_(seed), replicate_(replicate) {}
  constexpr Rng stream(std::uint64_t agent, std::uint64_t step, Purpose purpose) const {
    return Rng(StreamKey{seed_, replicate_, agent, step, static_cast<std::uint64_t>(purpose)});
  }
  constexpr std::uint64_t seed() const { return seed_; }
  constexpr std::uint64_t replicate() const { return replicate_; }

 private:
  std::uint64_t seed_;
  std::uint64_t replicate_;
};

}  // namespace sim::engine
