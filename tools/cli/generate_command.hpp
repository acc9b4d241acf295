#pragma once

#include <CLI/CLI.hpp>
#include <cstdint>
#include <string>

namespace cli {

/// The arguments of `chipsim generate`.
struct GenerateArgs {
  std::int64_t labs = 0;       ///< `--labs N`: AI labs, spread over the countries
  std::int64_t countries = 0;  ///< `--countries C`: countries, in up to three blocs
  std::int64_t products = 0;   ///< `--products P`: chips, designed by up to five chipmakers
  std::int64_t months = 0;     ///< `--months T`: simulated months, from 2024-01
  std::uint64_t seed = 1;      ///< `--seed S`: the generator's seed and the scenario's
  std::string output;          ///< `-o FILE`; empty: standard output
  bool force = false;          ///< overwrite an existing FILE
};

/// The largest sizes `chipsim generate` accepts (larger values are a usage error, exit 2).
inline constexpr std::int64_t kMaxGeneratedLabs = 1'000'000;
inline constexpr std::int64_t kMaxGeneratedCountries = 1'000;
inline constexpr std::int64_t kMaxGeneratedProducts = 1'000;
inline constexpr std::int64_t kMaxGeneratedMonths = 1'200;

/// Adds the `generate` subcommand to `app`; its options fill `args`.
CLI::App* add_generate_command(CLI::App& app, GenerateArgs& args);

/// The synthetic scenario of `args` as YAML text: `args.countries` countries in up to three
/// blocs with one government per bloc, `args.products` products designed by up to five
/// chipmakers on up to three nodes, three foundries (fewer with fewer countries) with fabs on
/// every node sized to the labs' demand, `args.labs` AI labs spread over the countries, and an
/// export control, an export fee and a tariff when there are two countries or more. The same
/// arguments give the same text (the generator's own SplitMix64 stream, no std distributions).
std::string generate_scenario(const GenerateArgs& args);

/// Runs `chipsim generate`: writes the scenario to `args.output`, or to standard output.
/// Returns the exit status (2 when FILE exists and `--force` was not given).
/// @throws sim::IoError when FILE cannot be written.
int generate_command(const GenerateArgs& args);

}  // namespace cli
