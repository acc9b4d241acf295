// Tests of the sweep file loader (sim/io/sweep_loader.hpp): the fields of good files, and the
// exact message of every bad file in tests/data/sweeps/bad. As in tests/data/bad, each
// NAME.yaml there with a sibling NAME.expected is a case: loading it must throw a ConfigError
// whose message is exactly NAME.expected, where `{DIR}` stands for that folder as the test
// passes it and one trailing newline is ignored.

#include "sim/io/sweep_loader.hpp"

#include <algorithm>
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "sim/engine/concat.hpp"
#include "sim/engine/errors.hpp"
#include "tests/unit/io/config_error_of.hpp"

namespace {

namespace fs = std::filesystem;
using sim::ConfigError;
using sim::io::FileSource;
using sim::io::load_sweep;
using sim::io::load_sweep_text;
using sim::io::SweepMethod;

const std::string sweeps_dir = std::string(CHIPSIM_TEST_DATA_DIR) + "/sweeps";
const std::string bad_dir = sweeps_dir + "/bad";
const std::string small_sweep =
    fs::path(std::string(CHIPSIM_TEST_DATA_DIR) + "/e2e/small.yaml").lexically_normal().string();

std::string read_text(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

using io_test::error_of;

/// NAME of every NAME.yaml in the bad folder with a NAME.expected, sorted.
std::vector<std::string> case_names() {
  std::vector<std::string> names;
  for (const auto& entry : fs::directory_iterator(bad_dir)) {
    const fs::path& path = entry.path();
    if (path.extension() != ".yaml") continue;
    fs::path expected = path;
    expected.replace_extension(".expected");
    if (fs::exists(expected)) names.push_back(path.stem().string());
  }
  std::sort(names.begin(), names.end());
  return names;
}

std::string expected_message(const std::string& name) {
  std::string text = read_text(bad_dir + "/" + name + ".expected");
  if (!text.empty() && text.back() == '\n') text.pop_back();
  for (std::size_t at = text.find("{DIR}"); at != std::string::npos; at = text.find("{DIR}", at)) {
    text.replace(at, 5, bad_dir);
    at += bad_dir.size();
  }
  return text;
}

}  // namespace

TEST_CASE("io::load_sweep: a grid file with every key reads every field", "[io][sweep]") {
  const std::string path = sweeps_dir + "/good/grid_every_field.yaml";
  const sim::io::SweepSpec s = load_sweep(path, FileSource());

  CHECK(s.file == path);
  CHECK(s.text == read_text(path));
  CHECK(s.name == "every-field");
  CHECK(s.description == "Every header key of a grid sweep.");
  // `base: ../../e2e/small.yaml` is relative to the sweep file, not to the working folder
  CHECK(s.base == small_sweep);
  CHECK(fs::exists(s.base));
  CHECK(s.method == SweepMethod::grid);
  CHECK(std::string(sim::io::sweep_method_name(s.method)) == "grid");
  CHECK(s.samples == 0);
  CHECK(s.levels == 4);  // the default, unused by a grid
  REQUIRE(s.replicates.has_value());
  CHECK(*s.replicates == 3);
  REQUIRE(s.seed.has_value());
  CHECK(*s.seed == 42);

  // fixed overrides, in file order, values as written
  REQUIRE(s.sets.size() == 2);
  CHECK(s.sets[0].path == "agents.lab-cn.budget_usd_per_month");
  CHECK(s.sets[0].value == "2.5e6");
  CHECK(s.sets[1].path == "policies.ban.licence.approval_probability");
  CHECK(s.sets[1].value == "0.9");
  CHECK(s.choices == std::vector<std::string>{"h20-april-2025=no-change"});

  REQUIRE(s.parameters.size() == 2);
  const auto& budget = s.parameters[0];
  CHECK(budget.path == "agents.lab-us.budget_usd_per_month");
  CHECK(budget.values == std::vector<double>{1.0e6, 1.5e6, 2.0e6});
  CHECK_FALSE(budget.integer);
  CHECK(budget.where == path + ":17:5");
  const auto& delay = s.parameters[1];
  CHECK(delay.path == "policies.ban.licence.delay_months");
  CHECK(delay.values == std::vector<double>{1, 3});
  CHECK(delay.integer);
  CHECK(delay.where == path + ":19:5");

  REQUIRE(s.outputs.size() == 2);
  CHECK(s.outputs[0].name == "china-compute");
  CHECK(s.outputs[0].metric == "bloc/compute_stock_h100e");
  CHECK(s.outputs[0].id == "china");
  CHECK(s.outputs[0].month.empty());  // the last month
  CHECK(s.outputs[0].where == path + ":23:5");
  CHECK(s.outputs[1].name == "maker-revenue");
  CHECK(s.outputs[1].metric == "agent/revenue_usd");
  CHECK(s.outputs[1].id == "maker");
  CHECK(s.outputs[1].month == "2024-09");
  CHECK(s.outputs[1].where == path + ":24:5");
}

TEST_CASE("io::load_sweep: a morris file reads ranges, integer, samples and levels",
          "[io][sweep]") {
  const std::string path = sweeps_dir + "/good/morris_ranges.yaml";
  const sim::io::SweepSpec s = load_sweep(path, FileSource());
  CHECK(s.name == "morris-ranges");
  CHECK(s.base == small_sweep);
  CHECK(s.method == SweepMethod::morris);
  CHECK(s.samples == 6);
  CHECK(s.levels == 6);
  CHECK_FALSE(s.replicates.has_value());  // the base scenario's
  CHECK_FALSE(s.seed.has_value());
  CHECK(s.sets.empty());
  CHECK(s.choices.empty());
  REQUIRE(s.parameters.size() == 3);
  CHECK(s.parameters[0].path == "policies.ban.licence.approval_probability");
  CHECK(s.parameters[0].values.empty());
  CHECK(s.parameters[0].low == 0.1);
  CHECK(s.parameters[0].high == 0.9);
  CHECK_FALSE(s.parameters[0].integer);
  CHECK(s.parameters[1].low == 1);
  CHECK(s.parameters[1].high == 6);
  CHECK(s.parameters[1].integer);
  CHECK(s.parameters[2].low == 1.0e6);
  CHECK(s.parameters[2].high == 2.0e6);
  CHECK_FALSE(s.parameters[2].integer);  // integer: false, written out
  REQUIRE(s.outputs.size() == 1);
  CHECK(s.outputs[0].metric == "country/compute_stock_h100e");
  CHECK(s.outputs[0].id == "chn");
}

TEST_CASE("io::load_sweep: a minimal file takes the defaults", "[io][sweep]") {
  const sim::io::SweepSpec s = load_sweep(sweeps_dir + "/good/minimal.yaml", FileSource());
  CHECK(s.name == "minimal");
  CHECK(s.description.empty());
  CHECK(s.base == small_sweep);
  CHECK(s.method == SweepMethod::grid);
  CHECK(s.samples == 0);
  CHECK(s.levels == 4);
  CHECK_FALSE(s.replicates.has_value());
  CHECK_FALSE(s.seed.has_value());
  CHECK(s.sets.empty());
  CHECK(s.choices.empty());
  REQUIRE(s.parameters.size() == 1);
  CHECK(s.parameters[0].values == std::vector<double>{1.0e6});
  CHECK(s.outputs.empty());
}

TEST_CASE("io::load_sweep_text: the name stands in for the file", "[io][sweep]") {
  const std::string text =
      "sweep:\n"
      "  name: from-text\n"
      "  base: ../e2e/small.yaml\n"
      "parameters:\n"
      "  - {path: agents.lab-us.budget_usd_per_month, values: [1.0e6]}\n";
  const sim::io::SweepSpec s = load_sweep_text(text, "studies/a.yaml");
  CHECK(s.file == "studies/a.yaml");
  CHECK(s.text == text);
  CHECK(s.base == "e2e/small.yaml");  // studies/../e2e/small.yaml, normalised
  CHECK(s.parameters.at(0).where == "studies/a.yaml:5:5");

  // and names the file in messages; problems at one place keep the order of the checks
  CHECK(error_of([&] { load_sweep_text("sweep:\n  nmae: x\n", "studies/b.yaml"); }) ==
        "studies/b.yaml:1:1: error: parameters: missing; expected a list of parameters, each "
        "with a path\n"
        "studies/b.yaml:2:3: error: sweep.nmae: unknown key; did you mean 'name'?\n"
        "studies/b.yaml:2:3: error: sweep.name: missing; expected an id such as h20-share\n"
        "studies/b.yaml:2:3: error: sweep.base: missing; expected the base scenario's path");
}

TEST_CASE("io::load_sweep: an unreadable file is a ConfigError naming it", "[io][sweep]") {
  const std::string path = sweeps_dir + "/no-such-sweep.yaml";
  CHECK(error_of([&] { load_sweep(path, FileSource()); }) ==
        path + ": error: cannot read file; expected a readable sweep file");
}

TEST_CASE("io::load_sweep: every bad sweep fails with its expected message", "[io][sweep][bad]") {
  const std::vector<std::string> names = case_names();
  // the problems each of these files holds must stay covered
  for (const char* required :
       {"unknown_key", "missing_name", "missing_base", "bad_method", "samples_on_grid",
        "lhs_without_samples", "morris_odd_levels", "levels_without_morris", "grid_with_range",
        "lhs_with_values", "range_not_increasing", "value_not_number", "duplicate_path",
        "output_bad_axis", "output_bad_month", "morris_without_outputs", "several_problems",
        "yaml_syntax_error"}) {
    INFO(required);
    CHECK(std::find(names.begin(), names.end(), required) != names.end());
  }
  const FileSource files;
  for (const std::string& name : names) {
    DYNAMIC_SECTION(name) {
      const std::string path = sim::concat(bad_dir, "/", name, ".yaml");
      std::string message;
      bool thrown = false;
      try {
        load_sweep(path, files);
      } catch (const ConfigError& e) {
        thrown = true;
        message = e.what();
      }
      INFO("loading " << path);
      REQUIRE(thrown);
      CHECK(message == expected_message(name));
    }
  }
}
