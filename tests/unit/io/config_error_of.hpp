// Shared by the loader tests: the message of a ConfigError, to compare with the expected text.
#pragma once

#include <string>

#include "sim/engine/errors.hpp"

namespace io_test {

/// The message of the sim::ConfigError `load` throws ("" when it throws none).
template <typename F>
std::string error_of(F&& load) {
  try {
    load();
  } catch (const sim::ConfigError& e) {
    return e.what();
  }
  return "";
}

}  // namespace io_test
