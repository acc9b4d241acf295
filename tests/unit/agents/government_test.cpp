#include "agents/government/government.hpp"

#include <catch2/catch.hpp>
#include <cmath>
#include <string>

#include "agents/register.hpp"
#include "sim/io/scenario_loader.hpp"
#include "sim/world/simulation.hpp"
#include "tests/unit/world/world_fixture.hpp"

using namespace sim::world;

// The world of these tests, checkable by hand. One chipmaker (usa) sells one chip, 1 H100e at
// $12,000; two labs, in usa (bloc west) and chn (bloc china), each spend $1.2M a month (100
// chips) and hold 1,200 H100e. The US government may enact a ban on the chip to chn (`ban`)
// or a 15% fee on those sales (`fee`); the chipmaker's deal pledges $2.88M over 24 months
// for repealing the ban.
//
// The forecast over the 12-month horizon, without the ban: each bloc holds 1,200 + 12 x 100 =
// 2,400 H100e, so S = ln(2400 / 2400) = 0; the maker sells 200 chips a month at a margin of
// $12,000 - $3,000 = $9,000 (the chips are made in twn, so their cost is not US value added);
// the world's labs spend 12 x $2.4M = $28.8M over the horizon (the scale of ΔE and ΔR).
//   enact ban:   chn receives nothing: ΔS = ln(2400 / 1200) = ln 2 = +0.693;
//                the maker loses 100 x $9,000 a month: ΔE = 12 x (-0.9M) / 28.8M = -0.375.
//   repeal ban:  the opposite: ΔS = -0.693, ΔE = +0.375.
//   accept deal: the repeal plus the pledge invested within 12 months, 2.88M x 12/24 = 1.44M:
//                ΔE = 0.375 + 1.44M / 28.8M = 0.425, ΔS = -0.693.
//   enact fee:   0.15 x $1.2M a month moves from the maker to the government:
//                ΔR = 12 x 0.18M / 28.8M = +0.075, ΔE = -0.075.
namespace {

std::string world_yaml(const std::string& government) {
  return R"(scenario: {name: gov, start: 2024-01, end: 2025-12, seed: 7}
countries:
  - {id: usa, bloc: west}
  - {id: chn, bloc: china}
  - {id: twn, bloc: west}
products:
  - {id: gpu, designer: maker, node: n4, tpp: 16000, density: 20, h100e: 1.0,
     unit_cost_usd: 3000, list_price_usd: 12000, chips_per_wafer: 10}
agents:
  - )" + government +
         R"(
  - {id: maker, kind: chipmaker, country: usa, foundries: [fab-co]}
  - id: fab-co
    kind: foundry
    country: twn
    lead_time_months: 0
    fabs: [{id: f1, country: twn, node: n4, wafers_per_month: 1000000}]
  - {id: lab-us, kind: ai_lab, country: usa, budget_usd_per_month: 1.2e6,
     compute_stock_h100e: 1200, depreciation_life_months: 1.0e12}
  - {id: lab-cn, kind: ai_lab, country: chn, budget_usd_per_month: 1.2e6,
     compute_stock_h100e: 1200, depreciation_life_months: 1.0e12}
policies:
  - {id: ban, kind: export_control, issuer: usa, products: [gpu], destinations: [chn],
     treatment: prohibited}
  - {id: fee, kind: export_fee, issuer: usa, products: [gpu], destinations: [chn], rate: 0.15}
deals:
  - {id: pledge, from_agent: maker, to_agent: us-gov, pledge_usd: 2.88e6, over_months: 24,
     asks: {repeal: [ban]}}
)";
}

/// An adaptive US government reviewing every 3 months (steps 2, 5, 8...) with these weights.
std::string adaptive(double security, double economy, double revenue,
                     const std::string& playbook = "[ban]") {
  return "{id: us-gov, kind: government, country: usa, mode: adaptive, review_every_months: 3, "
         "weights: {security: " +
         std::to_string(security) + ", economy: " + std::to_string(economy) +
         ", revenue: " + std::to_string(revenue) + "}, playbook: " + playbook + "}";
}

World make_world(const std::string& government) {
  return World::build(
      sim::io::load_scenario_text(world_yaml(government), "gov.yaml", sim::io::FileSource{}));
}

/// The state a run starts from, sized for `world`, for a test to adjust.
State initial_state(const World& world) {
  BehaviourRegistry behaviours;
  agents::register_builtin(behaviours);
  const Simulation sim(world, behaviours, 0);
  return sim.state();
}

Intent decide(const World& world, const State& state, int step_index) {
  const sim::engine::Step step{step_index, world.calendar().at(step_index), 0};
  Intent out;
  sim::engine::Rng rng(sim::engine::StreamKey{});
  agents::Government().decide(View{world, state, step}, world.agent_index("us-gov"), out, rng);
  return out;
}

}  // namespace

TEST_CASE("agents::Government: scripted mode refuses every pending offer and sets no policy",
          "[agents][government]") {
  const World world =
      make_world("{id: us-gov, kind: government, country: usa, mode: scripted, playbook: [ban]}");
  State state = initial_state(world);
  state.deal_pending[world.deal_index("pledge")] = true;
  for (int t : {0, 2, 5}) {
    const Intent out = decide(world, state, t);
    CHECK(out.policy_actions.empty());
    REQUIRE(out.deal_responses.size() == 1);
    CHECK(out.deal_responses[0].deal == world.deal_index("pledge"));
    CHECK_FALSE(out.deal_responses[0].accept);
  }
  // nothing pending, nothing to answer
  state.deal_pending[world.deal_index("pledge")] = false;
  CHECK(decide(world, state, 2).deal_responses.empty());
}

TEST_CASE("agents::Government: the effects of each action match the hand derivation",
          "[agents][government]") {
  const World world = make_world(adaptive(1, 1, 1, "[ban, fee]"));
  State state = initial_state(world);
  const sim::engine::Step step{2, world.calendar().at(2), 0};
  const std::size_t self = world.agent_index("us-gov");

  SECTION("enacting the ban or the fee") {
    const auto all = agents::Government::candidates(View{world, state, step}, self);
    REQUIRE(all.size() == 2);
    CHECK(all[0].index == world.policy_index("ban"));
    CHECK(all[0].enact);
    CHECK(all[0].effects.security == Approx(std::log(2.0)));
    CHECK(all[0].effects.economy == Approx(-0.375));
    CHECK(all[0].effects.revenue == Approx(0.0).margin(1e-12));
    CHECK(all[0].utility == Approx(std::log(2.0) - 0.375));
    CHECK(all[1].index == world.policy_index("fee"));
    CHECK(all[1].effects.security == Approx(0.0).margin(1e-12));
    CHECK(all[1].effects.economy == Approx(-0.075));
    CHECK(all[1].effects.revenue == Approx(0.075));
  }
  SECTION("repealing the ban, or accepting the pledge that repeals it") {
    state.policy_active[world.policy_index("ban")] = true;
    state.deal_pending[world.deal_index("pledge")] = true;
    const auto all = agents::Government::candidates(View{world, state, step}, self);
    REQUIRE(all.size() == 3);
    CHECK_FALSE(all[0].enact);
    CHECK(all[0].effects.security == Approx(-std::log(2.0)));
    CHECK(all[0].effects.economy == Approx(0.375));
    CHECK(all[2].is_deal);
    CHECK(all[2].effects.security == Approx(-std::log(2.0)));
    CHECK(all[2].effects.economy == Approx(0.425));
  }
  SECTION("outside review months only pending offers are candidates") {
    state.deal_pending[world.deal_index("pledge")] = true;
    const sim::engine::Step step1{1, world.calendar().at(1), 0};
    const auto all = agents::Government::candidates(View{world, state, step1}, self);
    REQUIRE(all.size() == 1);
    CHECK(all[0].is_deal);
  }
}

TEST_CASE("agents::Government: a hawk enacts a control on the rival, a dealmaker does not",
          "[agents][government]") {
  const std::size_t ban = make_world(adaptive(1, 0, 0)).policy_index("ban");
  SECTION("hawk: U = ln 2 = 0.693 > 0, enacts at the review month only") {
    const World world = make_world(adaptive(1, 0, 0));
    const State state = initial_state(world);
    for (int t : {0, 1, 3, 4}) CHECK(decide(world, state, t).policy_actions.empty());
    for (int t : {2, 5}) {
      const Intent out = decide(world, state, t);
      REQUIRE(out.policy_actions.size() == 1);
      CHECK(out.policy_actions[0].policy == ban);
      CHECK(out.policy_actions[0].enact);
    }
  }
  SECTION("dealmaker: U = -0.375, no action") {
    const World world = make_world(adaptive(0, 1, 0));
    CHECK(decide(world, initial_state(world), 2).policy_actions.empty());
  }
  SECTION("equal weights: U = 0.693 - 0.375 = 0.318, enacts") {
    const World world = make_world(adaptive(1, 1, 1));
    CHECK(decide(world, initial_state(world), 2).policy_actions.size() == 1);
  }
  SECTION("all weights zero: no action, and a pending offer is refused") {
    const World world = make_world(adaptive(0, 0, 0));
    State state = initial_state(world);
    state.deal_pending[world.deal_index("pledge")] = true;
    const Intent out = decide(world, state, 2);
    CHECK(out.policy_actions.empty());
    REQUIRE(out.deal_responses.size() == 1);
    CHECK_FALSE(out.deal_responses[0].accept);
  }
}

TEST_CASE("agents::Government: a dealmaker repeals the control, a hawk keeps it",
          "[agents][government]") {
  SECTION("dealmaker: repeal U = +0.375") {
    const World world = make_world(adaptive(0, 1, 0));
    State state = initial_state(world);
    state.policy_active[world.policy_index("ban")] = true;
    const Intent out = decide(world, state, 2);
    REQUIRE(out.policy_actions.size() == 1);
    CHECK(out.policy_actions[0].policy == world.policy_index("ban"));
    CHECK_FALSE(out.policy_actions[0].enact);
  }
  SECTION("hawk: repeal U = -0.693") {
    const World world = make_world(adaptive(1, 0, 0));
    State state = initial_state(world);
    state.policy_active[world.policy_index("ban")] = true;
    CHECK(decide(world, state, 2).policy_actions.empty());
  }
}

TEST_CASE("agents::Government: pledges are accepted by economy-heavy weights only",
          "[agents][government]") {
  // accepting: U = -0.693 w_s + 0.425 w_e, positive when w_e / w_s > 0.693 / 0.425 = 1.63
  const auto answer = [](double security, double economy, int t) {
    const World world = make_world(adaptive(security, economy, 0));
    State state = initial_state(world);
    state.policy_active[world.policy_index("ban")] = true;
    state.deal_pending[world.deal_index("pledge")] = true;
    return decide(world, state, t);
  };
  SECTION("answered every month, not only at reviews") {
    for (int t : {0, 1}) {
      const Intent dealmaker = answer(0, 1, t);
      REQUIRE(dealmaker.deal_responses.size() == 1);
      CHECK(dealmaker.deal_responses[0].accept);
      const Intent hawk = answer(1, 0, t);
      REQUIRE(hawk.deal_responses.size() == 1);
      CHECK_FALSE(hawk.deal_responses[0].accept);
    }
  }
  SECTION("monotone in the economy weight") {
    CHECK_FALSE(answer(1, 1.0, 0).deal_responses.at(0).accept);
    CHECK_FALSE(answer(1, 1.6, 0).deal_responses.at(0).accept);
    CHECK(answer(1, 1.7, 0).deal_responses.at(0).accept);
    CHECK(answer(1, 3.0, 0).deal_responses.at(0).accept);
  }
  SECTION("at a review the best single action wins: the deal (0.425) over the repeal (0.375)") {
    const Intent out = answer(0, 1, 2);
    CHECK(out.policy_actions.empty());
    REQUIRE(out.deal_responses.size() == 1);
    CHECK(out.deal_responses[0].accept);
  }
}

TEST_CASE("agents::Government: a fee is a transfer, enacted only by revenue-heavy weights",
          "[agents][government]") {
  // ΔE = -0.075, ΔR = +0.075
  const auto acts = [](double economy, double revenue) {
    const World world = make_world(adaptive(0, economy, revenue, "[fee]"));
    return decide(world, initial_state(world), 2).policy_actions.size();
  };
  CHECK(acts(0, 1) == 1);
  CHECK(acts(1, 0) == 0);
  CHECK(acts(1, 1) == 0);  // U = 0 exactly: no gain, no action
  CHECK(acts(1, 2) == 1);
}

TEST_CASE("agents::Government: in a full run a hawk cuts the rival's compute, a dealmaker not",
          "[agents][government]") {
  // reviewing every month, the hawk enacts the ban at month 0 and chn's lab buys nothing;
  // under the dealmaker it keeps buying 100 H100e a month once chips are made
  const auto run = [](double security, double economy) {
    return test::run_text(world_yaml(
        "{id: us-gov, kind: government, country: usa, mode: adaptive, review_every_months: 1, "
        "weights: {security: " +
        std::to_string(security) + ", economy: " + std::to_string(economy) +
        ", revenue: 0}, playbook: [ban]}"));
  };
  const RunResults hawk = run(1, 0);
  const RunResults dealmaker = run(0, 1);
  const std::size_t chn = 1;
  const std::size_t usa = 0;
  const std::size_t last = hawk.months.size() - 1;
  CHECK(test::at(hawk, MetricAxis::country, "compute_stock_h100e", last, chn) == Approx(1200.0));
  CHECK(test::at(dealmaker, MetricAxis::country, "compute_stock_h100e", last, chn) > 2000.0);
  // the US labs are not affected (supply is ample)
  CHECK(test::at(hawk, MetricAxis::country, "compute_stock_h100e", last, usa) ==
        Approx(test::at(dealmaker, MetricAxis::country, "compute_stock_h100e", last, usa)));
  bool enacted = false;
  for (const EventRecord& e : hawk.events)
    if (e.kind == "policy_enacted" && e.month == 0) enacted = true;
  CHECK(enacted);
}
