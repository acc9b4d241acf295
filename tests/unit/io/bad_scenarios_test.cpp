// Every file tests/data/bad/NAME.yaml that has a sibling NAME.expected is a test case: loading
// it must throw a ConfigError whose message is exactly the text of NAME.expected, where
// `{DIR}` stands for the folder of the file (tests/data/bad, as the test passes it) and one
// trailing newline is ignored. YAML files without .expected are helpers that cases include.

#include <algorithm>
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "sim/engine/concat.hpp"
#include "sim/engine/errors.hpp"
#include "sim/io/scenario_loader.hpp"

namespace {

const std::string bad_dir = std::string(CHIPSIM_TEST_DATA_DIR) + "/bad";

std::string read_text(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

/// NAME of every NAME.yaml with a NAME.expected, sorted.
std::vector<std::string> case_names() {
  std::vector<std::string> names;
  for (const auto& entry : std::filesystem::directory_iterator(bad_dir)) {
    const std::filesystem::path& path = entry.path();
    if (path.extension() != ".yaml") continue;
    std::filesystem::path expected = path;
    expected.replace_extension(".expected");
    if (std::filesystem::exists(expected)) names.push_back(path.stem().string());
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

TEST_CASE("io::load_scenario: every bad scenario fails with its expected message",
          "[io][loader][bad]") {
  const std::vector<std::string> names = case_names();
  CHECK(names.size() >= 30);
  const sim::io::FileSource files;
  for (const std::string& name : names) {
    DYNAMIC_SECTION(name) {
      const std::string path = sim::concat(bad_dir, "/", name, ".yaml");
      std::string message;
      bool thrown = false;
      try {
        sim::io::load_scenario(path, files);
      } catch (const sim::ConfigError& e) {
        thrown = true;
        message = e.what();
      }
      INFO("loading " << path);
      REQUIRE(thrown);
      CHECK(message == expected_message(name));
    }
  }
}
