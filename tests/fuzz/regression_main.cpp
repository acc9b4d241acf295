// Replays fuzzer inputs through LLVMFuzzerTestOneInput with the normal compiler, so that every
// input that once crashed the loader (tests/fuzz/regressions/) and the seed corpus run in
// `make test`. Each argument is a file or a folder (searched recursively). Any exception other
// than sim::ConfigError escapes LLVMFuzzerTestOneInput and fails the run, naming the input.

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <span>
#include <string>
#include <vector>

// NOLINTNEXTLINE(readability-identifier-naming): the entry point libFuzzer names
extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);

int main(int argc, char** argv) {
  namespace fs = std::filesystem;
  std::vector<fs::path> inputs;
  const std::span<char*> args(argv, static_cast<std::size_t>(argc));
  for (std::size_t i = 1; i < args.size(); ++i) {
    const fs::path arg(args[i]);
    if (fs::is_directory(arg)) {
      for (const auto& entry : fs::recursive_directory_iterator(arg)) {
        if (entry.is_regular_file()) inputs.push_back(entry.path());
      }
    } else {
      inputs.push_back(arg);
    }
  }
  std::sort(inputs.begin(), inputs.end());
  if (inputs.empty()) {
    std::cerr << "fuzz_regressions: no inputs given\n";
    return 1;
  }
  for (const fs::path& path : inputs) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
      std::cerr << "fuzz_regressions: cannot read " << path.string() << '\n';
      return 1;
    }
    const std::vector<std::uint8_t> bytes((std::istreambuf_iterator<char>(in)),
                                          std::istreambuf_iterator<char>());
    try {
      LLVMFuzzerTestOneInput(bytes.data(), bytes.size());
    } catch (const std::exception& e) {
      std::cerr << path.string() << ": unexpected exception: " << e.what() << '\n';
      return 1;
    }
  }
  std::cout << "fuzz_regressions: " << inputs.size() << " inputs, no findings\n";
  return 0;
}
