// libFuzzer entry point for the scenario loader, validator and world compiler (issue #7).
//
// Every input is a scenario file. Loading it may succeed or throw sim::ConfigError (bad input,
// reported to the user); anything else (another exception, a crash, a sanitizer report, a hang,
// unbounded memory) is a finding. Built two ways: with clang's -fsanitize=fuzzer by tools/fuzz,
// and with the normal compiler as fuzz_regressions (regression_main.cpp), which replays the
// saved corpus in `make test`.

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>

#include "scenarios/embedded.hpp"
#include "sim/engine/errors.hpp"
#include "sim/io/file_source.hpp"
#include "sim/io/scenario_loader.hpp"
#include "sim/world/world.hpp"

// NOLINTNEXTLINE(readability-identifier-naming): the entry point libFuzzer names
extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  // the built-in scenarios only: the input is named as one of them, so relative includes
  // resolve among the embedded files and never reach the disk
  static const sim::io::FileSource files(sim::scenarios::embedded());
  std::string text(size, '\0');
  if (size != 0) std::memcpy(text.data(), data, size);
  try {
    sim::world::ScenarioSpec spec =
        sim::io::load_scenario_text(text, "builtin:fuzz/fuzz.yaml", files);
    const sim::world::World world = sim::world::World::build(std::move(spec));
    (void)world;
  } catch (const sim::ConfigError&) {
    // the expected outcome for bad input
  }
  return 0;
}
