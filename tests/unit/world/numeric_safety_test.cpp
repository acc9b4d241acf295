#include <catch2/catch.hpp>

#include "sim/engine/errors.hpp"
#include "tests/unit/world/world_fixture.hpp"

TEST_CASE("world: a run that would record a value that is not finite stops, naming it",
          "[world][numeric]") {
  // a budget at the edge of double precision that grows: in its third month (2024-03) it
  // overflows, and the first agent series it reaches is named
  std::string yaml = test::two_lab_world();
  const std::string normal =
      "budget_usd_per_month: 1.2e6,\n     depreciation_life_months: "
      "1.0e12}\n  - {id: lab-cn";
  const auto at = yaml.find(normal);
  REQUIRE(at != std::string::npos);
  yaml.replace(at, std::string("budget_usd_per_month: 1.2e6").size(),
               "budget_usd_per_month: 1.0e308, budget_growth_per_year: 100");
  CHECK_THROWS_AS(test::run_text(yaml), sim::ModelError);
  CHECK_THROWS_WITH(test::run_text(yaml),
                    Catch::Contains("scenario 'two-labs', replicate 0, 2024-03: agent/") &&
                        Catch::Contains("not a finite number"));
  // the same world with an ordinary budget runs, and every value it records is finite
  const sim::world::RunResults ok = test::run_text(test::two_lab_world());
  for (const auto& m : ok.metrics)
    for (const auto& block : m.values)
      for (double v : block) REQUIRE(std::isfinite(v));
}
