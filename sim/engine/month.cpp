#include "sim/engine/month.hpp"

#include <array>
#include <cstdio>

namespace sim::engine {

std::optional<Month> Month::parse(std::string_view text) {
  if (text.size() != 7 || text[4] != '-') return std::nullopt;
  std::array<int, 2> value = {0, 0};
  const std::array<std::string_view, 2> parts = {text.substr(0, 4), text.substr(5, 2)};
  for (std::size_t i = 0; i < parts.size(); ++i) {
    for (char c : parts[i]) {
      if (c < '0' || c > '9') return std::nullopt;
      value[i] = value[i] * 10 + (c - '0');
    }
  }
  if (value[0] < 1000 || value[1] < 1 || value[1] > 12) return std::nullopt;
  return from_year_month(value[0], value[1]);
}

std::string Month::str() const {
  std::array<char, 16> buffer{};
  std::snprintf(buffer.data(), buffer.size(), "%04d-%02d", year(), month());
  return buffer.data();
}

}  // namespace sim::engine
