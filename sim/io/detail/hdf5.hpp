#pragma once

// RAII wrappers and error handling for the HDF5 C API. Private to sim::io: nothing outside
// sim/io includes this header (STYLE.md section 2: HDF5 types stay inside sim::io).

#include <hdf5.h>

#include <cstddef>
#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "sim/engine/concat.hpp"
#include "sim/engine/errors.hpp"

namespace sim::io::detail {

/// Debian's libhdf5 is built without its thread-safety option, so every use of the library in
/// the process (sweeps write results from several threads) holds this lock.
///
/// The first call also tells HDF5 not to clean up at process exit: a file whose last flush
/// failed (a full disk) stays open inside the library, and HDF5 1.10's exit-time cleanup
/// crashes on it. Every file chipsim opens is closed by its Handle; nothing is lost.
inline std::mutex& library_mutex() {
  static const bool no_cleanup_at_exit = H5dont_atexit() >= 0;
  static_cast<void>(no_cleanup_at_exit);
  static std::mutex mutex;
  return mutex;
}

/// Closes one kind of HDF5 identifier (H5Fclose, H5Dclose, ...).
using Closer = herr_t (*)(hid_t);

/// Owns one HDF5 identifier and closes it on destruction. Move-only.
class Handle {
 public:
  Handle() = default;
  /// Takes ownership of `id` (which must be valid), to be released with `closer`.
  Handle(hid_t id, Closer closer) noexcept : id_(id), close_(closer) {}
  Handle(Handle&& other) noexcept
      : id_(std::exchange(other.id_, H5I_INVALID_HID)), close_(other.close_) {}
  Handle& operator=(Handle&& other) noexcept {
    if (this != &other) {
      reset();
      id_ = std::exchange(other.id_, H5I_INVALID_HID);
      close_ = other.close_;
    }
    return *this;
  }
  Handle(const Handle&) = delete;
  Handle& operator=(const Handle&) = delete;
  ~Handle() { reset(); }

  /// The identifier, still owned by this handle.
  hid_t get() const noexcept { return id_; }

  /// Closes the identifier now and returns the close function's status (negative on failure),
  /// so callers can check closes that matter (H5Fclose). Closing an empty handle returns 0.
  herr_t close() noexcept {
    herr_t status = 0;
    if (id_ >= 0 && close_ != nullptr) status = close_(id_);
    id_ = H5I_INVALID_HID;
    return status;
  }

 private:
  void reset() noexcept { static_cast<void>(close()); }

  hid_t id_ = H5I_INVALID_HID;
  Closer close_ = nullptr;
};

/// HDF5's error stack for the calling thread, formatted as H5Eprint2 prints it, or "" when
/// empty. Call right after the failing HDF5 call: the next API call clears the stack.
inline std::string error_stack_text() {
  char* buffer = nullptr;
  std::size_t size = 0;
  std::FILE* stream = open_memstream(&buffer, &size);
  if (stream == nullptr) return {};
  static_cast<void>(H5Eprint2(H5E_DEFAULT, stream));
  std::fclose(stream);
  std::string text = buffer != nullptr ? std::string(buffer, size) : std::string();
  std::free(buffer);  // NOLINT(cppcoreguidelines-no-malloc): open_memstream allocates with malloc
  while (!text.empty() && text.back() == '\n') text.pop_back();
  return text;
}

/// Why the last HDF5 call failed, in a few words: the operating system's message when the
/// library reports one (e.g. "No space left on device"), else the description of the most
/// specific error on HDF5's stack (e.g. "name already exists"), else "". Call right after the
/// failing call: the next API call clears the stack.
inline std::string error_reason() {
  std::vector<std::string> descriptions;  // most specific first
  const auto collect = [](unsigned /*n*/, const H5E_error2_t* e, void* data) -> herr_t {
    if (e != nullptr && e->desc != nullptr)
      static_cast<std::vector<std::string>*>(data)->emplace_back(e->desc);
    return 0;
  };
  static_cast<void>(H5Ewalk2(H5E_DEFAULT, H5E_WALK_UPWARD, collect, &descriptions));
  for (const std::string& d : descriptions) {
    const std::string key = "error message = '";
    const auto begin = d.find(key);
    if (begin == std::string::npos) continue;
    const auto end = d.find('\'', begin + key.size());
    if (end != std::string::npos) return d.substr(begin + key.size(), end - begin - key.size());
  }
  return descriptions.empty() ? std::string() : descriptions.front();
}

/// Throws IoError "<file>: <object>: cannot <action>: <reason>". The full HDF5 error stack is
/// printed to stderr as well when CHIPSIM_HDF5_ERRORS is set, for bug reports.
/// @throws IoError always.
[[noreturn]] inline void throw_hdf5_error(const std::string& file, const std::string& object,
                                          const std::string& action) {
  if (std::getenv("CHIPSIM_HDF5_ERRORS") != nullptr)
    std::fprintf(stderr, "%s\n", error_stack_text().c_str());
  const std::string reason = error_reason();
  throw IoError(
      concat(file, ": ", object, ": cannot ", action, reason.empty() ? "" : ": ", reason));
}

/// Wraps a freshly returned identifier, throwing if HDF5 reported failure (negative id).
/// @throws IoError naming `file`, `object` and `action`, with HDF5's error stack.
inline Handle make_handle(hid_t id, Closer closer, const std::string& file,
                          const std::string& object, const std::string& action) {
  if (id < 0) throw_hdf5_error(file, object, action);
  return {id, closer};
}

/// Throws if an HDF5 call returned a negative herr_t (or htri_t).
/// @throws IoError naming `file`, `object` and `action`, with HDF5's error stack.
inline void check_status(herr_t status, const std::string& file, const std::string& object,
                         const std::string& action) {
  if (status < 0) throw_hdf5_error(file, object, action);
}

/// Switches off HDF5's automatic printing of error stacks to stderr for its lifetime (errors
/// are reported through IoError instead) and restores the previous setting afterwards.
class SilenceErrorPrinting {
 public:
  // saved_ is declared after func_ and data_, which H5Eget_auto2 fills in
  SilenceErrorPrinting() noexcept : saved_(H5Eget_auto2(H5E_DEFAULT, &func_, &data_) >= 0) {
    static_cast<void>(H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr));
  }
  SilenceErrorPrinting(const SilenceErrorPrinting&) = delete;
  SilenceErrorPrinting& operator=(const SilenceErrorPrinting&) = delete;
  ~SilenceErrorPrinting() {
    if (saved_) static_cast<void>(H5Eset_auto2(H5E_DEFAULT, func_, data_));
  }

 private:
  H5E_auto2_t func_ = nullptr;
  void* data_ = nullptr;
  bool saved_ = false;
};

}  // namespace sim::io::detail
