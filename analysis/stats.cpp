#include "analysis/stats.hpp"

#include <algorithm>
#include <boost/math/distributions/students_t.hpp>
#include <cmath>
#include <vector>

#include "sim/engine/errors.hpp"
#include "sim/engine/rng.hpp"

namespace analysis {

namespace {

/// The purpose under which the bootstrap's stream is keyed: one past the first id free for
/// models, so it never coincides with a stream a run draws from.
constexpr std::uint64_t kBootstrapPurpose =
    static_cast<std::uint64_t>(sim::engine::Purpose::user) + 1;

bool all_equal(std::span<const double> values) {
  return std::adjacent_find(values.begin(), values.end(), std::not_equal_to<>()) == values.end();
}

/// Uniform on [0, n) without modulo bias: rejects the lowest 2^64 mod n draws (as OpenBSD's
/// arc4random_uniform does), so every index is equally likely. Precondition: n > 0.
std::size_t uniform_index(sim::engine::Rng& rng, std::size_t n) {
  const auto bound = static_cast<std::uint64_t>(n);
  const std::uint64_t reject_below = (0 - bound) % bound;  // 2^64 mod n
  std::uint64_t x = rng.next_u64();
  while (x < reject_below) x = rng.next_u64();
  return static_cast<std::size_t>(x % bound);
}

}  // namespace

double mean(std::span<const double> values) {
  SIM_ASSERT(!values.empty(), "mean of no values");
  // shifted by the first value: exact when all values are equal, and no worse otherwise
  const double shift = values.front();
  double sum = 0;
  for (double v : values) sum += v - shift;
  return shift + sum / static_cast<double>(values.size());
}

double sample_sd(std::span<const double> values) {
  SIM_ASSERT(values.size() >= 2, "sample standard deviation needs at least two values");
  // exactly 0 for constant values, whatever the rounding of their mean
  if (all_equal(values)) return 0.0;
  const double m = mean(values);
  double squares = 0;
  for (double v : values) squares += (v - m) * (v - m);
  return std::sqrt(squares / static_cast<double>(values.size() - 1));
}

double quantile_sorted(std::span<const double> sorted, double p) {
  SIM_ASSERT(!sorted.empty(), "quantile of no values");
  SIM_ASSERT(p >= 0.0 && p <= 1.0, "quantile probability outside [0, 1]");
  // type 7: h = (n - 1) p, interpolate between the order statistics either side of h
  const double h = static_cast<double>(sorted.size() - 1) * p;
  const double below = std::floor(h);
  const auto lo = static_cast<std::size_t>(below);
  const std::size_t hi = std::min(lo + 1, sorted.size() - 1);
  return sorted[lo] + (h - below) * (sorted[hi] - sorted[lo]);
}

double quantile(std::span<const double> values, double p) {
  std::vector<double> sorted(values.begin(), values.end());
  std::sort(sorted.begin(), sorted.end());
  return quantile_sorted(sorted, p);
}

Band band(std::span<const double> values) {
  std::vector<double> sorted(values.begin(), values.end());
  std::sort(sorted.begin(), sorted.end());
  return Band{mean(values), quantile_sorted(sorted, 0.05), quantile_sorted(sorted, 0.5),
              quantile_sorted(sorted, 0.95)};
}

std::optional<Interval> t_interval(std::span<const double> values, double level) {
  SIM_ASSERT(level > 0.0 && level < 1.0, "confidence level outside (0, 1)");
  if (values.size() < 2) return std::nullopt;
  const double m = mean(values);
  const double sd = sample_sd(values);
  if (sd == 0.0) return Interval{m, m};
  const auto n = static_cast<double>(values.size());
  const boost::math::students_t_distribution<double> t(n - 1.0);
  const double half_width = boost::math::quantile(t, 1.0 - (1.0 - level) / 2.0) * sd / std::sqrt(n);
  return Interval{m - half_width, m + half_width};
}

std::optional<Interval> bootstrap_interval(std::span<const double> values, BootstrapSpec spec,
                                           double level) {
  SIM_ASSERT(level > 0.0 && level < 1.0, "confidence level outside (0, 1)");
  SIM_ASSERT(spec.resamples >= 1, "a bootstrap needs at least one resample");
  if (values.size() < 2) return std::nullopt;
  if (all_equal(values)) {
    const double m = mean(values);
    return Interval{m, m};
  }
  // one stream for the whole bootstrap: resample k takes draws n k .. n (k + 1) - 1 (plus any
  // rejected ones), so the interval depends on the seed and the values only
  sim::engine::Rng rng(sim::engine::StreamKey{spec.seed, 0, 0, 0, kBootstrapPurpose});
  const std::size_t n = values.size();
  std::vector<double> means(spec.resamples);
  for (double& resample_mean : means) {
    double sum = 0;
    for (std::size_t i = 0; i < n; ++i) sum += values[uniform_index(rng, n)];
    resample_mean = sum / static_cast<double>(n);
  }
  std::sort(means.begin(), means.end());
  const double tail = (1.0 - level) / 2.0;
  return Interval{quantile_sorted(means, tail), quantile_sorted(means, 1.0 - tail)};
}

double share_greater(std::span<const double> a, std::span<const double> b) {
  SIM_ASSERT(a.size() == b.size(), "paired samples of different sizes");
  SIM_ASSERT(!a.empty(), "share of no pairs");
  std::size_t greater = 0;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (b[i] > a[i]) ++greater;
  return static_cast<double>(greater) / static_cast<double>(a.size());
}

const char* method_name(IntervalMethod method) {
  switch (method) {
    case IntervalMethod::t:
      return "t";
    case IntervalMethod::bootstrap:
      return "bootstrap";
  }
  return "?";
}

PairedDifference paired_difference(std::span<const double> a, std::span<const double> b,
                                   const IntervalSpec& spec) {
  SIM_ASSERT(a.size() == b.size(), "paired samples of different sizes");
  SIM_ASSERT(!a.empty(), "paired difference of no pairs");
  std::vector<double> diffs(a.size());
  for (std::size_t i = 0; i < a.size(); ++i) diffs[i] = b[i] - a[i];

  PairedDifference d;
  d.n = a.size();
  d.mean_a = mean(a);
  d.mean_b = mean(b);
  d.mean_diff = mean(diffs);
  d.ci = spec.method == IntervalMethod::t ? t_interval(diffs, spec.level)
                                          : bootstrap_interval(diffs, spec.bootstrap, spec.level);
  d.share_b_greater = share_greater(a, b);
  return d;
}

}  // namespace analysis
