#pragma once

#include <compare>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace sim::engine {

/// A calendar month, stored as months since year 0 (`year * 12 + month - 1`).
/// Months order and subtract like integers: `Month::parse("2025-04") - start` is a step index.
class Month {
 public:
  constexpr Month() = default;
  static constexpr Month from_year_month(int year, int month) {
    return Month(year * 12 + month - 1);
  }
  static constexpr Month from_index(int index) { return Month(index); }

  /// Parses `YYYY-MM` (year 1000..9999, month 01..12); nullopt for anything else.
  static std::optional<Month> parse(std::string_view text);

  constexpr int year() const { return index_ / 12; }
  constexpr int month() const { return index_ % 12 + 1; }
  constexpr int index() const { return index_; }
  /// `YYYY-MM`.
  std::string str() const;

  constexpr Month operator+(int months) const { return Month(index_ + months); }
  constexpr Month operator-(int months) const { return Month(index_ - months); }
  constexpr int operator-(Month other) const { return index_ - other.index_; }
  constexpr auto operator<=>(const Month&) const = default;

 private:
  constexpr explicit Month(int index) : index_(index) {}
  int index_ = 0;
};

/// The simulated months `first..last` inclusive.
class Calendar {
 public:
  Calendar(Month first, Month last) : first_(first), last_(last) {}
  Month first() const { return first_; }
  Month last() const { return last_; }
  /// Number of months, at least 1 for a valid calendar.
  int size() const { return last_ - first_ + 1; }
  Month at(int step) const { return first_ + step; }
  /// Step index of `m`, which may lie outside the calendar (negative or >= size()).
  int step_of(Month m) const { return m - first_; }
  bool contains(Month m) const { return first_ <= m && m <= last_; }

 private:
  Month first_;
  Month last_;
};

}  // namespace sim::engine
