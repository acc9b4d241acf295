// Resource limits on scenario and sweep files (issue #7; docs/scenario-format.md, "Limits").
// The fixtures' sizes are counted by hand: tests/data/good/two_labs.yaml runs 2024-01..2025-12
// (24 months) with 5 agents, 2 products and 3 replicates; the grid of
// tests/data/sweeps/good/grid_every_field.yaml has 3 x 2 = 6 points.

#include <catch2/catch.hpp>
#include <chrono>
#include <map>
#include <string>

#include "sim/engine/errors.hpp"
#include "sim/io/scenario_loader.hpp"
#include "sim/io/sweep_loader.hpp"
#include "sim/io/yaml_tree.hpp"
#include "tests/unit/io/config_error_of.hpp"

namespace {

using sim::io::FileSource;
using sim::io::load_scenario;
using sim::io::LoadOptions;
using sim::io::ScenarioLimits;

const std::string data_dir = CHIPSIM_TEST_DATA_DIR;
const std::string two_labs = data_dir + "/good/two_labs.yaml";

using io_test::error_of;

std::string load_error(const LoadOptions& options) {
  return error_of([&] { load_scenario(two_labs, FileSource(), options); });
}

}  // namespace

TEST_CASE("io::ScenarioLimits: defaults are far above the shipped scenarios", "[io][limits]") {
  const ScenarioLimits limits;
  CHECK(limits.months == 1200);
  CHECK(limits.agents == 1'000'000);
  CHECK(limits.products == 10'000);
  CHECK(limits.replicates == 1'000'000);
  CHECK(limits.sweep_points == 1'000'000);
  CHECK(limits.include_depth == 32);
  CHECK(limits.yaml.max_nodes == 10'000'000);
  CHECK(limits.yaml.max_alias_nodes == 100'000);
  CHECK(limits.yaml.max_depth == 64);
  CHECK(load_error(LoadOptions{}).empty());
}

TEST_CASE("io::load_scenario: a scenario past a limit names the file, the limit and the flag",
          "[io][limits]") {
  LoadOptions options;
  SECTION("months: 24 are allowed at 24, refused at 23") {
    options.limits.months = 24;
    CHECK(load_error(options).empty());
    options.limits.months = 23;
    CHECK(load_error(options) == two_labs +
                                     ":7:8: error: scenario.end: 24 months from scenario.start "
                                     "exceed the limit of 23; expected at most 23 (raise the "
                                     "limit with --limit months=N)");
  }
  SECTION("agents: 5 are refused at 4") {
    options.limits.agents = 4;
    CHECK(load_error(options) ==
          two_labs +
              ":49:3: error: agents: 5 agents exceed the limit of 4; expected at most 4 (raise the "
              "limit with --limit agents=N)");
  }
  SECTION("products: 2 are refused at 1") {
    options.limits.products = 1;
    CHECK(load_error(options) == two_labs +
                                     ":28:3: error: products: 2 products exceed the limit of 1; "
                                     "expected at most 1 (raise the limit with --limit "
                                     "products=N)");
  }
  SECTION("replicates: 3 are refused at 2") {
    options.limits.replicates = 2;
    CHECK(load_error(options) == two_labs +
                                     ":9:15: error: scenario.replicates: 3 replicates exceed the "
                                     "limit of 2; expected at most 2 (raise the limit with "
                                     "--limit replicates=N)");
  }
}

TEST_CASE("io::load_scenario: includes nested past the limit are refused", "[io][limits]") {
  // a.yaml includes b.yaml includes c.yaml: two levels of includes
  const FileSource files(std::map<std::string, std::string>{
      {"a.yaml", "scenario: {include: [b.yaml]}\n"},
      {"b.yaml", "scenario: {include: [c.yaml]}\n"},
      {"c.yaml", "scenario: {name: c, start: 2024-01, end: 2024-12}\n"}});
  LoadOptions options;
  options.limits.include_depth = 2;
  CHECK(error_of([&] { load_scenario("builtin:a.yaml", files, options); }).empty());
  options.limits.include_depth = 1;
  CHECK(error_of([&] { load_scenario("builtin:a.yaml", files, options); }) ==
        "builtin:b.yaml:1:22: error: scenario.include[0]: includes nested deeper than 1 levels; "
        "expected fewer levels (raise the limit with --limit include-depth=N)");
}

TEST_CASE("io::parse_yaml: a billion laughs document is refused fast", "[io][limits]") {
  // 9 levels of 10 aliases each would expand to more than a billion nodes; the alias limit
  // stops it while parser events are counted, long before any node is built
  const std::string path = data_dir + "/bad/billion_laughs.yaml";
  const auto start = std::chrono::steady_clock::now();
  const std::string message = error_of([&] { load_scenario(path, FileSource()); });
  const auto seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  CHECK(message == path +
                       ": error: yaml: aliases expand to more than 100000 nodes (a \"billion "
                       "laughs\" document?); expected fewer or smaller aliases (raise the limit "
                       "with --limit yaml-alias-nodes=N)");
  CHECK(seconds < 1.0);
  SECTION("a small alias budget refuses even a few laughs") {
    const std::string laughs =
        "a: &a [x, x, x]\n"
        "b: [*a, *a]\n";  // the two aliases add 4 nodes each: 8 in all
    sim::io::TreeLimits limits;
    limits.max_alias_nodes = 8;
    CHECK_NOTHROW(sim::io::parse_yaml(laughs, "f.yaml", limits));
    limits.max_alias_nodes = 7;
    CHECK_THROWS_WITH(sim::io::parse_yaml(laughs, "f.yaml", limits),
                      Catch::Contains("f.yaml: error: yaml: aliases expand to more than 7 nodes"));
  }
}

TEST_CASE("io::load_sweep: more points than the limit are refused", "[io][limits]") {
  const std::string path = data_dir + "/sweeps/good/grid_every_field.yaml";
  ScenarioLimits limits;
  limits.sweep_points = 6;
  const sim::io::SweepSpec spec = sim::io::load_sweep(path, FileSource(), limits);
  CHECK(sim::io::sweep_point_count(spec) == 6);
  limits.sweep_points = 5;
  CHECK(error_of([&] { sim::io::load_sweep(path, FileSource(), limits); }) ==
        path +
            ":17:3: error: parameters: 6 sweep points exceed the limit of 5; expected at most 5 "
            "(raise the limit with --limit sweep-points=N)");
  SECTION("morris: trajectories x (parameters + 1)") {
    sim::io::SweepSpec morris;
    morris.method = sim::io::SweepMethod::morris;
    morris.samples = 10;
    morris.parameters.resize(3);
    CHECK(sim::io::sweep_point_count(morris) == 40);
  }
}

TEST_CASE("io::set_limit: parses --limit NAME=N", "[io][limits]") {
  ScenarioLimits limits;
  sim::io::set_limit(limits, "agents=2000000");
  sim::io::set_limit(limits, "yaml-depth=128");
  sim::io::set_limit(limits, "sweep-points=7");
  CHECK(limits.agents == 2'000'000);
  CHECK(limits.yaml.max_depth == 128);
  CHECK(limits.sweep_points == 7);
  CHECK(error_of([&] { sim::io::set_limit(limits, "agent=5"); }) ==
        "--limit agent=5: error: expected NAME=N with NAME one of yaml-nodes, yaml-alias-nodes, "
        "yaml-depth, include-depth, months, agents, products, replicates, sweep-points");
  CHECK(error_of([&] { sim::io::set_limit(limits, "months=0"); }) ==
        "--limit months=0: error: found '0'; expected a whole number from 1 to "
        "4611686018427387904");
  CHECK(error_of([&] {
          sim::io::set_limit(limits, "months=1e3");
        }).starts_with("--limit months=1e3: error: found '1e3'"));
}
