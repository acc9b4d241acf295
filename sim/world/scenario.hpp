#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "sim/engine/month.hpp"

/// The scenario as plain data: what `sim::io::load_scenario` produces after includes, overrides
/// and validation. Every reference in it has been checked to exist, so the model can index
/// without further checks. See docs/scenario-format.md for each key's meaning and default.
namespace sim::world {

using engine::Month;

enum class AgentKind { government, chipmaker, foundry, ai_lab };
enum class GovernmentMode { scripted, adaptive };
enum class PolicyKind {
  export_control,
  export_fee,
  tariff,
  import_restriction,
  subsidy,
  cost_shock
};
enum class Treatment { allowed, licence_required, prohibited, quota };
enum class QuotaPeriod { month, year, total };
enum class EventAction { enact, repeal, set, accept_deal };

struct ScenarioInfo {
  std::string name;
  std::string description;
  Month start;
  Month end;
  std::uint64_t seed = 1;
  std::uint64_t replicates = 1;
  /// Options taken at decisions unless a run chooses otherwise (decision id -> option id);
  /// what-if scenarios use it.
  std::map<std::string, std::string> choices;
};

struct CountrySpec {
  std::string id;
  std::string name;          ///< default: the id
  std::string bloc;          ///< default: the id
  double enforcement = 1.0;  ///< 0..1: how well re-export from here is stopped
};

/// A named set of countries. `members` holds country ids after expanding nested groups.
struct GroupSpec {
  std::string id;
  std::vector<std::string> members;
};

struct ProductSpec {
  std::string id;
  std::string name;      ///< default: the id
  std::string designer;  ///< a chipmaker agent id
  std::string node;      ///< a process node some fab offers
  double tpp = 0;
  double density = 0;
  double interconnect_gbps = 0;      ///< chip-to-chip bandwidth (the 2022 rule's second test)
  double memory_bandwidth_tbps = 0;  ///< informational; may enter the h100e rating
  double h100e = 0;                  ///< compute relative to one H100
  double unit_cost_usd = 0;
  double list_price_usd = 0;
  double chips_per_wafer = 0;
  std::optional<Month> release;      ///< unset: available from the start
  std::vector<std::string> markets;  ///< countries (groups expanded) it is sold in; empty = all
};

struct FabSpec {
  std::string id;
  std::string country;
  std::string node;
  double wafers_per_month = 0;
  std::optional<Month> from;           ///< unset: operating from the start
  std::optional<Month> until;          ///< unset: operating to the end
  std::vector<std::string> customers;  ///< chipmaker ids it is reserved for; empty = any
};

/// A place a foundry may build its next fab: the investment and how long building takes.
struct SiteSpec {
  std::string country;
  double capex_usd = 0;
  int lead_time_months = 24;
};

/// How a foundry grows: when its node runs at or above `utilization_trigger`, it builds one
/// fab of `wafers_per_month` at the site with the best profit after tariffs and subsidies.
struct ExpansionSpec {
  std::string node;
  double wafers_per_month = 0;
  double utilization_trigger = 0.9;
  int horizon_months = 60;  ///< months of output a site's profit is counted over
  std::vector<SiteSpec> sites;
};

/// One agent. Fields not used by its kind keep their defaults (the loader rejects keys that
/// do not belong to the kind).
struct AgentSpec {
  std::string id;
  AgentKind kind = AgentKind::government;
  std::string country;

  // government
  GovernmentMode mode = GovernmentMode::scripted;
  std::optional<Month> adaptive_from;  ///< adaptive mode acts from this month (scripted before)
  int review_every_months = 6;         ///< adaptive: how often it reviews its policies
  double weight_security = 1.0;        ///< utility weight on own bloc's compute vs the rival's
  double weight_economy = 1.0;         ///< ... on domestic firms' profits and investment inflows
  double weight_revenue = 1.0;         ///< ... on fees and tariffs collected
  std::vector<std::string> playbook;   ///< policy ids it may enact or repeal

  // chipmaker
  std::vector<std::string> foundries;    ///< foundry agent ids it may order from
  double target_inventory_months = 1.0;  ///< stock it aims to hold, in months of demand
  double price_adjustment = 0.05;        ///< monthly price response to excess inventory
  double min_margin = 0.1;               ///< price floor: unit cost x (1 + min_margin)
  double max_price_multiple = 1.5;       ///< price ceiling: list price x this
  int priority = 0;                      ///< foundries serve higher priorities first
  bool design_arounds = true;            ///< launches compliant variants when cut off
  int design_lag_months = 6;             ///< control to compliant variant on sale
  double pledge_cost_share = 0.25;       ///< share of a pledge that is a real cost to the firm
  int deal_horizon_months = 24;          ///< months of profit a deal is weighed against

  // foundry
  std::vector<FabSpec> fabs;
  int lead_time_months = 3;                ///< wafer start to finished chips
  double gross_margin = 0.5;               ///< share of wafer revenue that is profit
  std::optional<ExpansionSpec> expansion;  ///< unset: builds no fabs

  // ai_lab
  double budget_usd_per_month = 0;
  double budget_growth_per_year = 0;
  double compute_stock_h100e = 0;        ///< at the start
  double algorithmic_efficiency = 1.0;   ///< multiplies compute in the capability index
  double depreciation_life_months = 54;  ///< mean service life of installed compute
  double risk_tolerance = 0;             ///< most share of its demand it fills with diverted chips
};

/// Which products a policy covers: all, a list of ids, or threshold clauses. A product matches
/// a clause when it meets every threshold the clause sets; it matches the selector when it
/// matches any clause (`products: {any_of: [...]}`; a plain threshold map is one clause).
struct ThresholdClause {
  std::optional<double> tpp_at_least;
  std::optional<double> density_at_least;
  std::optional<double> interconnect_at_least;  ///< GB/s
};

struct ProductSelector {
  bool all = false;
  std::vector<std::string> ids;
  std::vector<ThresholdClause> any_of;
};

struct LicenceTerms {
  double approval_probability = 0;
  int delay_months = 0;
};

struct QuotaTerms {
  double tpp_per_country = 0;
  QuotaPeriod per = QuotaPeriod::total;
};

struct TariffExemption {
  std::optional<double> pledged_in_issuer_usd_at_least;
};

struct PolicySpec {
  std::string id;
  PolicyKind kind = PolicyKind::export_control;
  std::string issuer;                     ///< country id
  std::optional<Month> from;              ///< unset: dormant until an event enacts it
  std::optional<Month> until;             ///< unset: until repealed or the end
  ProductSelector products;               ///< default: all
  std::vector<std::string> destinations;  ///< country ids (groups expanded); empty = all others
  std::vector<std::string> origins;       ///< tariffs: country ids of manufacture; empty = all
  bool fdpr = false;  ///< export_control: reaches chips made anywhere (foreign direct product)
  Treatment treatment = Treatment::prohibited;
  LicenceTerms licence;
  QuotaTerms quota;
  double rate = 0;  ///< export_fee: share of revenue; tariff: ad valorem
  TariffExemption exempt;
  double demand_factor = 1;    ///< import_restriction: 0 banned .. 1 no effect
  double fab_capex_share = 0;  ///< subsidy
  double cost_increase = 0;  ///< cost_shock: share added to the unit cost of chips made in origins
  std::string note;
  std::string source;
};

struct DealAsks {
  std::vector<std::string> repeal;       ///< policy ids
  std::vector<std::string> exempt_from;  ///< policy ids (tariffs)
};

struct DealSpec {
  std::string id;
  std::string from_agent;
  std::string to_agent;
  double pledge_usd = 0;
  int over_months = 1;
  DealAsks asks;
};

/// A scripted change. `set` holds (path, value) pairs of runtime parameters such as
/// `agents.openai.budget_usd_per_month`; values are YAML scalars as written.
struct EventSpec {
  Month month;
  EventAction action = EventAction::enact;
  std::string target;  ///< policy id (enact, repeal) or deal id (accept_deal)
  std::vector<std::pair<std::string, std::string>> set;
  std::string note;
  std::string source;
};

struct OptionSpec {
  std::string id;
  std::string description;
  std::vector<EventSpec> events;  ///< months are the decision's month
};

struct DecisionSpec {
  std::string id;
  Month month;
  std::string actor;  ///< agent id
  std::string question;
  std::vector<OptionSpec> options;
  std::string historical;  ///< option id
};

/// Market-wide parameters (`model:` section).
struct ModelParams {
  double diversion_risk_premium = 0.5;  ///< extra share of the price paid for diverted chips
  double diversion_capacity_h100e_per_month = 20000;  ///< per transit country at enforcement 0
  double choice_sensitivity = 10;  ///< logit sensitivity of labs' product choice to value
  /// share of a lab's unfilled orders (in USD) that it places again the next month
  double order_backlog_retention = 0;
};

struct ScenarioSpec {
  ScenarioInfo scenario;
  ModelParams model;
  std::vector<CountrySpec> countries;
  std::vector<GroupSpec> groups;
  std::vector<ProductSpec> products;
  std::vector<AgentSpec> agents;
  std::vector<PolicySpec> policies;
  std::vector<DealSpec> deals;
  std::vector<EventSpec> events;  ///< in file order; the model applies them by month
  std::vector<DecisionSpec> decisions;

  /// The scenario after includes and overrides, as YAML: loading it again gives this spec.
  std::string resolved_yaml;
  /// Where it came from (path as given, or `builtin:NAME`).
  std::string source;
};

/// The option taken at each decision: decision id -> option id. Decisions not named take
/// their `historical` option.
using Choices = std::map<std::string, std::string>;

}  // namespace sim::world
