#pragma once

// tbb::parallel_for and tbb::task_group with the fork-join edges ThreadSanitizer cannot see in
// Debian's libtbb.

#include <tbb/parallel_for.h>
#include <tbb/task_group.h>

#include <deque>
#include <functional>
#include <utility>

#if defined(__SANITIZE_THREAD__)
extern "C" void __tsan_acquire(void* addr);
extern "C" void __tsan_release(void* addr);
#endif

namespace sim::engine {

/// Call it qualified (`sim::engine::parallel_for`): unqualified, argument-dependent lookup also
/// finds tbb::parallel_for for a tbb::blocked_range, and C++20 overload resolution picks TBB's
/// (constrained) template over this one.
///
/// Runs `body(subrange)` over `range` as tbb::parallel_for does (same partitioner, same
/// guarantees): everything the caller did before happens before every body call, and every
/// body call happens before the return, also when a body throws.
///
/// In a ThreadSanitizer build (`-fsanitize=thread`) it also tells TSan those two edges.
/// Debian's libtbb is not instrumented, so TSan cannot see TBB's task hand-offs and would
/// report every read of the caller's data in a body, and every read of a body's output after
/// the loop, as a race (docs/development.md, "Sanitizers"). Only these edges are added: body
/// calls stay unordered with one another, so a race between two agents' decisions (or two
/// sweep units) is still reported. Elsewhere this is exactly tbb::parallel_for.
template <typename Range, typename Body>
void parallel_for(const Range& range, const Body& body) {
#if defined(__SANITIZE_THREAD__)
  // two distinct sync objects: bodies acquire only the caller's release, and only the caller
  // acquires the bodies' releases
  char fork = 0;
  char join = 0;
  struct Release {
    char* at;
    ~Release() { __tsan_release(at); }
  };
  struct Acquire {
    char* at;
    ~Acquire() { __tsan_acquire(at); }
  };
  __tsan_release(&fork);
  const Acquire joined{&join};  // on return and when a body's exception comes out
  tbb::parallel_for(range, [&](const Range& sub) {
    __tsan_acquire(&fork);
    const Release done{&join};
    body(sub);
  });
#else
  tbb::parallel_for(range, body);
#endif
}

/// tbb::task_group with the same edges told to ThreadSanitizer as parallel_for: what the
/// caller did before run(f) happens before f, and every f happens before wait() returns.
class TaskGroup {
 public:
  TaskGroup() = default;
  TaskGroup(const TaskGroup&) = delete;
  TaskGroup& operator=(const TaskGroup&) = delete;
  /// Cancels the tasks not yet started and waits for the others (an error of theirs is lost:
  /// call wait() to see it).
  ~TaskGroup() {
    group_.cancel();
    try {
      wait();
    } catch (...) {  // NOLINT(bugprone-empty-catch): a destructor must not throw
    }
  }

  template <typename F>
  void run(F f) {
#if defined(__SANITIZE_THREAD__)
    // f is kept here, written before the release: TBB copies what run() is given into its
    // task after that, so the task gets only a pointer, which the wrapper reads (race_top
    // entry in tools/sanitizers/tsan.supp) before it acquires
    std::function<void()>* task = &functions_.emplace_back(std::move(f));
    __tsan_release(&fork_);
    group_.run([this, task] {
      __tsan_acquire(&fork_);
      struct Release {
        char* at;
        ~Release() { __tsan_release(at); }
      };
      const Release done{&join_};
      (*task)();
    });
#else
    group_.run(std::move(f));
#endif
  }

  /// Waits for every task run so far; rethrows the first exception one of them threw.
  void wait() {
#if defined(__SANITIZE_THREAD__)
    struct Acquire {
      char* at;
      ~Acquire() { __tsan_acquire(at); }
    };
    const Acquire joined{&join_};
#endif
    group_.wait();
  }

 private:
  tbb::task_group group_;
#if defined(__SANITIZE_THREAD__)
  char fork_ = 0;
  char join_ = 0;
  std::deque<std::function<void()>> functions_;  // never moved while a task may run
#endif
};

}  // namespace sim::engine
