#include <catch2/catch.hpp>

#include "sim/engine/agent_registry.hpp"
#include "sim/engine/errors.hpp"
#include "sim/engine/event_log.hpp"

using namespace sim::engine;

TEST_CASE("engine::AgentRegistry: dense ids in registration order", "[engine][registry]") {
  AgentRegistry reg;
  CHECK(reg.add("us-gov", "government").value == 0);
  CHECK(reg.add("nvidia", "chipmaker").value == 1);
  CHECK(reg.size() == 2);
  REQUIRE(reg.find("nvidia"));
  CHECK(reg.find("nvidia")->value == 1);
  CHECK(reg.kind(AgentId{1}) == "chipmaker");
  CHECK(reg.id(AgentId{0}) == "us-gov");
  CHECK_FALSE(reg.find("amd"));
  CHECK_THROWS_AS(reg.add("nvidia", "chipmaker"), sim::ConfigError);
}

TEST_CASE("engine::EventLog: keeps events in the order they happen", "[engine][events]") {
  EventLog log;
  log.add(3, 0, "policy_enacted", "enacted oct-2022");
  log.add(3, -1, "decision", "h20-april-2025: require-licence");
  REQUIRE(log.entries().size() == 2);
  CHECK(log.entries()[1].actor == -1);
  const auto taken = log.take();
  CHECK(taken[0].text == "enacted oct-2022");
  CHECK(log.entries().empty());
}
