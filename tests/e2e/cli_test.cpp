// End-to-end tests of the chipsim command line: exit codes, files written or not, and
// determinism across thread counts as seen in the HDF5 file itself.
#include <algorithm>
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "sim/io/result_file.hpp"
#include "tests/e2e/cli_helpers.hpp"

namespace fs = std::filesystem;
using e2e::chipsim;
using e2e::quote;

namespace {
const std::string good_scenario = std::string(CHIPSIM_TEST_DATA_DIR) + "/e2e/small.yaml";
}

TEST_CASE("cli: --version and --help on every subcommand", "[e2e][cli]") {
  const auto v = chipsim("--version");
  CHECK(v.status == 0);
  CHECK_THAT(v.out, Catch::StartsWith("chipsim "));
  for (const char* sub : {"run", "validate", "inspect"}) {
    INFO(sub);
    const auto h = chipsim(std::string(sub) + " --help");
    CHECK(h.status == 0);
    CHECK_THAT(h.out, Catch::Contains("Usage"));
  }
  CHECK(chipsim("").status == 2);
  CHECK(chipsim("frobnicate").status == 2);
  CHECK(chipsim("run --threads many").status == 2);
}

TEST_CASE("cli: run writes the result file and says where it is", "[e2e][cli]") {
  e2e::TempDir tmp;
  const std::string out = tmp / "r.h5";
  const auto o = chipsim("run " + quote(good_scenario) + " -o " + quote(out));
  REQUIRE(o.status == 0);
  CHECK_THAT(o.out, Catch::Contains("results: " + out));
  CHECK(fs::exists(out));
  // h5dump reads it without chipsim
  CHECK(e2e::shell("h5dump -H " + quote(out) + " >/dev/null 2>&1") == 0);
  const auto r = sim::io::read_results(out);
  CHECK(r.months.size() == 12);
  CHECK(r.scenario_name == "two-labs");

  SECTION("refuses to overwrite without --force") {
    const auto again = chipsim("run " + quote(good_scenario) + " -o " + quote(out));
    CHECK(again.status == 2);
    CHECK_THAT(again.err, Catch::Contains("use --force"));
    CHECK(chipsim("run " + quote(good_scenario) + " -q --force -o " + quote(out)).status == 0);
  }
  SECTION("inspect describes it") {
    const auto i = chipsim("inspect " + quote(out));
    CHECK(i.status == 0);
    CHECK_THAT(i.out, Catch::Contains("months 12 (2024-01 to 2024-12)"));
    CHECK_THAT(i.out, Catch::Contains("scenario two-labs"));
    // the small scenario has none of the catalogue's firms: the table has its header only
    const auto h = chipsim("inspect --history " + quote(out));
    CHECK(h.status == 0);
    CHECK_THAT(h.out, Catch::Contains("historical aggregates"));
    CHECK_THAT(h.out, !Catch::Contains("nvidia data-centre revenue"));
  }
}

TEST_CASE("cli: the same seed writes identical numbers at 1 and 2 threads",
          "[e2e][cli][determinism][parallel]") {
  e2e::TempDir tmp;
  const std::string a = tmp / "t1.h5";
  const std::string b = tmp / "t2.h5";
  const std::string c = tmp / "seed.h5";
  REQUIRE(chipsim("run -q --threads 1 --replicates 3 -o " + quote(a)).status == 0);
  REQUIRE(chipsim("run -q --threads 2 --replicates 3 -o " + quote(b)).status == 0);
  // h5diff compares every dataset's values; the root attributes created_utc and threads may
  // differ, so compare the groups that hold results
  for (const char* group : {"/metrics", "/trade", "/events", "/scenario", "/calendar", "/agents"}) {
    INFO(group);
    CHECK(e2e::shell("h5diff " + quote(a) + " " + quote(b) + " " + group + " " + group) == 0);
  }
  REQUIRE(chipsim("run -q --threads 2 --replicates 3 --seed 99 -o " + quote(c)).status == 0);
  (void)c;
}

TEST_CASE("cli: bad input exits 2 and writes nothing", "[e2e][cli]") {
  e2e::TempDir tmp;
  const std::string bad = tmp / "bad.yaml";
  {
    std::ofstream f(bad);
    f << "scenario:\n  name: x\n  start: 2024-01\n  end: 2023-01\n";
  }
  const std::string out = tmp / "never.h5";
  const auto o = chipsim("run " + quote(bad) + " -o " + quote(out));
  CHECK(o.status == 2);
  CHECK_THAT(o.err, Catch::Contains(bad + ":"));
  CHECK_FALSE(fs::exists(out));
  CHECK(chipsim("run " + quote(good_scenario) + " --set scenario.end=2023-13 -o " + quote(out))
            .status == 2);
  CHECK(chipsim("run " + quote(good_scenario) + " --choose nope=x -o " + quote(out)).status == 2);
  CHECK_FALSE(fs::exists(out));
  CHECK(fs::is_empty(tmp.path()) == false);  // only bad.yaml
  CHECK(std::distance(fs::directory_iterator(tmp.path()), fs::directory_iterator()) == 1);
}

TEST_CASE("cli: a failed write exits 1 and leaves no file", "[e2e][cli]") {
  e2e::TempDir tmp;
  const std::string ro = tmp / "ro";
  fs::create_directory(ro);
  fs::permissions(ro, fs::perms::owner_read | fs::perms::owner_exec);
  const std::string out = ro + "/r.h5";
  const auto o = chipsim("run " + quote(good_scenario) + " -q -o " + quote(out));
  if (geteuid() == 0) {
    // root writes anywhere; use a path under a regular file instead
    const std::string file = tmp / "plain";
    { std::ofstream f(file); }
    const auto o2 = chipsim("run " + quote(good_scenario) + " -q -o " + quote(file + "/r.h5"));
    CHECK(o2.status == 1);
    CHECK_FALSE(fs::exists(file + "/r.h5"));
  } else {
    CHECK(o.status == 1);
    CHECK_FALSE(fs::exists(out));
  }
  fs::permissions(ro, fs::perms::owner_all);
}

TEST_CASE("cli: a killed run leaves no file at the output path", "[e2e][cli]") {
  e2e::TempDir tmp;
  const std::string out = tmp / "killed.h5";
  // a run long enough to be killed midway: the default scenario with many replicates, killed
  // while it runs (after a delay) and while it writes (as soon as its temporary file appears)
  const std::string run = std::string(CHIPSIM_BINARY) + " run -q --replicates 400 -o \"$OUT\"";
  for (const char* delay : {"0.2", "0.6"}) {
    INFO(delay);
    const e2e::Killed k = e2e::kill_when(run, out, std::string("sleep ") + delay);
    CHECK(k.status == 137);
    CHECK_FALSE(k.output_seen);
    CHECK_FALSE(fs::exists(out));
  }
  // a short run: the loop looks without a pause until the write begins
  const std::string short_run = std::string(CHIPSIM_BINARY) + " run -q --replicates 20 -o \"$OUT\"";
  const e2e::Killed k = e2e::kill_when(short_run, out, R"(set -- "$OUT".tmp.*; [ -e "$1" ])", true);
  CHECK(k.status == 137);
  CHECK_FALSE(k.output_seen);
  CHECK_FALSE(fs::exists(out));
}

TEST_CASE("cli: validate reports each bad scenario with its location and exits 2",
          "[e2e][cli][validate]") {
  const fs::path dir = fs::path(CHIPSIM_TEST_DATA_DIR) / "bad";
  int cases = 0;
  for (const auto& entry : fs::directory_iterator(dir)) {
    if (entry.path().extension() != ".expected") continue;
    fs::path yaml = entry.path();
    yaml.replace_extension(".yaml");
    std::string expected = e2e::slurp(entry.path().string());
    while (!expected.empty() && expected.back() == '\n') expected.pop_back();
    const std::string placeholder = "{DIR}";
    for (auto pos = expected.find(placeholder); pos != std::string::npos;
         pos = expected.find(placeholder))
      expected.replace(pos, placeholder.size(), dir.string());
    INFO(yaml.string());
    const auto o = chipsim("validate " + quote(yaml.string()));
    CHECK(o.status == 2);
    CHECK_THAT(o.err, Catch::Contains(expected));
    CHECK(o.out.empty());
    ++cases;
  }
  CHECK(cases >= 25);
  const auto ok = chipsim("validate " + quote(good_scenario));
  CHECK(ok.status == 0);
  CHECK_THAT(ok.out, Catch::Contains(good_scenario + ": ok"));
}

TEST_CASE("cli: every scenario shipped in scenarios/ validates and runs", "[e2e][cli][scenarios]") {
  e2e::TempDir tmp;
  const fs::path root = fs::path(CHIPSIM_SOURCE_DIR) / "scenarios";
  for (const char* sub : {"history", "whatif"}) {
    if (!fs::exists(root / sub)) continue;
    for (const auto& entry : fs::directory_iterator(root / sub)) {
      if (entry.path().extension() != ".yaml") continue;
      INFO(entry.path().string());
      CHECK(chipsim("validate -q " + quote(entry.path().string())).status == 0);
      const auto o = chipsim("run -q " + quote(entry.path().string()) + " -o " +
                             quote(tmp / (entry.path().stem().string() + ".h5")));
      CHECK(o.status == 0);
      CHECK(o.err.empty());
    }
  }
  // sweeps: each is checked against its base scenario (every path and the extreme values it
  // takes) and runs its first two units; the example, named to sort first, runs in full
  std::vector<fs::path> sweeps;
  for (const auto& entry : fs::directory_iterator(root / "sweeps"))
    if (entry.path().extension() == ".yaml") sweeps.push_back(entry.path());
  std::sort(sweeps.begin(), sweeps.end());
  REQUIRE(sweeps.size() >= 2);
  for (const fs::path& sweep : sweeps) {
    INFO(sweep.string());
    const auto o = chipsim("sweep --dry-run -q " + quote(sweep.string()));
    CHECK(o.status == 0);
    CHECK_THAT(o.out, Catch::Contains(": ok, "));
    const std::string out = tmp / (sweep.stem().string() + ".h5");
    const auto two =
        chipsim("sweep -q --max-units 2 " + quote(sweep.string()) + " -o " + quote(out));
    CHECK(two.status == 0);
    std::size_t parts = 0;
    for (const auto& part : fs::directory_iterator(out + ".parts"))
      if (part.path().extension() == ".h5") ++parts;
    CHECK(parts == 2);
  }
  const std::string example = tmp / "example.h5";
  const auto run = chipsim("sweep -q " + quote(sweeps.front().string()) + " -o " + quote(example));
  CHECK(run.status == 0);
  CHECK(run.err.empty());
  CHECK(fs::exists(example));
}

TEST_CASE("cli: a run continued from a checkpoint is bit-identical to a run from the start",
          "[e2e][cli][checkpoint]") {
  e2e::TempDir tmp;
  const std::string saved = tmp / "saved.h5";
  REQUIRE(chipsim("run -q --checkpoint-at 2025-04 -o " + quote(saved)).status == 0);
  const auto checkpoints = sim::io::read_checkpoints(saved);
  REQUIRE(checkpoints.size() == 1);
  CHECK(checkpoints[0].month == "2025-04");

  SECTION("with a different option at a decision of the checkpoint's month") {
    const std::string branch = tmp / "branch.h5";
    const std::string direct = tmp / "direct.h5";
    REQUIRE(chipsim("run -q --from-checkpoint " + quote(saved + "@2025-04") +
                    " --choose h20-april-2025=no-change -o " + quote(branch))
                .status == 0);
    REQUIRE(chipsim("run -q --choose h20-april-2025=no-change -o " + quote(direct)).status == 0);
    CHECK(e2e::differences_besides_created(branch, direct).empty());
    // the file records the option taken, in the scenario text and in /decisions
    const auto r = sim::io::read_results(branch);
    CHECK_THAT(r.resolved_yaml, Catch::Contains("h20-april-2025: no-change"));
    REQUIRE_FALSE(r.decisions.empty());
    CHECK(r.decisions[0].id == "h20-april-2025");
    CHECK(r.decisions[0].option == "no-change");
    CHECK(r.decisions[0].historical == "require-licence");
  }
  SECTION("with the historical options: the same numbers as the run that saved it") {
    const std::string again = tmp / "again.h5";
    const std::string plain = tmp / "plain.h5";
    REQUIRE(chipsim("run -q --from-checkpoint " + quote(saved + "@2025-04") + " -o " + quote(again))
                .status == 0);
    REQUIRE(chipsim("run -q -o " + quote(plain)).status == 0);
    CHECK(e2e::differences_besides_created(again, plain).empty());
  }
  SECTION("several replicates, each from its own state") {
    const std::string small = tmp / "small.h5";
    const std::string resumed = tmp / "resumed.h5";
    const std::string whole = tmp / "whole.h5";
    REQUIRE(chipsim("run -q " + quote(good_scenario) +
                    " --replicates 3 --checkpoint-at 2024-06 -o " + quote(small))
                .status == 0);
    REQUIRE(sim::io::read_checkpoints(small).size() == 3);
    REQUIRE(
        chipsim("run -q --from-checkpoint " + quote(small + "@2024-06") + " -o " + quote(resumed))
            .status == 0);
    REQUIRE(
        chipsim("run -q " + quote(good_scenario) + " --replicates 3 -o " + quote(whole)).status ==
        0);
    CHECK(e2e::differences_besides_created(resumed, whole).empty());
  }
  SECTION("what cannot continue is refused with status 2 and no file") {
    const std::string out = tmp / "never.h5";
    auto o = chipsim("run --from-checkpoint " + quote(saved + "@2025-06") + " -o " + quote(out));
    CHECK(o.status == 2);
    CHECK_THAT(o.err, Catch::Contains("no checkpoint at 2025-06; it has checkpoints at 2025-04"));
    o = chipsim("run --from-checkpoint " + quote(saved + "@2025-04") +
                " --choose diffusion-may-2025=keep --choose h20-april-2025=no-change -o " +
                quote(out));
    CHECK(o.status == 0);  // both decisions are from the checkpoint's month on
    fs::remove(out);
    o = chipsim("run --from-checkpoint " + quote(saved + "@2025-04") + " --set scenario.seed=3" +
                " -o " + quote(out));
    CHECK(o.status == 2);
    CHECK_THAT(o.err, Catch::Contains("come from the checkpoint's file"));
    o = chipsim("run --from-checkpoint " + quote(saved) + " -o " + quote(out));
    CHECK(o.status == 2);
    CHECK_THAT(o.err, Catch::Contains("expected FILE@YYYY-MM"));
    o = chipsim("run --from-checkpoint " + quote(tmp / "missing.h5@2025-04") + " -o " + quote(out));
    CHECK(o.status == 1);
    CHECK_THAT(o.err, Catch::Contains("no such file"));
    CHECK_FALSE(fs::exists(out));
  }
  SECTION("a decision before the checkpoint cannot be changed from it") {
    const std::string later = tmp / "later.h5";
    REQUIRE(chipsim("run -q --checkpoint-at 2025-06 -o " + quote(later)).status == 0);
    const auto o = chipsim("run --from-checkpoint " + quote(later + "@2025-06") +
                           " --choose h20-april-2025=no-change -o " + quote(tmp / "x.h5"));
    CHECK(o.status == 2);
    CHECK_THAT(o.err, Catch::Contains("decision 'h20-april-2025' is in 2025-04, before the "
                                      "checkpoint (2025-06)"));
    CHECK_FALSE(fs::exists(tmp / "x.h5"));
  }
}

TEST_CASE("cli: a full disk gives a clear error, exit 1 and no file", "[e2e][cli][diskfull]") {
  e2e::TempDir tmp;
  // RLIMIT_FSIZE stands in for a full disk: with SIGXFSZ ignored, a write past 200 KiB fails
  // with EFBIG like a write to a full file system fails with ENOSPC
  const auto full = [&](const std::string& args) {
    return e2e::capture("trap '' XFSZ; ulimit -f 200; cd " + quote(tmp.path().string()) + " && " +
                        CHIPSIM_BINARY + " " + args);
  };
  const std::string previous = tmp / "previous.h5";
  REQUIRE(chipsim("run -q -o " + quote(previous)).status == 0);
  for (const std::string& args :
       {std::string("run -q -o full.h5"), std::string("replay --batch -q -o full.h5"),
        "run -q --force -o " + quote(previous)}) {
    INFO(args);
    const auto before = e2e::slurp(previous);
    const auto o = full(args);
    CHECK(o.status == 1);
    // the first write past the limit fails: a chunk written directly, or HDF5's flush
    CHECK_THAT(o.err, Catch::Contains(": File too large"));
    CHECK_THAT(o.err, Catch::Contains("cannot write chunk") || Catch::Contains("cannot flush"));
    CHECK_THAT(o.err, !Catch::Contains("HDF5-DIAG"));  // a sentence, not a stack dump
    CHECK_FALSE(fs::exists(tmp / "full.h5"));
    CHECK(e2e::slurp(previous) == before);  // the file being replaced is intact
    for (const auto& entry : fs::directory_iterator(tmp.path()))
      CHECK(entry.path().string().find(".tmp.") == std::string::npos);  // no temporary left
  }
  auto o = full("export " + quote(previous) + " --csv csv");
  CHECK(o.status == 1);
  CHECK_THAT(o.err, Catch::Contains("disk full?"));
  CHECK_FALSE(fs::exists(tmp / "csv/metrics.csv"));
  o = full("report -q " + quote(previous) + " -o page.html");
  CHECK(o.status == 1);
  CHECK_FALSE(fs::exists(tmp / "page.html"));
}

TEST_CASE("cli: a run killed while replacing a file leaves the old file or the new one",
          "[e2e][cli]") {
  e2e::TempDir tmp;
  const std::string out = tmp / "r.h5";
  REQUIRE(chipsim("run -q " + quote(good_scenario) + " -o " + quote(out)).status == 0);
  const std::string before = e2e::slurp(out);
  const std::string run =
      std::string(CHIPSIM_BINARY) + " run -q --force --replicates 200 -o \"$OUT\"";
  // killed while writing the new file under its temporary name (a short run: the loop looks
  // without a pause until the write begins): the old file, untouched
  const std::string short_run =
      std::string(CHIPSIM_BINARY) + " run -q --force --replicates 20 -o \"$OUT\"";
  const e2e::Killed writing =
      e2e::kill_when(short_run, out, R"(set -- "$OUT".tmp.*; [ -e "$1" ])", true);
  CHECK(writing.status == 137);
  CHECK(e2e::slurp(out) == before);
  // killed at other moments: the old file or the complete new one
  for (const char* delay : {"0.05", "0.3", "0.8"}) {
    INFO(delay);
    e2e::kill_when(run, out, std::string("sleep ") + delay);
    REQUIRE(fs::exists(out));
    const auto r = sim::io::read_results(out);  // readable whichever it is
    CHECK((e2e::slurp(out) == before || r.replicates == 200));
  }
}

TEST_CASE("cli: --limit lowers or raises a resource limit", "[e2e][cli][limits]") {
  e2e::TempDir tmp;
  const std::string out = tmp / "r.h5";
  // small.yaml runs 12 months
  auto o = chipsim("run -q " + quote(good_scenario) + " --limit months=11 -o " + quote(out));
  CHECK(o.status == 2);
  CHECK_THAT(o.err, Catch::Contains("12 months from scenario.start exceed the limit of 11"));
  CHECK_THAT(o.err, Catch::Contains("(raise the limit with --limit months=N)"));
  CHECK_FALSE(fs::exists(out));
  CHECK(chipsim("run -q " + quote(good_scenario) + " --limit months=12 -o " + quote(out)).status ==
        0);
  o = chipsim("validate -q " + quote(good_scenario) + " --limit agents=4");
  CHECK(o.status == 2);
  CHECK_THAT(o.err, Catch::Contains("5 agents exceed the limit of 4"));
  o = chipsim("sweep --dry-run builtin:sweeps/00-example-h20-share.yaml --limit sweep-points=8");
  CHECK(o.status == 2);
  CHECK_THAT(o.err, Catch::Contains("9 sweep points exceed the limit of 8"));
  CHECK(chipsim("sweep --dry-run builtin:sweeps/00-example-h20-share.yaml --limit sweep-points=9")
            .status == 0);
  o = chipsim("replay --batch -q --limit nope=1");
  CHECK(o.status == 2);
  CHECK_THAT(o.err, Catch::Contains("expected NAME=N with NAME one of"));
}
