// Comparing two runs, on small hand-built results whose differences can be worked out by hand.
#include "analysis/compare.hpp"

#include <algorithm>
#include <catch2/catch.hpp>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <sstream>
#include <string>
#include <vector>

#include "sim/engine/errors.hpp"

using analysis::CompareOptions;
using analysis::Comparison;
using analysis::ComparisonRow;
using sim::world::Metric;
using sim::world::MetricAxis;
using sim::world::RunResults;

namespace {

/// value(replicate, month, entity) of a hand-made series.
using ValueFn = std::function<double(std::size_t, std::size_t, std::size_t)>;

Metric make_metric(const RunResults& r, MetricAxis axis, const std::string& name,
                   const std::string& units, bool level, const ValueFn& value) {
  Metric m;
  m.axis = axis;
  m.name = name;
  m.units = units;
  m.level = level;
  const std::size_t width = r.width(axis);
  m.values.assign(r.replicates, std::vector<double>(r.months.size() * width));
  for (std::size_t rep = 0; rep < r.replicates; ++rep)
    for (std::size_t t = 0; t < r.months.size(); ++t)
      for (std::size_t i = 0; i < width; ++i) m.values[rep][t * width + i] = value(rep, t, i);
  return m;
}

double d(std::size_t n) { return static_cast<double>(n); }

/// Run A: `replicates` replicates of 2025-01..2025-03; countries usa and twn (bloc west) and chn
/// (bloc china); agents nvidia (chipmaker), tsmc (foundry), lab (ai_lab). Seed 1.
///   country/compute_stock_h100e (level) = 100 t + 10 i + r   (t month, i country, r replicate)
///   country/chip_imports_units  (flow)  = 10 every month
///   agent/revenue_usd           (flow)  = 1e9 a month for nvidia, 0 for the others
///   agent/investment_pledged_usd (level) = 5e9 for tsmc from 2025-02, 0 otherwise
///   agent/investment_built_usd  (level) = 0
RunResults run_a(std::uint64_t replicates = 3) {
  RunResults r;
  r.scenario_name = "tiny";
  r.seed = 1;
  r.replicates = replicates;
  r.months = {"2025-01", "2025-02", "2025-03"};
  r.country_ids = {"usa", "twn", "chn"};
  r.country_blocs = {"west", "west", "china"};
  r.agent_ids = {"nvidia", "tsmc", "lab"};
  r.agent_kinds = {"chipmaker", "foundry", "ai_lab"};
  r.agent_countries = {"usa", "twn", "chn"};
  r.metrics = {
      make_metric(r, MetricAxis::country, "compute_stock_h100e", "H100e", true,
                  [](auto rep, auto t, auto i) { return 100 * d(t) + 10 * d(i) + d(rep); }),
      make_metric(r, MetricAxis::country, "chip_imports_units", "chips", false,
                  [](auto, auto, auto) { return 10.0; }),
      make_metric(r, MetricAxis::agent, "revenue_usd", "USD", false,
                  [](auto, auto, auto i) { return i == 0 ? 1e9 : 0.0; }),
      make_metric(r, MetricAxis::agent, "investment_pledged_usd", "USD", true,
                  [](auto, auto t, auto i) { return i == 1 && t >= 1 ? 5e9 : 0.0; }),
      make_metric(r, MetricAxis::agent, "investment_built_usd", "USD", true,
                  [](auto, auto, auto) { return 0.0; }),
  };
  return r;
}

/// Adds `delta` to every value of the metric AXIS/NAME of `r`.
void add(RunResults& r, MetricAxis axis, const std::string& name, const ValueFn& delta) {
  Metric* m = nullptr;
  for (Metric& candidate : r.metrics)
    if (candidate.axis == axis && candidate.name == name) m = &candidate;
  REQUIRE(m != nullptr);
  const std::size_t width = r.width(axis);
  for (std::size_t rep = 0; rep < r.replicates; ++rep)
    for (std::size_t t = 0; t < r.months.size(); ++t)
      for (std::size_t i = 0; i < width; ++i) m->values[rep][t * width + i] += delta(rep, t, i);
}

const ComparisonRow& row(const Comparison& c, const std::string& metric,
                         const std::string& entity) {
  const auto it = std::find_if(c.rows.begin(), c.rows.end(), [&](const ComparisonRow& r) {
    return r.metric == metric && r.entity == entity;
  });
  REQUIRE(it != c.rows.end());
  return *it;
}

bool has_row(const Comparison& c, const std::string& metric, const std::string& entity) {
  return std::any_of(c.rows.begin(), c.rows.end(), [&](const ComparisonRow& r) {
    return r.metric == metric && r.entity == entity;
  });
}

CompareOptions with_metrics(std::vector<std::string> metrics, std::string month = "") {
  CompareOptions options;
  options.metrics = std::move(metrics);
  options.month = std::move(month);
  return options;
}

}  // namespace

TEST_CASE("analysis::compare: a run against itself gives exactly 0, [0, 0] and share 0",
          "[analysis][compare]") {
  const RunResults a = run_a();
  const Comparison c = analysis::compare(a, a);
  CHECK(c.month == "2025-03");
  CHECK(c.flows_from == "2025-01");
  CHECK(c.pairs == 3);
  CHECK(c.mismatches.empty());
  // the default set: both blocs, every country, chipmakers' revenue, non-zero investment
  std::vector<std::string> keys;
  keys.reserve(c.rows.size());
  for (const ComparisonRow& r : c.rows) keys.push_back(r.metric + " " + r.entity);
  CHECK(keys ==
        std::vector<std::string>{"bloc/compute_stock_h100e china", "bloc/compute_stock_h100e west",
                                 "country/chip_imports_units usa", "country/chip_imports_units twn",
                                 "country/chip_imports_units chn", "agent/revenue_usd nvidia",
                                 "agent/investment_pledged_usd tsmc"});
  for (const ComparisonRow& r : c.rows) {
    INFO(r.metric << " " << r.entity);
    CHECK(r.stats.mean_diff == 0.0);
    REQUIRE(r.stats.ci);
    CHECK(r.stats.ci->low == 0.0);
    CHECK(r.stats.ci->high == 0.0);
    CHECK(r.stats.share_b_greater == 0.0);
  }
  // investment built is 0 everywhere: no row, and a note says why
  REQUIRE(c.notes.size() == 1);
  CHECK_THAT(c.notes[0], Catch::Contains("agent/investment_built_usd: no rows"));
  CHECK_THAT(analysis::format_csv(c), !Catch::Contains("nan"));
}

TEST_CASE("analysis::compare: a level is read at the month, a flow summed up to it",
          "[analysis][compare]") {
  const RunResults a = run_a();
  RunResults b = run_a();
  // stock: B - A = r + 1 in every month (1, 2, 3); imports: B - A = t in month t
  add(b, MetricAxis::country, "compute_stock_h100e",
      [](auto rep, auto, auto) { return d(rep) + 1; });
  add(b, MetricAxis::country, "chip_imports_units", [](auto, auto t, auto) { return d(t); });
  const std::vector<std::string> metrics = {"country/compute_stock_h100e",
                                            "country/chip_imports_units"};

  SECTION("at 2025-02") {
    const Comparison c = analysis::compare(a, b, with_metrics(metrics, "2025-02"));
    CHECK(c.month == "2025-02");
    const ComparisonRow& stock = row(c, "country/compute_stock_h100e", "usa");
    CHECK(stock.level);
    CHECK(stock.stats.mean_a == 101.0);  // 100 * 1 + 10 * 0 + mean(0, 1, 2)
    CHECK(stock.stats.mean_b == 103.0);
    CHECK(stock.stats.mean_diff == 2.0);  // mean(1, 2, 3)
    REQUIRE(stock.stats.ci);
    // sd 1, t(0.975, 2) = 4.302653: half-width 4.302653 / sqrt(3) = 2.484138
    CHECK(stock.stats.ci->low == Approx(2.0 - 2.484137711750331).epsilon(1e-9));
    CHECK(stock.stats.ci->high == Approx(2.0 + 2.484137711750331).epsilon(1e-9));
    CHECK(stock.stats.share_b_greater == 1.0);
    const ComparisonRow& imports = row(c, "country/chip_imports_units", "chn");
    CHECK_FALSE(imports.level);
    CHECK(imports.stats.mean_a == 20.0);  // 10 + 10
    CHECK(imports.stats.mean_b == 21.0);  // 10 + 11
    REQUIRE(imports.stats.ci);
    CHECK(imports.stats.ci->low == 1.0);  // the same difference in every replicate
    CHECK(imports.stats.ci->high == 1.0);
  }
  SECTION("at the last month by default") {
    const Comparison c = analysis::compare(a, b, with_metrics(metrics));
    CHECK(c.month == "2025-03");
    CHECK(row(c, "country/compute_stock_h100e", "chn").stats.mean_a == 221.0);  // 200 + 20 + 1
    CHECK(row(c, "country/compute_stock_h100e", "chn").stats.mean_diff == 2.0);
    CHECK(row(c, "country/chip_imports_units", "usa").stats.mean_a == 30.0);
    CHECK(row(c, "country/chip_imports_units", "usa").stats.mean_diff == 3.0);  // 0 + 1 + 2
  }
}

TEST_CASE("analysis::compare: bloc metrics sum the bloc's countries", "[analysis][compare]") {
  const RunResults a = run_a();
  RunResults b = run_a();
  add(b, MetricAxis::country, "compute_stock_h100e",
      [](auto rep, auto, auto) { return d(rep) + 1; });
  const Comparison c = analysis::compare(a, b, with_metrics({"bloc/compute_stock_h100e"}));
  REQUIRE(c.rows.size() == 2);
  // west = usa + twn at 2025-03: (200 + r) + (210 + r), mean over r = 0, 1, 2 is 412
  const ComparisonRow& west = row(c, "bloc/compute_stock_h100e", "west");
  CHECK(west.stats.mean_a == 412.0);
  CHECK(west.stats.mean_diff == 4.0);  // two countries, each + mean(1, 2, 3)
  CHECK(west.units == "H100e");
  CHECK(row(c, "bloc/compute_stock_h100e", "china").stats.mean_diff == 2.0);
}

TEST_CASE("analysis::compare: entities pair by id, not by position", "[analysis][compare]") {
  const RunResults a = run_a();
  RunResults b = run_a();
  // B lists the agents in reverse order, with their values moved along
  std::reverse(b.agent_ids.begin(), b.agent_ids.end());
  std::reverse(b.agent_kinds.begin(), b.agent_kinds.end());
  std::reverse(b.agent_countries.begin(), b.agent_countries.end());
  for (Metric& m : b.metrics) {
    if (m.axis != MetricAxis::agent) continue;
    for (auto& block : m.values)
      for (std::ptrdiff_t t = 0; t < 3; ++t)
        std::reverse(block.begin() + 3 * t, block.begin() + 3 * t + 3);
  }
  const Comparison c = analysis::compare(a, b, with_metrics({"agent/revenue_usd"}));
  CHECK(c.mismatches.empty());
  REQUIRE(c.rows.size() == 3);
  for (const ComparisonRow& r : c.rows) CHECK(r.stats.mean_diff == 0.0);
  CHECK(row(c, "agent/revenue_usd", "nvidia").stats.mean_a == 3e9);
}

TEST_CASE("analysis::compare: refuses runs that are not comparable", "[analysis][compare]") {
  const RunResults a = run_a();
  CompareOptions options;
  options.label_a = "a.h5";
  options.label_b = "b.h5";

  SECTION("different seeds") {
    RunResults b = run_a();
    b.seed = 2;
    REQUIRE_THROWS_AS(analysis::compare(a, b, options), sim::ConfigError);
    REQUIRE_THROWS_WITH(analysis::compare(a, b, options),
                        Catch::StartsWith("a.h5 vs b.h5: error: the runs are not comparable:") &&
                            Catch::Contains("seeds differ: 1 in a.h5, 2 in b.h5") &&
                            Catch::Contains("--allow-mismatch"));
    options.allow_mismatch = true;
    const Comparison c = analysis::compare(a, b, options);
    REQUIRE(c.mismatches.size() == 1);
    CHECK_THAT(c.mismatches[0], Catch::Contains("seeds differ"));
    CHECK_THAT(analysis::format_table(c), Catch::Contains("mismatch (allowed): seeds differ"));
  }
  SECTION("different replicate counts") {
    const RunResults b = run_a(2);
    REQUIRE_THROWS_WITH(analysis::compare(a, b, options),
                        Catch::Contains("replicate counts differ: 3 in a.h5, 2 in b.h5"));
    options.allow_mismatch = true;
    const Comparison c = analysis::compare(a, b, options);
    CHECK(c.pairs == 2);
    for (const ComparisonRow& r : c.rows) CHECK(r.stats.n == 2);
    REQUIRE_FALSE(c.notes.empty());
    CHECK_THAT(c.notes.front(), Catch::StartsWith("compared anyway: replicate r of a.h5 with "
                                                  "replicate r of b.h5 for r = 0 to 1"));
  }
  SECTION("different months") {
    RunResults b = run_a();
    b.months = {"2025-02", "2025-03", "2025-04"};
    REQUIRE_THROWS_WITH(analysis::compare(a, b, options),
                        Catch::Contains("months differ: a.h5 runs 2025-01 to 2025-03 (3 months), "
                                        "b.h5 2025-02 to 2025-04 (3 months)"));
    options.allow_mismatch = true;
    options.metrics = {"country/chip_imports_units", "country/compute_stock_h100e"};
    const Comparison c = analysis::compare(a, b, options);
    // common months 2025-02..2025-03: flows summed over those two months in each run
    CHECK(c.flows_from == "2025-02");
    CHECK(c.month == "2025-03");
    CHECK(row(c, "country/chip_imports_units", "usa").stats.mean_a == 20.0);
    CHECK(row(c, "country/chip_imports_units", "usa").stats.mean_b == 20.0);
    // a level is read at 2025-03: month index 2 of A, 1 of B
    CHECK(row(c, "country/compute_stock_h100e", "usa").stats.mean_a == 201.0);
    CHECK(row(c, "country/compute_stock_h100e", "usa").stats.mean_b == 101.0);
  }
  SECTION("different agent ids") {
    RunResults b = run_a();
    b.agent_ids[2] = "lab-2";
    REQUIRE_THROWS_WITH(
        analysis::compare(a, b, options),
        Catch::Contains("agent ids differ: only in a.h5: lab; only in b.h5: lab-2"));
    // ids along axes that are not compared do not matter
    CHECK_NOTHROW(analysis::compare(a, b, with_metrics({"bloc/compute_stock_h100e"})));
    options.allow_mismatch = true;
    options.metrics = {"agent/revenue_usd"};
    const Comparison c = analysis::compare(a, b, options);
    CHECK(c.rows.size() == 2);  // nvidia and tsmc
    CHECK_FALSE(has_row(c, "agent/revenue_usd", "lab"));
  }
  SECTION("a country in another bloc") {
    RunResults b = run_a();
    b.country_blocs[1] = "china";
    REQUIRE_THROWS_WITH(analysis::compare(a, b, options),
                        Catch::Contains("country twn is in bloc west in a.h5, china in b.h5"));
    CHECK_NOTHROW(analysis::compare(a, b, with_metrics({"country/compute_stock_h100e"})));
  }
  SECTION("a metric that is a level in one run and a flow in the other") {
    RunResults b = run_a();
    b.metrics[0].level = false;
    REQUIRE_THROWS_WITH(
        analysis::compare(a, b, options),
        Catch::Contains("bloc/compute_stock_h100e is a level in a.h5 but a flow in b.h5"));
  }
  SECTION("every problem is listed") {
    RunResults b = run_a(2);
    b.seed = 5;
    try {
      analysis::compare(a, b, options);
      FAIL("expected a ConfigError");
    } catch (const sim::ConfigError& e) {
      const std::string text = e.what();
      CHECK_THAT(text, Catch::Contains("seeds differ"));
      CHECK_THAT(text, Catch::Contains("replicate counts differ"));
    }
  }
}

TEST_CASE("analysis::compare: unknown metrics and months are named", "[analysis][compare]") {
  const RunResults a = run_a();
  SECTION("an unknown metric lists the available ones") {
    REQUIRE_THROWS_AS(analysis::compare(a, a, with_metrics({"country/nope"})), sim::ConfigError);
    REQUIRE_THROWS_WITH(analysis::compare(a, a, with_metrics({"country/nope"})),
                        Catch::StartsWith("metric 'country/nope': error: unknown metric") &&
                            Catch::Contains("country/compute_stock_h100e") &&
                            Catch::Contains("agent/investment_built_usd") &&
                            Catch::Contains("bloc/chip_imports_units"));
    REQUIRE_THROWS_WITH(analysis::compare(a, a, with_metrics({"revenue_usd"})),
                        Catch::Contains("expected AXIS/NAME"));
    REQUIRE_THROWS_WITH(analysis::compare(a, a, with_metrics({"bloc/revenue_usd"})),
                        Catch::Contains("unknown metric"));
  }
  SECTION("a metric only one run holds") {
    RunResults b = run_a();
    b.metrics.pop_back();
    CompareOptions options = with_metrics({"agent/investment_built_usd"});
    options.label_b = "b.h5";
    REQUIRE_THROWS_WITH(analysis::compare(a, b, options), Catch::Contains("only A holds it"));
    // the default set skips it and says so
    const Comparison c = analysis::compare(a, b);
    CHECK_THAT(c.notes[0], Catch::Contains("agent/investment_built_usd is not in B; skipped"));
  }
  SECTION("a bad month") {
    REQUIRE_THROWS_WITH(analysis::compare(a, a, with_metrics({}, "2025-13")),
                        Catch::Contains("month '2025-13': error: expected a month YYYY-MM"));
    REQUIRE_THROWS_WITH(analysis::compare(a, a, with_metrics({}, "2026-01")),
                        Catch::Contains("they share 2025-01 to 2025-03 (3 months)"));
  }
}

TEST_CASE("analysis::format_csv, format_json, format_table", "[analysis][compare]") {
  const RunResults a = run_a();
  RunResults b = run_a();
  add(b, MetricAxis::country, "chip_imports_units", [](auto, auto t, auto) { return d(t); });
  const Comparison c =
      analysis::compare(a, b, with_metrics({"country/chip_imports_units"}, "2025-02"));

  SECTION("csv: the header and full-precision numbers") {
    CHECK(analysis::format_csv(c) ==
          "metric,entity,month,n,mean_a,mean_b,mean_diff,ci_low,ci_high,share_b_greater,method\n"
          "country/chip_imports_units,usa,2025-02,3,20,21,1,1,1,1,t\n"
          "country/chip_imports_units,twn,2025-02,3,20,21,1,1,1,1,t\n"
          "country/chip_imports_units,chn,2025-02,3,20,21,1,1,1,1,t\n");
  }
  SECTION("json: an array of objects with the same fields") {
    const std::string json = analysis::format_json(c);
    CHECK_THAT(json, Catch::StartsWith("[\n  {\"metric\": \"country/chip_imports_units\", "
                                       "\"entity\": \"usa\", \"month\": \"2025-02\", \"n\": 3, "
                                       "\"mean_a\": 20, \"mean_b\": 21, \"mean_diff\": 1, "
                                       "\"ci_low\": 1, \"ci_high\": 1, \"share_b_greater\": 1, "
                                       "\"method\": \"t\"},\n"));
    CHECK_THAT(json, Catch::EndsWith("\"method\": \"t\"}\n]\n"));
  }
  SECTION("one replicate: the interval is n/a, null in json, never NaN") {
    const RunResults one = run_a(1);
    const Comparison single = analysis::compare(one, one);
    CHECK_THAT(analysis::format_csv(single),
               Catch::Contains("country/chip_imports_units,usa,2025-03,1,30,30,0,n/a,n/a,0,t\n"));
    CHECK_THAT(analysis::format_json(single),
               Catch::Contains("\"ci_low\": null, \"ci_high\": null"));
    CHECK_THAT(analysis::format_table(single), Catch::Contains("n/a"));
    for (const std::string& text : {analysis::format_csv(single), analysis::format_json(single),
                                    analysis::format_table(single)})
      CHECK_THAT(text, !Catch::Contains("nan") && !Catch::Contains("NaN"));
  }
  SECTION("ids are quoted in csv and escaped in json") {
    RunResults odd_a = run_a();
    RunResults odd_b = run_a();
    odd_a.country_ids[0] = odd_b.country_ids[0] = "a\"b,c\\";
    const Comparison odd =
        analysis::compare(odd_a, odd_b, with_metrics({"country/chip_imports_units"}));
    CHECK_THAT(analysis::format_csv(odd), Catch::Contains("units,\"a\"\"b,c\\\",2025-03,"));
    CHECK_THAT(analysis::format_json(odd), Catch::Contains("\"entity\": \"a\\\"b,c\\\\\""));
  }
  SECTION("table: says how levels and flows are read, fits in 100 columns") {
    const std::string table = analysis::format_table(c);
    CHECK_THAT(table, Catch::Contains("a flow is summed over 2025-01 to 2025-02"));
    CHECK_THAT(table, Catch::Contains(
                          "country/chip_imports_units (chips, flow summed 2025-01 to 2025-02)"));
    CHECK_THAT(table, Catch::Contains("95% CI: Student t"));
    std::istringstream lines(table);
    for (std::string line; std::getline(lines, line);) {
      INFO(line);
      CHECK(line.size() <= 100);
    }
  }
  SECTION("bootstrap: named in every format, the same for the same seed") {
    CompareOptions options = with_metrics({"country/compute_stock_h100e"});
    options.interval.method = analysis::IntervalMethod::bootstrap;
    options.interval.bootstrap = analysis::BootstrapSpec{500, 9};
    RunResults shifted = run_a();
    add(shifted, MetricAxis::country, "compute_stock_h100e",
        [](auto rep, auto, auto) { return d(rep * rep); });  // differences 0, 1, 4
    const std::string first = analysis::format_csv(analysis::compare(a, shifted, options));
    CHECK(first == analysis::format_csv(analysis::compare(a, shifted, options)));
    CHECK_THAT(first, Catch::EndsWith(",bootstrap\n"));
    const Comparison boot = analysis::compare(a, shifted, options);
    const ComparisonRow& usa = row(boot, "country/compute_stock_h100e", "usa");
    REQUIRE(usa.stats.ci);
    CHECK(usa.stats.ci->low >= 0.0);
    CHECK(usa.stats.ci->high <= 4.0);
    CHECK(usa.stats.share_b_greater == Approx(2.0 / 3.0));
    CHECK_THAT(analysis::format_table(boot), Catch::Contains("percentile bootstrap"));
  }
}
