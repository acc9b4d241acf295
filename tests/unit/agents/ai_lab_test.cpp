#include "agents/ai_lab/ai_lab.hpp"

#include <catch2/catch.hpp>
#include <cmath>

#include "agents/chipmaker/chipmaker.hpp"
#include "sim/io/scenario_loader.hpp"
#include "sim/world/simulation.hpp"

using namespace sim::world;

namespace {
World make_world(const std::string& extra = "") {
  const std::string yaml = R"(scenario: {name: t, start: 2024-01, end: 2026-12}
countries: [{id: usa}, {id: chn}, {id: twn}]
products:
  - {id: big, designer: maker, node: n4, h100e: 1.0, unit_cost_usd: 3000,
     list_price_usd: 30000, chips_per_wafer: 10}
  - {id: small, designer: maker, node: n4, h100e: 0.15, unit_cost_usd: 3000,
     list_price_usd: 12000, chips_per_wafer: 10}
agents:
  - {id: maker, kind: chipmaker, country: usa, foundries: [fab-co], target_inventory_months: 2}
  - id: fab-co
    kind: foundry
    country: twn
    lead_time_months: 3
    fabs: [{id: f1, country: twn, node: n4, wafers_per_month: 100}]
  - {id: lab, kind: ai_lab, country: chn, budget_usd_per_month: 1.0e6,
     budget_growth_per_year: 0.44}
)" + extra;
  return World::build(sim::io::load_scenario_text(yaml, "t.yaml", sim::io::FileSource{}));
}

BehaviourRegistry registry() {
  BehaviourRegistry r;
  r.add(AgentKind::ai_lab, std::make_unique<agents::AiLab>());
  r.add(AgentKind::chipmaker, std::make_unique<agents::Chipmaker>());
  return r;
}
}  // namespace

TEST_CASE("agents::AiLab: budget grows at its yearly rate, compounded monthly",
          "[agents][ai_lab]") {
  const World world = make_world();
  const BehaviourRegistry behaviours = registry();
  Simulation sim(world, behaviours, 0);
  const std::size_t lab = world.agent_index("lab");
  for (int t : {0, 6, 12, 24}) {
    const sim::engine::Step step{t, world.calendar().at(t), 0};
    const View view{world, sim.state(), step};
    // 1.44^(t/12): 1, 1.2, 1.44, 2.0736
    CHECK(agents::AiLab::budget_usd(view, lab) == Approx(1.0e6 * std::pow(1.44, t / 12.0)));
  }
}

TEST_CASE("agents::AiLab: ranks offers by compute per landed dollar", "[agents][ai_lab]") {
  const World world = make_world();
  const BehaviourRegistry behaviours = registry();
  Simulation sim(world, behaviours, 0);
  const sim::engine::Step step{0, world.calendar().at(0), 0};
  sim.observe(step);
  Intent intent;
  sim::engine::Rng rng(sim::engine::StreamKey{});
  agents::AiLab().decide(View{world, sim.state(), step}, world.agent_index("lab"), intent, rng);
  // big: 1.0 / 30000 = 3.3e-5 per dollar; small: 0.15 / 12000 = 1.25e-5
  REQUIRE(intent.bids.size() == 2);
  CHECK(world.product(intent.bids[0].product).id == "big");
  CHECK(world.product(intent.bids[1].product).id == "small");
  CHECK(intent.budget_usd == Approx(1.0e6));
}

TEST_CASE("agents::AiLab: a product its government bans is not bid for", "[agents][ai_lab]") {
  // an import restriction with demand factor 0 removes 'big' from the lab's list; an export
  // prohibition does not (the market checks those when it clears)
  const World world = make_world(R"(policies:
  - {id: no-big, kind: import_restriction, issuer: chn, from: 2024-01, products: [big],
     demand_factor: 0}
  - {id: ban-small, kind: export_control, issuer: usa, from: 2024-01, products: [small],
     destinations: [chn], treatment: prohibited}
)");
  const BehaviourRegistry behaviours = registry();
  Simulation sim(world, behaviours, 0);
  const sim::engine::Step step{0, world.calendar().at(0), 0};
  sim.observe(step);
  sim.resolve(step, sim::engine::StreamFactory(1, 0));  // enacts both
  Intent intent;
  sim::engine::Rng rng(sim::engine::StreamKey{});
  agents::AiLab().decide(View{world, sim.state(), step}, world.agent_index("lab"), intent, rng);
  REQUIRE(intent.bids.size() == 1);
  CHECK(world.product(intent.bids[0].product).id == "small");
}

TEST_CASE("agents::Chipmaker: orders up to forecast x (lead + target months)",
          "[agents][chipmaker]") {
  const World world = make_world();
  const BehaviourRegistry behaviours = registry();
  Simulation sim(world, behaviours, 0);
  // run month 0 through the phases so the chipmaker learns demand
  const sim::engine::Step step0{0, world.calendar().at(0), 0};
  sim.observe(step0);
  for (std::size_t a = 0; a < world.agent_count(); ++a) {
    if (world.agent(a).kind == AgentKind::foundry) continue;
    sim::engine::Rng rng(sim::engine::StreamKey{});
    sim.decide(step0, a, rng);
  }
  sim.resolve(step0, sim::engine::StreamFactory(1, 0));
  sim.account(step0);
  const std::size_t maker = world.agent_index("maker");
  const std::size_t big = world.product_index("big");
  // the lab spreads its $1M by a logit of value (sensitivity 10): 'big' gives 1/30,000 H100e a
  // dollar, 'small' 0.15/12,000, 0.375 of that, so small's weight is exp(10 x (0.375 - 1))
  const double big_share = 1.0 / (1.0 + std::exp(-6.25));
  const double forecast = 1.0e6 * big_share / 30000;
  CHECK(sim.state().chipmakers[maker].forecast_units[big] == Approx(forecast));

  const sim::engine::Step step1{1, world.calendar().at(1), 0};
  Intent intent;
  sim::engine::Rng rng(sim::engine::StreamKey{});
  agents::Chipmaker().decide(View{world, sim.state(), step1}, maker, intent, rng);
  // target = forecast x (3 + 2) chips at 10 chips a wafer; nothing in stock. 'small' is
  // ordered too, for its small share
  REQUIRE(intent.orders.size() == 2);
  CHECK(intent.orders[0].wafers == Approx(forecast * 5 / 10));
}
