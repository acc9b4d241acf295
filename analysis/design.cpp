#include "analysis/design.hpp"

#include <algorithm>
#include <boost/random/sobol.hpp>
#include <cmath>
#include <limits>
#include <numeric>
#include <set>

#include "sim/engine/concat.hpp"
#include "sim/engine/errors.hpp"
#include "sim/engine/rng.hpp"

namespace analysis {

namespace {

using sim::concat;
using sim::ConfigError;
using sim::engine::Rng;
using sim::engine::StreamKey;

// boost's default table holds Joe & Kuo's direction numbers for this many dimensions
constexpr std::size_t kSobolMaxDimension = boost::random::detail::qrng_tables::sobol::max_dimension;
// a 32-bit Sobol' engine yields 2^32 - 1 points after the origin
constexpr std::uint64_t kSobolMaxPoints = std::uint64_t{1} << 32;

std::string quoted(const SweepParameter& p) { return concat("'", p.path, "'"); }

/// Uniform integer in [0, n) by rejection: the low `threshold` values of the 64-bit draw are
/// discarded so that every residue class mod n is equally likely (exact, unlike a scaled
/// double, and the same on every platform).
std::uint64_t uniform_index(Rng& rng, std::uint64_t n) {
  SIM_ASSERT(n > 0, "uniform_index over an empty range");
  const std::uint64_t threshold = (0 - n) % n;  // 2^64 mod n
  for (;;) {
    const std::uint64_t x = rng.next_u64();
    if (x >= threshold) return x % n;
  }
}

/// A uniformly random permutation of 0..n-1 (Fisher–Yates, Knuth's algorithm P).
std::vector<std::size_t> random_permutation(Rng& rng, std::size_t n) {
  std::vector<std::size_t> perm(n);
  std::iota(perm.begin(), perm.end(), std::size_t{0});
  for (std::size_t i = n; i > 1; --i) {
    const auto j = static_cast<std::size_t>(uniform_index(rng, i));
    std::swap(perm[i - 1], perm[j]);
  }
  return perm;
}

/// The integers a range holds: ceil(low)..floor(high).
struct IntRange {
  double lo, hi;
};

IntRange integer_range(const SweepParameter& p) { return {std::ceil(p.low), std::floor(p.high)}; }

/// Maps a sampled unit value u in [0, 1] to the parameter (lhs and sobol): continuous
/// parameters linearly, integer ones to equal-width bins, one per integer.
double from_unit_sampled(const SweepParameter& p, double u) {
  if (!p.integer) return p.low + u * (p.high - p.low);
  const auto [lo, hi] = integer_range(p);
  return std::min(hi, lo + std::floor(u * (hi - lo + 1)));
}

/// Maps a Morris grid level u in [0, 1] to the parameter: integer parameters round to the
/// nearest integer of their range (half away from zero), so the endpoints stay endpoints.
double from_unit_morris(const SweepParameter& p, double u) {
  if (!p.integer) return p.low + u * (p.high - p.low);
  const auto [lo, hi] = integer_range(p);
  return lo + std::round(u * (hi - lo));
}

void check_parameters(const std::vector<SweepParameter>& params, DesignMethod method) {
  const auto name = design_method_name(method);
  if (params.empty()) throw ConfigError(concat(name, " design: no parameters to sweep"));
  std::set<std::string> seen;
  for (const auto& p : params) {
    if (p.path.empty()) throw ConfigError(concat(name, " design: a parameter has an empty path"));
    if (!seen.insert(p.path).second) {
      throw ConfigError(concat(name, " design: parameter ", quoted(p), " is listed twice"));
    }
    if (method == DesignMethod::grid) {
      if (p.values.empty()) {
        throw ConfigError(concat("grid design: parameter ", quoted(p),
                                 " has no values (give values, or use lhs, sobol or morris "
                                 "with a low-high range)"));
      }
      for (const double v : p.values) {
        if (!std::isfinite(v)) {
          throw ConfigError(
              concat("grid design: parameter ", quoted(p), ": value ", v, " is not finite"));
        }
      }
      continue;
    }
    if (!std::isfinite(p.low) || !std::isfinite(p.high)) {
      throw ConfigError(concat(name, " design: parameter ", quoted(p), ": range [", p.low, ", ",
                               p.high, "] is not finite"));
    }
    if (p.low > p.high) {
      throw ConfigError(concat(name, " design: parameter ", quoted(p), ": low ", p.low,
                               " is greater than high ", p.high));
    }
    if (p.integer) {
      const auto [lo, hi] = integer_range(p);
      if (lo > hi) {
        throw ConfigError(concat(name, " design: integer parameter ", quoted(p), ": range [", p.low,
                                 ", ", p.high, "] holds no integer"));
      }
      if (method == DesignMethod::morris && lo == hi) {
        throw ConfigError(concat("morris design: integer parameter ", quoted(p), ": range [", p.low,
                                 ", ", p.high,
                                 "] holds a single integer; a parameter that cannot move has "
                                 "no effect to screen"));
      }
    }
    if (method == DesignMethod::morris && p.low == p.high) {
      throw ConfigError(concat("morris design: parameter ", quoted(p), ": range [", p.low, ", ",
                               p.high,
                               "] is empty; a parameter that cannot move has no effect to screen"));
    }
  }
}

Design grid_design(const std::vector<SweepParameter>& params) {
  std::size_t count = 1;
  for (const auto& p : params) {
    if (count > std::numeric_limits<std::size_t>::max() / p.values.size()) {
      throw ConfigError("grid design: too many points (the product of the value counts overflows)");
    }
    count *= p.values.size();
  }
  const std::size_t k = params.size();
  Design design;
  design.points.assign(count, std::vector<double>(k));
  // mixed-radix counter: the last parameter is the fastest digit
  std::vector<std::size_t> digit(k, 0);
  for (std::size_t i = 0; i < count; ++i) {
    for (std::size_t j = 0; j < k; ++j) design.points[i][j] = params[j].values[digit[j]];
    for (std::size_t j = k; j-- > 0;) {
      if (++digit[j] < params[j].values.size()) break;
      digit[j] = 0;
    }
  }
  return design;
}

Design lhs_design(const std::vector<SweepParameter>& params, const DesignOptions& options) {
  const std::size_t n = options.samples;
  const std::size_t k = params.size();
  Design design;
  design.points.assign(n, std::vector<double>(k));
  const double width = 1.0 / static_cast<double>(n);
  for (std::size_t j = 0; j < k; ++j) {
    // stratum of point i is perm[i]; its position inside the stratum a separate stream, so
    // the permutation's variable number of draws (rejection) cannot shift the positions
    Rng perm_rng(StreamKey{options.seed, 0, j, 0, kDesignLhsPurpose});
    Rng pos_rng(StreamKey{options.seed, 0, j, 1, kDesignLhsPurpose});
    const auto perm = random_permutation(perm_rng, n);
    for (std::size_t i = 0; i < n; ++i) {
      const auto stratum = static_cast<double>(perm[i]);
      // (s + U) / n can round up to (s + 1) / n only when U is within 2^-53 s of 1; keep it
      // inside the stratum so the one-point-per-stratum guarantee holds exactly
      double u = (stratum + pos_rng.uniform()) * width;
      u = std::min(u, std::nextafter((stratum + 1.0) * width, 0.0));
      design.points[i][j] = from_unit_sampled(params[j], u);
    }
  }
  return design;
}

Design sobol_design(const std::vector<SweepParameter>& params, const DesignOptions& options) {
  const std::size_t n = options.samples;
  const std::size_t k = params.size();
  if (k > kSobolMaxDimension) {
    throw ConfigError(concat("sobol design: ", k, " parameters; the Sobol' direction numbers ",
                             "cover at most ", kSobolMaxDimension));
  }
  if (static_cast<std::uint64_t>(n) > kSobolMaxPoints) {
    throw ConfigError(
        concat("sobol design: ", n, " samples; at most ", kSobolMaxPoints, " are available"));
  }
  Design design;
  design.points.reserve(n);
  // x_0 = 0: Boost's engine starts at x_1 (its docs: "skips trivial zeroes")
  std::vector<double> unit(k, 0.0);
  boost::random::sobol_engine<std::uint32_t, 32> engine(k);
  for (std::size_t i = 0; i < n; ++i) {
    if (i > 0) {
      // one call per coordinate; a 32-bit integer over 2^32 is exact in a double
      for (std::size_t j = 0; j < k; ++j) unit[j] = static_cast<double>(engine()) * 0x1.0p-32;
    }
    std::vector<double> point(k);
    for (std::size_t j = 0; j < k; ++j) point[j] = from_unit_sampled(params[j], unit[j]);
    design.points.push_back(std::move(point));
  }
  return design;
}

Design morris_design(const std::vector<SweepParameter>& params, const DesignOptions& options) {
  const std::size_t r = options.samples;
  const std::size_t k = params.size();
  const auto p = static_cast<std::uint64_t>(options.levels);
  const std::uint64_t half = p / 2;  // delta on the level scale: delta (p - 1) = p / 2
  const auto last_level = static_cast<double>(p - 1);
  if (r > std::numeric_limits<std::size_t>::max() / (k + 1)) {
    throw ConfigError(concat("morris design: ", r, " trajectories of ", k + 1,
                             " points overflow the point count"));
  }
  Design design;
  design.points.reserve(r * (k + 1));
  design.changed.reserve(r * (k + 1));
  design.step_sign.reserve(r * (k + 1));
  std::vector<std::uint64_t> level(k);
  auto emit = [&](std::size_t changed, double sign) {
    std::vector<double> point(k);
    for (std::size_t j = 0; j < k; ++j) {
      point[j] = from_unit_morris(params[j], static_cast<double>(level[j]) / last_level);
    }
    design.points.push_back(std::move(point));
    design.changed.push_back(changed);
    design.step_sign.push_back(sign);
  };
  for (std::size_t t = 0; t < r; ++t) {
    Rng rng(StreamKey{options.seed, 0, t, 0, kDesignMorrisPurpose});
    for (auto& l : level) l = uniform_index(rng, p);
    const auto order = random_permutation(rng, k);
    emit(Design::npos, 0.0);
    for (const std::size_t j : order) {
      // levels below p/2 can only go up by delta, the others only down
      if (level[j] < half) {
        level[j] += half;
        emit(j, +1.0);
      } else {
        level[j] -= half;
        emit(j, -1.0);
      }
    }
  }
  return design;
}

}  // namespace

std::string_view design_method_name(DesignMethod method) {
  switch (method) {
    case DesignMethod::grid:
      return "grid";
    case DesignMethod::lhs:
      return "lhs";
    case DesignMethod::sobol:
      return "sobol";
    case DesignMethod::morris:
      return "morris";
  }
  SIM_ASSERT(false, "unknown DesignMethod");
}

DesignMethod parse_design_method(std::string_view name) {
  for (const auto m :
       {DesignMethod::grid, DesignMethod::lhs, DesignMethod::sobol, DesignMethod::morris}) {
    if (name == design_method_name(m)) return m;
  }
  throw ConfigError(
      concat("unknown design method '", name, "' (expected grid, lhs, sobol or morris)"));
}

double morris_delta(int levels) {
  if (levels < 2 || levels % 2 != 0) {
    throw ConfigError(concat("morris design: levels must be an even number >= 2, got ", levels));
  }
  return static_cast<double>(levels) / (2.0 * static_cast<double>(levels - 1));
}

Design make_design(const std::vector<SweepParameter>& params, const DesignOptions& options) {
  // option errors first: they do not depend on the parameters
  if (options.method != DesignMethod::grid && options.samples == 0) {
    throw ConfigError(
        concat(design_method_name(options.method), " design: samples must be > 0",
               options.method == DesignMethod::morris ? " (the trajectory count r)" : ""));
  }
  if (options.method == DesignMethod::morris) morris_delta(options.levels);  // validates
  check_parameters(params, options.method);
  switch (options.method) {
    case DesignMethod::grid:
      return grid_design(params);
    case DesignMethod::lhs:
      return lhs_design(params, options);
    case DesignMethod::sobol:
      return sobol_design(params, options);
    case DesignMethod::morris:
      return morris_design(params, options);
  }
  SIM_ASSERT(false, "unknown DesignMethod");
}

std::vector<MorrisEffect> morris_effects(const std::vector<SweepParameter>& params,
                                         const Design& design, const std::vector<double>& output) {
  const std::size_t k = params.size();
  const std::size_t n_points = design.points.size();
  if (design.changed.size() != n_points) {
    throw ConfigError(concat("morris effects: the design has ", n_points, " points but ",
                             design.changed.size(), " step records (not a morris design?)"));
  }
  if (output.size() != n_points) {
    throw ConfigError(concat("morris effects: ", output.size(), " outputs for a design of ",
                             n_points, " points"));
  }
  if (n_points > 0 && design.changed.front() != Design::npos) {
    throw ConfigError("morris effects: the design's first point is not a trajectory start");
  }
  for (const auto& p : params) {
    if (!(p.high > p.low)) {
      throw ConfigError(concat("morris effects: parameter ", quoted(p), ": range [", p.low, ", ",
                               p.high, "] is empty"));
    }
  }

  // elementary effects per parameter, in design order
  std::vector<std::vector<double>> ee(k);
  for (std::size_t i = 0; i < n_points; ++i) {
    if (design.points[i].size() != k) {
      throw ConfigError(concat("morris effects: point ", i, " has ", design.points[i].size(),
                               " values for ", k, " parameters"));
    }
    const std::size_t j = design.changed[i];
    if (j == Design::npos) continue;
    if (j >= k) {
      throw ConfigError(concat("morris effects: point ", i, " changes parameter ", j, " of ", k));
    }
    const auto& prev = design.points[i - 1];
    const auto& cur = design.points[i];
    for (std::size_t m = 0; m < k; ++m) {
      if (m != j && cur[m] != prev[m]) {
        throw ConfigError(concat("morris effects: point ", i, " changes ", quoted(params[m]),
                                 " as well as ", quoted(params[j])));
      }
    }
    // the actual step on the unit scale (differs from delta after integer rounding)
    const double step = (cur[j] - prev[j]) / (params[j].high - params[j].low);
    if (step == 0.0) {
      throw ConfigError(concat("morris effects: point ", i, " does not move ", quoted(params[j])));
    }
    ee[j].push_back((output[i] - output[i - 1]) / step);
  }

  std::vector<MorrisEffect> effects;
  effects.reserve(k);
  const double nan = std::numeric_limits<double>::quiet_NaN();
  for (std::size_t j = 0; j < k; ++j) {
    MorrisEffect e;
    e.parameter = params[j].path;
    e.n = ee[j].size();
    if (e.n == 0) {
      e.mu = e.mu_star = e.sigma = nan;
    } else {
      double sum = 0;
      double sum_abs = 0;
      for (const double v : ee[j]) {
        sum += v;
        sum_abs += std::abs(v);
      }
      const auto count = static_cast<double>(e.n);
      e.mu = sum / count;
      e.mu_star = sum_abs / count;
      // two-pass variance: exact zero when all effects are equal
      if (e.n < 2) {
        e.sigma = nan;
      } else {
        double ss = 0;
        for (const double v : ee[j]) ss += (v - e.mu) * (v - e.mu);
        e.sigma = std::sqrt(ss / (count - 1));
      }
    }
    effects.push_back(std::move(e));
  }
  return effects;
}

}  // namespace analysis
