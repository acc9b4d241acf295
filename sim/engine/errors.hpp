#pragma once

#include <source_location>
#include <stdexcept>
#include <string>

namespace sim {

/// Base of every error chipsim reports to a user.
class Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// Bad input: a scenario, an override or a command-line argument. Maps to exit status 2.
/// The message may hold several lines, one per problem found.
class ConfigError : public Error {
 public:
  using Error::Error;
};

/// A file could not be read or written. Maps to exit status 1.
class IoError : public Error {
 public:
  using Error::Error;
};

/// The model reached a state it cannot continue from (for example a NaN price). Exit status 1.
class ModelError : public Error {
 public:
  using Error::Error;
};

namespace detail {
[[noreturn]] void assert_fail(const char* condition, const std::string& message,
                              std::source_location where);
}  // namespace detail

}  // namespace sim

/// Always-on invariant check: a broken invariant is a bug in chipsim, never bad input.
#define SIM_ASSERT(cond, msg)                                                    \
  do {                                                                           \
    if (!static_cast<bool>(cond))                                                \
      ::sim::detail::assert_fail(#cond, (msg), std::source_location::current()); \
  } while (false)
