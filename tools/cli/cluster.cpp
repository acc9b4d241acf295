#include "tools/cli/cluster.hpp"

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <span>
#include <utility>

#include "sim/engine/concat.hpp"
#include "sim/engine/errors.hpp"

#ifdef CHIPSIM_MPI
#include <mpi.h>
#endif

namespace cli {
namespace {

#ifdef CHIPSIM_MPI
// The dealer's messages, all on MPI_COMM_WORLD between a process and the root.
enum Tag : int {
  kRequest = 1,  // process -> root: uint64, units finished since the last message; wants a unit
  kUnit = 2,     // root -> process: uint64, the unit, or kNone
  kFailure = 3,  // process -> root: int32 exit status, then the error's text
  kDone = 4,     // process -> root: uint64, units finished since the last message; no more
};
constexpr std::uint64_t kNone = std::numeric_limits<std::uint64_t>::max();

/// Whether a launcher started this process as part of an MPI job: Open MPI's mpirun sets
/// OMPI_COMM_WORLD_SIZE, PMIx launchers (srun --mpi=pmix, Open MPI 5) PMIX_RANK, MPICH's and
/// Slurm's PMI PMI_RANK. Without one, chipsim does not start MPI at all.
bool launched_by_mpi() {
  constexpr std::array kNames = {"OMPI_COMM_WORLD_SIZE", "PMIX_RANK", "PMI_RANK"};
  return std::ranges::any_of(kNames, [](const char* name) {
    return std::getenv(name) != nullptr;  // NOLINT(concurrency-mt-unsafe): before any thread
  });
}

/// Waits for a message polling, not spinning: Open MPI's blocking receive busy-waits, which
/// would take a core from the simulation on a machine where every core runs one.
void receive(void* data, int count, MPI_Datatype type, int source, int tag) {
  MPI_Request request = MPI_REQUEST_NULL;
  MPI_Irecv(data, count, type, source, tag, MPI_COMM_WORLD, &request);
  auto pause = std::chrono::microseconds(10);
  for (int done = 0; done == 0;) {
    MPI_Test(&request, &done, MPI_STATUS_IGNORE);
    if (done != 0) break;
    std::this_thread::sleep_for(pause);
    pause = std::min(pause * 2, std::chrono::microseconds(500));
  }
  MPI_Wait(&request, MPI_STATUS_IGNORE);  // complete already: returns at once
}
#endif

std::string message_of(const std::exception_ptr& error) {
  try {
    std::rethrow_exception(error);
  } catch (const std::exception& e) {
    return e.what();
  } catch (...) {
    return "unknown error";
  }
}

}  // namespace

int exit_status_of(const std::exception_ptr& error) {
  try {
    std::rethrow_exception(error);
  } catch (const sim::ConfigError&) {
    return 2;
  } catch (const ReportedElsewhere& e) {
    return e.status();
  } catch (...) {
    return 1;
  }
}

// ---------------------------------------------------------------------------------------------
// Cluster

Cluster::Cluster([[maybe_unused]] int& argc, [[maybe_unused]] char**& argv) {
#ifdef CHIPSIM_MPI
  if (!launched_by_mpi()) return;
  // a process calls MPI from one thread at a time: the dealer's (root) or a locked worker's
  int provided = MPI_THREAD_SINGLE;
  if (MPI_Init_thread(&argc, &argv, MPI_THREAD_SERIALIZED, &provided) != MPI_SUCCESS)
    throw sim::Error("MPI: cannot start (MPI_Init_thread failed)");
  started_ = true;
  if (provided < MPI_THREAD_SERIALIZED)
    throw sim::Error("MPI: this MPI library does not support MPI_THREAD_SERIALIZED");
  MPI_Comm_rank(MPI_COMM_WORLD, &rank_);
  MPI_Comm_size(MPI_COMM_WORLD, &size_);
  MPI_Comm local = MPI_COMM_NULL;
  MPI_Comm_split_type(MPI_COMM_WORLD, MPI_COMM_TYPE_SHARED, 0, MPI_INFO_NULL, &local);
  MPI_Comm_size(local, &local_size_);
  MPI_Comm_free(&local);
#endif
}

Cluster::~Cluster() {
#ifdef CHIPSIM_MPI
  if (started_) MPI_Finalize();
#endif
}

void Cluster::agree(const std::exception_ptr& error) const {
  if (!distributed()) {
    if (error) std::rethrow_exception(error);
    return;
  }
#ifdef CHIPSIM_MPI
  const int mine = error ? rank_ : size_;
  int first = size_;
  MPI_Allreduce(&mine, &first, 1, MPI_INT, MPI_MIN, MPI_COMM_WORLD);
  if (first == size_) return;
  int status = error ? exit_status_of(error) : 0;
  MPI_Bcast(&status, 1, MPI_INT, first, MPI_COMM_WORLD);
  if (rank_ == first) std::rethrow_exception(error);
  throw ReportedElsewhere(status);
#endif
}

void Cluster::broadcast([[maybe_unused]] std::string& text) const {
#ifdef CHIPSIM_MPI
  if (!distributed()) return;
  auto length = static_cast<std::uint64_t>(text.size());
  MPI_Bcast(&length, 1, MPI_UINT64_T, 0, MPI_COMM_WORLD);
  text.resize(length);
  // in pieces: MPI counts are int
  constexpr std::uint64_t kPiece = 1U << 30U;
  for (std::uint64_t at = 0; at < length; at += kPiece)
    MPI_Bcast(std::span<char>(text).subspan(at).data(),
              static_cast<int>(std::min(kPiece, length - at)), MPI_CHAR, 0, MPI_COMM_WORLD);
#endif
}

// ---------------------------------------------------------------------------------------------
// UnitDealer

UnitDealer::UnitDealer(const Cluster& cluster, std::vector<std::uint64_t> units,
                       std::function<void()> remote_done)
    : cluster_(cluster), remote_done_(std::move(remote_done)) {
  if (cluster_.root()) units_ = std::move(units);
#ifdef CHIPSIM_MPI
  if (cluster_.root() && cluster_.distributed()) server_ = std::thread([this] { serve(); });
#endif
}

UnitDealer::~UnitDealer() {
  if (finished_ || !cluster_.distributed()) return;
#ifdef CHIPSIM_MPI
  // only an error outside the units gets here: the other processes would wait for this one
  // for ever, so the job stops
  MPI_Abort(MPI_COMM_WORLD, 1);
#endif
  if (server_.joinable()) server_.join();
}

std::optional<std::uint64_t> UnitDealer::take_locked() {
  if (stopping_ || taken_ == units_.size()) return std::nullopt;
  return units_[taken_++];
}

std::optional<std::uint64_t> UnitDealer::next() {
  if (cluster_.root()) {
    const std::lock_guard lock(mutex_);
    return take_locked();
  }
  if (exhausted_) return std::nullopt;
#ifdef CHIPSIM_MPI
  const std::lock_guard lock(mutex_);
  if (exhausted_) return std::nullopt;
  std::uint64_t report = unreported_.exchange(0);
  MPI_Send(&report, 1, MPI_UINT64_T, 0, kRequest, MPI_COMM_WORLD);
  std::uint64_t unit = kNone;
  receive(&unit, 1, MPI_UINT64_T, 0, kUnit);
  if (unit != kNone) return unit;
  exhausted_ = true;
#endif
  return std::nullopt;
}

void UnitDealer::done() {
  if (!cluster_.root()) ++unreported_;
}

void UnitDealer::fail(std::exception_ptr error) {
  const std::lock_guard lock(mutex_);
  if (cluster_.root()) {
    stopping_ = true;
    if (failed_rank_ >= 0) return;
    failed_rank_ = 0;
    failed_status_ = exit_status_of(error);
    failed_message_ = message_of(error);
    failed_here_ = std::move(error);
    return;
  }
  exhausted_ = true;
  if (failed_here_) return;
  failed_here_ = error;
#ifdef CHIPSIM_MPI
  const std::int32_t status = exit_status_of(error);
  std::string message(sizeof status, '\0');
  std::memcpy(message.data(), &status, sizeof status);
  message += message_of(error);
  MPI_Send(message.data(), static_cast<int>(message.size()), MPI_BYTE, 0, kFailure, MPI_COMM_WORLD);
#endif
}

#ifdef CHIPSIM_MPI
void UnitDealer::serve() {
  const auto report = [this](std::uint64_t n) {
    if (remote_done_)
      for (std::uint64_t i = 0; i < n; ++i) remote_done_();
  };
  auto pause = std::chrono::microseconds(10);
  for (int running = cluster_.size() - 1; running > 0;) {
    int found = 0;
    MPI_Status status;
    MPI_Iprobe(MPI_ANY_SOURCE, MPI_ANY_TAG, MPI_COMM_WORLD, &found, &status);
    if (found == 0) {
      std::this_thread::sleep_for(pause);
      pause = std::min(pause * 2, std::chrono::microseconds(1000));
      continue;
    }
    pause = std::chrono::microseconds(10);
    const int source = status.MPI_SOURCE;
    if (status.MPI_TAG == kFailure) {
      int bytes = 0;
      MPI_Get_count(&status, MPI_BYTE, &bytes);
      std::string message(static_cast<std::size_t>(bytes), '\0');
      MPI_Recv(message.data(), bytes, MPI_BYTE, source, kFailure, MPI_COMM_WORLD,
               MPI_STATUS_IGNORE);
      std::int32_t code = 1;
      if (message.size() >= sizeof code) std::memcpy(&code, message.data(), sizeof code);
      const std::lock_guard lock(mutex_);
      stopping_ = true;
      if (failed_rank_ < 0) {
        failed_rank_ = source;
        failed_status_ = code;
        failed_message_ = message.substr(std::min(message.size(), sizeof code));
      }
      continue;
    }
    std::uint64_t finished = 0;
    MPI_Recv(&finished, 1, MPI_UINT64_T, source, status.MPI_TAG, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
    report(finished);
    if (status.MPI_TAG == kDone) {
      --running;
      continue;
    }
    std::uint64_t unit = kNone;
    {
      const std::lock_guard lock(mutex_);
      unit = take_locked().value_or(kNone);
    }
    MPI_Send(&unit, 1, MPI_UINT64_T, source, kUnit, MPI_COMM_WORLD);
  }
}
#else
void UnitDealer::serve() {}
#endif

void UnitDealer::finish() {
  finished_ = true;
#ifdef CHIPSIM_MPI
  if (cluster_.distributed()) {
    if (cluster_.root()) {
      server_.join();
    } else {
      std::uint64_t report = unreported_.exchange(0);
      MPI_Send(&report, 1, MPI_UINT64_T, 0, kDone, MPI_COMM_WORLD);
    }
    std::array<int, 2> failure{failed_rank_, failed_status_};
    MPI_Bcast(failure.data(), 2, MPI_INT, 0, MPI_COMM_WORLD);
    failed_rank_ = failure[0];
    failed_status_ = failure[1];
  }
#endif
  if (failed_rank_ < 0) return;
  if (!cluster_.root()) throw ReportedElsewhere(failed_status_);
  if (failed_rank_ == 0) std::rethrow_exception(failed_here_);
  const std::string where =
      sim::concat("process ", failed_rank_, " of ", cluster_.size(), ": ", failed_message_);
  if (failed_status_ == 2) throw sim::ConfigError(where);
  throw sim::Error(where);
}

}  // namespace cli
