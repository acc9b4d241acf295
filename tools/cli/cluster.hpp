#pragma once

#include <atomic>
#include <cstdint>
#include <exception>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

/// The processes of an MPI job, and the units of work they share (docs/distributed.md).
namespace cli {

/// Thrown on a process whose job failed with an error that another process prints: exit with
/// `status` and print nothing, so that an error shows once, not once per process.
class ReportedElsewhere : public std::exception {
 public:
  explicit ReportedElsewhere(int status) : status_(status) {}
  const char* what() const noexcept override { return "error reported by another process"; }
  int status() const { return status_; }

 private:
  int status_;
};

/// The exit status an error calls for: 2 for bad input (sim::ConfigError), 1 for any other.
int exit_status_of(const std::exception_ptr& error);

/// The processes of the MPI job this process belongs to (`mpirun -np K chipsim ...`), or this
/// process alone. MPI starts only when a launcher (mpirun, srun) started the process, so
/// chipsim runs without mpirun as it always has; and only when chipsim was built with MPI.
/// Rank 0 (the root) reads and writes the result files and prints; the others only compute.
class Cluster {
 public:
  /// One per program, in main, before any thread starts: calls MPI_Init_thread when launched.
  /// @throws sim::Error when MPI cannot start or lacks the thread support chipsim needs.
  Cluster(int& argc, char**& argv);
  /// Calls MPI_Finalize when MPI was started.
  ~Cluster();
  Cluster(const Cluster&) = delete;
  Cluster& operator=(const Cluster&) = delete;
  Cluster(Cluster&&) = delete;
  Cluster& operator=(Cluster&&) = delete;

  int rank() const { return rank_; }
  int size() const { return size_; }
  bool root() const { return rank_ == 0; }
  /// More than one process: the work is shared.
  bool distributed() const { return size_ > 1; }
  /// The processes of the job on this machine, for the default thread count.
  int local_size() const { return local_size_; }

  /// Every process calls this after a step they all take, with the error it met there, if any.
  /// When any process failed, it throws on every process: the lowest-ranked failed process
  /// rethrows its own error (so it is printed once), the others ReportedElsewhere.
  void agree(const std::exception_ptr& error) const;
  /// Root's `text` on every process.
  void broadcast(std::string& text) const;

 private:
  int rank_ = 0;
  int size_ = 1;
  int local_size_ = 1;
  bool started_ = false;
};

/// Hands the units of a job (sweep points x replicates, or replicates) to the threads of all
/// processes, one at a time and on request: the root holds the list and a thread of its own
/// answers the other processes' requests, so a process that finishes early takes more.
/// Units are handed out in the list's order. Every process builds one, runs its threads'
/// units, then calls finish().
class UnitDealer {
 public:
  /// `units` (used on the root only): the job's units in the order to hand them out.
  /// `remote_done` is called on the root, from the dealer's thread, for each unit another
  /// process reports finished (for the progress bar).
  UnitDealer(const Cluster& cluster, std::vector<std::uint64_t> units,
             std::function<void()> remote_done = {});
  ~UnitDealer();
  UnitDealer(const UnitDealer&) = delete;
  UnitDealer& operator=(const UnitDealer&) = delete;
  UnitDealer(UnitDealer&&) = delete;
  UnitDealer& operator=(UnitDealer&&) = delete;

  /// The next unit for the calling thread, or nullopt when none is left or the job is stopping
  /// after a failure. Thread-safe.
  std::optional<std::uint64_t> next();
  /// The calling thread's unit is done (counted on the root). Thread-safe.
  void done();
  /// The calling thread's unit failed with `error`: no more units are handed out anywhere;
  /// the units already running finish. Thread-safe.
  void fail(std::exception_ptr error);
  /// Waits until every process has run its last unit. When a unit failed, throws on every
  /// process: the error itself on one process (the process it happened on when that is the
  /// root or the only one; otherwise the root, with the process's number in the message) and
  /// ReportedElsewhere on the others.
  void finish();

 private:
  void serve();  // the root's dealer thread
  std::optional<std::uint64_t> take_locked();

  const Cluster& cluster_;
  std::function<void()> remote_done_;
  std::mutex mutex_;  // the list and the failure; elsewhere also serialises MPI calls
  std::vector<std::uint64_t> units_;
  std::size_t taken_ = 0;
  bool stopping_ = false;
  std::atomic<bool> exhausted_{false};  // elsewhere: the root said no more
  std::atomic<std::uint64_t> unreported_{0};
  // the first failure: where, its exit status and text, and the error itself when it is local
  int failed_rank_ = -1;
  int failed_status_ = 0;
  std::string failed_message_;
  std::exception_ptr failed_here_;
  std::thread server_;
  bool finished_ = false;
};

}  // namespace cli
