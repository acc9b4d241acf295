#include "sim/io/scenario_loader.hpp"

#include <catch2/catch.hpp>
#include <map>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "sim/engine/errors.hpp"
#include "sim/io/yaml_tree.hpp"
#include "tests/unit/io/config_error_of.hpp"

namespace {

using sim::engine::Month;
using sim::io::FileSource;
using sim::io::load_scenario;
using sim::io::load_scenario_text;
using sim::io::LoadOptions;
using sim::io::Override;
using sim::io::parse_override;
namespace world = sim::world;

const std::string good_dir = std::string(CHIPSIM_TEST_DATA_DIR) + "/good";

Month month(const char* text) {
  const std::optional<Month> m = Month::parse(text);
  if (!m) throw std::invalid_argument(std::string("not a month: ") + text);
  return *m;
}

LoadOptions with_sets(const std::vector<std::string>& sets) {
  LoadOptions options;
  for (const std::string& text : sets) options.overrides.push_back(parse_override(text));
  return options;
}

using io_test::error_of;

// ------------------------------------------------------------------------------------------
// a text dump of every field of a spec (except source and resolved_yaml), for equality checks

std::string opt(const std::optional<Month>& m) { return m ? m->str() : "-"; }
std::string opt(const std::optional<double>& v) {
  std::ostringstream out;
  if (v) {
    out << *v;
  } else {
    out << '-';
  }
  return out.str();
}
std::string list(const std::vector<std::string>& items) {
  std::string out = "[";
  for (const std::string& item : items) out += item + ",";
  return out + "]";
}

std::string dump_event(const world::EventSpec& e) {
  std::ostringstream out;
  out << e.month.str() << ' ' << static_cast<int>(e.action) << ' ' << e.target << " {";
  for (const auto& [path, value] : e.set) out << path << '=' << value << ';';
  out << "} note=" << e.note << " source=" << e.source;
  return out.str();
}

std::string dump(const world::ScenarioSpec& s) {
  std::ostringstream out;
  out.precision(17);
  const auto& i = s.scenario;
  out << "scenario " << i.name << '|' << i.description << '|' << i.start.str() << '|' << i.end.str()
      << '|' << i.seed << '|' << i.replicates << '\n';
  for (const auto& c : s.countries) {
    out << "country " << c.id << '|' << c.name << '|' << c.bloc << '|' << c.enforcement << '\n';
  }
  for (const auto& g : s.groups) out << "group " << g.id << list(g.members) << '\n';
  for (const auto& p : s.products) {
    out << "product " << p.id << '|' << p.name << '|' << p.designer << '|' << p.node << '|' << p.tpp
        << '|' << p.density << '|' << p.h100e << '|' << p.unit_cost_usd << '|' << p.list_price_usd
        << '|' << p.chips_per_wafer << '|' << opt(p.release) << '\n';
  }
  for (const auto& a : s.agents) {
    out << "agent " << a.id << '|' << static_cast<int>(a.kind) << '|' << a.country << '|'
        << static_cast<int>(a.mode) << '|' << list(a.foundries) << '|' << a.target_inventory_months
        << '|' << a.lead_time_months << '|' << a.budget_usd_per_month << '|'
        << a.budget_growth_per_year << '|' << a.compute_stock_h100e << '|'
        << a.algorithmic_efficiency << '|' << a.depreciation_life_months << '\n';
    for (const auto& f : a.fabs) {
      out << "  fab " << f.id << '|' << f.country << '|' << f.node << '|' << f.wafers_per_month
          << '|' << opt(f.from) << '|' << opt(f.until) << '\n';
    }
  }
  for (const auto& p : s.policies) {
    out << "policy " << p.id << '|' << static_cast<int>(p.kind) << '|' << p.issuer << '|'
        << opt(p.from) << '|' << opt(p.until) << '|' << p.products.all << list(p.products.ids);
    for (const auto& c : p.products.any_of) {
      out << '(' << opt(c.tpp_at_least) << ',' << opt(c.density_at_least) << ')';
    }
    out << '|' << list(p.destinations) << '|' << list(p.origins) << '|'
        << static_cast<int>(p.treatment) << '|' << p.licence.approval_probability << ','
        << p.licence.delay_months << '|' << p.quota.tpp_per_country << ','
        << static_cast<int>(p.quota.per) << '|' << p.rate << '|'
        << opt(p.exempt.pledged_in_issuer_usd_at_least) << '|' << p.demand_factor << '|'
        << p.fab_capex_share << '|' << p.note << '|' << p.source << '\n';
  }
  for (const auto& d : s.deals) {
    out << "deal " << d.id << '|' << d.from_agent << '|' << d.to_agent << '|' << d.pledge_usd << '|'
        << d.over_months << '|' << list(d.asks.repeal) << list(d.asks.exempt_from) << '\n';
  }
  for (const auto& e : s.events) out << "event " << dump_event(e) << '\n';
  for (const auto& d : s.decisions) {
    out << "decision " << d.id << '|' << d.month.str() << '|' << d.actor << '|' << d.question << '|'
        << d.historical << '\n';
    for (const auto& o : d.options) {
      out << "  option " << o.id << '|' << o.description << '\n';
      for (const auto& e : o.events) out << "    event " << dump_event(e) << '\n';
    }
  }
  return out.str();
}

const world::AgentSpec& agent(const world::ScenarioSpec& s, const std::string& id) {
  for (const auto& a : s.agents) {
    if (a.id == id) return a;
  }
  FAIL("no agent " << id);
  throw;
}

const world::PolicySpec& policy(const world::ScenarioSpec& s, const std::string& id) {
  for (const auto& p : s.policies) {
    if (p.id == id) return p;
  }
  FAIL("no policy " << id);
  throw;
}

}  // namespace

TEST_CASE("io::load_scenario: reads every field of a small scenario", "[io][loader]") {
  const std::string path = good_dir + "/two_labs.yaml";
  const world::ScenarioSpec s = load_scenario(path, FileSource());

  CHECK(s.source == path);
  CHECK(s.scenario.name == "two-labs");
  CHECK(s.scenario.description == "Two labs, one chip");
  CHECK(s.scenario.start == month("2024-01"));
  CHECK(s.scenario.end == month("2025-12"));
  CHECK(s.scenario.seed == 7);
  CHECK(s.scenario.replicates == 3);

  REQUIRE(s.countries.size() == 4);
  CHECK(s.countries[0].id == "usa");
  CHECK(s.countries[0].name == "United States");
  CHECK(s.countries[0].bloc == "west");
  CHECK(s.countries[0].enforcement == 1.0);
  CHECK(s.countries[1].id == "chn");
  CHECK(s.countries[1].enforcement == 0.8);
  CHECK(s.countries[2].id == "twn");
  CHECK(s.countries[2].name == "twn");  // defaults: the id
  CHECK(s.countries[2].bloc == "twn");
  CHECK(s.countries[3].enforcement == 0.5);

  // nested groups are expanded to countries, groups may name groups defined later
  REQUIRE(s.groups.size() == 2);
  CHECK(s.groups[0].id == "tier2");
  CHECK(s.groups[0].members == std::vector<std::string>{"sgp", "twn", "chn"});
  CHECK(s.groups[1].id == "asia");
  CHECK(s.groups[1].members == std::vector<std::string>{"twn", "chn"});

  REQUIRE(s.products.size() == 2);
  const world::ProductSpec& h100 = s.products[0];
  CHECK(h100.id == "h100");
  CHECK(h100.name == "NVIDIA H100");
  CHECK(h100.designer == "nvidia");
  CHECK(h100.node == "tsmc-n4");
  CHECK(h100.tpp == 15832);
  CHECK(h100.density == 19.4);
  CHECK(h100.h100e == 1.0);
  CHECK(h100.unit_cost_usd == 3300);
  CHECK(h100.list_price_usd == 25000);
  CHECK(h100.chips_per_wafer == 28);
  CHECK(h100.release == month("2022-09"));  // may precede the start
  const world::ProductSpec& h20 = s.products[1];
  CHECK(h20.name == "h20");
  CHECK(h20.density == 0);
  CHECK(h20.h100e == 0.15);
  CHECK_FALSE(h20.release.has_value());

  REQUIRE(s.agents.size() == 5);
  const world::AgentSpec& gov = agent(s, "us-gov");
  CHECK(gov.kind == world::AgentKind::government);
  CHECK(gov.country == "usa");
  CHECK(gov.mode == world::GovernmentMode::adaptive);
  const world::AgentSpec& nvidia = agent(s, "nvidia");
  CHECK(nvidia.kind == world::AgentKind::chipmaker);
  CHECK(nvidia.foundries == std::vector<std::string>{"tsmc"});
  CHECK(nvidia.target_inventory_months == 2);
  const world::AgentSpec& tsmc = agent(s, "tsmc");
  CHECK(tsmc.kind == world::AgentKind::foundry);
  CHECK(tsmc.country == "twn");
  CHECK(tsmc.lead_time_months == 4);
  REQUIRE(tsmc.fabs.size() == 2);
  CHECK(tsmc.fabs[0].id == "f18");
  CHECK(tsmc.fabs[0].country == "twn");
  CHECK(tsmc.fabs[0].node == "tsmc-n4");
  CHECK(tsmc.fabs[0].wafers_per_month == 100000);
  CHECK(tsmc.fabs[0].from == month("2020-01"));
  CHECK_FALSE(tsmc.fabs[0].until.has_value());
  CHECK(tsmc.fabs[1].id == "az1");
  CHECK(tsmc.fabs[1].country == "usa");
  CHECK(tsmc.fabs[1].from == month("2025-01"));
  CHECK(tsmc.fabs[1].until == month("2025-12"));
  const world::AgentSpec& openai = agent(s, "openai");
  CHECK(openai.kind == world::AgentKind::ai_lab);
  CHECK(openai.budget_usd_per_month == 2.0e9);
  CHECK(openai.budget_growth_per_year == 0.5);
  CHECK(openai.compute_stock_h100e == 500000);
  CHECK(openai.algorithmic_efficiency == 1.2);
  CHECK(openai.depreciation_life_months == 48);
  const world::AgentSpec& deepseek = agent(s, "deepseek");
  CHECK(deepseek.country == "chn");
  CHECK(deepseek.budget_usd_per_month == 5.0e7);
  CHECK(deepseek.budget_growth_per_year == 0);
  CHECK(deepseek.compute_stock_h100e == 0);
  CHECK(deepseek.algorithmic_efficiency == 1.0);
  CHECK(deepseek.depreciation_life_months == 54);

  REQUIRE(s.policies.size() == 4);
  const world::PolicySpec& oct = policy(s, "oct-2022");
  CHECK(oct.kind == world::PolicyKind::export_control);
  CHECK(oct.issuer == "usa");
  CHECK(oct.from == month("2024-01"));
  CHECK_FALSE(oct.until.has_value());
  CHECK_FALSE(oct.products.all);
  CHECK(oct.products.ids.empty());
  REQUIRE(oct.products.any_of.size() == 1);
  CHECK(oct.products.any_of[0].tpp_at_least == 4800.0);
  CHECK_FALSE(oct.products.any_of[0].density_at_least.has_value());
  CHECK(oct.destinations == std::vector<std::string>{"chn"});
  CHECK(oct.treatment == world::Treatment::prohibited);
  CHECK(oct.note == "the October 2022 rule");
  CHECK(oct.source == "BIS");
  const world::PolicySpec& tier2 = policy(s, "tier2-licence");
  CHECK_FALSE(tier2.from.has_value());  // dormant until enacted
  REQUIRE(tier2.products.any_of.size() == 2);
  CHECK(tier2.products.any_of[1].tpp_at_least == 1600.0);
  CHECK(tier2.products.any_of[1].density_at_least == 5.92);
  CHECK(tier2.destinations == std::vector<std::string>{"sgp", "twn", "chn"});
  CHECK(tier2.treatment == world::Treatment::licence_required);
  CHECK(tier2.licence.approval_probability == 0.7);
  CHECK(tier2.licence.delay_months == 2);
  const world::PolicySpec& fee = policy(s, "h20-share");
  CHECK(fee.kind == world::PolicyKind::export_fee);
  CHECK(fee.products.ids == std::vector<std::string>{"h20"});
  CHECK(fee.rate == 0.15);
  const world::PolicySpec& tariff = policy(s, "chips-232");
  CHECK(tariff.kind == world::PolicyKind::tariff);
  CHECK(tariff.products.all);
  CHECK(tariff.origins == std::vector<std::string>{"twn"});
  CHECK(tariff.destinations.empty());
  CHECK(tariff.rate == 1.0);
  CHECK(tariff.exempt.pledged_in_issuer_usd_at_least == 1.0e11);
  CHECK(tariff.until == month("2025-06"));

  REQUIRE(s.deals.size() == 1);
  CHECK(s.deals[0].id == "nvidia-us-pledge");
  CHECK(s.deals[0].from_agent == "nvidia");
  CHECK(s.deals[0].to_agent == "us-gov");
  CHECK(s.deals[0].pledge_usd == 5.0e11);
  CHECK(s.deals[0].over_months == 48);
  CHECK(s.deals[0].asks.repeal == std::vector<std::string>{"oct-2022"});
  CHECK(s.deals[0].asks.exempt_from == std::vector<std::string>{"chips-232"});

  REQUIRE(s.events.size() == 4);
  CHECK(s.events[0].month == month("2024-06"));
  CHECK(s.events[0].action == world::EventAction::enact);
  CHECK(s.events[0].target == "tier2-licence");
  CHECK(s.events[0].note == "diffusion rule");
  CHECK(s.events[1].action == world::EventAction::set);
  CHECK(s.events[1].set == std::vector<std::pair<std::string, std::string>>{
                               {"agents.openai.budget_usd_per_month", "8.0e9"},
                               {"policies.tier2-licence.licence.approval_probability", "0.5"}});
  CHECK(s.events[2].action == world::EventAction::repeal);
  CHECK(s.events[2].source == "press");
  CHECK(s.events[3].action == world::EventAction::accept_deal);
  CHECK(s.events[3].target == "nvidia-us-pledge");

  REQUIRE(s.decisions.size() == 1);
  const world::DecisionSpec& d = s.decisions[0];
  CHECK(d.id == "h20-fee");
  CHECK(d.month == month("2025-08"));
  CHECK(d.actor == "us-gov");
  CHECK(d.question == "Charge a fee on H20 sales to China?");
  CHECK(d.historical == "fee");
  REQUIRE(d.options.size() == 2);
  CHECK(d.options[0].id == "fee");
  CHECK(d.options[0].description == "15% of revenue");
  REQUIRE(d.options[0].events.size() == 1);
  CHECK(d.options[0].events[0].month == month("2025-08"));  // the decision's month
  CHECK(d.options[0].events[0].action == world::EventAction::enact);
  CHECK(d.options[0].events[0].target == "h20-share");
  CHECK(d.options[1].id == "no-fee");
  CHECK(d.options[1].events.empty());

  CHECK(s.resolved_yaml.find("name: two-labs") != std::string::npos);
}

TEST_CASE("io::load_scenario: accepts every key of the core format", "[io][loader]") {
  const world::ScenarioSpec s = load_scenario(good_dir + "/core/core_example.yaml", FileSource());
  CHECK(s.scenario.name == "h20-2025");
  CHECK(s.scenario.seed == 42);
  CHECK(s.countries.size() == 7);
  CHECK(s.groups[0].members == std::vector<std::string>{"sgp", "mys", "ind", "are"});
  CHECK(s.products[0].release == month("2024-02"));
  CHECK(agent(s, "us-gov").mode == world::GovernmentMode::scripted);
  CHECK(agent(s, "tsmc").fabs[0].from == month("2020-01"));
  const world::PolicySpec& tier2 = policy(s, "diffusion-tier2");
  CHECK(tier2.treatment == world::Treatment::quota);
  CHECK(tier2.quota.tpp_per_country == 7.9e8);
  CHECK(tier2.quota.per == world::QuotaPeriod::total);
  CHECK(tier2.destinations == std::vector<std::string>{"sgp", "mys", "ind", "are"});
  CHECK(policy(s, "oct-2022").licence.delay_months == 3);
  CHECK(policy(s, "chips-232").exempt.pledged_in_issuer_usd_at_least == 1.0e11);
  CHECK(policy(s, "h20-discouraged").kind == world::PolicyKind::import_restriction);
  CHECK(policy(s, "h20-discouraged").demand_factor == 0.5);
  CHECK(policy(s, "chips-act").fab_capex_share == 0.15);
  CHECK(s.deals[0].asks.repeal == std::vector<std::string>{"h20-licence"});
  REQUIRE(s.events.size() == 5);
  CHECK(s.events[3].set[0].first == "agents.openai.budget_usd_per_month");
  CHECK(s.decisions[0].options[1].events.empty());
}

TEST_CASE("io::load_scenario: includes merge by id", "[io][loader][include]") {
  const std::string dir = good_dir + "/include";
  const world::ScenarioSpec s = load_scenario(dir + "/main.yaml", FileSource());

  SECTION("scenario keys of the including file override included ones") {
    CHECK(s.scenario.name == "merged");
    CHECK(s.scenario.start == month("2024-01"));  // from base.yaml
    CHECK(s.scenario.end == month("2025-12"));    // main.yaml overrides base.yaml
    CHECK(s.scenario.seed == 5);
    CHECK(s.scenario.description == "from extra");
  }
  SECTION("nested includes, relative to the including file") {
    REQUIRE(s.countries.size() == 3);
    CHECK(s.countries[0].name == "United States");
    REQUIRE(s.groups.size() == 2);
    CHECK(s.groups[0].id == "allies");
    CHECK(s.groups[1].id == "asia");
    CHECK(s.groups[1].members == std::vector<std::string>{"chn", "twn"});  // extra replaced it
  }
  SECTION("an entry of the including file replaces the included one whole; new ones append") {
    std::vector<std::string> ids;
    ids.reserve(s.agents.size());
    for (const auto& a : s.agents) ids.push_back(a.id);
    CHECK(ids == std::vector<std::string>{"us-gov", "nvidia", "tsmc", "deepseek", "openai"});
    CHECK(agent(s, "deepseek").budget_usd_per_month == 5.0e7);
    CHECK(agent(s, "deepseek").compute_stock_h100e == 0);  // not merged key by key
  }
  SECTION("of two included files, the later wins") {
    REQUIRE(s.policies.size() == 3);
    CHECK(policy(s, "fee").rate == 0.2);
    CHECK(policy(s, "fee").destinations == std::vector<std::string>{"chn", "twn"});
    CHECK(s.policies[2].id == "tariff");
  }
  SECTION("events are concatenated in include order, the including file's last") {
    REQUIRE(s.events.size() == 3);
    CHECK(s.events[0].target == "ban");
    CHECK(s.events[1].target == "fee");
    CHECK(s.events[2].action == world::EventAction::repeal);
  }
  SECTION("the resolved YAML has no include and loads to the same scenario") {
    CHECK(s.resolved_yaml.find("include") == std::string::npos);
    const world::ScenarioSpec again = load_scenario_text(s.resolved_yaml, "resolved.yaml", {});
    CHECK(dump(again) == dump(s));
  }
}

TEST_CASE("io::load_scenario: errors in included files name those files", "[io][loader][include]") {
  const std::string dir = good_dir + "/include";
  const std::string message = error_of([&] {
    load_scenario(dir + "/main.yaml", FileSource(), with_sets({"scenario.end=2024-02"}));
  });
  const std::string outside =
      " is outside the scenario (2024-01..2024-02); expected a month in "
      "scenario.start..scenario.end";
  CHECK(message == dir + "/base.yaml:26:13: error: events[0].month: 2024-03" + outside + "\n" +
                       dir + "/main.yaml:11:13: error: events[2].month: 2025-01" + outside + "\n" +
                       dir + "/more/extra.yaml:9:13: error: events[1].month: 2024-04" + outside);
}

TEST_CASE("io::load_scenario: --set overrides", "[io][loader][override]") {
  const std::string path = good_dir + "/two_labs.yaml";
  const auto load = [&](const std::vector<std::string>& sets) {
    return load_scenario(path, FileSource(), with_sets(sets));
  };

  SECTION("a scalar") {
    const auto s = load({"scenario.end=2026-06", "policies.h20-share.rate=0.25"});
    CHECK(s.scenario.end == month("2026-06"));
    CHECK(policy(s, "h20-share").rate == 0.25);
  }
  SECTION("a nested list entry by id") {
    const auto s = load({"agents.tsmc.fabs.f18.wafers_per_month=120000"});
    CHECK(agent(s, "tsmc").fabs[0].wafers_per_month == 120000);
    CHECK(agent(s, "tsmc").fabs[1].wafers_per_month == 20000);
  }
  SECTION("a key the file omitted") {
    const auto s =
        load({"agents.deepseek.budget_growth_per_year=0.6", "policies.oct-2022.until=2025-06"});
    CHECK(agent(s, "deepseek").budget_growth_per_year == 0.6);
    CHECK(policy(s, "oct-2022").until == month("2025-06"));
  }
  SECTION("a list value and a group") {
    const auto s = load({"groups.tier2=[sgp]", "policies.h20-share.destinations=[chn, sgp]"});
    CHECK(s.groups[0].members == std::vector<std::string>{"sgp"});
    CHECK(policy(s, "tier2-licence").destinations == std::vector<std::string>{"sgp"});
    CHECK(policy(s, "h20-share").destinations == std::vector<std::string>{"chn", "sgp"});
  }
  SECTION("an event by index") {
    const auto s = load({"events.2.month=2025-09"});
    CHECK(s.events[2].month == month("2025-09"));
  }
  SECTION("overrides appear in the resolved YAML") {
    const auto s = load({"policies.h20-share.rate=0.25"});
    CHECK(s.resolved_yaml.find("rate: 0.25") != std::string::npos);
    CHECK(dump(load_scenario_text(s.resolved_yaml, "again.yaml", {})) == dump(s));
  }
  SECTION("an unknown id") {
    CHECK(error_of([&] { load({"policies.nope.rate=0.2"}); }) ==
          "--set policies.nope.rate=0.2: error: policies.nope: no policy with id 'nope'; "
          "expected one of: oct-2022, tier2-licence, h20-share, chips-232");
    CHECK(error_of([&] { load({"agents.tsmc.fabs.f8.wafers_per_month=1"}); }) ==
          "--set agents.tsmc.fabs.f8.wafers_per_month=1: error: agents.tsmc.fabs.f8: no fab with "
          "id 'f8'; did you mean 'f18'?");
  }
  SECTION("a path through a scalar") {
    CHECK(error_of([&] { load({"scenario.name.x=1"}); }) ==
          "--set scenario.name.x=1: error: scenario.name: found 'two-labs', which has no key "
          "'x'; expected a path to a key of a mapping or an entry of a list");
  }
  SECTION("invalid values are located at the override, in the order given") {
    CHECK(error_of([&] {
            load({"policies.h20-share.rate=1.5", "agents.deepseek.compute_stock_h100e=lots",
                  "agents.deepseek.budjet=1"});
          }) ==
          "--set policies.h20-share.rate=1.5: error: policies.h20-share.rate: 1.5 is out of "
          "range; expected a rate in [0, 1]\n"
          "--set agents.deepseek.compute_stock_h100e=lots: error: "
          "agents.deepseek.compute_stock_h100e: 'lots' is not a number; expected a number >= 0\n"
          "--set agents.deepseek.budjet=1: error: agents.deepseek.budjet: unknown key; did you "
          "mean 'budget_usd_per_month'?");
  }
  SECTION("a value that is not YAML") {
    CHECK(error_of([&] { load({"groups.tier2=[sgp"}); }) ==
          "--set groups.tier2=[sgp: error: groups.tier2: yaml: end of sequence flow not found; "
          "expected a valid YAML value");
  }
  SECTION("an empty path segment") {
    CHECK(error_of([&] { load({"scenario..end=2025-01"}); }) ==
          "--set scenario..end=2025-01: error: scenario..end: empty segment in PATH; expected "
          "PATH=VALUE with PATH like policies.ID.KEY");
  }
}

TEST_CASE("io::parse_override: splits at the first '='", "[io][loader][override]") {
  const Override o = parse_override("a.b=c=d");
  CHECK(o.path == "a.b");
  CHECK(o.value == "c=d");
  CHECK(parse_override("a.b=").value.empty());
  CHECK(error_of([] { parse_override("a.b"); }) ==
        "--set a.b: error: no '=' in override; expected PATH=VALUE, e.g. "
        "policies.h20-share.rate=0.25");
  CHECK(error_of([] { parse_override("=3"); }) ==
        "--set =3: error: empty PATH in override; expected PATH=VALUE, e.g. "
        "policies.h20-share.rate=0.25");
}

TEST_CASE("io::load_scenario: resolved_yaml round trip gives an equal spec", "[io][loader]") {
  const world::ScenarioSpec s = load_scenario(good_dir + "/two_labs.yaml", FileSource());
  const world::ScenarioSpec again = load_scenario_text(s.resolved_yaml, "resolved", FileSource());
  CHECK(dump(again) == dump(s));
  CHECK(again.resolved_yaml == s.resolved_yaml);
  CHECK(again.source == "resolved");
}

TEST_CASE("io::load_scenario: builtin sources", "[io][loader][builtin]") {
  const std::map<std::string, std::string> builtin = {
      {"catalog/world.yaml",
       "countries: [{id: usa}, {id: chn}]\n"
       "agents:\n"
       "  - {id: lab, kind: ai_lab, country: chn}\n"},
      {"whatif/s.yaml",
       "scenario: {name: s, start: 2024-01, end: 2024-12, include: [../catalog/world.yaml]}\n"
       "policies: [{id: ban, kind: export_control, issuer: usa, destinations: [chn],\n"
       "            treatment: prohibited, from: 2024-02}]\n"},
      {"whatif/bad.yaml",
       "scenario: {name: s, start: 2024-01, end: 2024-12, include: [../catalog/world.yaml]}\n"
       "agents: [{id: lab2, kind: ai_lab, country: xyz}]\n"},
      {"whatif/missing.yaml", "scenario: {name: s, include: [nope.yaml]}\n"}};
  const FileSource files(builtin);

  SECTION("includes stay builtin") {
    const world::ScenarioSpec s = load_scenario("builtin:whatif/s.yaml", files);
    CHECK(s.source == "builtin:whatif/s.yaml");
    REQUIRE(s.countries.size() == 2);
    REQUIRE(s.agents.size() == 1);
    CHECK(s.policies[0].from == month("2024-02"));
  }
  SECTION("errors name the builtin file") {
    CHECK(error_of([&] { load_scenario("builtin:whatif/bad.yaml", files); }) ==
          "builtin:whatif/bad.yaml:2:44: error: agents.lab2.country: no country with id 'xyz'; "
          "expected one of: usa, chn");
    CHECK(error_of([&] { load_scenario("builtin:whatif/missing.yaml", files); }) ==
          "builtin:whatif/missing.yaml:1:31: error: scenario.include[0]: cannot read "
          "'nope.yaml' (builtin:whatif/nope.yaml); expected a readable scenario file");
    CHECK(error_of([&] { load_scenario("builtin:nothing.yaml", files); }) ==
          "builtin:nothing.yaml: error: cannot read file; expected a readable scenario file");
  }
  SECTION("load_scenario_text resolves includes relative to its name") {
    const world::ScenarioSpec s = load_scenario_text(
        "scenario: {name: t, start: 2024-01, end: 2024-03, include: [catalog/world.yaml]}\n",
        "builtin:t.yaml", files);
    CHECK(s.source == "builtin:t.yaml");
    CHECK(s.agents.size() == 1);
  }
}

TEST_CASE("io::yaml_tree: locations, emission and limits", "[io][yaml]") {
  using sim::io::Tree;
  SECTION("1-based locations and keys in order") {
    const Tree t = sim::io::parse_yaml("b: 1\na:\n  - x\n  - 'y'\n", "f.yaml");
    REQUIRE(t.is_map());
    REQUIRE(t.map.size() == 2);
    CHECK(t.map[0].key == "b");
    CHECK(t.map[0].key_loc.str() == "f.yaml:1:1");
    CHECK(t.map[0].value.loc.str() == "f.yaml:1:4");
    CHECK(t.map[1].value.seq[1].loc.str() == "f.yaml:4:5");
    CHECK(t.map[1].value.seq[1].quoted);
    CHECK(sim::io::emit(t) == "b: 1\na:\n  - x\n  - \"y\"\n");
  }
  SECTION("syntax errors") {
    CHECK(error_of([] { sim::io::parse_yaml("a: [1, 2\nb: 3\n", "f.yaml"); }) ==
          "f.yaml:2:2: error: yaml: end of sequence flow not found; expected valid YAML");
  }
  SECTION("duplicate keys") {
    CHECK(error_of([] { sim::io::parse_yaml("a:\n  - {id: x, n: 1, n: 2}\n", "f.yaml"); }) ==
          "f.yaml:2:19: error: a.x.n: duplicate key; first defined at f.yaml:2:13");
  }
  SECTION("node and depth limits") {
    const std::string laughs =
        "a: &a [x, x, x, x, x, x, x, x, x, x]\n"
        "b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
        "c: [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\n";
    CHECK_NOTHROW(sim::io::parse_yaml(laughs, "f.yaml"));
    CHECK(error_of([&] {
            sim::io::parse_yaml(laughs, "f.yaml", {500, 64});
          }) ==
          "f.yaml: error: yaml: more than 500 nodes after expanding aliases; expected a smaller "
          "document (raise the limit with --limit yaml-nodes=N)");
    CHECK(error_of([] {
            sim::io::parse_yaml("a: [[[[1]]]]\n", "f.yaml", {100, 3});
          }) ==
          "f.yaml:1:7: error: yaml: nesting deeper than 3 levels; expected at most 3 "
          "(raise the limit with --limit yaml-depth=N)");
  }
  SECTION("a stray ',' is refused at once (yaml-cpp reads it as endless empty documents)") {
    CHECK(error_of([] { sim::io::parse_yaml(", a: b}\n", "f.yaml"); }) ==
          "f.yaml:1:1: error: yaml: the parser cannot get past this point (a ',' outside [...] "
          "or {...}?); expected valid YAML");
  }
  SECTION("an empty document is null, a second document an error") {
    CHECK(sim::io::parse_yaml("# nothing\n", "f.yaml").is_null());
    CHECK(error_of([] { sim::io::parse_yaml("a: 1\n---\nb: 2\n", "f.yaml"); }) ==
          "f.yaml:3:1: error: yaml: a second document; expected one YAML document per file");
  }
}
