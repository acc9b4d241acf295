#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

/// Statistics over replicates: means, spreads, quantiles, and the paired comparison of two runs
/// (docs/compare.md). Everything here is deterministic: the bootstrap draws from
/// `sim::engine::Rng` keyed by a seed, never from the clock.
namespace analysis {

/// The arithmetic mean, computed as x[0] + sum(x[i] - x[0]) / n: exactly x[0] when all values
/// are equal (a plain sum / n can be off in the last bit), and within rounding of numpy's
/// `mean` otherwise. Precondition: `values` is not empty.
double mean(std::span<const double> values);

/// The sample standard deviation (denominator n - 1), as R's `sd` and numpy's `std(ddof=1)`.
/// Precondition: at least two values.
double sample_sd(std::span<const double> values);

/// The p-quantile by linear interpolation between order statistics: Hyndman & Fan (1996)
/// definition 7, the default of R's `quantile` and of `numpy.quantile` (`method="linear"`).
/// With the values sorted as x[0] <= ... <= x[n-1], h = (n - 1) p and the result is
/// x[floor(h)] + (h - floor(h)) (x[floor(h) + 1] - x[floor(h)]); p = 0 gives the minimum and
/// p = 1 the maximum. Preconditions: `values` is not empty, 0 <= p <= 1, no NaN.
double quantile(std::span<const double> values, double p);

/// The same as `quantile` for values already sorted ascending (no copy, no sort).
double quantile_sorted(std::span<const double> sorted, double p);

/// The spread of a quantity over replicates: the mean and the 5%, 50% and 95% quantiles (type 7).
struct Band {
  double mean = 0;
  double q05 = 0;
  double q50 = 0;
  double q95 = 0;
};

/// The band of `values` (one per replicate). Precondition: `values` is not empty.
Band band(std::span<const double> values);

/// A closed interval [low, high].
struct Interval {
  double low = 0;
  double high = 0;
};

/// The Student t confidence interval for the mean of `values` at confidence `level`:
/// mean ± t(1 - (1 - level) / 2, n - 1) · sd / sqrt(n), with t's quantile from Boost.Math.
/// Applied to paired differences B - A it is the paired t interval. Returns nullopt when there
/// are fewer than two values (no spread to estimate). When every value is the same the interval
/// is exactly [mean, mean]. Precondition: 0 < level < 1.
std::optional<Interval> t_interval(std::span<const double> values, double level = 0.95);

/// How a bootstrap draws its resamples.
struct BootstrapSpec {
  std::size_t resamples = 10000;  ///< number of resamples, at least 1
  std::uint64_t seed = 1;         ///< seed of the resampling stream
};

/// The percentile bootstrap interval for the mean of `values` at confidence `level`: draws
/// `spec.resamples` resamples of n values with replacement, takes each resample's mean, and
/// returns the (1 - level) / 2 and 1 - (1 - level) / 2 quantiles (type 7) of those means
/// (Efron & Tibshirani 1993, ch. 13). The resample indices come from one `sim::engine::Rng`
/// stream keyed by `spec.seed` alone, so the same seed and the same values give the same
/// interval, bit for bit, on any machine; two samples of the same size see the same resamples.
/// Returns nullopt when there are fewer than two values. When every value is the same the
/// interval is exactly [mean, mean]. Precondition: 0 < level < 1, `spec.resamples` >= 1.
std::optional<Interval> bootstrap_interval(std::span<const double> values, BootstrapSpec spec,
                                           double level = 0.95);

/// The share of pairs (a[i], b[i]) with b[i] strictly greater than a[i], in [0, 1]. Ties count
/// as "not greater", so comparing a run with itself gives 0. Precondition: equal sizes, not empty.
double share_greater(std::span<const double> a, std::span<const double> b);

/// How a paired comparison estimates its confidence interval.
enum class IntervalMethod {
  t,          ///< Student t on the paired differences (`t_interval`)
  bootstrap,  ///< percentile bootstrap of the mean difference (`bootstrap_interval`)
};

/// The name written in result tables: "t" or "bootstrap".
const char* method_name(IntervalMethod method);

/// The interval a paired comparison reports.
struct IntervalSpec {
  IntervalMethod method = IntervalMethod::t;
  double level = 0.95;      ///< confidence level, in (0, 1)
  BootstrapSpec bootstrap;  ///< used by IntervalMethod::bootstrap only
};

/// B - A paired by replicate: a[i] and b[i] are the same replicate of two runs.
struct PairedDifference {
  std::size_t n = 0;           ///< number of pairs
  double mean_a = 0;           ///< mean of a
  double mean_b = 0;           ///< mean of b
  double mean_diff = 0;        ///< mean of b[i] - a[i]
  std::optional<Interval> ci;  ///< interval for mean_diff; nullopt when n < 2
  double share_b_greater = 0;  ///< share of pairs with b[i] > a[i] (`share_greater`)
};

/// Compares `b` with `a` pair by pair. Identical inputs give mean_diff exactly 0, an interval of
/// exactly [0, 0] (for n >= 2) and share_b_greater 0. Precondition: equal sizes, not empty.
PairedDifference paired_difference(std::span<const double> a, std::span<const double> b,
                                   const IntervalSpec& spec = {});

}  // namespace analysis
