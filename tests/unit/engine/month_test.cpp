#include "sim/engine/month.hpp"

#include <catch2/catch.hpp>

using sim::engine::Calendar;
using sim::engine::Month;

TEST_CASE("engine::Month: parses and prints YYYY-MM", "[engine][month]") {
  const auto m = Month::parse("2025-04");
  REQUIRE(m);
  CHECK(m->year() == 2025);
  CHECK(m->month() == 4);
  CHECK(m->str() == "2025-04");
  CHECK((*m + 9).str() == "2026-01");
  CHECK((*m - 4).str() == "2024-12");
  CHECK(*Month::parse("2026-01") - *m == 9);
}

TEST_CASE("engine::Month: rejects what is not a month", "[engine][month]") {
  for (const char* bad : {"2025-13", "2025-00", "2025-4", "25-04", "2025/04", "", "2025-04-01",
                          "abcd-ef", "0999-01"}) {
    INFO(bad);
    CHECK_FALSE(Month::parse(bad));
  }
}

TEST_CASE("engine::Calendar: counts months inclusively", "[engine][month]") {
  const Calendar cal(*Month::parse("2022-01"), *Month::parse("2027-12"));
  CHECK(cal.size() == 72);
  CHECK(cal.at(0).str() == "2022-01");
  CHECK(cal.at(71).str() == "2027-12");
  CHECK(cal.step_of(*Month::parse("2025-04")) == 39);
  CHECK(cal.contains(*Month::parse("2027-12")));
  CHECK_FALSE(cal.contains(*Month::parse("2028-01")));
}
