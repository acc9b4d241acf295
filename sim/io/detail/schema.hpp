#pragma once

#include <array>
#include <cmath>
#include <limits>
#include <string>
#include <string_view>

#include "sim/engine/concat.hpp"
#include "sim/world/scenario.hpp"

/// The scenario schema as tables: which keys each mapping accepts (and, for agents and
/// policies, for which kinds), the names of enumerations and the ranges of numbers. The
/// loader checks unknown keys and suggests names from these tables; docs/scenario-format.md
/// documents the same keys.
namespace sim::io::detail {

/// A key a mapping accepts. `kinds` is a bit set over the kinds of the entity (position in
/// kAgentKinds / kPolicyKinds); kAnyKind for keys every kind accepts.
struct KeyRule {
  std::string_view key;
  unsigned kinds;
};

inline constexpr unsigned kAnyKind = ~0U;

/// An enumeration value and its name in YAML.
template <typename E>
struct EnumName {
  std::string_view name;
  E value;
};

// kinds: the bit of a kind is 1 << its position in these tables
inline constexpr auto kAgentKinds =
    std::to_array<EnumName<world::AgentKind>>({{"government", world::AgentKind::government},
                                               {"chipmaker", world::AgentKind::chipmaker},
                                               {"foundry", world::AgentKind::foundry},
                                               {"ai_lab", world::AgentKind::ai_lab}});
inline constexpr unsigned kGovernment = 1U << 0;
inline constexpr unsigned kChipmaker = 1U << 1;
inline constexpr unsigned kFoundry = 1U << 2;
inline constexpr unsigned kAiLab = 1U << 3;

inline constexpr auto kPolicyKinds = std::to_array<EnumName<world::PolicyKind>>(
    {{"export_control", world::PolicyKind::export_control},
     {"export_fee", world::PolicyKind::export_fee},
     {"tariff", world::PolicyKind::tariff},
     {"import_restriction", world::PolicyKind::import_restriction},
     {"subsidy", world::PolicyKind::subsidy},
     {"cost_shock", world::PolicyKind::cost_shock}});
inline constexpr unsigned kExportControl = 1U << 0;
inline constexpr unsigned kExportFee = 1U << 1;
inline constexpr unsigned kTariff = 1U << 2;
inline constexpr unsigned kImportRestriction = 1U << 3;
inline constexpr unsigned kSubsidy = 1U << 4;
inline constexpr unsigned kCostShock = 1U << 5;

inline constexpr auto kModes = std::to_array<EnumName<world::GovernmentMode>>(
    {{"scripted", world::GovernmentMode::scripted}, {"adaptive", world::GovernmentMode::adaptive}});
inline constexpr auto kTreatments = std::to_array<EnumName<world::Treatment>>(
    {{"allowed", world::Treatment::allowed},
     {"licence_required", world::Treatment::licence_required},
     {"prohibited", world::Treatment::prohibited},
     {"quota", world::Treatment::quota}});
inline constexpr auto kPeriods =
    std::to_array<EnumName<world::QuotaPeriod>>({{"month", world::QuotaPeriod::month},
                                                 {"year", world::QuotaPeriod::year},
                                                 {"total", world::QuotaPeriod::total}});

// keys of each mapping
inline constexpr auto kRootKeys = std::to_array<KeyRule>({{"scenario", kAnyKind},
                                                          {"model", kAnyKind},
                                                          {"countries", kAnyKind},
                                                          {"groups", kAnyKind},
                                                          {"products", kAnyKind},
                                                          {"agents", kAnyKind},
                                                          {"policies", kAnyKind},
                                                          {"deals", kAnyKind},
                                                          {"events", kAnyKind},
                                                          {"decisions", kAnyKind}});
inline constexpr auto kScenarioKeys = std::to_array<KeyRule>({{"name", kAnyKind},
                                                              {"description", kAnyKind},
                                                              {"start", kAnyKind},
                                                              {"end", kAnyKind},
                                                              {"seed", kAnyKind},
                                                              {"replicates", kAnyKind},
                                                              {"include", kAnyKind},
                                                              {"choices", kAnyKind}});
inline constexpr auto kModelKeys =
    std::to_array<KeyRule>({{"diversion_risk_premium", kAnyKind},
                            {"diversion_capacity_h100e_per_month", kAnyKind},
                            {"choice_sensitivity", kAnyKind},
                            {"order_backlog_retention", kAnyKind}});
inline constexpr auto kWeightKeys =
    std::to_array<KeyRule>({{"security", kAnyKind}, {"economy", kAnyKind}, {"revenue", kAnyKind}});
inline constexpr auto kBooleans = std::to_array<EnumName<bool>>({{"true", true}, {"false", false}});
inline constexpr auto kCountryKeys = std::to_array<KeyRule>(
    {{"id", kAnyKind}, {"name", kAnyKind}, {"bloc", kAnyKind}, {"enforcement", kAnyKind}});
inline constexpr auto kProductKeys = std::to_array<KeyRule>({{"id", kAnyKind},
                                                             {"name", kAnyKind},
                                                             {"designer", kAnyKind},
                                                             {"node", kAnyKind},
                                                             {"tpp", kAnyKind},
                                                             {"density", kAnyKind},
                                                             {"interconnect_gbps", kAnyKind},
                                                             {"memory_bandwidth_tbps", kAnyKind},
                                                             {"h100e", kAnyKind},
                                                             {"unit_cost_usd", kAnyKind},
                                                             {"list_price_usd", kAnyKind},
                                                             {"chips_per_wafer", kAnyKind},
                                                             {"release", kAnyKind},
                                                             {"markets", kAnyKind}});
inline constexpr auto kAgentKeys = std::to_array<KeyRule>({{"id", kAnyKind},
                                                           {"kind", kAnyKind},
                                                           {"country", kAnyKind},
                                                           {"mode", kGovernment},
                                                           {"review_every_months", kGovernment},
                                                           {"adaptive_from", kGovernment},
                                                           {"weights", kGovernment},
                                                           {"playbook", kGovernment},
                                                           {"foundries", kChipmaker},
                                                           {"target_inventory_months", kChipmaker},
                                                           {"price_adjustment", kChipmaker},
                                                           {"min_margin", kChipmaker},
                                                           {"max_price_multiple", kChipmaker},
                                                           {"priority", kChipmaker},
                                                           {"design_arounds", kChipmaker},
                                                           {"design_lag_months", kChipmaker},
                                                           {"pledge_cost_share", kChipmaker},
                                                           {"deal_horizon_months", kChipmaker},
                                                           {"fabs", kFoundry},
                                                           {"lead_time_months", kFoundry},
                                                           {"gross_margin", kFoundry},
                                                           {"expansion", kFoundry},
                                                           {"budget_usd_per_month", kAiLab},
                                                           {"budget_growth_per_year", kAiLab},
                                                           {"compute_stock_h100e", kAiLab},
                                                           {"algorithmic_efficiency", kAiLab},
                                                           {"depreciation_life_months", kAiLab},
                                                           {"risk_tolerance", kAiLab}});
inline constexpr auto kFabKeys = std::to_array<KeyRule>({{"id", kAnyKind},
                                                         {"country", kAnyKind},
                                                         {"node", kAnyKind},
                                                         {"wafers_per_month", kAnyKind},
                                                         {"from", kAnyKind},
                                                         {"until", kAnyKind},
                                                         {"customers", kAnyKind}});
inline constexpr auto kExpansionKeys = std::to_array<KeyRule>({{"node", kAnyKind},
                                                               {"wafers_per_month", kAnyKind},
                                                               {"utilization_trigger", kAnyKind},
                                                               {"horizon_months", kAnyKind},
                                                               {"sites", kAnyKind}});
inline constexpr auto kSiteKeys = std::to_array<KeyRule>(
    {{"country", kAnyKind}, {"capex_usd", kAnyKind}, {"lead_time_months", kAnyKind}});
inline constexpr auto kPolicyKeys = std::to_array<KeyRule>(
    {{"id", kAnyKind},
     {"kind", kAnyKind},
     {"issuer", kAnyKind},
     {"from", kAnyKind},
     {"until", kAnyKind},
     {"note", kAnyKind},
     {"source", kAnyKind},
     {"products", kExportControl | kExportFee | kTariff | kImportRestriction},
     {"destinations", kExportControl | kExportFee},
     {"treatment", kExportControl},
     {"licence", kExportControl},
     {"quota", kExportControl},
     {"rate", kExportFee | kTariff},
     {"origins", kTariff | kCostShock},
     {"fdpr", kExportControl},
     {"exempt", kTariff},
     {"demand_factor", kImportRestriction},
     {"fab_capex_share", kSubsidy},
     {"cost_increase", kCostShock}});
inline constexpr auto kLicenceKeys =
    std::to_array<KeyRule>({{"approval_probability", kAnyKind}, {"delay_months", kAnyKind}});
inline constexpr auto kQuotaKeys =
    std::to_array<KeyRule>({{"tpp_per_country", kAnyKind}, {"per", kAnyKind}});
inline constexpr auto kExemptKeys =
    std::to_array<KeyRule>({{"pledged_in_issuer_usd_at_least", kAnyKind}});
inline constexpr auto kThresholdKeys =
    std::to_array<KeyRule>({{"tpp_at_least", kAnyKind},
                            {"density_at_least", kAnyKind},
                            {"interconnect_at_least", kAnyKind}});
inline constexpr auto kDealKeys = std::to_array<KeyRule>({{"id", kAnyKind},
                                                          {"from_agent", kAnyKind},
                                                          {"to_agent", kAnyKind},
                                                          {"pledge_usd", kAnyKind},
                                                          {"over_months", kAnyKind},
                                                          {"asks", kAnyKind}});
inline constexpr auto kAsksKeys =
    std::to_array<KeyRule>({{"repeal", kAnyKind}, {"exempt_from", kAnyKind}});
inline constexpr auto kEventKeys = std::to_array<KeyRule>({{"month", kAnyKind},
                                                           {"enact", kAnyKind},
                                                           {"repeal", kAnyKind},
                                                           {"set", kAnyKind},
                                                           {"accept_deal", kAnyKind},
                                                           {"note", kAnyKind},
                                                           {"source", kAnyKind}});
inline constexpr auto kEventActions =
    std::to_array<std::string_view>({"enact", "repeal", "set", "accept_deal"});
inline constexpr auto kDecisionKeys = std::to_array<KeyRule>({{"id", kAnyKind},
                                                              {"month", kAnyKind},
                                                              {"actor", kAnyKind},
                                                              {"question", kAnyKind},
                                                              {"options", kAnyKind},
                                                              {"historical", kAnyKind}});
inline constexpr auto kOptionKeys =
    std::to_array<KeyRule>({{"id", kAnyKind}, {"description", kAnyKind}, {"events", kAnyKind}});

/// The numeric fields a `set` event might name; world::settable_field decides which of them
/// are settable for a given entity.
inline constexpr auto kAgentNumericFields = std::to_array<std::string_view>(
    {"budget_usd_per_month", "budget_growth_per_year", "compute_stock_h100e",
     "algorithmic_efficiency", "depreciation_life_months", "target_inventory_months",
     "lead_time_months", "risk_tolerance", "price_adjustment"});
inline constexpr auto kPolicyNumericFields = std::to_array<std::string_view>(
    {"rate", "cost_increase", "demand_factor", "fab_capex_share", "licence.approval_probability",
     "licence.delay_months", "quota.tpp_per_country"});

/// The accepted range of a number and how to describe it (`a rate in [0, 1]`).
struct Range {
  double min = -std::numeric_limits<double>::infinity();
  double max = std::numeric_limits<double>::infinity();
  bool min_open = false;
  bool max_open = false;
  std::string_view noun = "a number";

  bool contains(double v) const {
    if (min_open ? v <= min : v < min) return false;
    if (max_open ? v >= max : v > max) return false;
    return true;
  }

  /// `a number >= 0`, `a rate in [0, 1]`, `an integer >= 1`, ...
  std::string text() const {
    const bool has_min = std::isfinite(min);
    const bool has_max = std::isfinite(max);
    if (has_min && has_max) {
      return concat(noun, " in ", min_open ? '(' : '[', min, ", ", max, max_open ? ')' : ']');
    }
    if (has_min) return concat(noun, min_open ? " > " : " >= ", min);
    if (has_max) return concat(noun, max_open ? " < " : " <= ", max);
    return std::string(noun);
  }
};

inline constexpr double kInf = std::numeric_limits<double>::infinity();
inline constexpr Range kAnyNumber{};
inline constexpr Range kNonNegative{0, kInf, false, false, "a number"};
inline constexpr Range kPositive{0, kInf, true, false, "a number"};
inline constexpr Range kRate{0, 1, false, false, "a rate"};
inline constexpr Range kTariffRate{0, 10, false, false, "a rate"};
inline constexpr Range kGrowthRate{-1, kInf, true, false, "a rate"};
inline constexpr Range kIntNonNegative{0, kInf, false, false, "an integer"};
inline constexpr Range kIntPositive{1, kInf, false, false, "an integer"};
inline constexpr Range kAtLeastOne{1, kInf, false, false, "a number"};

/// The range of a numeric agent field (also used for `set` events).
inline Range agent_field_range(std::string_view field) {
  if (field == "budget_growth_per_year") return kGrowthRate;
  if (field == "algorithmic_efficiency" || field == "depreciation_life_months" ||
      field == "target_inventory_months") {
    return kPositive;
  }
  if (field == "lead_time_months" || field == "design_lag_months" || field == "priority")
    return kIntNonNegative;
  if (field == "review_every_months" || field == "deal_horizon_months") return kIntPositive;
  if (field == "risk_tolerance" || field == "price_adjustment" || field == "pledge_cost_share" ||
      field == "gross_margin")
    return kRate;
  if (field == "max_price_multiple") return kAtLeastOne;
  return kNonNegative;
}

/// The range of a numeric policy field of a policy of `kind` (also used for `set` events).
inline Range policy_field_range(world::PolicyKind kind, std::string_view field) {
  if (field == "rate") return kind == world::PolicyKind::tariff ? kTariffRate : kRate;
  if (field == "cost_increase") return kNonNegative;
  if (field == "demand_factor" || field == "fab_capex_share" ||
      field == "licence.approval_probability") {
    return kRate;
  }
  if (field == "licence.delay_months") return kIntNonNegative;
  return kNonNegative;
}

}  // namespace sim::io::detail
