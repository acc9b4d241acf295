#include "sim/engine/errors.hpp"

#include <cstdio>
#include <cstdlib>

namespace sim::detail {

void assert_fail(const char* condition, const std::string& message, std::source_location where) {
  std::fprintf(stderr, "chipsim: internal error at %s:%u: %s (%s)\n", where.file_name(),
               static_cast<unsigned>(where.line()), message.c_str(), condition);
  std::abort();
}

}  // namespace sim::detail
