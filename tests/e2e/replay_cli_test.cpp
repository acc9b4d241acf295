// End-to-end tests of `chipsim replay`: scripted choices, the interactive mode driven through
// piped input and a pseudo-terminal, and the file holding both paths.
#include <algorithm>
#include <array>
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <string>

#include "sim/engine/concat.hpp"
#include "sim/io/result_file.hpp"
#include "tests/e2e/cli_helpers.hpp"

namespace fs = std::filesystem;
using e2e::chipsim;
using e2e::quote;

namespace {

/// Runs `chipsim replay ARGS` with `input` as its standard input (a file, so EOF follows).
e2e::Outcome replay_with(const e2e::TempDir& tmp, const std::string& input,
                         const std::string& args) {
  const std::string keys = tmp / "keys.txt";
  std::ofstream(keys) << input;
  return e2e::capture(std::string(CHIPSIM_BINARY) + " replay " + args + " < " + quote(keys));
}

/// Whether the series, flows and events of `a` (under `group_a`) and `b` (under `group_b`) are
/// the same, bit for bit.
bool same_paths(const std::string& a, const std::string& group_a, const std::string& b,
                const std::string& group_b) {
  const std::array<const char*, 3> groups{"/metrics", "/trade", "/events"};
  return std::ranges::all_of(groups, [&](const char* g) {
    return e2e::shell(sim::concat("h5diff ", quote(a), " ", quote(b), " ", group_a, g, " ", group_b,
                                  g, " >/dev/null 2>&1")) == 0;
  });
}

std::string option_of(const sim::world::RunResults& r, const std::string& decision) {
  for (const auto& d : r.decisions)
    if (d.id == decision) return d.option;
  return "";
}

}  // namespace

TEST_CASE("replay: the historical options reproduce the historical run exactly", "[e2e][replay]") {
  e2e::TempDir tmp;
  const std::string run = tmp / "run.h5";
  const std::string replay = tmp / "replay.h5";
  REQUIRE(chipsim("run -q -o " + quote(run)).status == 0);
  const auto o = chipsim("replay --batch -q -o " + quote(replay));
  REQUIRE(o.status == 0);
  CHECK(same_paths(replay, "", run, ""));          // the branch is history...
  CHECK(same_paths(replay, "/history", run, ""));  // ...and so is the path stored beside it
  CHECK_THAT(o.out, Catch::Contains("h20-april-2025: require-licence (as in history)"));
}

TEST_CASE("replay: --choose writes the branch and history into one file", "[e2e][replay]") {
  e2e::TempDir tmp;
  const std::string out = tmp / "branch.h5";
  const std::string run = tmp / "run.h5";
  const auto o = chipsim("replay -q --choose h20-april-2025=no-change -o " + quote(out));
  REQUIRE(o.status == 0);
  REQUIRE(chipsim("run -q --choose h20-april-2025=no-change -o " + quote(run)).status == 0);
  CHECK(same_paths(out, "", run, ""));  // the branch is the run with that option
  CHECK_FALSE(same_paths(out, "", out, "/history"));

  const auto branch = sim::io::read_results(out);
  const auto history = sim::io::read_history(out);
  CHECK(option_of(branch, "h20-april-2025") == "no-change");
  CHECK(option_of(history, "h20-april-2025") == "require-licence");
  CHECK_THAT(branch.resolved_yaml, Catch::Contains("h20-april-2025: no-change"));

  // the side-by-side summary: a row for each headline, history then branch then difference
  CHECK_THAT(o.out, Catch::Contains("h20-april-2025: no-change (history: require-licence)"));
  for (const char* row : {"compute stock, china (H100e)", "nvidia revenue from China (USD)",
                          "investment pledged in usa (USD)", "chips made in China (chips)"})
    CHECK_THAT(o.out, Catch::Contains(row));

  SECTION("chipsim report draws the branch against its history") {
    const std::string page = tmp / "report.html";
    REQUIRE(chipsim("report -q " + quote(out) + " -o " + quote(page)).status == 0);
    const std::string html = e2e::slurp(page);
    CHECK_THAT(html, Catch::Contains("history (branch.h5)"));
    CHECK_THAT(html, Catch::Contains("branch (branch.h5)"));
  }
}

TEST_CASE("replay: interactive over piped input, to the end of input", "[e2e][replay]") {
  e2e::TempDir tmp;
  const std::string out = tmp / "piped.h5";
  const std::string batch = tmp / "batch.h5";
  // run to the first decision, take option 2 (no-change); an unknown key; one month; then
  // to the next decision, where input ends: the rest take what happened
  const auto o = replay_with(tmp, "d\n2\nx\n\nd\n", "-o " + quote(out));
  REQUIRE(o.status == 0);
  CHECK_THAT(o.out, Catch::Contains("Decision h20-april-2025 - 2025-04, us-gov"));
  CHECK_THAT(o.out, Catch::Contains("  2) no-change: Keep the H20 and MI308"));
  CHECK_THAT(o.out, Catch::Contains("In history, us-gov chose require-licence"));
  CHECK_THAT(o.out, Catch::Contains("unknown key 'x'"));
  CHECK_THAT(o.out, Catch::Contains("(end of input: taking 'rescind', what happened)"));
  REQUIRE(
      chipsim("replay --batch -q --choose h20-april-2025=no-change -o " + quote(batch)).status ==
      0);
  CHECK(same_paths(out, "", batch, ""));
  CHECK(option_of(sim::io::read_results(out), "diffusion-may-2025") == "rescind");
  // nothing wider than 80 columns
  for (const std::string& line : e2e::detail::lines_of(o.out)) {
    std::size_t columns = 0;
    for (char c : line) columns += (static_cast<unsigned char>(c) & 0xC0) != 0x80 ? 1 : 0;
    INFO(line);
    if (line.find("Your choice") == std::string::npos && line.find("next: ") != 0)
      CHECK(columns <= 80);
  }

  SECTION("no input at all: history to the end") {
    const std::string empty = tmp / "empty.h5";
    const auto e = replay_with(tmp, "", "-q -o " + quote(empty));
    REQUIRE(e.status == 0);
    CHECK(same_paths(empty, "", empty, "/history"));
  }
  SECTION("odd answers at a decision are asked again") {
    const auto a = replay_with(tmp, "d\n7\nmaybe\nh\n?\nno-change\nq\n", "");
    CHECK(a.status == 0);
    CHECK_THAT(a.out, Catch::Contains("unknown answer '7'"));
    CHECK_THAT(a.out, Catch::Contains("unknown answer 'maybe'"));
    CHECK_THAT(a.out, Catch::Contains("At a decision, answer with"));  // the help
    CHECK_THAT(a.out, Catch::Contains("Stopped before 2025-04; nothing written."));
  }
  SECTION("q quits without writing") {
    const std::string never = tmp / "never.h5";
    const auto q = replay_with(tmp, "\n\nq\n", "-o " + quote(never));
    CHECK(q.status == 0);
    CHECK_THAT(q.out, Catch::Contains("Stopped before 2022-03; nothing written."));
    CHECK_FALSE(fs::exists(never));
  }
  SECTION("--show-history tells what happened before asking") {
    const auto s = replay_with(tmp, "d\n", "--show-history");
    CHECK(s.status == 0);
    const auto shown = s.out.find("In history, us-gov chose require-licence");
    REQUIRE(shown != std::string::npos);
    CHECK(shown < s.out.find("Your choice"));
  }
}

TEST_CASE("replay: interactive on a pseudo-terminal", "[e2e][replay][pty]") {
  e2e::TempDir tmp;
  const std::string out = tmp / "pty.h5";
  const std::string keys = tmp / "keys.txt";
  std::ofstream(keys) << "d\n2\nd\nq\n";
  // util-linux `script` runs chipsim on a new pseudo-terminal and types the keys into it
  const auto o = e2e::capture("script -q -e -c " +
                              quote(std::string(CHIPSIM_BINARY) + " replay -o " + quote(out)) +
                              " /dev/null < " + quote(keys));
  REQUIRE(o.status == 0);
  CHECK_THAT(o.out, Catch::Contains("Decision h20-april-2025"));
  CHECK_THAT(o.out, Catch::Contains("Decision diffusion-may-2025"));
  CHECK_THAT(o.out, Catch::Contains("Stopped before 2025-05; nothing written."));
  CHECK_FALSE(fs::exists(out));
}

TEST_CASE("replay: bad choices and an existing file exit 2", "[e2e][replay]") {
  e2e::TempDir tmp;
  auto o = chipsim("replay --choose h20-april-2025=maybe");
  CHECK(o.status == 2);
  CHECK_THAT(o.err, Catch::Contains("--choose h20-april-2025=maybe"));
  CHECK_THAT(o.err, Catch::Contains("expected one of: require-licence, no-change, accept-pledge"));
  o = chipsim("replay --choose nope=x");
  CHECK(o.status == 2);
  const std::string existing = tmp / "existing.h5";
  std::ofstream(existing) << "keep me";
  o = chipsim("replay --batch -o " + quote(existing));
  CHECK(o.status == 2);
  CHECK_THAT(o.err, Catch::Contains("use --force"));
  CHECK(e2e::slurp(existing) == "keep me");
}
