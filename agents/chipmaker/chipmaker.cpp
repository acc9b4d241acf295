#include "agents/chipmaker/chipmaker.hpp"

#include <algorithm>

namespace agents {

using namespace sim::world;

void Chipmaker::decide(const View& view, std::size_t self, Intent& out, sim::engine::Rng&) const {
  const World& world = view.world;
  const State& state = view.state;
  const ChipmakerState& me = state.chipmakers[self];
  const AgentSpec& params = state.agent_params[self];
  const std::size_t n_countries = world.country_count();
  const int t = view.step.index;

  out.prices_usd = me.price_usd;
  for (std::size_t product : world.products_of(self)) {
    const ProductSpec& spec = world.product(product);
    // capacity each eligible foundry has on the product's node this month
    std::vector<std::pair<std::size_t, double>> capacity;
    double total_capacity = 0;
    int lead = 0;
    for (std::size_t foundry : world.foundries_of(self)) {
      double wafers = 0;
      for (const Fab& fab : world.fabs_of(foundry))
        if (fab.node == world.product_node(product) && fab.first_step <= t && t <= fab.last_step)
          wafers += fab.wafers_per_month;
      if (wafers <= 0) continue;
      capacity.emplace_back(foundry, wafers);
      total_capacity += wafers;
      lead = std::max(lead, state.agent_params[foundry].lead_time_months);
    }
    if (total_capacity <= 0) continue;
    // start production early enough that chips are ready at release
    if (world.product_release_step(product) > t + lead) continue;

    double position = 0;
    for (std::size_t origin = 0; origin < n_countries; ++origin)
      position += me.inventory[product * n_countries + origin];
    for (const Batch& b : me.pipeline)
      if (b.product == product) position += b.units;
    const double target = me.forecast_units[product] * (lead + params.target_inventory_months);
    const double wafers = std::max(0.0, target - position) / spec.chips_per_wafer;
    if (wafers <= 0) continue;
    for (const auto& [foundry, wafers_available] : capacity)
      out.orders.push_back(
          WaferOrder{foundry, product, wafers * wafers_available / total_capacity});
  }
}

}  // namespace agents
