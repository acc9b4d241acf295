#pragma once

#include <cstddef>
#include <vector>

namespace sim::world {

/// An AI lab's wish to buy one product from one seller, made in one origin country.
struct Bid {
  std::size_t seller = 0;
  std::size_t product = 0;
  std::size_t origin = 0;
  double landed_price_usd = 0;  ///< price plus tariffs, per unit, when the lab decided
};

struct WaferOrder {
  std::size_t foundry = 0;
  std::size_t product = 0;
  double wafers = 0;
};

/// A government's decision to put a policy in force or lift it.
struct PolicyAction {
  std::size_t policy = 0;
  bool enact = true;
};

/// A government's answer to a deal offered to it.
struct DealResponse {
  std::size_t deal = 0;
  bool accept = false;
};

/// What one agent decided this month. Each agent writes only its own slot; fields not used by
/// its kind stay empty.
struct Intent {
  // ai_lab
  double budget_usd = 0;   ///< to spend this month: the planned budget plus carried orders
  double carried_usd = 0;  ///< unfilled orders carried from earlier months (part of budget_usd)
  std::vector<Bid> bids;   ///< best compute per landed dollar first
  // chipmaker
  std::vector<WaferOrder> orders;
  std::vector<double> prices_usd;        ///< per product of the world (own products set)
  std::vector<std::size_t> deal_offers;  ///< deals (index) it offers now
  std::vector<std::size_t> launches;     ///< design-around variants (product index) it launches
  // foundry
  int build_site = -1;  ///< index into its expansion sites of the fab it starts now, or -1
  // government
  std::vector<PolicyAction> policy_actions;
  std::vector<DealResponse> deal_responses;

  void clear() {
    build_site = -1;
    deal_offers.clear();
    launches.clear();
    policy_actions.clear();
    deal_responses.clear();
    budget_usd = 0;
    carried_usd = 0;
    bids.clear();
    orders.clear();
    prices_usd.clear();
  }
};

}  // namespace sim::world
