#pragma once

#include <cstddef>
#include <map>
#include <tuple>
#include <vector>

#include "sim/world/scenario.hpp"
#include "sim/world/world.hpp"

namespace sim::world {

/// A batch of chips in production: wafers started at a fab, finished at `ready_step`.
struct Batch {
  int ready_step = 0;
  std::size_t product = 0;
  std::size_t origin = 0;  ///< country of the fab
  double units = 0;
  double unit_value = 0;  ///< book value a unit (its cost; 0 once written down)
};

struct LabState {
  double budget_base_usd = 0;  ///< monthly budget at `budget_base_step`
  int budget_base_step = 0;
  double compute_stock_h100e = 0;
  double effective_compute_h100e_months = 0;  ///< sum of stock x efficiency, for capability
  double backlog_usd =
      0;  ///< unfilled orders carried into next month (model.order_backlog_retention)
};

struct ChipmakerState {
  std::vector<double> inventory;        ///< units, [product * countries + origin]
  std::vector<Batch> pipeline;          ///< ordered, not yet delivered
  std::vector<double> price_usd;        ///< per product (all products; only own ones used)
  std::vector<double> forecast_units;   ///< smoothed monthly demand per product
  std::vector<double> inventory_value;  ///< book value of the stock, per product (all origins)
  std::vector<bool> written_down;       ///< per product: its stock was written off
};

/// A licence application by a seller for a destination country, product and policy.
struct LicenceKey {
  std::size_t policy = 0;
  std::size_t seller = 0;
  std::size_t destination = 0;
  std::size_t product = 0;
  auto operator<=>(const LicenceKey&) const = default;
};

struct Licence {
  int decided_step = 0;  ///< the decision takes effect at this step
  bool approved = false;
};

/// Per-month totals recorded and then reset (flows of the month).
struct MonthTotals {
  std::vector<double> revenue_usd;            ///< per agent
  std::vector<double> cogs_usd;               ///< per agent: book value of the chips sold
  std::vector<double> units_sold;             ///< per agent
  std::vector<double> units_bought;           ///< per agent
  std::vector<double> h100e_bought;           ///< per agent (labs): compute received
  std::vector<double> spend_usd;              ///< per agent (labs)
  std::vector<double> ordered_usd;            ///< per agent (labs): notional demand, in USD
  std::vector<double> fees_paid_usd;          ///< per agent
  std::vector<double> fees_collected_usd;     ///< per agent (governments)
  std::vector<double> tariffs_paid_usd;       ///< per agent
  std::vector<double> tariffs_collected_usd;  ///< per agent (governments)
  std::vector<double> write_down_usd;         ///< per agent
  std::vector<double> wafers_ordered;         ///< per agent (chipmakers)
  std::vector<double> wafers_started;         ///< per agent (foundries: wafers; chipmakers: wafers)
  std::vector<double> wafers_requested;       ///< per agent (foundries): wafers ordered from it
  std::vector<double> capacity_wafers;        ///< per agent (foundries): wafers it could start
  std::vector<double> subsidies_paid_usd;     ///< per agent (governments)
  std::vector<double> demand_units;           ///< per product: units bid for, before rationing
  std::vector<double> product_units_sold;     ///< per product
  std::vector<double> product_wafers;         ///< per product: wafers started

  std::vector<double> produced_units;      ///< per country: chips finished at its fabs
  std::vector<double> imports_by_channel;  ///< [channel * countries + country], chips delivered
  std::vector<double> delivered_h100e;     ///< [product * countries + country], all channels
  std::vector<double> notional_h100e;      ///< [product * countries + country], see demand_units

  void reset(std::size_t agents, std::size_t products, std::size_t countries);
};

/// Everything that changes during one replicate. Agents read it (as last month's state) and
/// never write it; the market and accounting phases do.
struct State {
  int step = 0;
  std::vector<bool> policy_active;  ///< per policy
  std::vector<int> policy_since;    ///< per policy: step it last came into force, or -1
  std::vector<int> release_step;    ///< per product: first step on sale (World::kNever if not)
  /// Live parameters: `set` events change these copies, never the World's spec.
  std::vector<AgentSpec> agent_params;
  std::vector<PolicySpec> policy_params;

  std::vector<LabState> labs;              ///< per agent (meaningful for labs)
  std::vector<ChipmakerState> chipmakers;  ///< per agent (meaningful for chipmakers)
  std::vector<double> pledged_usd;         ///< per agent, cumulative
  std::vector<double> built_usd;           ///< per agent: pledges and fab capex spent so far
  /// Investment being spent: (agent, USD a month, last step), from deals and fab construction.
  std::vector<std::tuple<std::size_t, double, int>> spending;
  std::vector<std::vector<Fab>> built_fabs;  ///< per agent (foundries): fabs built in the run
  std::vector<int> construction_until;       ///< per agent: step its fab under way is ready, or -1
  /// pledged_in[agent][country]: cumulative pledges made to that country's government
  std::vector<std::map<std::size_t, double>> pledged_in;
  /// exempt[(policy, agent)]: the agent is exempt from the policy through an accepted deal
  std::map<std::pair<std::size_t, std::size_t>, bool> exempt;
  std::map<LicenceKey, Licence> licences;
  /// TPP shipped under each quota policy to each country, in the quota's current period
  std::map<std::pair<std::size_t, std::size_t>, double> quota_used_tpp;

  /// Deals: offered and awaiting an answer; accepted; the step of the last refusal (or -1).
  std::vector<bool> deal_pending;
  std::vector<bool> deal_accepted;
  std::vector<int> deal_refused_step;

  MonthTotals month;       ///< this month's totals, filled during resolve
  MonthTotals last_month;  ///< last month's totals, what agents see when they decide
};

}  // namespace sim::world
