#pragma once

#include <cstddef>
#include <cstdint>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

namespace analysis {

/// One swept input, addressed by its `--set` path.
struct SweepParameter {
  std::string path;            ///< e.g. "policies.h20-revenue-share.rate"
  std::vector<double> values;  ///< grid values (grid designs); empty for ranges
  double low = 0, high = 0;    ///< the range (lhs, sobol, morris)
  /// Sampled values are integers (e.g. months). LHS and Sobol map [0,1) onto the integers
  /// ceil(low)..floor(high) in equal-width bins (each integer equally likely); Morris rounds
  /// its grid levels to the nearest integer of that range (endpoints map to endpoints). Grid
  /// values are used exactly as given.
  bool integer = false;
};

/// How the points of a sweep are chosen.
enum class DesignMethod { grid, lhs, sobol, morris };

/// The name used on the command line and in files: "grid", "lhs", "sobol", "morris".
std::string_view design_method_name(DesignMethod method);

/// Parses a method name (exactly one of the names above).
/// @throws sim::ConfigError naming the accepted names for anything else.
DesignMethod parse_design_method(std::string_view name);

/// Options of make_design.
struct DesignOptions {
  DesignMethod method = DesignMethod::grid;
  std::size_t samples = 0;  ///< lhs/sobol: number of points; morris: trajectories r
  int levels = 4;           ///< morris: grid levels p (even), step delta = p / (2 (p - 1))
  std::uint64_t seed = 1;   ///< lhs permutations and morris starting points
};

/// Stream purposes of the design RNG streams (see make_design). They lie above
/// sim::engine::Purpose::user and far from the models' ids, so even a design seed equal to a
/// scenario seed shares no numbers with a simulation stream.
inline constexpr std::uint64_t kDesignLhsPurpose = 0x5357'0001;     ///< "SW" 1
inline constexpr std::uint64_t kDesignMorrisPurpose = 0x5357'0002;  ///< "SW" 2

/// A set of points at which to run the model.
struct Design {
  /// "no parameter": the value of `changed` for a trajectory's first point.
  static constexpr std::size_t npos = std::numeric_limits<std::size_t>::max();

  std::vector<std::vector<double>> points;  ///< [point][parameter], in parameter units
  /// morris only: for each point, the parameter changed from the previous point of its
  /// trajectory, or npos for a trajectory's first point; trajectories are consecutive blocks
  /// of k+1 points
  std::vector<std::size_t> changed;
  std::vector<double> step_sign;  ///< morris only: +1/-1 direction of that change (unit scale);
                                  ///< 0 for a trajectory's first point
};

/// The Morris step on the unit scale for p levels: delta = p / (2 (p - 1)) (Morris 1991).
/// @throws sim::ConfigError unless p is even and >= 2.
double morris_delta(int levels);

/// Builds the points of a sweep.
///
/// - grid: the Cartesian product of each parameter's `values`, the first parameter varying
///   slowest; `samples`, `low`, `high` are ignored.
/// - lhs: `samples` = n points; each parameter's range is cut into n equal strata with one
///   point drawn uniformly inside each, strata paired across parameters by independent random
///   permutations. Parameter j uses the streams
///   `sim::engine::StreamKey{seed, 0, j, 0, kDesignLhsPurpose}` (Fisher–Yates permutation) and
///   `StreamKey{seed, 0, j, 1, kDesignLhsPurpose}` (position within each stratum, draw i for
///   the i-th point), so adding a parameter never changes the columns of the others.
/// - sobol: the first `samples` points of the unscrambled Sobol' sequence with Joe & Kuo's
///   direction numbers (boost::random::sobol_engine), starting with the origin x_0 = 0 that
///   Boost's engine leaves out, so the first 2^m points form a (t, m, s)-net: for n = 2^m
///   every parameter has exactly one point in each of n equal strata. `seed` is unused.
/// - morris: `samples` = r trajectories of k+1 points each (k = parameter count), Morris'
///   one-at-a-time design on the p-level grid {0, 1/(p-1), ..., 1} with step delta. Each
///   trajectory t draws from `StreamKey{seed, 0, t, 0, kDesignMorrisPurpose}`: first the k
///   starting levels (uniform over all p levels; since delta > 1/2 each level has exactly one
///   direction that stays inside [0, 1], so this equals Morris' uniform base point with a
///   random sign), then a Fisher–Yates order of the parameters; each step moves one
///   parameter by +delta or -delta. `changed` and `step_sign` describe the steps.
///
/// Range designs map a unit value u to low + u (high - low) (see SweepParameter::integer).
/// All values are bit-reproducible from the options on any platform: the draws come from
/// sim::engine::Rng (integers by rejection sampling, no std distributions) and Sobol' points
/// are dyadic rationals computed in 32-bit integers.
///
/// @throws sim::ConfigError (naming the parameter) when there are no parameters, a path is
///   empty or repeated, a grid parameter has no values or a non-finite value, a range is not
///   finite or has low > high, an integer range holds no integer, a morris range is empty
///   (low == high, or one integer), `samples` is 0 for lhs/sobol/morris, sobol is asked for
///   more than 2^32 points or more than Boost's 3667 dimensions, morris `levels` is odd or
///   < 2, or the grid has more than SIZE_MAX points.
Design make_design(const std::vector<SweepParameter>& params, const DesignOptions& options);

/// Morris screening statistics of one parameter.
struct MorrisEffect {
  std::string parameter;  ///< its path
  double mu = 0;          ///< mean elementary effect (signed: effects of opposite sign cancel)
  double mu_star = 0;     ///< mean |elementary effect|: ranks importance
  double sigma = 0;       ///< sample sd (n - 1) of the effects; NaN when n < 2
  std::size_t n = 0;      ///< number of elementary effects (= trajectories)
};

/// Elementary effects per parameter from one scalar output per design point (the output's
/// mean over replicates, say). EE_i = (y(x + delta e_i) - y(x)) / delta with x on the unit
/// scale [0,1] of each parameter's range; mu = mean EE, mu* = mean |EE| (Campolongo et al.
/// 2007), sigma = sample sd of EE (n-1).
///
/// The step in the denominator is the actual one between the two points on the unit scale,
/// (x'_i - x_i) / (high_i - low_i), not the nominal delta: rounding an integer parameter
/// changes the step (e.g. months 1..12 with p = 4: 1 -> 8 is 7/11, not 2/3), and dividing by
/// the real step keeps EE = slope x (high - low) for a linear output. A NaN output gives NaN
/// statistics for the parameters whose steps touch it (never silently dropped). Results are in
/// the order of `params`.
/// @throws sim::ConfigError when the sizes of params, design and output disagree, or the
///   design is not a valid trajectory design (a step that moves no parameter or more than one,
///   a changed index out of range, a first point that is not a trajectory's start).
std::vector<MorrisEffect> morris_effects(const std::vector<SweepParameter>& params,
                                         const Design& design, const std::vector<double>& output);

}  // namespace analysis
