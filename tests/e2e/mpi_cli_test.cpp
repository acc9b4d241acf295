// End-to-end tests of chipsim over MPI (docs/distributed.md): `mpirun -np K chipsim run` and
// `chipsim sweep` write the same bytes as one process, a failing unit stops the job with one
// error and no result file, and a killed job resumes on any number of processes.
//
// Built only when CMake finds MPI (the ci preset; the sanitizer presets build without it).
// mpirun gets --oversubscribe (more processes than cores are fine here) and, as root (as CI
// runs), --allow-run-as-root.
#include <unistd.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <regex>
#include <string>
#include <utility>
#include <vector>

#include "sim/io/result_file.hpp"
#include "tests/e2e/cli_helpers.hpp"

namespace fs = std::filesystem;
using e2e::chipsim;
using e2e::part_count;
using e2e::part_identities;
using e2e::parts_at_least;
using e2e::quote;

namespace {

const std::string data_dir = CHIPSIM_TEST_DATA_DIR;
const std::string small_scenario = data_dir + "/e2e/small.yaml";  // 12 months, five agents
const std::string grid_sweep = data_dir + "/sweeps/grid.yaml";    // 3 x 2 points, 2 replicates
const std::string long_grid_sweep = data_dir + "/sweeps/long_grid.yaml";  // the same, 10 replicates

/// `mpirun -np K chipsim` as a shell command, arguments to follow.
std::string mpirun(int processes) {
  std::string command = std::string(CHIPSIM_MPIEXEC) + " --oversubscribe";
  if (::geteuid() == 0) command += " --allow-run-as-root";
  // no single-copy shared memory (ptrace rules in containers may forbid it)
  command += " --mca btl_vader_single_copy_mechanism none";
  return command + " -np " + std::to_string(processes) + " " + quote(CHIPSIM_BINARY);
}

std::string read_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

/// Where the bytes of two result files differ besides a created_utc text: empty when they
/// are the same file bit for bit but for the time it was written (YYYY-MM-DDTHH:MM:SSZ).
std::string bytes_besides_created(const std::string& a, const std::string& b) {
  const std::string x = read_bytes(a);
  const std::string y = read_bytes(b);
  if (x.size() != y.size())
    return "sizes differ: " + std::to_string(x.size()) + " and " + std::to_string(y.size());
  // the timestamps in `a`: a run's file has one, at the root
  const std::regex stamp("[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z");
  std::vector<std::pair<std::size_t, std::size_t>> stamps;
  for (auto it = std::sregex_iterator(x.begin(), x.end(), stamp); it != std::sregex_iterator();
       ++it)
    stamps.emplace_back(static_cast<std::size_t>(it->position()),
                        static_cast<std::size_t>(it->position() + it->length()));
  std::string report;
  for (std::size_t i = 0; i < x.size(); ++i) {
    if (x[i] == y[i]) continue;
    const bool in_stamp = std::any_of(stamps.begin(), stamps.end(),
                                      [i](const auto& s) { return i >= s.first && i < s.second; });
    if (!in_stamp) report += "byte " + std::to_string(i) + " differs\n";
  }
  if (stamps.size() > 1) report += std::to_string(stamps.size()) + " timestamps in " + a + "\n";
  return report;
}

/// Every file in `folder` whose name holds ".tmp": a write cut short.
std::vector<std::string> temporaries_in(const fs::path& folder) {
  std::vector<std::string> found;
  std::error_code ec;
  for (const auto& entry : fs::recursive_directory_iterator(folder, ec))
    if (entry.path().filename().string().find(".tmp") != std::string::npos)
      found.push_back(entry.path().string());
  return found;
}

}  // namespace

TEST_CASE("cli mpi: run --replicates over 1 and 2 processes writes the bytes of one process",
          "[e2e][cli][mpi]") {
  e2e::TempDir tmp;
  // 4 replicates with a checkpoint: metrics, flows, events and checkpoints all gathered
  const std::string options = " run " + quote(small_scenario) +
                              " --replicates 4 --seed 7 --checkpoint-at 2024-06 --threads 1 -q";
  const std::string single = tmp / "single.h5";
  REQUIRE(chipsim(options + " -o " + quote(single)).status == 0);
  for (const int processes : {1, 2, 3}) {
    INFO(processes << " processes");
    const std::string out = tmp / ("np" + std::to_string(processes) + ".h5");
    const e2e::Outcome o = e2e::capture(mpirun(processes) + options + " -o " + quote(out));
    INFO(o.out << o.err);
    REQUIRE(o.status == 0);
    CHECK_THAT(bytes_besides_created(out, single), Catch::Matchers::Equals(""));
    CHECK_FALSE(fs::exists(out + ".parts"));
  }
  // what the file holds, checked by hand: 4 replicates, the checkpoint of each
  const sim::world::RunResults r = sim::io::read_results(tmp / "np2.h5");
  CHECK(r.replicates == 4);
  CHECK(r.seed == 7);
  const auto checkpoints = sim::io::read_checkpoints(tmp / "np2.h5");
  REQUIRE(checkpoints.size() == 4);
  for (std::uint64_t k = 0; k < 4; ++k) {
    CHECK(checkpoints[k].month == "2024-06");
    CHECK(checkpoints[k].replicate == k);
  }
}

TEST_CASE("cli mpi: a sweep over 2 processes writes the bytes of one process",
          "[e2e][cli][mpi][sweep]") {
  e2e::TempDir tmp;
  const std::string single = tmp / "single.h5";
  REQUIRE(chipsim("sweep -q --threads 1 " + quote(grid_sweep) + " -o " + quote(single)).status ==
          0);
  const std::string two = tmp / "two.h5";
  const e2e::Outcome o =
      e2e::capture(mpirun(2) + " sweep " + quote(grid_sweep) + " -o " + quote(two));
  INFO(o.out << o.err);
  REQUIRE(o.status == 0);
  CHECK_THAT(bytes_besides_created(two, single), Catch::Matchers::Equals(""));
  // the summary is printed once, by the first process: 6 points of 2 replicates
  const std::string done = "sweep small-grid: 6 points x 2 replicates (grid), 12 units run";
  const auto first = o.out.find(done);
  CHECK(first != std::string::npos);
  CHECK(o.out.find(done, first + 1) == std::string::npos);
  CHECK(o.out.find("results: " + two) != std::string::npos);
}

TEST_CASE("cli mpi: a failing unit stops the job with one clear error and no result file",
          "[e2e][cli][mpi]") {
  e2e::TempDir tmp;
  // the third point's budget overflows in its third month (docs/model.md, numeric safety)
  const std::string sweep = tmp / "overflow.yaml";
  std::ofstream(sweep) << "sweep:\n  name: overflow\n  base: " << small_scenario
                       << "\n  replicates: 2\n"
                          "  set: {agents.lab-us.budget_growth_per_year: 100}\n"
                          "parameters:\n  - path: agents.lab-us.budget_usd_per_month\n"
                          "    values: [1.0e6, 2.0e6, 1.0e308, 3.0e6]\n";
  const std::string out = tmp / "overflow.h5";
  const e2e::Outcome o = e2e::capture(mpirun(2) + " sweep " + quote(sweep) + " -o " + quote(out));
  INFO(o.out << o.err);
  CHECK(o.status == 1);
  const std::string error = "agent/budget_usd of agent 'lab-us' is inf, not a finite number";
  const auto first = o.err.find(error);
  CHECK(first != std::string::npos);
  CHECK(o.err.find(error, first + 1) == std::string::npos);  // once, not once per process
  CHECK_FALSE(fs::exists(out));
  CHECK(temporaries_in(tmp.path()).empty());
  // the units before the failing point are kept for a resume; the failing point left none
  CHECK(fs::exists(out + ".parts/p000000-r0000.h5"));
  CHECK_FALSE(fs::exists(out + ".parts/p000002-r0000.h5"));
  CHECK_FALSE(fs::exists(out + ".parts/p000002-r0001.h5"));

  // a run whose every replicate fails: the same, from `run`
  const std::string run_out = tmp / "run.h5";
  const e2e::Outcome r = e2e::capture(
      mpirun(2) + " run " + quote(small_scenario) + " --replicates 3 -q --set " +
      "agents.lab-us.budget_usd_per_month=1.0e308 --set agents.lab-us.budget_growth_per_year=100" +
      " -o " + quote(run_out));
  INFO(r.out << r.err);
  CHECK(r.status == 1);
  const auto at = r.err.find(error);
  CHECK(at != std::string::npos);
  CHECK(r.err.find(error, at + 1) == std::string::npos);
  CHECK_FALSE(fs::exists(run_out));
  CHECK(temporaries_in(tmp.path()).empty());
}

TEST_CASE("cli mpi: a killed MPI sweep resumes on any number of processes",
          "[e2e][cli][mpi][sweep][resume]") {
  e2e::TempDir tmp;
  const std::string reference = tmp / "reference.h5";
  REQUIRE(chipsim("sweep -q --threads 1 " + quote(long_grid_sweep) + " -o " + quote(reference))
              .status == 0);
  // 60 units on 2 processes, the job killed (mpirun and both processes) after 5 parts
  const std::string out = tmp / "killed.h5";
  const std::string start =
      mpirun(2) + " sweep -q --threads 1 " + quote(long_grid_sweep) + " -o \"$OUT\"";
  e2e::Killed k = e2e::kill_when(start, out, parts_at_least(5), false, true);
  REQUIRE(k.status == 137);  // else the sweep ended before it could be killed
  CHECK_FALSE(k.output_seen);
  REQUIRE(part_count(out) >= 5);
  // resumed on 3 processes and killed again, then finished by one process without mpirun:
  // each time only missing units run
  const std::size_t before_count = part_count(out);
  auto before = part_identities(out);
  k = e2e::kill_when(mpirun(3) + " sweep -q --threads 1 --resume \"$OUT\"", out,
                     parts_at_least(before_count + 3), false, true);
  REQUIRE(k.status == 137);
  CHECK_FALSE(fs::exists(out));
  auto after = part_identities(out);
  for (const auto& [name, id] : before) {
    INFO(name);
    REQUIRE(after.count(name) == 1);
    CHECK(after.at(name) == id);
  }
  CHECK(after.size() > before.size());
  before = after;
  const e2e::Outcome o = chipsim("sweep --threads 1 --resume " + quote(out));
  INFO(o.out << o.err);
  REQUIRE(o.status == 0);
  CHECK_THAT(o.out, Catch::Contains("resuming " + out + ": " + std::to_string(before.size()) +
                                    " of 60 units done, " + std::to_string(60 - before.size()) +
                                    " to run"));
  CHECK_THAT(bytes_besides_created(out, reference), Catch::Matchers::Equals(""));
}

TEST_CASE("cli mpi: a killed MPI run resumes with run --resume", "[e2e][cli][mpi][resume]") {
  e2e::TempDir tmp;
  const std::string options =
      " run " + quote(small_scenario) + " --replicates 40 --seed 3 --threads 1 -q";
  const std::string reference = tmp / "reference.h5";
  REQUIRE(chipsim(options + " -o " + quote(reference)).status == 0);
  const std::string out = tmp / "killed.h5";
  const e2e::Killed k =
      e2e::kill_when(mpirun(2) + options + " -o \"$OUT\"", out, parts_at_least(4), false, true);
  REQUIRE(k.status == 137);
  CHECK_FALSE(k.output_seen);
  const std::size_t done = part_count(out);
  REQUIRE(done >= 4);

  // the scenario and its options come from the folder's manifest: nothing else may be given
  const e2e::Outcome refused = chipsim("run --resume " + quote(out) + " --replicates 5");
  CHECK(refused.status == 2);
  CHECK_THAT(refused.err, Catch::Contains("--resume FILE continues the run as started"));
  // starting the run again over the folder is refused too: it would mix two runs
  const e2e::Outcome again = chipsim(options + " -o " + quote(out));
  CHECK(again.status == 2);
  CHECK_THAT(again.err, Catch::Contains("holds an interrupted run into"));

  const e2e::Outcome o = e2e::capture(mpirun(2) + " run --resume " + quote(out));
  INFO(o.out << o.err);
  REQUIRE(o.status == 0);
  CHECK_THAT(o.out,
             Catch::Contains("resuming " + out + ": " + std::to_string(done) +
                             " of 40 replicates done, " + std::to_string(40 - done) + " to run"));
  CHECK_THAT(bytes_besides_created(out, reference), Catch::Matchers::Equals(""));
  CHECK_FALSE(fs::exists(out + ".parts"));
}

TEST_CASE("cli mpi: commands other than run and sweep refuse to run in several processes",
          "[e2e][cli][mpi]") {
  const e2e::Outcome o = e2e::capture(mpirun(2) + " validate " + quote(small_scenario));
  CHECK(o.status == 2);
  const std::string error = "only run and sweep share their work over MPI processes";
  const auto at = o.err.find(error);
  CHECK(at != std::string::npos);
  CHECK(o.err.find(error, at + 1) == std::string::npos);
  // one process under mpirun is an ordinary run
  CHECK(e2e::capture(mpirun(1) + " validate -q " + quote(small_scenario)).status == 0);
}

TEST_CASE("cli mpi: the example Slurm script runs a sweep on one node, outside Slurm",
          "[e2e][cli][mpi][sweep]") {
  e2e::TempDir tmp;
  const std::string reference = tmp / "reference.h5";
  REQUIRE(chipsim("sweep -q --threads 1 " + quote(grid_sweep) + " -o " + quote(reference)).status ==
          0);
  // what sbatch would do: run the script with the job's variables; mpirun starts one process
  // on this machine (one node), which runs every unit with SLURM_CPUS_PER_TASK threads
  const std::string out = tmp / "slurm/sweep.h5";
  const std::string env =
      "SWEEP=" + quote(grid_sweep) + " OUT=" + quote(out) + " CHIPSIM=" + quote(CHIPSIM_BINARY) +
      " SLURM_CPUS_PER_TASK=2 OMPI_MCA_btl_vader_single_copy_mechanism=none" +
      (::geteuid() == 0 ? " OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1" : "");
  const e2e::Outcome o =
      e2e::capture("cd " + quote(tmp.path().string()) + " && " + env + " " +
                   quote(std::string(CHIPSIM_SOURCE_DIR) + "/tools/slurm/sweep.sbatch"));
  INFO(o.out << o.err);
  REQUIRE(o.status == 0);
  CHECK_THAT(o.out, Catch::Contains("chipsim sweep: results in " + out));
  CHECK_THAT(bytes_besides_created(out, reference), Catch::Matchers::Equals(""));
}
