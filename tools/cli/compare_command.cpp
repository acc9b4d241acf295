// `chipsim compare`: B - A for two result files, paired by replicate, with a confidence
// interval and the share of replicates where B is greater (docs/compare.md, docs/cli.md).
#include "tools/cli/compare_command.hpp"

#include <iostream>

#include "analysis/compare.hpp"
#include "sim/io/result_file.hpp"

namespace cli {

CLI::App* add_compare_command(CLI::App& app, CompareArgs& args) {
  CLI::App* compare = app.add_subcommand(
      "compare", "Compare two result files: B - A paired by replicate, with confidence intervals");
  compare->add_option("A", args.file_a, "Result file of run A, the baseline (.h5)")->required();
  compare->add_option("B", args.file_b, "Result file of run B (.h5)")->required();
  compare->add_option("--metric", args.metrics,
                      "AXIS/NAME to compare, e.g. country/compute_stock_h100e, agent/revenue_usd, "
                      "bloc/compute_stock_h100e (repeatable; default: compute stock by bloc, chip "
                      "imports by country, chipmaker revenues, investment pledged and built)");
  compare->add_option("--month", args.month,
                      "Month YYYY-MM: levels are read there, flows summed up to it "
                      "(default: the last month both runs hold)");
  compare->add_option("--format", args.format, "Output: table, csv or json (default: table)")
      ->check(CLI::IsMember({"table", "csv", "json"}));
  CLI::Option* bootstrap =
      compare
          ->add_option("--bootstrap", args.resamples,
                       "Percentile bootstrap interval with N resamples instead of Student t "
                       "(default N: 10000; write --bootstrap=N or put it after the files)")
          ->expected(0, 1)
          ->default_str("10000")
          ->check(CLI::PositiveNumber);
  compare
      ->add_option("--seed", args.seed,
                   "Seed of the bootstrap's resampling (default: 1); same seed, same interval")
      ->needs(bootstrap);
  compare->add_flag("--allow-mismatch", args.allow_mismatch,
                    "Compare runs that differ in months, seed, replicates or ids: pair the "
                    "replicates, months and entities they share, and say so");
  compare->callback([&args, bootstrap] { args.bootstrap = bootstrap->count() > 0; });
  return compare;
}

int compare_command(const CompareArgs& args) {
  const sim::world::RunResults a = sim::io::read_results(args.file_a);
  const sim::world::RunResults b = sim::io::read_results(args.file_b);

  analysis::CompareOptions options;
  options.metrics = args.metrics;
  options.month = args.month;
  options.allow_mismatch = args.allow_mismatch;
  options.label_a = args.file_a;
  options.label_b = args.file_b;
  if (args.bootstrap) {
    options.interval.method = analysis::IntervalMethod::bootstrap;
    options.interval.bootstrap = analysis::BootstrapSpec{args.resamples, args.seed};
  }
  const analysis::Comparison comparison = analysis::compare(a, b, options);

  if (args.format == "table") {
    std::cout << analysis::format_table(comparison);
    return 0;
  }
  for (const std::string& m : comparison.mismatches)
    std::cerr << "chipsim compare: mismatch (allowed): " << m << "\n";
  for (const std::string& n : comparison.notes) std::cerr << "chipsim compare: note: " << n << "\n";
  std::cout << (args.format == "csv" ? analysis::format_csv(comparison)
                                     : analysis::format_json(comparison));
  return 0;
}

}  // namespace cli
