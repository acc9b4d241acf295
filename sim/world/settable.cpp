#include "sim/world/settable.hpp"

#include <array>

namespace sim::world {

namespace {

constexpr auto kLabFields = std::to_array<std::string_view>(
    {"budget_usd_per_month", "budget_growth_per_year", "algorithmic_efficiency",
     "depreciation_life_months", "risk_tolerance"});
constexpr auto kChipmakerFields =
    std::to_array<std::string_view>({"target_inventory_months", "price_adjustment"});
constexpr auto kPolicyFields =
    std::to_array<std::string_view>({"rate", "cost_increase", "demand_factor", "fab_capex_share",
                                     "licence.approval_probability", "quota.tpp_per_country"});

}  // namespace

std::span<const std::string_view> settable_fields(AgentKind kind) {
  switch (kind) {
    case AgentKind::ai_lab:
      return kLabFields;
    case AgentKind::chipmaker:
      return kChipmakerFields;
    case AgentKind::foundry:
    case AgentKind::government:
      return {};
  }
  return {};
}

std::span<const std::string_view> settable_policy_fields() { return kPolicyFields; }

double* settable_field(AgentSpec& agent, std::string_view field) {
  switch (agent.kind) {
    case AgentKind::ai_lab:
      if (field == "budget_usd_per_month") return &agent.budget_usd_per_month;
      if (field == "budget_growth_per_year") return &agent.budget_growth_per_year;
      if (field == "algorithmic_efficiency") return &agent.algorithmic_efficiency;
      if (field == "depreciation_life_months") return &agent.depreciation_life_months;
      if (field == "risk_tolerance") return &agent.risk_tolerance;
      return nullptr;
    case AgentKind::chipmaker:
      if (field == "target_inventory_months") return &agent.target_inventory_months;
      if (field == "price_adjustment") return &agent.price_adjustment;
      return nullptr;
    case AgentKind::foundry:
    case AgentKind::government:
      return nullptr;
  }
  return nullptr;
}

double* settable_field(PolicySpec& policy, std::string_view field) {
  if (field == "rate") return &policy.rate;
  if (field == "cost_increase") return &policy.cost_increase;
  if (field == "demand_factor") return &policy.demand_factor;
  if (field == "fab_capex_share") return &policy.fab_capex_share;
  if (field == "licence.approval_probability") return &policy.licence.approval_probability;
  if (field == "quota.tpp_per_country") return &policy.quota.tpp_per_country;
  return nullptr;
}

}  // namespace sim::world
