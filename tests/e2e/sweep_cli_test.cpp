// End-to-end tests of `chipsim sweep`: the layout of the sweep result file as h5dump sees it,
// that each point of a sweep is exactly the plain `chipsim run` with the same --set values,
// determinism across thread counts, interrupted and killed sweeps finished with --resume,
// Morris screening, and bad input (exit 2, nothing written).
//
// The sweep files are in tests/data/sweeps; all of them run tests/data/e2e/small.yaml
// (12 months, five agents), so a unit (one point, one replicate) takes a few milliseconds.

#include <algorithm>
#include <array>
#include <bit>
#include <catch2/catch.hpp>
#include <chrono>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "sim/engine/concat.hpp"
#include "sim/io/result_file.hpp"
#include "sim/world/results.hpp"
#include "tests/e2e/cli_helpers.hpp"

namespace fs = std::filesystem;
using e2e::chipsim;
using e2e::differences_besides_created;
using e2e::part_count;
using e2e::part_identities;
using e2e::parts_at_least;
using e2e::quote;

namespace {

const std::string data_dir = CHIPSIM_TEST_DATA_DIR;
const std::string small_scenario = data_dir + "/e2e/small.yaml";
const std::string sweeps_dir = data_dir + "/sweeps";
const std::string grid_sweep = sweeps_dir + "/grid.yaml";            // 3 x 2 points, 2 replicates
const std::string long_grid_sweep = sweeps_dir + "/long_grid.yaml";  // the same, 10 replicates
const std::string morris_sweep = sweeps_dir + "/morris.yaml";        // 2 inputs, 4 trajectories
const std::string budget_path = "agents.lab-us.budget_usd_per_month";
const std::string approval_path = "policies.ban.licence.approval_probability";
const std::string quota_path = "policies.ban.quota.tpp_per_country";

/// The points of grid.yaml in the order the file must hold them: the first parameter (the US
/// lab's budget) varies slowest.
const std::vector<std::vector<double>> grid_points = {{1.0e6, 0.25}, {1.0e6, 0.75}, {1.5e6, 0.25},
                                                      {1.5e6, 0.75}, {2.0e6, 0.25}, {2.0e6, 0.75}};

/// A number as a `--set` value that reads back as the same double.
std::string number_text(double v) {
  std::array<char, 64> buf{};
  std::snprintf(buf.data(), buf.size(), "%.17g", v);
  return buf.data();
}

std::vector<std::uint64_t> bits(const std::vector<double>& values) {
  std::vector<std::uint64_t> out;
  out.reserve(values.size());
  for (double v : values) out.push_back(std::bit_cast<std::uint64_t>(v));
  return out;
}

std::string metric_path(const sim::world::Metric& m) {
  return std::string("/metrics/") + sim::world::axis_name(m.axis) + "/" + m.name;
}

/// The rows of a sweep table (first column `point`) that belong to point `p`, without that
/// column.
std::vector<std::vector<std::string>> rows_of_point(
    const std::vector<std::vector<std::string>>& rows, std::size_t p) {
  std::vector<std::vector<std::string>> out;
  for (const auto& row : rows)
    if (!row.empty() && row.front() == std::to_string(p))
      out.emplace_back(row.begin() + 1, row.end());
  return out;
}

/// Column `c` of every row, as numbers.
std::vector<double> column(const std::vector<std::vector<std::string>>& rows, std::size_t c) {
  std::vector<double> out;
  out.reserve(rows.size());
  for (const auto& row : rows) out.push_back(std::stod(row.at(c)));
  return out;
}

/// A flat list of one-field rows, e.g. the strings of a 1-D string dataset.
std::vector<std::string> singles(const std::vector<std::vector<std::string>>& rows) {
  std::vector<std::string> out;
  out.reserve(rows.size());
  for (const auto& row : rows) out.push_back(row.size() == 1 ? row.front() : "<not one field>");
  return out;
}

std::size_t entries_in(const fs::path& folder) {
  return static_cast<std::size_t>(
      std::distance(fs::directory_iterator(folder), fs::directory_iterator()));
}

void write_file(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
}

/// `text` with the first `from` replaced by `to`; fails the test when `from` is absent.
std::string replaced(std::string text, const std::string& from, const std::string& to) {
  const auto at = text.find(from);
  REQUIRE(at != std::string::npos);
  return text.replace(at, from.size(), to);
}

/// grid.yaml with its base as an absolute path, so the copy can live in any folder.
std::string grid_text_anywhere() {
  return replaced(e2e::slurp(grid_sweep), "base: ../e2e/small.yaml", "base: " + small_scenario);
}

/// Sleeps until the wall clock's second changes, so that the next file gets another
/// created_utc than the last one.
void wait_for_next_second() {
  const std::time_t now = std::time(nullptr);
  while (std::time(nullptr) == now) std::this_thread::sleep_for(std::chrono::milliseconds(10));
}

}  // namespace

TEST_CASE("cli sweep: a 3x2 grid holds each point's runs, in order, as a plain run would",
          "[e2e][cli][sweep]") {
  e2e::TempDir tmp;
  const std::string out = tmp / "grid.h5";
  const auto o = chipsim("sweep -q " + quote(grid_sweep) + " -o " + quote(out));
  REQUIRE(o.status == 0);
  CHECK(o.err.empty());
  REQUIRE(fs::exists(out));
  CHECK_FALSE(fs::exists(out + ".parts"));  // merged and removed

  // what the sweep was
  CHECK(e2e::h5_string_attribute(out, "/", "sweep_name") == "small-grid");
  CHECK(e2e::h5_string_attribute(out, "/", "sweep_method") == "grid");
  CHECK(singles(e2e::h5_rows(out, "-a /sweep_points")) == std::vector<std::string>{"6"});
  CHECK(singles(e2e::h5_rows(out, "-d /sweep/parameter")) ==
        std::vector<std::string>{budget_path, approval_path});
  CHECK(singles(e2e::h5_rows(out, "-d /sweep/definition")) ==
        std::vector<std::string>{e2e::slurp(grid_sweep)});
  const auto points = e2e::h5_rows(out, "-d /sweep/point");
  REQUIRE(points.size() == 6);
  for (std::size_t p = 0; p < 6; ++p) {
    INFO("point " << p);
    CHECK(column({points[p]}, 0).front() == grid_points[p][0]);
    CHECK(column({points[p]}, 1).front() == grid_points[p][1]);
  }
  CHECK(singles(e2e::h5_rows(out, "-d /sweep/output")) ==
        std::vector<std::string>{"us-revenue", "china-compute"});
  CHECK(e2e::h5_shape(out, "/sweep/output_value") == std::vector<unsigned long long>{6, 2, 2});
  const std::vector<double> output_values = e2e::h5_doubles(out, "/sweep/output_value");

  // the flows and events tables lead with the point, and every point has some flows
  const auto flows = e2e::h5_rows(out, "-d /trade/flows");
  const auto events = e2e::h5_rows(out, "-d /events");
  const std::vector<double> flow_points = column(flows, 0);
  CHECK(std::set<double>(flow_points.begin(), flow_points.end()) ==
        std::set<double>{0, 1, 2, 3, 4, 5});
  CHECK(std::is_sorted(flow_points.begin(), flow_points.end()));

  // each point p is the plain run of small.yaml with the point's --set values and the sweep's
  // 2 replicates: every metric, every flow and every event, bit for bit
  std::map<std::string, std::vector<double>> sweep_values;  // metric path -> [6, 2, 12, W]
  for (std::size_t p = 0; p < grid_points.size(); ++p) {
    INFO("point " << p << ": " << budget_path << "=" << number_text(grid_points[p][0]) << ", "
                  << approval_path << "=" << number_text(grid_points[p][1]));
    const std::string run = tmp / ("run" + std::to_string(p) + ".h5");
    REQUIRE(
        chipsim(sim::concat("run -q ", quote(small_scenario), " --replicates 2 --set ", budget_path,
                            "=", number_text(grid_points[p][0]), " --set ", approval_path, "=",
                            number_text(grid_points[p][1]), " -o ", quote(run)))
            .status == 0);
    const sim::world::RunResults r = sim::io::read_results(run);
    REQUIRE(r.replicates == 2);
    REQUIRE(r.months.size() == 12);
    REQUIRE_FALSE(r.metrics.empty());
    for (const sim::world::Metric& m : r.metrics) {
      const std::string path = metric_path(m);
      INFO(path);
      const unsigned long long width = r.width(m.axis);
      if (p == 0) {
        e2e::H5Array array = e2e::h5_array(out, path);
        CHECK(array.shape == std::vector<unsigned long long>{6, 2, 12, width});
        CHECK(e2e::h5_string_attribute(out, path, "dims") ==
              std::string("point,replicate,month,") + sim::world::axis_name(m.axis));
        sweep_values[path] = std::move(array.values);
      }
      const std::vector<double>& all = sweep_values[path];
      const std::size_t block = std::size_t{2} * 12 * width;
      REQUIRE(all.size() == 6 * block);
      const std::vector<double> of_point(
          all.begin() + static_cast<std::ptrdiff_t>(p * block),
          all.begin() + static_cast<std::ptrdiff_t>((p + 1) * block));
      std::vector<double> of_run = m.values.at(0);
      of_run.insert(of_run.end(), m.values.at(1).begin(), m.values.at(1).end());
      CHECK(bits(of_point) == bits(of_run));
    }
    const auto run_flows = e2e::h5_rows(run, "-d /trade/flows");
    CHECK_FALSE(run_flows.empty());
    CHECK(rows_of_point(flows, p) == run_flows);
    CHECK(rows_of_point(events, p) == e2e::h5_rows(run, "-d /events"));

    // outputs: us-revenue is a flow (the maker's revenue summed over the 12 months),
    // china-compute a level (bloc china's compute stock in the last month)
    const auto maker = static_cast<std::size_t>(
        std::find(r.agent_ids.begin(), r.agent_ids.end(), "maker") - r.agent_ids.begin());
    REQUIRE(maker < r.agent_ids.size());
    const std::size_t agents = r.agent_ids.size();
    const std::size_t countries = r.country_ids.size();
    const std::vector<double>& revenue = sweep_values.at("/metrics/agent/revenue_usd");
    const std::vector<double>& stock = sweep_values.at("/metrics/country/compute_stock_h100e");
    for (std::size_t rep = 0; rep < 2; ++rep) {
      INFO("replicate " << rep);
      double total = 0;
      for (std::size_t t = 0; t < 12; ++t)
        total += revenue[((p * 2 + rep) * 12 + t) * agents + maker];
      double china = 0;
      for (std::size_t c = 0; c < countries; ++c)
        if (r.country_blocs[c] == "china")
          china += stock[((p * 2 + rep) * 12 + 11) * countries + c];
      CHECK(total > 0);
      CHECK(output_values[(p * 2 + rep) * 2 + 0] == Approx(total).epsilon(1e-12));
      CHECK(output_values[(p * 2 + rep) * 2 + 1] == china);
    }
  }
  // the sweep added no metric a run does not have
  CHECK(sweep_values.size() == sim::io::read_results(tmp / "run0.h5").metrics.size());
}

// A sweep file holds one /scenario/resolved_yaml for all of its points, and the swept values
// are in /sweep/point; that text must be the base scenario as the sweep resolved it (its fixed
// set, seed and replicates applied), which is what `chipsim run small.yaml --replicates 2`
// stores, and not the scenario of one point with that point's values baked in.
TEST_CASE("cli sweep: the file's scenario is the base scenario, not its first point",
          "[e2e][cli][sweep]") {
  e2e::TempDir tmp;
  const std::string out = tmp / "grid.h5";
  const std::string run = tmp / "run.h5";
  REQUIRE(chipsim("sweep -q " + quote(grid_sweep) + " -o " + quote(out)).status == 0);
  REQUIRE(chipsim("run -q " + quote(small_scenario) + " --replicates 2 -o " + quote(run)).status ==
          0);
  const auto sweep_yaml = singles(e2e::h5_rows(out, "-d /scenario/resolved_yaml"));
  const auto run_yaml = singles(e2e::h5_rows(run, "-d /scenario/resolved_yaml"));
  REQUIRE(sweep_yaml.size() == 1);
  // point 0 runs the US lab at 1000000 a month and approval 0.25; the base says 1.2e6 and 0.5
  CHECK_THAT(sweep_yaml.front(), !Catch::Contains("budget_usd_per_month: 1000000"));
  CHECK_THAT(sweep_yaml.front(), !Catch::Contains("approval_probability: 0.25"));
  CHECK(sweep_yaml == run_yaml);
}

TEST_CASE("cli sweep: identical files at 1, 2 and 8 threads, created_utc aside",
          "[e2e][cli][sweep][determinism][parallel]") {
  e2e::TempDir tmp;
  std::map<int, std::string> files;
  for (int threads : {1, 2, 8}) {
    files[threads] = tmp / ("t" + std::to_string(threads) + ".h5");
    // a new second for the last file, so its created_utc differs and must be ignored
    if (threads == 8) wait_for_next_second();
    REQUIRE(chipsim("sweep -q --threads " + std::to_string(threads) + " " + quote(grid_sweep) +
                    " -o " + quote(files[threads]))
                .status == 0);
  }
  CHECK(e2e::h5_string_attribute(files[1], "/", "created_utc") !=
        e2e::h5_string_attribute(files[8], "/", "created_utc"));
  CHECK_THAT(differences_besides_created(files[1], files[2]), Catch::Matchers::Equals(""));
  CHECK_THAT(differences_besides_created(files[1], files[8]), Catch::Matchers::Equals(""));

  SECTION("the comparison sees a different seed and a different layout") {
    const std::string other_seed = tmp / "seed.yaml";
    const std::string seeded = tmp / "seed.h5";
    write_file(other_seed, replaced(grid_text_anywhere(), "  replicates: 2\n",
                                    "  replicates: 2\n  seed: 99\n"));
    REQUIRE(chipsim("sweep -q " + quote(other_seed) + " -o " + quote(seeded)).status == 0);
    const std::string seed_report = differences_besides_created(files[1], seeded);
    CHECK_THAT(seed_report, Catch::Contains("/metrics/agent/revenue_usd"));
    CHECK_THAT(seed_report, Catch::Contains("<seed of </>>"));
    const std::string run = tmp / "run.h5";
    REQUIRE(
        chipsim("run -q " + quote(small_scenario) + " --replicates 2 -o " + quote(run)).status ==
        0);
    const std::string layout_report = differences_besides_created(files[1], run);
    CHECK_THAT(layout_report, Catch::Contains("in one file only"));
    CHECK_THAT(layout_report, Catch::Contains("/sweep/point"));
    CHECK_THAT(layout_report, Catch::Contains("only in obj1"));  // sweep_name and the like
  }
}

TEST_CASE("cli run: identical files at 1, 2 and 8 threads, created_utc aside",
          "[e2e][cli][determinism][parallel]") {
  e2e::TempDir tmp;
  std::map<int, std::string> files;
  for (int threads : {1, 2, 8}) {
    files[threads] = tmp / ("t" + std::to_string(threads) + ".h5");
    REQUIRE(chipsim("run -q --replicates 3 --threads " + std::to_string(threads) + " -o " +
                    quote(files[threads]))
                .status == 0);
  }
  CHECK_THAT(differences_besides_created(files[1], files[2]), Catch::Matchers::Equals(""));
  CHECK_THAT(differences_besides_created(files[1], files[8]), Catch::Matchers::Equals(""));
  const std::string other = tmp / "seed.h5";
  REQUIRE(chipsim("run -q --replicates 3 --seed 99 -o " + quote(other)).status == 0);
  CHECK_THAT(differences_besides_created(files[1], other), Catch::Contains("/metrics/"));
}

TEST_CASE("cli sweep: --max-units stops early and --resume finishes the same file",
          "[e2e][cli][sweep][resume]") {
  e2e::TempDir tmp;
  const std::string reference = tmp / "reference.h5";
  REQUIRE(chipsim("sweep -q " + quote(grid_sweep) + " -o " + quote(reference)).status == 0);

  const std::string out = tmp / "stopped.h5";
  const std::string parts = out + ".parts";
  const auto first = chipsim("sweep " + quote(grid_sweep) + " -o " + quote(out) + " --max-units 5");
  CHECK(first.status == 0);
  CHECK_THAT(first.out, Catch::Contains("stopped after 5 of 12"));
  CHECK_THAT(first.out, Catch::Contains("chipsim sweep --resume " + out));
  CHECK_FALSE(fs::exists(out));
  REQUIRE(fs::is_directory(parts));
  CHECK(part_count(out) == 5);

  const auto resumed = chipsim("sweep -q --resume " + quote(out));
  CHECK(resumed.status == 0);
  CHECK(resumed.err.empty());
  REQUIRE(fs::exists(out));
  CHECK_FALSE(fs::exists(parts));
  CHECK_THAT(differences_besides_created(out, reference), Catch::Matchers::Equals(""));

  // --method and --samples of the first start hold for the resumed sweep
  const std::string morris = tmp / "morris.h5";
  const std::string morris_reference = tmp / "morris-reference.h5";
  const std::string method = " --method morris --samples 3";
  REQUIRE(
      chipsim("sweep -q " + quote(grid_sweep) + method + " -o " + quote(morris_reference)).status ==
      0);
  REQUIRE(
      chipsim("sweep -q " + quote(grid_sweep) + method + " -o " + quote(morris) + " --max-units 7")
          .status == 0);
  CHECK(part_count(morris) == 7);
  CHECK(chipsim("sweep -q --resume " + quote(morris)).status == 0);
  CHECK_THAT(differences_besides_created(morris, morris_reference), Catch::Matchers::Equals(""));
}

TEST_CASE("cli sweep: a sweep killed with SIGKILL at any stage resumes to the same file",
          "[e2e][cli][sweep][resume][slow]") {
  e2e::TempDir tmp;
  const std::string reference = tmp / "reference.h5";
  REQUIRE(chipsim("sweep -q " + quote(long_grid_sweep) + " -o " + quote(reference)).status == 0);

  // the 60-unit sweep on one thread, killed: as soon as its folder exists, then (each time
  // resumed) after one more part, at half the parts, and while merging the parts into OUT
  const std::string out = tmp / "killed.h5";
  const std::string bin = quote(CHIPSIM_BINARY);
  const std::string start =
      bin + " sweep -q --threads 1 " + quote(long_grid_sweep) + " -o \"$OUT\"";
  const std::string resume = bin + " sweep -q --threads 1 --resume \"$OUT\"";

  e2e::Killed k = e2e::kill_when(start, out, "[ -e \"$OUT.parts/manifest.yaml\" ]");
  REQUIRE(k.status == 137);  // else the sweep ended before it could be killed
  CHECK_FALSE(k.output_seen);
  CHECK_FALSE(fs::exists(out));
  REQUIRE(fs::is_directory(out + ".parts"));

  struct Stage {
    const char* name;
    std::string condition;
    bool busy;
  };
  const std::size_t first = part_count(out);
  const std::vector<Stage> stages = {
      {"one more part", parts_at_least(first + 1), false},
      {"half the parts", parts_at_least(std::max<std::size_t>(first + 2, 30)), false},
      {"merging", R"(set -- "$OUT".tmp.*; [ -e "$1" ])", true},
  };
  for (const Stage& stage : stages) {
    INFO(stage.name);
    const auto before = part_identities(out);
    k = e2e::kill_when(resume, out, stage.condition, stage.busy);
    REQUIRE(k.status == 137);
    CHECK_FALSE(k.output_seen);
    CHECK_FALSE(fs::exists(out));
    // the finished units were not run again; the killed resume only added parts
    const auto after = part_identities(out);
    for (const auto& [name, id] : before) {
      INFO(name);
      REQUIRE(after.count(name) == 1);
      CHECK(after.at(name) == id);
    }
    CHECK((after.size() > before.size() || std::string(stage.name) == "merging"));
  }
  CHECK(part_count(out) == 60);  // killed while merging: every unit had finished

  // the last resume runs no unit, only the merge
  const auto resumed = chipsim("sweep --threads 1 --resume " + quote(out));
  CHECK(resumed.status == 0);
  CHECK(resumed.err.empty());
  CHECK_THAT(resumed.out, Catch::Contains("resuming " + out + ": 60 of 60 units done, 0 to run"));
  REQUIRE(fs::exists(out));
  CHECK_FALSE(fs::exists(out + ".parts"));
  CHECK_THAT(differences_besides_created(out, reference), Catch::Matchers::Equals(""));
}

TEST_CASE("cli sweep: --resume runs exactly the missing units", "[e2e][cli][sweep][resume]") {
  e2e::TempDir tmp;
  const std::string out = tmp / "partial.h5";
  REQUIRE(
      chipsim("sweep -q " + quote(grid_sweep) + " -o " + quote(out) + " --max-units 4").status ==
      0);
  // a lost unit (its part deleted) is run again too
  auto paths = e2e::files_in(out + ".parts", "p", ".h5");
  REQUIRE(paths.size() == 4);
  std::sort(paths.begin(), paths.end());
  fs::remove(paths[1]);
  const std::string lost = fs::path(paths[1]).filename().string();
  const auto kept = part_identities(out);
  const auto o = chipsim("sweep --resume " + quote(out) + " --max-units 7");
  CHECK(o.status == 0);
  CHECK_THAT(o.out, Catch::Contains("resuming " + out + ": 3 of 12 units done, 9 to run"));
  CHECK_THAT(o.out, Catch::Contains("stopped after 7 of 9 missing units"));
  const auto now = part_identities(out);
  CHECK(now.size() == 10);
  for (const auto& [name, id] : kept) {
    INFO(name);
    REQUIRE(now.count(name) == 1);
    CHECK(now.at(name) == id);
  }
  CHECK(now.count(lost) == 1);  // the lost unit came first: units run in order
}

TEST_CASE("cli sweep: --resume keeps the --limit values of the start; a new one wins",
          "[e2e][cli][sweep][resume][limits]") {
  e2e::TempDir tmp;
  const std::string out = tmp / "limited.h5";
  // small.yaml has 12 months: months=12 is just enough
  REQUIRE(chipsim("sweep -q " + quote(grid_sweep) + " --limit months=12 -o " + quote(out) +
                  " --max-units 2")
              .status == 0);
  CHECK_THAT(e2e::slurp(out + ".parts/manifest.yaml"), Catch::Contains("limits:\n  - 'months=12'"));
  const auto lowered = chipsim("sweep -q --resume " + quote(out) + " --limit months=11");
  CHECK(lowered.status == 2);
  CHECK_THAT(lowered.err, Catch::Contains("(raise the limit with --limit months=N)"));
  CHECK(part_count(out) == 2);
  CHECK(chipsim("sweep -q --resume " + quote(out)).status == 0);
  CHECK(fs::exists(out));
}

TEST_CASE("cli sweep: --resume refuses a base scenario changed since the sweep started",
          "[e2e][cli][sweep][resume]") {
  e2e::TempDir tmp;
  const std::string base = tmp / "base.yaml";
  const std::string sweep = tmp / "sweep.yaml";
  const std::string base_text = e2e::slurp(small_scenario);
  write_file(base, base_text);
  write_file(sweep, replaced(e2e::slurp(grid_sweep), "base: ../e2e/small.yaml", "base: base.yaml"));
  const std::string out = tmp / "out.h5";
  REQUIRE(chipsim("sweep -q " + quote(sweep) + " -o " + quote(out) + " --max-units 3").status == 0);
  REQUIRE(part_count(out) == 3);

  // the Chinese lab's budget changes: the 3 finished units no longer belong to this sweep
  write_file(base, replaced(base_text, "country: chn, budget_usd_per_month: 1.2e6",
                            "country: chn, budget_usd_per_month: 1.3e6"));
  const auto refused = chipsim("sweep -q --resume " + quote(out));
  CHECK(refused.status == 2);
  CHECK_THAT(refused.err, Catch::Contains("base scenario has changed"));
  CHECK_FALSE(fs::exists(out));
  CHECK(part_count(out) == 3);  // the finished units are kept

  // with the base as it was, the sweep finishes
  write_file(base, base_text);
  CHECK(chipsim("sweep -q --resume " + quote(out)).status == 0);
  CHECK(fs::exists(out));
  CHECK_FALSE(fs::exists(out + ".parts"));
}

TEST_CASE("cli sweep: Morris screening gives an inert input mu* = 0 exactly",
          "[e2e][cli][sweep][morris]") {
  e2e::TempDir tmp;
  const std::string out = tmp / "morris.h5";
  REQUIRE(chipsim("sweep -q " + quote(morris_sweep) + " -o " + quote(out)).status == 0);
  CHECK(e2e::h5_string_attribute(out, "/", "sweep_method") == "morris");
  CHECK(e2e::h5_rows(out, "-d /sweep/point").size() == 12);  // 4 trajectories x (2 + 1)

  // rows: output, parameter, mu, mu_star, sigma, n; two per output, parameters in file order
  const auto rows = e2e::h5_rows(out, "-d /sweep/morris");
  REQUIRE(rows.size() == 4);
  const std::vector<std::string> outputs = {"china-compute", "china-compute", "maker-revenue",
                                            "maker-revenue"};
  for (std::size_t i = 0; i < rows.size(); ++i) {
    INFO("row " << i);
    REQUIRE(rows[i].size() == 6);
    CHECK(rows[i][0] == outputs[i]);
    CHECK(rows[i][1] == (i % 2 == 0 ? approval_path : quota_path));
    CHECK(rows[i][5] == "4");
    const double mu = std::stod(rows[i][2]);
    const double mu_star = std::stod(rows[i][3]);
    if (i % 2 == 0) {
      CHECK(mu_star > 0);  // the approval rate moves licensed sales to China
    } else {
      CHECK(mu_star == 0);  // the quota of a licence_required policy is never consulted
      CHECK(mu == 0);
    }
  }
}

TEST_CASE("cli sweep: --method morris --samples 3 screens a grid file over its values' ranges",
          "[e2e][cli][sweep][morris]") {
  e2e::TempDir tmp;
  const std::string out = tmp / "grid-morris.h5";
  const auto o =
      chipsim("sweep -q " + quote(grid_sweep) + " --method morris --samples 3 -o " + quote(out));
  REQUIRE(o.status == 0);
  CHECK(e2e::h5_string_attribute(out, "/", "sweep_method") == "morris");
  const auto points = e2e::h5_rows(out, "-d /sweep/point");
  CHECK(points.size() == 9);  // 3 trajectories x (2 + 1)
  // with 4 levels, every value is low + k/3 (high - low): the budget's values run 1e6..2e6
  // and the approval rate's 0.25..0.75, the smallest and largest of the grid's values
  const std::vector<std::pair<double, double>> ranges = {{1.0e6, 2.0e6}, {0.25, 0.75}};
  for (std::size_t k = 0; k < 2; ++k) {
    for (double v : column(points, k)) {
      INFO("parameter " << k << " value " << number_text(v));
      const double level = (v - ranges[k].first) / (ranges[k].second - ranges[k].first) * 3;
      CHECK(level >= -1e-9);
      CHECK(level <= 3 + 1e-9);
      CHECK(level == Approx(std::round(level)).margin(1e-9));
    }
  }
  const auto morris = e2e::h5_rows(out, "-d /sweep/morris");
  REQUIRE(morris.size() == 4);  // 2 outputs x 2 parameters
  for (const auto& row : morris) CHECK(row.at(5) == "3");
}

TEST_CASE("cli sweep: a bad sweep file exits 2 with its location and writes nothing",
          "[e2e][cli][sweep][bad]") {
  const fs::path dir = fs::path(sweeps_dir) / "bad";
  int cases = 0;
  for (const auto& entry : fs::directory_iterator(dir)) {
    if (entry.path().extension() != ".expected") continue;
    fs::path yaml = entry.path();
    yaml.replace_extension(".yaml");
    std::string expected = e2e::slurp(entry.path().string());
    while (!expected.empty() && expected.back() == '\n') expected.pop_back();
    for (auto pos = expected.find("{DIR}"); pos != std::string::npos; pos = expected.find("{DIR}"))
      expected.replace(pos, 5, dir.string());
    INFO(yaml.string());
    e2e::TempDir tmp;
    const std::string out = tmp / "never.h5";
    const auto o = chipsim("sweep " + quote(yaml.string()) + " -o " + quote(out));
    CHECK(o.status == 2);
    CHECK_THAT(o.err, Catch::StartsWith(yaml.string() + ":"));
    CHECK_THAT(o.err, Catch::Contains(expected));
    CHECK(o.out.empty());
    CHECK(entries_in(tmp.path()) == 0);  // neither OUT nor OUT.parts
    ++cases;
  }
  CHECK(cases >= 17);
}

TEST_CASE("cli sweep: a value the base scenario rejects exits 2 naming the sweep's line",
          "[e2e][cli][sweep][bad]") {
  e2e::TempDir tmp;
  const std::string sweep = sweeps_dir + "/approval_out_of_range.yaml";
  const std::string out = tmp / "never.h5";
  const auto o = chipsim("sweep " + quote(sweep) + " -o " + quote(out));
  CHECK(o.status == 2);
  // line 10 holds the approval rate's range [0.5, 1.5]; the message gives the sampled value
  CHECK_THAT(o.err,
             Catch::StartsWith(sweep + ":10:5: error: parameters: " + approval_path + " = 1."));
  CHECK_THAT(o.err, Catch::Contains("is not valid in the base scenario"));
  CHECK_THAT(o.err, Catch::Contains("expected a rate in [0, 1]"));
  CHECK(entries_in(tmp.path()) == 0);
}

TEST_CASE("cli sweep: an existing result or parts folder is not overwritten",
          "[e2e][cli][sweep][bad]") {
  e2e::TempDir tmp;
  const std::string out = tmp / "out.h5";
  const std::string parts = out + ".parts";

  SECTION("an existing OUT needs --force") {
    write_file(out, "not a result file");
    const auto o = chipsim("sweep -q " + quote(grid_sweep) + " -o " + quote(out));
    CHECK(o.status == 2);
    CHECK_THAT(o.err, Catch::Contains("use --force"));
    CHECK(e2e::slurp(out) == "not a result file");
    CHECK_FALSE(fs::exists(parts));
    CHECK(chipsim("sweep -q --force " + quote(grid_sweep) + " -o " + quote(out)).status == 0);
    CHECK(e2e::h5_string_attribute(out, "/", "sweep_name") == "small-grid");
  }
  SECTION("an existing OUT.parts needs --resume") {
    REQUIRE(
        chipsim("sweep -q " + quote(grid_sweep) + " -o " + quote(out) + " --max-units 2").status ==
        0);
    REQUIRE(part_count(out) == 2);
    const auto o = chipsim("sweep -q " + quote(grid_sweep) + " -o " + quote(out));
    CHECK(o.status == 2);
    CHECK_THAT(o.err, Catch::Contains("chipsim sweep --resume " + out));
    CHECK(part_count(out) == 2);
    CHECK_FALSE(fs::exists(out));
    // --force is about OUT, not about an interrupted sweep
    CHECK(chipsim("sweep -q --force " + quote(grid_sweep) + " -o " + quote(out)).status == 2);
    CHECK(part_count(out) == 2);
  }
  SECTION("--resume without parts") {
    const auto o = chipsim("sweep -q --resume " + quote(out));
    CHECK(o.status == 2);
    CHECK_THAT(o.err, Catch::Contains("no interrupted sweep"));
    CHECK(entries_in(tmp.path()) == 0);
  }
  SECTION("usage errors") {
    CHECK(chipsim("sweep -q " + quote(grid_sweep) + " --resume " + quote(out)).status == 2);
    CHECK(chipsim("sweep -q").status == 2);
    CHECK(chipsim("sweep -q " + quote(grid_sweep) + " --samples 4 -o " + quote(out)).status == 2);
    CHECK(chipsim("sweep -q " + quote(grid_sweep) + " --method lhss -o " + quote(out)).status == 2);
    CHECK(entries_in(tmp.path()) == 0);
  }
}

// The sweep file's own `set` and `choose` entries are checked against the base scenario when
// the sweep starts; a problem there is in the sweep file, so the message must say where.
TEST_CASE("cli sweep: problems with the sweep file's set and choose name its line",
          "[e2e][cli][sweep][bad]") {
  e2e::TempDir tmp;
  const std::string sweep = tmp / "sweep.yaml";
  const std::string out = tmp / "never.h5";
  SECTION("set") {
    write_file(sweep, replaced(grid_text_anywhere(), "  replicates: 2\n",
                               "  replicates: 2\n  set:\n    " + approval_path + ": 1.5\n"));
    const auto o = chipsim("sweep " + quote(sweep) + " -o " + quote(out));
    CHECK(o.status == 2);
    CHECK_THAT(o.err, Catch::Contains("expected a rate in [0, 1]"));
    CHECK_THAT(o.err, Catch::Contains(sweep + ":7:"));  // line 7: the set entry
  }
  SECTION("choose") {
    write_file(sweep, replaced(grid_text_anywhere(), "  replicates: 2\n",
                               "  replicates: 2\n  choose:\n    no-such-decision: no-change\n"));
    const auto o = chipsim("sweep " + quote(sweep) + " -o " + quote(out));
    CHECK(o.status == 2);
    CHECK_THAT(o.err, Catch::Contains("no-such-decision"));
    CHECK_THAT(o.err, Catch::Contains(sweep + ":7:"));  // line 7: the choose entry
  }
  CHECK_FALSE(fs::exists(out));
  CHECK_FALSE(fs::exists(out + ".parts"));
}

TEST_CASE("cli sweep: a sweep file in a folder whose name has a quote resumes",
          "[e2e][cli][sweep][resume]") {
  e2e::TempDir tmp;
  const fs::path folder = tmp.path() / "o'brien";
  fs::create_directory(folder);
  const std::string sweep = (folder / "grid.yaml").string();
  const std::string out = tmp / "out.h5";
  write_file(sweep, grid_text_anywhere());
  REQUIRE(chipsim("sweep -q " + quote(sweep) + " -o " + quote(out) + " --max-units 2").status == 0);
  const auto resumed = chipsim("sweep -q --resume " + quote(out));
  CHECK_THAT(resumed.err, Catch::Matchers::Equals(""));
  CHECK(resumed.status == 0);
  CHECK(fs::exists(out));
}
