#pragma once

#include <sstream>
#include <string>

namespace sim {

/// Builds a string from streamable parts (libstdc++ 12 has no <format>).
template <typename... Parts>
std::string concat(const Parts&... parts) {
  std::ostringstream out;
  (out << ... << parts);
  return out.str();
}

}  // namespace sim
