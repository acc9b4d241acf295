// `chipsim report FILE... -o report.html`: one self-contained HTML page whose data match the
// HDF5 files. That the charts are really drawn is checked in Chromium (tests/report).
#include <algorithm>
#include <catch2/catch.hpp>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <regex>
#include <string>
#include <vector>

#include "sim/io/result_file.hpp"
#include "tests/e2e/cli_helpers.hpp"

namespace fs = std::filesystem;
using e2e::chipsim;
using e2e::quote;

namespace {

const std::string small_scenario = std::string(CHIPSIM_TEST_DATA_DIR) + "/e2e/small.yaml";

/// A policy note with every character HTML and JavaScript care about.
const std::string nasty_note = R"(<b>bold</b> & "quotes" 'single' </script><!-- — dash)";

/// small.yaml with nasty_note on its policy and a decision in 2024-09, written into `dir`.
std::string scenario_with_note_and_decision(const e2e::TempDir& dir) {
  std::string text = e2e::slurp(small_scenario);
  const std::string licence = "licence: {approval_probability: 0.5, delay_months: 1}}";
  const auto at = text.find(licence);
  REQUIRE(at != std::string::npos);
  std::string escaped;  // as a YAML double-quoted scalar
  for (const char c : nasty_note) escaped += c == '"' ? std::string("\\\"") : std::string(1, c);
  text.replace(at, licence.size(),
               "licence: {approval_probability: 0.5, delay_months: 1}, note: \"" + escaped + "\"}");
  text +=
      "decisions:\n"
      "  - id: loosen\n"
      "    month: 2024-09\n"
      "    actor: us-gov\n"
      "    question: Approve every licence from September?\n"
      "    options:\n"
      "      - {id: approve, events: [{set: {policies.ban.licence.approval_probability: 1}}]}\n"
      "      - {id: keep}\n"
      "    historical: keep\n";
  std::string path = dir / "scenario.yaml";
  std::ofstream(path) << text;
  return path;
}

/// Whether `text` is in `page`: a CHECK on this shows the text sought, not the whole page.
bool has(const std::string& page, const std::string& text) {
  return page.find(text) != std::string::npos;
}

/// The text of `<script type="application/json" id="report-data">`.
std::string report_data(const std::string& page) {
  const std::string open = R"(<script type="application/json" id="report-data">)";
  const auto from = page.find(open);
  REQUIRE(from != std::string::npos);
  const auto to = page.find("</script>", from);
  REQUIRE(to != std::string::npos);
  return page.substr(from + open.size(), to - from - open.size());
}

/// The numbers of the JSON array that follows `key` (e.g. `"id":"west","mean":`) in `json`.
std::vector<double> array_after(const std::string& json, const std::string& key) {
  const auto at = json.find(key);
  REQUIRE(at != std::string::npos);
  const auto open = json.find('[', at + key.size());
  const auto close = json.find(']', open);
  REQUIRE(open == at + key.size());
  std::vector<double> values;
  std::string item;
  for (std::size_t i = open + 1; i <= close; ++i) {
    if (json[i] == ',' || json[i] == ']') {
      values.push_back(std::strtod(item.c_str(), nullptr));
      item.clear();
    } else {
      item += json[i];
    }
  }
  return values;
}

/// The number that follows `key` in `json`, searching from `from`.
double number_after(const std::string& json, const std::string& key, std::size_t from = 0) {
  const auto at = json.find(key, from);
  REQUIRE(at != std::string::npos);
  return std::strtod(&json[at + key.size()], nullptr);
}

/// Every src and href attribute value of `page`'s elements (the scripts' text left out).
std::vector<std::string> links_in(const std::string& page) {
  std::string markup;
  for (std::size_t at = 0; at < page.size();) {
    const auto open = page.find("<script", at);
    const auto body = open == std::string::npos ? open : page.find('>', open);
    markup += page.substr(at, body == std::string::npos ? body : body + 1 - at);
    if (body == std::string::npos) break;
    const auto close = page.find("</script>", body);
    REQUIRE(close != std::string::npos);
    at = close;
  }
  static const std::regex attribute(R"re(\b(?:src|href)\s*=\s*["']?([^"'\s>]*))re",
                                    std::regex::icase);
  std::vector<std::string> links;
  for (auto it = std::sregex_iterator(markup.begin(), markup.end(), attribute);
       it != std::sregex_iterator(); ++it)
    links.push_back((*it)[1].str());
  return links;
}

/// The mean over replicates of compute stock summed over countries `columns`, at month `t`,
/// read from the file with h5dump ([R, T, C]).
double stock_mean(const std::string& h5, std::size_t t, const std::vector<std::size_t>& columns) {
  const e2e::H5Array a = e2e::h5_array(h5, "/metrics/country/compute_stock_h100e");
  REQUIRE(a.shape.size() == 3);
  const std::size_t months = a.shape[1];
  const std::size_t countries = a.shape[2];
  double total = 0;
  for (std::size_t rep = 0; rep < a.shape[0]; ++rep)
    for (const std::size_t c : columns) total += a.values[(rep * months + t) * countries + c];
  return total / static_cast<double>(a.shape[0]);
}

}  // namespace

TEST_CASE("cli: report writes one self-contained page whose data match the file",
          "[e2e][cli][report]") {
  e2e::TempDir tmp;
  const std::string scenario = scenario_with_note_and_decision(tmp);
  const std::string h5 = tmp / "base.h5";
  const std::string page_path = tmp / "one.html";
  REQUIRE(chipsim("run -q " + quote(scenario) + " --replicates 3 -o " + quote(h5)).status == 0);
  const auto o = chipsim("report " + quote(h5) + " -o " + quote(page_path));
  REQUIRE(o.status == 0);
  CHECK_THAT(o.out, Catch::Contains("one.html"));
  REQUIRE(fs::exists(page_path));
  const std::string page = e2e::slurp(page_path);

  SECTION("self-contained: Chart.js inlined with its licence, no URL to fetch") {
    CHECK_THAT(page, Catch::StartsWith("<!DOCTYPE html>"));
    CHECK(has(page, "Chart.js v3"));
    CHECK(has(page, "Released under the MIT License"));
    const std::vector<std::string> links = links_in(page);
    CHECK_FALSE(links.empty());  // the header's links to the run sections
    for (const std::string& link : links) {
      INFO("src/href " << link);
      CHECK(link.rfind('#', 0) == 0);  // in-page anchors only
    }
    CHECK_FALSE(has(page, "<script src"));
    CHECK_FALSE(has(page, "<link"));
    CHECK_FALSE(has(page, "@import"));
  }

  SECTION("header: scenario, seed, replicates, months, versions, file name") {
    CHECK(has(page, "<title>chipsim report: two-labs</title>"));
    const std::string version = sim::io::read_results(h5).chipsim_version;
    REQUIRE_FALSE(version.empty());
    CHECK(has(page,
              "base.h5</a></td><td>two-labs</td><td>7</td><td>3</td>"
              "<td>2024-01 to 2024-12 (12)</td><td>chipsim " +
                  version + "</td>"));
    CHECK(has(page, "<meta name=\"generator\" content=\"chipsim " + version + "\">"));
  }

  SECTION("a canvas for each chart of the run") {
    for (const char* id : {"stock-0", "flows-0", "revenue-0", "writedowns-0", "timeline-0"}) {
      INFO(id);
      CHECK(has(page, std::string("<canvas id=\"") + id + "\""));
    }
    CHECK_FALSE(has(page, "id=\"diff-compute\""));  // one run: nothing to compare
    CHECK(has(page, "<pre id=\"render-check\""));
  }

  SECTION("the data are the file's: compute stock of the west bloc, mean of 3 replicates") {
    const std::string json = report_data(page);
    // countries usa, chn, twn; blocs west = usa + twn, china = chn; 12 months
    const std::vector<double> west = array_after(json, R"({"id":"west","mean":)");
    REQUIRE(west.size() == 12);
    const double want = stock_mean(h5, 11, {0, 2});
    CHECK(want > 0);
    CHECK(west[11] == Approx(want).epsilon(1e-12));
    CHECK(west[0] == Approx(stock_mean(h5, 0, {0, 2})).epsilon(1e-12));
    const std::vector<double> china = array_after(json, R"({"id":"china","mean":)");
    CHECK(china[11] == Approx(stock_mean(h5, 11, {1})).epsilon(1e-12));
    // the band holds the mean
    const auto west_at = json.find(R"({"id":"west")");
    const std::vector<double> q05 = array_after(json.substr(west_at), "\"q05\":");
    const std::vector<double> q95 = array_after(json.substr(west_at), "\"q95\":");
    CHECK(q05[11] <= west[11]);
    CHECK(west[11] <= q95[11]);

    // chips by channel: all of /trade/flows' legal units over 3 replicates, per month
    const sim::world::RunResults r = sim::io::read_results(h5);
    const std::vector<double> legal = array_after(json, R"({"id":"legal","mean":)");
    REQUIRE(legal.size() == 12);
    double flows_legal = 0;
    double page_legal = 0;
    for (const auto& f : r.flows)
      if (f.channel == sim::world::Channel::legal) flows_legal += f.units;
    for (const double v : legal) page_legal += v;
    CHECK(flows_legal > 0);
    CHECK(page_legal == Approx(flows_legal / 3).epsilon(1e-12));
  }

  SECTION("texts from the file are escaped, and the decision is on the timeline") {
    const std::string json = report_data(page);
    CHECK(json.find('<') == std::string::npos);
    CHECK(json.find('>') == std::string::npos);
    CHECK(has(json, R"(\u003cb\u003ebold\u003c/b\u003e \u0026 \"quotes\")"));
    CHECK_FALSE(has(page, nasty_note));
    CHECK(has(page,
              "&lt;b&gt;bold&lt;/b&gt; &amp; &quot;quotes&quot; "
              "&#39;single&#39; &lt;/script&gt;&lt;!-- — dash"));
    CHECK(has(json, "\"kinds\":[\"decision\","));
    CHECK(has(json, "decision loosen: keep (historical)"));
    CHECK(has(page, "<li class=\"event decision\"><span class=\"month\">2024-09"));
  }

  SECTION("an existing page is kept unless --force") {
    std::ofstream(page_path) << "mine";
    const auto again = chipsim("report " + quote(h5) + " -o " + quote(page_path));
    CHECK(again.status == 2);
    CHECK_THAT(again.err, Catch::Contains("--force"));
    CHECK(e2e::slurp(page_path) == "mine");
    CHECK(chipsim("report -q " + quote(h5) + " -o " + quote(page_path) + " --force").status == 0);
    CHECK(e2e::slurp(page_path) == page);  // the same file gives the same bytes
    // no temporary file left behind
    for (const auto& entry : fs::directory_iterator(tmp.path()))
      CHECK(entry.path().filename().string().find(".tmp") == std::string::npos);
  }
}

TEST_CASE("cli: report on two files shows B - A as compare computes it", "[e2e][cli][report]") {
  e2e::TempDir tmp;
  const std::string a = tmp / "base.h5";
  const std::string b = tmp / "strict.h5";
  const std::string page_path = tmp / "two.html";
  REQUIRE(chipsim("run -q " + quote(small_scenario) + " --replicates 3 -o " + quote(a)).status ==
          0);
  REQUIRE(chipsim("run -q " + quote(small_scenario) + " --replicates 3 -o " + quote(b) +
                  " --set policies.ban.licence.approval_probability=0")
              .status == 0);
  const auto o = chipsim("report -q " + quote(a) + " " + quote(b) + " -o " + quote(page_path));
  REQUIRE(o.status == 0);
  CHECK(o.out.empty());
  const std::string page = e2e::slurp(page_path);
  for (const char* id : {"diff-compute", "diff-usd", "diff-chips", "overlay-compute", "stock-0",
                         "stock-1", "timeline-1"}) {
    INFO(id);
    CHECK(has(page, std::string("<canvas id=\"") + id + "\""));
  }

  // china's compute at 2024-12, strict minus base, averaged over the 3 paired replicates: with
  // no licence granted China's labs get fewer chips
  const std::string json = report_data(page);
  const auto compute = json.find(R"({"id":"compute")");
  REQUIRE(compute != std::string::npos);
  const auto china = json.find(R"({"label":"china")", compute);
  REQUIRE(china != std::string::npos);
  const double want = stock_mean(b, 11, {1}) - stock_mean(a, 11, {1});
  CHECK(want < 0);
  CHECK(number_after(json, "\"mean_diff\":", china) == Approx(want).epsilon(1e-9));
  CHECK(number_after(json, "\"mean_a\":", china) == Approx(stock_mean(a, 11, {1})));
  // licensed chips: none in the strict run
  const auto licensed = json.find(R"({"label":"licensed")");
  REQUIRE(licensed != std::string::npos);
  CHECK(number_after(json, "\"mean_b\":", licensed) == 0);
  CHECK(number_after(json, "\"mean_a\":", licensed) > 0);
  CHECK(has(json, "\"month\":\"2024-12\",\"flows_from\":\"2024-01\",\"pairs\":3"));
}

TEST_CASE("cli: report refuses a missing file with status 1 and writes nothing",
          "[e2e][cli][report]") {
  e2e::TempDir tmp;
  const std::string page_path = tmp / "x.html";
  const auto o = chipsim("report " + quote(tmp / "none.h5") + " -o " + quote(page_path));
  CHECK(o.status == 1);
  CHECK_THAT(o.err, Catch::Contains("none.h5"));
  CHECK_FALSE(fs::exists(page_path));
  CHECK(chipsim("report").status == 2);  // no file: usage error
}
