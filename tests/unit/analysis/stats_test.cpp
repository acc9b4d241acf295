// Statistics over replicates, checked against values worked out by hand (and against R's and
// numpy's defaults for quantiles).
#include "analysis/stats.hpp"

#include <catch2/catch.hpp>
#include <cmath>
#include <vector>

using analysis::BootstrapSpec;
using analysis::IntervalMethod;
using analysis::IntervalSpec;

namespace {
const std::vector<double> one_to_five = {1, 2, 3, 4, 5};
}  // namespace

TEST_CASE("analysis::mean, sample_sd: by hand", "[analysis][stats]") {
  CHECK(analysis::mean(one_to_five) == 3.0);
  // squares of deviations 4 + 1 + 0 + 1 + 4 = 10, over n - 1 = 4
  CHECK(analysis::sample_sd(one_to_five) == Approx(std::sqrt(2.5)));
  CHECK(analysis::sample_sd(std::vector<double>{2, 4}) == Approx(std::sqrt(2.0)));
  // constant values: their mean exactly (a plain sum / n gives 0.10000000000000002) and sd 0
  CHECK(analysis::mean(std::vector<double>{0.1, 0.1, 0.1}) == 0.1);
  CHECK(analysis::sample_sd(std::vector<double>{0.1, 0.1, 0.1}) == 0.0);
}

TEST_CASE("analysis::quantile: type 7, linear between order statistics", "[analysis][stats]") {
  // R: quantile(c(1, 2, 3, 4), p); numpy: np.quantile([1, 2, 3, 4], p)
  const std::vector<double> four = {4, 1, 3, 2};  // unsorted on purpose
  CHECK(analysis::quantile(four, 0.0) == 1.0);
  CHECK(analysis::quantile(four, 0.25) == Approx(1.75));  // h = 3 * 0.25 = 0.75
  CHECK(analysis::quantile(four, 0.5) == Approx(2.5));    // h = 1.5
  CHECK(analysis::quantile(four, 0.9) == Approx(3.7));    // h = 2.7
  CHECK(analysis::quantile(four, 1.0) == 4.0);
  CHECK(analysis::quantile(std::vector<double>{10, 20}, 0.1) == Approx(11.0));
  CHECK(analysis::quantile(std::vector<double>{7}, 0.3) == 7.0);
  SECTION("sorted input needs no copy") {
    CHECK(analysis::quantile_sorted(one_to_five, 0.5) == 3.0);
    CHECK(analysis::quantile_sorted(one_to_five, 0.125) == Approx(1.5));  // h = 0.5
  }
}

TEST_CASE("analysis::band: mean and the 5%, 50% and 95% quantiles", "[analysis][stats]") {
  const analysis::Band b = analysis::band(std::vector<double>{5, 3, 1, 4, 2});
  CHECK(b.mean == 3.0);
  CHECK(b.q05 == Approx(1.2));  // h = 4 * 0.05 = 0.2
  CHECK(b.q50 == 3.0);
  CHECK(b.q95 == Approx(4.8));  // h = 3.8
  const analysis::Band one = analysis::band(std::vector<double>{42});
  CHECK((one.mean == 42.0 && one.q05 == 42.0 && one.q50 == 42.0 && one.q95 == 42.0));
}

TEST_CASE("analysis::t_interval: known answers", "[analysis][stats]") {
  SECTION("diffs 1..5: mean 3, sd sqrt(2.5), t(0.975, 4) = 2.776445") {
    const auto ci = analysis::t_interval(one_to_five);
    REQUIRE(ci);
    // half-width 2.776445 * sqrt(2.5) / sqrt(5) = 1.963243
    CHECK(ci->low == Approx(3.0 - 1.9632431614775607).epsilon(1e-9));
    CHECK(ci->high == Approx(3.0 + 1.9632431614775607).epsilon(1e-9));
  }
  SECTION("90%: t(0.95, 4) = 2.131847, half-width 1.507443") {
    const auto ci = analysis::t_interval(one_to_five, 0.90);
    REQUIRE(ci);
    CHECK(ci->high - 3.0 == Approx(1.5074433190623222).epsilon(1e-9));
  }
  SECTION("diffs 1, 2, 3: sd 1, t(0.975, 2) = 4.302653, half-width 2.484138") {
    const auto ci = analysis::t_interval(std::vector<double>{1, 2, 3});
    REQUIRE(ci);
    CHECK(ci->low == Approx(2.0 - 2.484137711750331).epsilon(1e-9));
  }
  SECTION("a single value has no interval") {
    CHECK_FALSE(analysis::t_interval(std::vector<double>{3}));
  }
  SECTION("constant values give exactly [value, value]") {
    const auto ci = analysis::t_interval(std::vector<double>{0, 0, 0});
    REQUIRE(ci);
    CHECK(ci->low == 0.0);
    CHECK(ci->high == 0.0);
  }
}

TEST_CASE("analysis::bootstrap_interval: deterministic and around the mean",
          "[analysis][stats][bootstrap]") {
  const std::vector<double> diffs = {-1.5, 0.2, 0.8, 1.1, 2.4, 3.0, 3.3, 4.9};
  const BootstrapSpec spec{2000, 42};
  const auto first = analysis::bootstrap_interval(diffs, spec);
  const auto second = analysis::bootstrap_interval(diffs, spec);
  REQUIRE(first);
  REQUIRE(second);
  // same seed and values: the same interval, bit for bit
  CHECK(first->low == second->low);
  CHECK(first->high == second->high);
  // it covers the sample mean and lies within the values' range
  const double m = analysis::mean(diffs);
  CHECK(first->low < m);
  CHECK(m < first->high);
  CHECK(first->low >= -1.5);
  CHECK(first->high <= 4.9);
  // and is close to the t interval for a sample this regular
  const auto t = analysis::t_interval(diffs);
  REQUIRE(t);
  CHECK(first->low == Approx(t->low).margin(1.0));
  CHECK(first->high == Approx(t->high).margin(1.0));

  SECTION("another seed draws other resamples") {
    const auto other = analysis::bootstrap_interval(diffs, BootstrapSpec{2000, 43});
    REQUIRE(other);
    CHECK((other->low != first->low || other->high != first->high));
  }
  SECTION("a single value has no interval; constant values give [value, value]") {
    CHECK_FALSE(analysis::bootstrap_interval(std::vector<double>{1}, spec));
    const auto ci = analysis::bootstrap_interval(std::vector<double>{0.1, 0.1, 0.1}, spec);
    REQUIRE(ci);
    CHECK(ci->low == 0.1);
    CHECK(ci->high == 0.1);
  }
}

TEST_CASE("analysis::share_greater: strictly greater, ties are not greater", "[analysis][stats]") {
  // pairs (1, 1) tie, (2, 3) greater, (3, 2) less
  CHECK(analysis::share_greater(std::vector<double>{1, 2, 3}, std::vector<double>{1, 3, 2}) ==
        Approx(1.0 / 3.0));
  CHECK(analysis::share_greater(one_to_five, one_to_five) == 0.0);
}

TEST_CASE("analysis::paired_difference: B - A by replicate", "[analysis][stats]") {
  const std::vector<double> a = {10, 20, 30, 40, 50};
  const std::vector<double> b = {11, 22, 33, 44, 55};  // differences 1..5
  const analysis::PairedDifference d = analysis::paired_difference(a, b);
  CHECK(d.n == 5);
  CHECK(d.mean_a == 30.0);
  CHECK(d.mean_b == 33.0);
  CHECK(d.mean_diff == 3.0);
  REQUIRE(d.ci);
  CHECK(d.ci->high == Approx(3.0 + 1.9632431614775607).epsilon(1e-9));
  CHECK(d.share_b_greater == 1.0);

  SECTION("identical samples give exactly 0, [0, 0] and share 0, by t and by bootstrap") {
    const std::vector<double> x = {0.1, 0.7, 1e9 + 0.3, -2.5};
    for (const IntervalMethod method : {IntervalMethod::t, IntervalMethod::bootstrap}) {
      INFO(analysis::method_name(method));
      IntervalSpec spec;
      spec.method = method;
      const analysis::PairedDifference same = analysis::paired_difference(x, x, spec);
      CHECK(same.mean_diff == 0.0);
      REQUIRE(same.ci);
      CHECK(same.ci->low == 0.0);
      CHECK(same.ci->high == 0.0);
      CHECK(same.share_b_greater == 0.0);
    }
  }
  SECTION("one pair: no interval") {
    const analysis::PairedDifference one =
        analysis::paired_difference(std::vector<double>{1}, std::vector<double>{4});
    CHECK(one.mean_diff == 3.0);
    CHECK_FALSE(one.ci);
    CHECK(one.share_b_greater == 1.0);
  }
}
