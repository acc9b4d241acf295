#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace sim::engine {

/// One thing that happened: in which step, by whom (an agent index, or -1), of what kind, and
/// a sentence for people.
struct LoggedEvent {
  int step = 0;
  std::int64_t actor = -1;
  std::string kind;
  std::string text;
};

/// The events of one replicate, in the order they happened. Written only from the serial
/// phases (resolve, account), so its order is deterministic.
class EventLog {
 public:
  void add(int step, std::int64_t actor, std::string kind, std::string text) {
    entries_.push_back(LoggedEvent{step, actor, std::move(kind), std::move(text)});
  }
  const std::vector<LoggedEvent>& entries() const { return entries_; }
  /// Moves the entries out, leaving the log empty.
  std::vector<LoggedEvent> take() { return std::exchange(entries_, {}); }

 private:
  std::vector<LoggedEvent> entries_;
};

}  // namespace sim::engine
