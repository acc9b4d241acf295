// Built and run only in the tsan preset: two sim::engine::parallel_for bodies write one
// variable with nothing ordering them, and the test passes only if ThreadSanitizer reports
// it. It guards tools/sanitizers/tsan.supp and parallel_for's annotations: an entry or an
// edge that hid races between bodies would make the whole tsan stage silently pass.

#include <tbb/blocked_range.h>
#include <tbb/global_control.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <thread>

#include "sim/engine/parallel.hpp"

int main() {
  const tbb::global_control two_threads(tbb::global_control::max_allowed_parallelism, 2);
  long shared = 0;
  std::atomic<int> arrived{0};
  bool alone = false;
  sim::engine::parallel_for(
      tbb::blocked_range<int>(0, 2, 1), [&](const tbb::blocked_range<int>& range) {
        for (int i = range.begin(); i != range.end(); ++i) {
          shared += i + 1;  // the race: both bodies, unordered
          // relaxed: the count must not order the bodies for TSan; it only keeps each body
          // running until the other has started, so that they run on two threads
          arrived.fetch_add(1, std::memory_order_relaxed);
          const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(20);
          while (arrived.load(std::memory_order_relaxed) < 2) {
            if (std::chrono::steady_clock::now() > give_up) {
              alone = true;  // one thread ran both halves: no race to report
              break;
            }
            std::this_thread::yield();
          }
        }
      });
  std::printf("shared = %ld%s\n", shared, alone ? " (the bodies ran on one thread)" : "");
  return 0;
}
