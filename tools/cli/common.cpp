#include "tools/cli/common.hpp"

#include <array>
#include <ctime>

#include "sim/engine/concat.hpp"
#include "sim/engine/errors.hpp"

namespace cli {

std::string utc_now() {
  const std::time_t now = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&now, &tm);
  std::array<char, 32> buf{};
  std::strftime(buf.data(), buf.size(), "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf.data();
}

sim::world::Choices parse_choices(const std::vector<std::string>& texts) {
  sim::world::Choices choices;
  for (const std::string& text : texts) {
    const auto eq = text.find('=');
    if (eq == std::string::npos || eq == 0 || eq + 1 == text.size())
      throw sim::ConfigError(sim::concat("--choose ", text,
                                         ": error: expected DECISION=OPTION, e.g. "
                                         "h20-april-2025=no-change"));
    choices[text.substr(0, eq)] = text.substr(eq + 1);
  }
  return choices;
}

void apply_limits(sim::io::LoadOptions& options, const std::vector<std::string>& texts) {
  for (const std::string& text : texts) sim::io::set_limit(options.limits, text);
}

std::vector<sim::io::Override> choice_overrides(const std::vector<std::string>& texts) {
  std::vector<sim::io::Override> overrides;
  for (const auto& [decision, option] : parse_choices(texts))
    overrides.push_back(sim::io::choice_override(decision, option));
  return overrides;
}

}  // namespace cli
