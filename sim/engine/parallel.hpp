#pragma once

// tbb::parallel_for with the fork-join edges ThreadSanitizer cannot see in Debian's libtbb.

#include <tbb/parallel_for.h>

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

}  // namespace sim::engine
