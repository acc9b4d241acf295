#include "sim/io/result_file.hpp"

#include <sys/wait.h>
#include <tbb/global_control.h>
#include <unistd.h>
#include <zlib.h>

#include <algorithm>
#include <array>
#include <catch2/catch.hpp>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <limits>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>

#include "sim/engine/concat.hpp"
#include "sim/engine/errors.hpp"
#include "sim/io/detail/chunk_filters.hpp"
#include "sim/world/results.hpp"

namespace {

namespace fs = std::filesystem;
using sim::world::Channel;
using sim::world::FlowRecord;
using sim::world::Metric;
using sim::world::MetricAxis;
using sim::world::RunResults;

/// A fresh directory under the system temp folder, removed with everything in it.
class TempDir {
 public:
  TempDir() {
    const auto tick = std::chrono::steady_clock::now().time_since_epoch().count();
    path_ =
        fs::temp_directory_path() / sim::concat("chipsim-result-file-test-", ::getpid(), "-", tick);
    fs::create_directories(path_);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  std::string file(const std::string& name) const { return (path_ / name).string(); }
  /// Names of everything in the directory, sorted.
  std::vector<std::string> entries() const {
    std::vector<std::string> names;
    for (const fs::directory_entry& e : fs::directory_iterator(path_))
      names.push_back(e.path().filename().string());
    std::sort(names.begin(), names.end());
    return names;
  }

 private:
  fs::path path_;
};

/// value(r, t, i) for the hand-made metrics: distinct within a metric, exactly representable and
/// short enough for h5dump's default 6-digit output.
double sample_value(std::size_t metric, std::size_t r, std::size_t t, std::size_t i) {
  return static_cast<double>(100 * r + 10 * t + i) + 0.25 * static_cast<double>(metric + 1);
}

Metric sample_metric(std::size_t index, MetricAxis axis, std::string name, std::string units,
                     std::size_t replicates, std::size_t months, std::size_t width) {
  Metric m;
  m.axis = axis;
  m.name = std::move(name);
  m.units = std::move(units);
  m.description = "test series for " + m.name;
  m.values.resize(replicates);
  for (std::size_t r = 0; r < replicates; ++r)
    for (std::size_t t = 0; t < months; ++t)
      for (std::size_t i = 0; i < width; ++i) m.values[r].push_back(sample_value(index, r, t, i));
  return m;
}

/// 2 replicates, 3 months, 2 countries, 3 agents, 2 products, three metrics, flows and events.
RunResults sample_results() {
  RunResults r;
  r.chipsim_version = "0.1.0-test";
  r.scenario_name = "tiny Zürich";
  r.seed = 0xFEDCBA9876543210ULL;  // above INT64_MAX: the attribute must be unsigned 64-bit
  r.replicates = 2;
  r.created_utc = "2025-01-02T03:04:05Z";
  r.resolved_yaml = "name: tiny Zürich\nseed: 42\nmonths: 3\n# ✓ UTF-8\n";
  r.months = {"2025-01", "2025-02", "2025-03"};
  r.decisions = {{"h20-april", "2025-02", "us_gov", "no-change", "require-licence"},
                 {"tariff", "2025-03", "us_gov", "none", "none"}};
  r.country_ids = {"US", "CH"};
  r.country_blocs = {"us_aligned", "neutral"};
  r.agent_ids = {"us_gov", "nvidia", "lab_zürich"};
  r.agent_kinds = {"government", "chipmaker", "ai_lab"};
  r.agent_countries = {"US", "US", "CH"};
  r.product_ids = {"H100", "H20"};
  r.product_tpp = {15832.0, 2368.0};
  r.product_h100e = {1.0, 0.148};
  r.metrics.push_back(
      sample_metric(0, MetricAxis::country, "compute_stock_h100e", "H100e", 2, 3, 2));
  r.metrics.push_back(sample_metric(1, MetricAxis::agent, "revenue_usd", "USD", 2, 3, 3));
  r.metrics.push_back(sample_metric(2, MetricAxis::agent, "units_sold", "chips", 2, 3, 3));
  r.metrics.push_back(sample_metric(3, MetricAxis::product, "price_usd", "USD", 2, 3, 2));
  r.flows = {
      {0, 0, 0, 1, 2, 0, 1, Channel::legal, 100.0, 2.5e6},
      {0, 2, 1, 1, 2, 0, 1, Channel::licensed, 40.0, 4.0e5},
      {1, 1, 1, 1, 2, 0, 1, Channel::diverted, 7.5, 9.0e4},
  };
  r.events = {
      {0, 0, 0, "policy_enacted", "US export rule on H100 to CH"},
      {0, 1, 2, "decision", "Zürich lab buys H20 — licensed ✓"},
      {1, 2, -1, "write_down", ""},
  };
  return r;
}

void require_equal(const RunResults& a, const RunResults& b) {
  CHECK(a.chipsim_version == b.chipsim_version);
  CHECK(a.scenario_name == b.scenario_name);
  CHECK(a.seed == b.seed);
  CHECK(a.replicates == b.replicates);
  CHECK(a.created_utc == b.created_utc);
  CHECK(a.resolved_yaml == b.resolved_yaml);
  REQUIRE(a.decisions.size() == b.decisions.size());
  for (std::size_t i = 0; i < a.decisions.size(); ++i) {
    CHECK(a.decisions[i].id == b.decisions[i].id);
    CHECK(a.decisions[i].month == b.decisions[i].month);
    CHECK(a.decisions[i].actor == b.decisions[i].actor);
    CHECK(a.decisions[i].option == b.decisions[i].option);
    CHECK(a.decisions[i].historical == b.decisions[i].historical);
  }
  CHECK(a.months == b.months);
  CHECK(a.country_ids == b.country_ids);
  CHECK(a.country_blocs == b.country_blocs);
  CHECK(a.agent_ids == b.agent_ids);
  CHECK(a.agent_kinds == b.agent_kinds);
  CHECK(a.agent_countries == b.agent_countries);
  CHECK(a.product_ids == b.product_ids);
  CHECK(a.product_tpp == b.product_tpp);
  CHECK(a.product_h100e == b.product_h100e);
  REQUIRE(a.metrics.size() == b.metrics.size());
  for (std::size_t i = 0; i < a.metrics.size(); ++i) {
    INFO("metric " << i << ": " << a.metrics[i].name);
    CHECK(a.metrics[i].axis == b.metrics[i].axis);
    CHECK(a.metrics[i].name == b.metrics[i].name);
    CHECK(a.metrics[i].units == b.metrics[i].units);
    CHECK(a.metrics[i].description == b.metrics[i].description);
    CHECK(a.metrics[i].values == b.metrics[i].values);
  }
  REQUIRE(a.flows.size() == b.flows.size());
  for (std::size_t i = 0; i < a.flows.size(); ++i) {
    INFO("flow " << i);
    const FlowRecord& x = a.flows[i];
    const FlowRecord& y = b.flows[i];
    CHECK(x.replicate == y.replicate);
    CHECK(x.month == y.month);
    CHECK(x.product == y.product);
    CHECK(x.seller == y.seller);
    CHECK(x.buyer == y.buyer);
    CHECK(x.origin == y.origin);
    CHECK(x.destination == y.destination);
    CHECK(x.units == y.units);
    CHECK(x.value_usd == y.value_usd);
    CHECK(x.channel == y.channel);
  }
  REQUIRE(a.events.size() == b.events.size());
  for (std::size_t i = 0; i < a.events.size(); ++i) {
    INFO("event " << i);
    CHECK(a.events[i].replicate == b.events[i].replicate);
    CHECK(a.events[i].month == b.events[i].month);
    CHECK(a.events[i].actor == b.events[i].actor);
    CHECK(a.events[i].kind == b.events[i].kind);
    CHECK(a.events[i].text == b.events[i].text);
  }
}

std::string quoted(const std::string& s) { return "'" + s + "'"; }

/// Runs a shell command, returning its exit status (-1 if it could not run) and stdout.
int run(const std::string& command, std::string* output = nullptr) {
  std::FILE* pipe = ::popen((command + " 2>&1").c_str(), "r");
  if (pipe == nullptr) return -1;
  std::string text;
  std::array<char, 4096> buffer{};
  std::size_t n = 0;
  while ((n = std::fread(buffer.data(), 1, buffer.size(), pipe)) > 0) text.append(buffer.data(), n);
  const int status = ::pclose(pipe);
  if (output != nullptr) *output = text;
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

std::string file_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

}  // namespace

TEST_CASE("io::write_results: round-trips every field through read_results", "[io][hdf5]") {
  const TempDir dir;
  const std::string path = dir.file("run.h5");
  const RunResults written = sample_results();
  sim::io::write_results(path, written);
  CHECK(dir.entries() == std::vector<std::string>{"run.h5"});
  require_equal(sim::io::read_results(path), written);

  SECTION("special float values survive") {
    RunResults r = sample_results();
    r.metrics[1].values[0][0] = -0.0;
    r.metrics[1].values[0][1] = std::numeric_limits<double>::infinity();
    r.metrics[1].values[1][8] = 1e-310;  // subnormal
    r.metrics[1].values[1][7] = std::numeric_limits<double>::max();
    sim::io::write_results(path, r);
    const RunResults back = sim::io::read_results(path);
    require_equal(back, r);
    CHECK(std::signbit(back.metrics[1].values[0][0]));
  }
}

TEST_CASE("io::write_results: empty tables, zero replicates and empty axes are readable",
          "[io][hdf5]") {
  const TempDir dir;
  const std::string path = dir.file("empty.h5");
  RunResults r = sample_results();
  SECTION("no flows or events") {
    r.flows.clear();
    r.events.clear();
  }
  SECTION("zero replicates") {
    r.replicates = 0;
    for (Metric& m : r.metrics) m.values.clear();
    r.flows.clear();
    r.events.clear();
  }
  SECTION("no products") {
    r.product_ids.clear();
    r.product_tpp.clear();
    r.product_h100e.clear();
    r.metrics[3].values.assign(2, {});
  }
  SECTION("no months and no metrics") {
    r.months.clear();
    r.metrics.clear();
  }
  SECTION("everything empty") { r = RunResults{}; }
  sim::io::write_results(path, r);
  require_equal(sim::io::read_results(path), r);
  CHECK(run("h5dump -H " + quoted(path)) == 0);
}

TEST_CASE("io::write_results: metrics come back grouped by axis, each in written order",
          "[io][hdf5]") {
  const TempDir dir;
  const std::string path = dir.file("order.h5");
  RunResults r = sample_results();
  // written interleaved: product, agent "z", country, agent "a"
  r.metrics = {sample_metric(0, MetricAxis::product, "price_usd", "USD", 2, 3, 2),
               sample_metric(1, MetricAxis::agent, "zeta", "", 2, 3, 3),
               sample_metric(2, MetricAxis::country, "imports", "chips", 2, 3, 2),
               sample_metric(3, MetricAxis::agent, "alpha", "", 2, 3, 3)};
  sim::io::write_results(path, r);
  const RunResults back = sim::io::read_results(path);
  REQUIRE(back.metrics.size() == 4);
  CHECK(back.metrics[0].name == "imports");
  CHECK(back.metrics[1].name == "zeta");  // creation order, not alphabetical
  CHECK(back.metrics[2].name == "alpha");
  CHECK(back.metrics[3].name == "price_usd");
  CHECK(back.metrics[1].values == r.metrics[1].values);
}

TEST_CASE("io::write_results: h5dump reads the file", "[io][hdf5]") {
  const TempDir dir;
  const std::string path = dir.file("dump.h5");
  sim::io::write_results(path, sample_results());

  std::string header;
  REQUIRE(run("h5dump -H " + quoted(path), &header) == 0);
  CHECK_THAT(header, Catch::Contains("/metrics/agent/revenue_usd") ||
                         Catch::Contains("DATASET \"revenue_usd\""));
  CHECK_THAT(header, Catch::Contains("H5T_CSET_UTF8"));
  CHECK_THAT(header, Catch::Contains("DATASET \"flows\""));

  std::string dump;
  REQUIRE(run("h5dump -d /metrics/agent/revenue_usd " + quoted(path), &dump) == 0);
  CHECK_THAT(dump, Catch::Contains("( 2, 3, 3 )"));
  CHECK_THAT(dump, Catch::Contains("replicate,month,agent"));
  CHECK_THAT(dump, Catch::Contains("(0,0,0): 0.5, 1.5, 2.5"));        // value(r=0, t=0, i)
  CHECK_THAT(dump, Catch::Contains("(1,2,0): 120.5, 121.5, 122.5"));  // value(r=1, t=2, i)
  CHECK_THAT(dump, Catch::Contains("USD"));

  std::string attrs;
  REQUIRE(run("h5dump -a /format_version " + quoted(path), &attrs) == 0);
  CHECK_THAT(attrs, Catch::Contains("H5T_STD_I32LE") && Catch::Contains("(0): 2"));
  REQUIRE(run("h5dump -a /seed " + quoted(path), &attrs) == 0);
  CHECK_THAT(attrs, Catch::Contains("H5T_STD_U64LE") && Catch::Contains("18364758544493064720"));
}

TEST_CASE("io::write_results: a missing directory throws IoError and leaves nothing",
          "[io][hdf5]") {
  const TempDir dir;
  const std::string path = dir.file("no/such/dir/run.h5");
  REQUIRE_THROWS_AS(sim::io::write_results(path, sample_results()), sim::IoError);
  REQUIRE_THROWS_WITH(sim::io::write_results(path, sample_results()),
                      Catch::Contains(path) && Catch::Contains("does not exist"));
  CHECK(dir.entries().empty());
}

TEST_CASE("io::write_results: a path naming a directory throws IoError", "[io][hdf5]") {
  const TempDir dir;
  const std::string path = dir.file("taken.h5");
  fs::create_directory(path);
  REQUIRE_THROWS_AS(sim::io::write_results(path, sample_results()), sim::IoError);
  CHECK(fs::is_directory(path));
  CHECK(dir.entries() == std::vector<std::string>{"taken.h5"});
}

TEST_CASE("io::write_results: a failure leaves no file, no temporary and the old file intact",
          "[io][hdf5]") {
  const TempDir dir;
  const std::string path = dir.file("run.h5");
  RunResults bad = sample_results();

  SECTION("metric with the wrong number of values: rejected before writing") {
    bad.metrics[1].values[1].pop_back();
    SECTION("no previous file") {
      REQUIRE_THROWS_WITH(sim::io::write_results(path, bad),
                          Catch::Contains(path) && Catch::Contains("/metrics/agent/revenue_usd") &&
                              Catch::Contains("replicate 1 has 8 values, expected 9"));
      CHECK(dir.entries().empty());
    }
    SECTION("previous file kept") {
      RunResults good = sample_results();
      good.scenario_name = "previous";
      sim::io::write_results(path, good);
      const std::string before = file_bytes(path);
      REQUIRE_THROWS_AS(sim::io::write_results(path, bad), sim::IoError);
      CHECK(dir.entries() == std::vector<std::string>{"run.h5"});
      CHECK(file_bytes(path) == before);
      require_equal(sim::io::read_results(path), good);
    }
  }
  SECTION("metric with the wrong number of replicates") {
    bad.metrics[0].values.pop_back();
    REQUIRE_THROWS_WITH(sim::io::write_results(path, bad),
                        Catch::Contains("/metrics/country/compute_stock_h100e") &&
                            Catch::Contains("1 replicate blocks, expected 2"));
    CHECK(dir.entries().empty());
  }
  SECTION("mismatched dimension arrays") {
    bad.agent_kinds.pop_back();
    REQUIRE_THROWS_WITH(sim::io::write_results(path, bad), Catch::Contains("agent_kinds"));
    CHECK(dir.entries().empty());
  }
  SECTION("HDF5 fails midway (duplicate metric): temporary file removed") {
    bad.metrics.push_back(bad.metrics[1]);
    SECTION("no previous file") {
      REQUIRE_THROWS_WITH(sim::io::write_results(path, bad),
                          Catch::Contains(path) && Catch::Contains("/metrics/agent/revenue_usd") &&
                              Catch::Contains("cannot create dataset: ") &&
                              !Catch::Contains("HDF5-DIAG"));
      CHECK(dir.entries().empty());
    }
    SECTION("previous file kept") {
      const RunResults good = sample_results();
      sim::io::write_results(path, good);
      const std::string before = file_bytes(path);
      REQUIRE_THROWS_AS(sim::io::write_results(path, bad), sim::IoError);
      CHECK(dir.entries() == std::vector<std::string>{"run.h5"});
      CHECK(file_bytes(path) == before);
      require_equal(sim::io::read_results(path), good);
    }
  }
}

TEST_CASE("io::write_results: the same results give identical files", "[io][hdf5]") {
  const TempDir dir;
  const std::string a = dir.file("a.h5");
  const std::string b = dir.file("b.h5");
  sim::io::write_results(a, sample_results());
  sim::io::write_results(b, sample_results());
  std::string report;
  CHECK(run("h5diff " + quoted(a) + " " + quoted(b), &report) == 0);
  INFO(report);
  CHECK(file_bytes(a) == file_bytes(b));  // no object times: byte for byte

  RunResults other = sample_results();
  other.metrics[1].values[1][4] += 1.0;
  sim::io::write_results(b, other);
  CHECK(run("h5diff -q " + quoted(a) + " " + quoted(b)) == 1);
}

TEST_CASE("io::read_results: rejects what is not a chipsim result file", "[io][hdf5]") {
  const TempDir dir;
  SECTION("missing file") {
    const std::string path = dir.file("absent.h5");
    REQUIRE_THROWS_AS(sim::io::read_results(path), sim::IoError);
    REQUIRE_THROWS_WITH(sim::io::read_results(path),
                        Catch::Contains(path) && Catch::Contains("no such file"));
  }
  SECTION("not HDF5") {
    const std::string path = dir.file("text.h5");
    std::ofstream(path) << "name: not hdf5\n";
    REQUIRE_THROWS_WITH(sim::io::read_results(path),
                        Catch::Contains(path) && Catch::Contains("not a chipsim result file"));
  }
  SECTION("HDF5 without the chipsim attributes") {
    const std::string good = dir.file("good.h5");
    const std::string partial = dir.file("partial.h5");
    sim::io::write_results(good, sample_results());
    // h5copy copies objects, not the root attributes that identify a chipsim file
    REQUIRE(run("h5copy -i " + quoted(good) + " -o " + quoted(partial) +
                " -s /calendar -d /calendar") == 0);
    REQUIRE_THROWS_WITH(sim::io::read_results(partial),
                        Catch::Contains(partial) && Catch::Contains("format_version"));
  }
}

TEST_CASE("io::write_results: checkpoints are stored by month and replicate, byte for byte",
          "[io][hdf5][checkpoint]") {
  const TempDir dir;
  const std::string path = dir.file("run.h5");
  RunResults r = sample_results();
  using namespace std::string_literals;
  std::string binary = "chipsim\0\xff\x01 state"s;  // with ""s: the NUL and what follows it
  binary.push_back('\0');                           // embedded and trailing NULs survive
  r.checkpoints = {{"2025-02", 0, binary}, {"2025-02", 1, "replicate one"}, {"2025-03", 0, ""}};
  sim::io::write_results(path, r);
  const std::vector<sim::world::Checkpoint> back = sim::io::read_checkpoints(path);
  REQUIRE(back.size() == 3);
  CHECK(back[0].month == "2025-02");
  CHECK(back[0].replicate == 0);
  CHECK(back[0].bytes == binary);
  CHECK(back[1].replicate == 1);
  CHECK(back[1].bytes == "replicate one");
  CHECK(back[2].month == "2025-03");
  CHECK(back[2].bytes.empty());
  // a file without checkpoints has none, and read_results is unchanged by them
  require_equal(sim::io::read_results(path), r);
  sim::io::write_results(path, sample_results());
  CHECK(sim::io::read_checkpoints(path).empty());
}

TEST_CASE("io::write_results: a historical path is stored beside the run under /history",
          "[io][hdf5][replay]") {
  const TempDir dir;
  const std::string path = dir.file("replay.h5");
  const RunResults branch = sample_results();
  RunResults history = sample_results();
  history.resolved_yaml = "name: history\n";
  history.metrics[0].values[1][2] = 1234.5;
  history.decisions[0].option = "require-licence";
  history.events.pop_back();
  sim::io::write_results(path, branch, &history);

  CHECK(sim::io::has_history(path));
  require_equal(sim::io::read_results(path), branch);
  const RunResults back = sim::io::read_history(path);
  CHECK(back.resolved_yaml == "name: history\n");
  CHECK(back.metrics[0].values[1][2] == 1234.5);
  CHECK(back.decisions[0].option == "require-licence");
  CHECK(back.events.size() == branch.events.size() - 1);
  CHECK(back.months == branch.months);  // identity and dimensions are the run's

  SECTION("a file without one says so") {
    sim::io::write_results(path, branch);
    CHECK_FALSE(sim::io::has_history(path));
    CHECK_THROWS_WITH(sim::io::read_history(path), Catch::Contains("no historical path"));
  }
  SECTION("a history of another shape is refused before anything is written") {
    history.months.pop_back();
    for (Metric& m : history.metrics)
      for (auto& block : m.values) block.resize(block.size() / 3 * 2);
    const std::string other = dir.file("other.h5");
    CHECK_THROWS_AS(sim::io::write_results(other, branch, &history), sim::IoError);
    CHECK_FALSE(fs::exists(other));
  }
}

TEST_CASE("io::write_results: tables and series of many chunks round-trip, at any thread count",
          "[io][hdf5][parallel]") {
  // 40,000 flows: chunks of 16,384 rows, the third one partial; a 2,500-wide agent series over
  // 120 months: 131,072 / 120 = 1,092 columns a chunk, so 3 chunks a replicate (the third
  // 316 wide), 21 over 7 replicates: more than one batch of chunks encoded at once
  RunResults r = sample_results();
  r.replicates = 7;
  r.months.clear();
  for (int y = 2020; y < 2030; ++y)
    for (int m = 1; m <= 12; ++m) r.months.push_back(sim::concat(y, m < 10 ? "-0" : "-", m));
  r.agent_ids.clear();
  r.agent_kinds.clear();
  r.agent_countries.clear();
  for (std::size_t i = 0; i < 2500; ++i) {
    r.agent_ids.push_back(sim::concat("lab-", i));
    r.agent_kinds.emplace_back("ai_lab");
    r.agent_countries.emplace_back("CH");
  }
  r.metrics = {sample_metric(0, MetricAxis::country, "compute_stock_h100e", "H100e", 7, 120, 2),
               sample_metric(1, MetricAxis::agent, "revenue_usd", "USD", 7, 120, 2500)};
  r.flows.clear();
  for (std::int32_t i = 0; i < 40000; ++i)
    r.flows.push_back({i / 6000, i / 50 % 120, i % 2, 0, i % 2500, 0, 1,
                       static_cast<Channel>(i % 3), 0.5 + i, 1.0e3 * i});
  r.events.clear();

  const TempDir dir;
  const std::string one = dir.file("one.h5");
  const std::string two = dir.file("two.h5");
  {
    const tbb::global_control threads(tbb::global_control::max_allowed_parallelism, 1);
    sim::io::write_results(one, r);
  }
  {
    const tbb::global_control threads(tbb::global_control::max_allowed_parallelism, 2);
    sim::io::write_results(two, r);
  }
  CHECK(file_bytes(one) == file_bytes(two));
  const RunResults back = sim::io::read_results(one);
  REQUIRE(back.metrics.size() == 2);
  CHECK(back.metrics[1].values == r.metrics[1].values);  // one check: no 2-million-value dump
  r.metrics[1].values = back.metrics[1].values;
  require_equal(back, r);
  CHECK(back.flows[39999].channel == Channel::legal);  // 39,999 % 3 == 0
  CHECK(back.flows[39999].units == 39999.5);
  CHECK(back.metrics[1].values[6][119 * 2500 + 2499] == sample_value(1, 6, 119, 2499));

  // any HDF5 reader decodes the chunks: h5dump shows the last row and the channel type
  std::string dump;
  REQUIRE(run("h5dump -d /trade/flows -s 39999 -c 1 " + quoted(one), &dump) == 0);
  CHECK_THAT(dump, Catch::Contains("39999.5") && Catch::Contains("\"legal\"") &&
                       Catch::Contains("STRSIZE 9") && Catch::Contains("H5T_STR_NULLTERM"));
  // compressed: 40,000 rows of 53 bytes are 2.1 MB raw
  CHECK(fs::file_size(one) < 40000 * 53 + 7 * 120 * 2500 * 8);
}

TEST_CASE("io::FlowChunks: flows compressed during a run give the same file, byte for byte",
          "[io][hdf5][parallel]") {
  // 40,000 flows: two whole chunks of 16,384 rows can be compressed early, the partial third
  // (7,232 rows) only by write_results
  RunResults r = sample_results();
  r.flows.clear();
  for (std::int32_t i = 0; i < 40000; ++i)
    r.flows.push_back(
        {0, i % 2, i % 2, 0, i % 3, 0, 1, static_cast<Channel>(i % 3), 0.25 + i, 3.0e3 * i});
  const std::span<const FlowRecord> all(r.flows);
  const TempDir dir;
  const std::string plain = dir.file("plain.h5");
  sim::io::write_results(plain, r);

  for (const int threads : {1, 2}) {
    const tbb::global_control limit(tbb::global_control::max_allowed_parallelism,
                                    static_cast<std::size_t>(threads));
    const std::string early = dir.file(sim::concat("early-", threads, ".h5"));
    sim::io::FlowChunks chunks;
    chunks.add(all.first(10000));  // no whole chunk yet
    CHECK(chunks.rows() == 0);
    chunks.add(all.first(20000));
    CHECK(chunks.rows() == 16384);
    chunks.add(all.first(35000));
    CHECK(chunks.rows() == 32768);
    chunks.add(all);  // 7,232 rows past the second chunk: not a whole one
    CHECK(chunks.rows() == 32768);
    sim::io::write_results(early, r, chunks);
    CHECK(file_bytes(early) == file_bytes(plain));
  }

  SECTION("a budget of nothing compresses nothing early") {
    sim::io::FlowChunks none(0);
    none.add(all);
    CHECK(none.rows() == 0);
    const std::string path = dir.file("none.h5");
    sim::io::write_results(path, r, none);
    CHECK(file_bytes(path) == file_bytes(plain));
  }
  SECTION("chunks of other rows than the results begin with are refused, nothing written") {
    std::vector<FlowRecord> other(r.flows.begin(), r.flows.begin() + 16384);
    other.back().units += 1;
    sim::io::FlowChunks chunks;
    chunks.add(other);
    REQUIRE(chunks.rows() == 16384);
    const std::string path = dir.file("other.h5");
    CHECK_THROWS_WITH(sim::io::write_results(path, r, chunks),
                      Catch::Contains("are not the first rows"));
    CHECK_FALSE(fs::exists(path));
    CHECK_THROWS_AS(chunks.add(all), std::logic_error);  // after write_results
  }
  SECTION("rows never go back") {
    sim::io::FlowChunks chunks;
    chunks.add(all.first(20000));
    CHECK_THROWS_AS(chunks.add(all.first(100)), std::logic_error);
  }
}

TEST_CASE("io::detail::shuffle: blocks of elements give the planes of the whole buffer", "[io]") {
  // 50,000 elements of 3 and of 8 bytes: several of shuffle's 16 KiB blocks
  for (const std::size_t size : {std::size_t{3}, std::size_t{8}}) {
    std::vector<std::byte> in(50000 * size);
    for (std::size_t i = 0; i < in.size(); ++i) in[i] = static_cast<std::byte>(i * 7 % 251);
    std::vector<std::byte> out(in.size());
    sim::io::detail::shuffle(in, size, out);
    // byte k of element e sits at k * 50,000 + e
    for (const std::size_t e : {std::size_t{0}, std::size_t{2047}, std::size_t{2048},
                                std::size_t{30001}, std::size_t{49999}})
      for (std::size_t k = 0; k < size; ++k) CHECK(out[k * 50000 + e] == in[e * size + k]);
  }
}

TEST_CASE("io::detail::shuffle: byte k of every element together, as HDF5's filter stores it",
          "[io]") {
  const std::vector<std::byte> in = {std::byte{0xa0}, std::byte{0xa1}, std::byte{0xa2},
                                     std::byte{0xb0}, std::byte{0xb1}, std::byte{0xb2}};
  std::vector<std::byte> out(in.size());
  sim::io::detail::shuffle(in, 3, out);
  CHECK(out == std::vector<std::byte>{std::byte{0xa0}, std::byte{0xb0}, std::byte{0xa1},
                                      std::byte{0xb1}, std::byte{0xa2}, std::byte{0xb2}});
  CHECK_THROWS_AS(sim::io::detail::shuffle(in, 4, out), std::logic_error);  // 6 % 4 != 0
}

TEST_CASE("io::detail::deflate: a zlib stream that zlib inflates back", "[io]") {
  std::vector<std::byte> in(100000);
  for (std::size_t i = 0; i < in.size(); ++i) in[i] = static_cast<std::byte>(i % 7);
  const std::vector<std::byte> packed = sim::io::detail::deflate(in, 1);
  CHECK(packed.size() < in.size() / 10);            // 7 repeating bytes compress well
  CHECK(static_cast<unsigned>(packed[0]) == 0x78);  // zlib header: deflate, 32 KiB window
  std::vector<std::byte> back(in.size());
  uLongf size = back.size();
  // NOLINTNEXTLINE(cppcoreguidelines-pro-type-reinterpret-cast): zlib's C API takes Bytef*
  auto* const dest = reinterpret_cast<Bytef*>(back.data());
  // NOLINTNEXTLINE(cppcoreguidelines-pro-type-reinterpret-cast): zlib's C API takes Bytef*
  const auto* const source = reinterpret_cast<const Bytef*>(packed.data());
  REQUIRE(::uncompress(dest, &size, source, packed.size()) == Z_OK);
  CHECK(size == in.size());
  CHECK(back == in);
  CHECK(sim::io::detail::deflate(in, 1) == packed);  // deterministic
}
