#include "sim/io/result_file.hpp"

#include <fcntl.h>
#include <hdf5.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <limits>
#include <string>
#include <system_error>
#include <vector>

#include "sim/engine/concat.hpp"
#include "sim/engine/errors.hpp"
#include "sim/io/detail/hdf5.hpp"

namespace sim::io {
namespace {

namespace fs = std::filesystem;
using detail::check_status;
using detail::Handle;
using detail::make_handle;

// format constants (docs/output-format.md)
constexpr std::int32_t kFormatVersion = 1;
constexpr unsigned kDeflateLevel = 4;
// at most 1 MiB of float64 per metric chunk, so huge agent counts still get sane chunks
constexpr hsize_t kMaxChunkValues = hsize_t{1} << 17;
constexpr hsize_t kMaxTableChunkRows = 4096;
constexpr world::MetricAxis kAxes[] = {world::MetricAxis::country, world::MetricAxis::agent,
                                       world::MetricAxis::product, world::MetricAxis::policy};

std::string errno_text(int error) {
  return std::error_code(error, std::generic_category()).message();
}

hsize_t to_hsize(std::size_t n) { return static_cast<hsize_t>(n); }

std::string metric_path(world::MetricAxis axis, const std::string& name) {
  return concat("/metrics/", world::axis_name(axis), "/", name);
}

/// A variable-length UTF-8 string type.
Handle vlen_string_type(const std::string& file, const std::string& object) {
  Handle type = make_handle(H5Tcopy(H5T_C_S1), H5Tclose, file, object, "create string type");
  check_status(H5Tset_size(type.get(), H5T_VARIABLE), file, object, "create string type");
  check_status(H5Tset_cset(type.get(), H5T_CSET_UTF8), file, object, "create string type");
  return type;
}

// table rows as they sit in memory; the file types are packed, little-endian
struct FlowRow {
  std::int32_t replicate;
  std::int32_t month;
  std::int32_t product;
  std::int32_t seller;
  std::int32_t buyer;
  std::int32_t origin;
  std::int32_t destination;
  double units;
  double value_usd;
  const char* channel;
};

struct EventRow {
  std::int32_t replicate;
  std::int32_t month;
  std::int32_t actor;
  const char* kind;
  const char* text;
};

/// One column of a compound table: its name, where it sits in the row struct, and its type in
/// memory and in the file.
struct Column {
  const char* name;
  std::size_t offset;
  hid_t mem_type;
  hid_t file_type;
};

std::vector<Column> flow_columns(hid_t string_type) {
  return {{"replicate", offsetof(FlowRow, replicate), H5T_NATIVE_INT32, H5T_STD_I32LE},
          {"month", offsetof(FlowRow, month), H5T_NATIVE_INT32, H5T_STD_I32LE},
          {"product", offsetof(FlowRow, product), H5T_NATIVE_INT32, H5T_STD_I32LE},
          {"seller", offsetof(FlowRow, seller), H5T_NATIVE_INT32, H5T_STD_I32LE},
          {"buyer", offsetof(FlowRow, buyer), H5T_NATIVE_INT32, H5T_STD_I32LE},
          {"origin", offsetof(FlowRow, origin), H5T_NATIVE_INT32, H5T_STD_I32LE},
          {"destination", offsetof(FlowRow, destination), H5T_NATIVE_INT32, H5T_STD_I32LE},
          {"units", offsetof(FlowRow, units), H5T_NATIVE_DOUBLE, H5T_IEEE_F64LE},
          {"value_usd", offsetof(FlowRow, value_usd), H5T_NATIVE_DOUBLE, H5T_IEEE_F64LE},
          {"channel", offsetof(FlowRow, channel), string_type, string_type}};
}

std::vector<Column> event_columns(hid_t string_type) {
  return {{"replicate", offsetof(EventRow, replicate), H5T_NATIVE_INT32, H5T_STD_I32LE},
          {"month", offsetof(EventRow, month), H5T_NATIVE_INT32, H5T_STD_I32LE},
          {"actor", offsetof(EventRow, actor), H5T_NATIVE_INT32, H5T_STD_I32LE},
          {"kind", offsetof(EventRow, kind), string_type, string_type},
          {"text", offsetof(EventRow, text), string_type, string_type}};
}

/// The compound type of a row struct of `row_size` bytes in memory.
Handle memory_row_type(const std::string& file, const std::string& object,
                       const std::vector<Column>& columns, std::size_t row_size) {
  Handle type = make_handle(H5Tcreate(H5T_COMPOUND, row_size), H5Tclose, file, object,
                            "create compound memory type");
  for (const Column& c : columns)
    check_status(H5Tinsert(type.get(), c.name, c.offset, c.mem_type), file, object,
                 concat("add column '", c.name, "' to memory type"));
  return type;
}

/// The packed (gap-free) compound type stored in the file.
Handle file_row_type(const std::string& file, const std::string& object,
                     const std::vector<Column>& columns) {
  std::size_t size = 0;
  for (const Column& c : columns) size += H5Tget_size(c.file_type);
  Handle type = make_handle(H5Tcreate(H5T_COMPOUND, size), H5Tclose, file, object,
                            "create compound file type");
  std::size_t offset = 0;
  for (const Column& c : columns) {
    check_status(H5Tinsert(type.get(), c.name, offset, c.file_type), file, object,
                 concat("add column '", c.name, "' to file type"));
    offset += H5Tget_size(c.file_type);
  }
  return type;
}

// ---------------------------------------------------------------------------------------------
// writing

/// Throws IoError unless the parallel arrays and metric blocks of `r` have consistent sizes, so
/// that a malformed RunResults is rejected before any file is touched.
void validate(const std::string& path, const world::RunResults& r) {
  const auto require_size = [&](const char* what, std::size_t got, std::size_t expected,
                                const char* expected_what) {
    if (got != expected)
      throw IoError(concat(path, ": cannot write results: ", what, " has ", got,
                           " entries, expected ", expected, " (one per ", expected_what, ")"));
  };
  require_size("country_blocs", r.country_blocs.size(), r.country_ids.size(), "country");
  require_size("agent_kinds", r.agent_kinds.size(), r.agent_ids.size(), "agent");
  require_size("agent_countries", r.agent_countries.size(), r.agent_ids.size(), "agent");
  require_size("product_tpp", r.product_tpp.size(), r.product_ids.size(), "product");
  require_size("product_h100e", r.product_h100e.size(), r.product_ids.size(), "product");
  if (r.replicates > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()))
    throw IoError(concat(path, ": cannot write results: replicates = ", r.replicates,
                         " does not fit the int64 attribute"));

  const std::size_t months = r.months.size();
  for (const world::Metric& m : r.metrics) {
    const std::string where = concat(path, ": metric ", metric_path(m.axis, m.name), ": ");
    if (m.name.empty() || m.name == "." || m.name == ".." || m.name.find('/') != std::string::npos)
      throw IoError(concat(where, "invalid name '", m.name,
                           "' (must be non-empty, not '.' or '..', without '/')"));
    if (m.values.size() != r.replicates)
      throw IoError(
          concat(where, "has ", m.values.size(), " replicate blocks, expected ", r.replicates));
    const std::size_t width = r.width(m.axis);
    for (std::size_t rep = 0; rep < m.values.size(); ++rep)
      if (m.values[rep].size() != months * width)
        throw IoError(concat(where, "replicate ", rep, " has ", m.values[rep].size(),
                             " values, expected ", months * width, " (", months, " months x ",
                             width, " ", world::axis_name(m.axis), " entries)"));
  }
}

/// Writes one HDF5 file. Every object it creates goes through here, so every failure becomes an
/// IoError naming the file (`label_`, the path the user asked for) and the object path.
class Writer {
 public:
  Writer(std::string label, hid_t file)
      : label_(std::move(label)), file_(file), string_type_(vlen_string_type(label_, "/")) {}

  void group(const std::string& path) {
    Handle gcpl = make_handle(H5Pcreate(H5P_GROUP_CREATE), H5Pclose, label_, path,
                              "create group property list");
    check_status(H5Pset_obj_track_times(gcpl.get(), false), label_, path, "disable times");
    // creation order is tracked and indexed so readers list metrics in the order written
    check_status(
        H5Pset_link_creation_order(gcpl.get(), H5P_CRT_ORDER_TRACKED | H5P_CRT_ORDER_INDEXED),
        label_, path, "enable link creation order");
    Handle g = make_handle(H5Gcreate2(file_, path.c_str(), H5P_DEFAULT, gcpl.get(), H5P_DEFAULT),
                           H5Gclose, label_, path, "create group");
    check_status(g.close(), label_, path, "close group");
  }

  void string_attribute(hid_t object, const std::string& object_path, const char* name,
                        const std::string& value) {
    const std::string where = concat(object_path, " attribute ", name);
    Handle space = make_handle(H5Screate(H5S_SCALAR), H5Sclose, label_, where, "create dataspace");
    Handle attr = make_handle(
        H5Acreate2(object, name, string_type_.get(), space.get(), H5P_DEFAULT, H5P_DEFAULT),
        H5Aclose, label_, where, "create attribute");
    const char* data = value.c_str();
    check_status(H5Awrite(attr.get(), string_type_.get(), &data), label_, where, "write attribute");
  }

  template <typename T>
  void number_attribute(hid_t object, const std::string& object_path, const char* name,
                        hid_t file_type, hid_t mem_type, T value) {
    const std::string where = concat(object_path, " attribute ", name);
    Handle space = make_handle(H5Screate(H5S_SCALAR), H5Sclose, label_, where, "create dataspace");
    Handle attr =
        make_handle(H5Acreate2(object, name, file_type, space.get(), H5P_DEFAULT, H5P_DEFAULT),
                    H5Aclose, label_, where, "create attribute");
    check_status(H5Awrite(attr.get(), mem_type, &value), label_, where, "write attribute");
  }

  void root_attributes(const world::RunResults& r) {
    Handle root =
        make_handle(H5Gopen2(file_, "/", H5P_DEFAULT), H5Gclose, label_, "/", "open root group");
    const hid_t g = root.get();
    number_attribute(g, "/", "format_version", H5T_STD_I32LE, H5T_NATIVE_INT32, kFormatVersion);
    string_attribute(g, "/", "chipsim_version", r.chipsim_version);
    string_attribute(g, "/", "scenario_name", r.scenario_name);
    number_attribute(g, "/", "seed", H5T_STD_U64LE, H5T_NATIVE_UINT64, r.seed);
    number_attribute(g, "/", "replicates", H5T_STD_I64LE, H5T_NATIVE_INT64,
                     static_cast<std::int64_t>(r.replicates));
    string_attribute(g, "/", "created_utc", r.created_utc);
    number_attribute(g, "/", "threads", H5T_STD_I64LE, H5T_NATIVE_INT64, r.threads);
  }

  /// A scalar variable-length UTF-8 string dataset.
  void string_scalar(const std::string& path, const std::string& value) {
    Handle space = make_handle(H5Screate(H5S_SCALAR), H5Sclose, label_, path, "create dataspace");
    Handle ds = create_dataset(path, string_type_.get(), space.get(), {});
    const char* data = value.c_str();
    check_status(H5Dwrite(ds.get(), string_type_.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, &data),
                 label_, path, "write dataset");
  }

  /// A 1-D variable-length UTF-8 string dataset with a `dims` attribute.
  void strings(const std::string& path, const std::vector<std::string>& values, const char* dims) {
    std::vector<const char*> data;
    data.reserve(values.size());
    for (const std::string& s : values) data.push_back(s.c_str());
    Handle ds = vector_dataset(path, string_type_.get(), values.size());
    if (!data.empty())
      check_status(
          H5Dwrite(ds.get(), string_type_.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, data.data()),
          label_, path, "write dataset");
    string_attribute(ds.get(), path, "dims", dims);
  }

  /// A 1-D float64 dataset with `dims` and `units` attributes.
  void doubles(const std::string& path, const std::vector<double>& values, const char* dims,
               const char* units) {
    Handle ds = vector_dataset(path, H5T_IEEE_F64LE, values.size());
    if (!values.empty())
      check_status(
          H5Dwrite(ds.get(), H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, values.data()),
          label_, path, "write dataset");
    string_attribute(ds.get(), path, "dims", dims);
    string_attribute(ds.get(), path, "units", units);
  }

  /// `/metrics/<axis>/<name>`: float64 [R, T, W], chunked [1, T', W'] and compressed.
  void metric(const world::Metric& m, hsize_t replicates, hsize_t months, hsize_t width) {
    const std::string path = metric_path(m.axis, m.name);
    // the replicate axis can grow (sweeps, appended replicates); a zero-length axis must be
    // extendible too, since a chunk dimension may not exceed a fixed extent
    const hsize_t dims[3] = {replicates, months, width};
    const hsize_t max_dims[3] = {H5S_UNLIMITED, months > 0 ? months : H5S_UNLIMITED,
                                 width > 0 ? width : H5S_UNLIMITED};
    const hsize_t chunk_width = std::clamp<hsize_t>(kMaxChunkValues / std::max<hsize_t>(months, 1),
                                                    1, std::max<hsize_t>(width, 1));
    const hsize_t chunk_months =
        std::clamp<hsize_t>(kMaxChunkValues / chunk_width, 1, std::max<hsize_t>(months, 1));
    Handle space = make_handle(H5Screate_simple(3, dims, max_dims), H5Sclose, label_, path,
                               "create dataspace");
    Handle ds = create_dataset(path, H5T_IEEE_F64LE, space.get(), {1, chunk_months, chunk_width});

    // one hyperslab per replicate: values are stored one block per replicate in memory
    const hsize_t block = months * width;
    if (block > 0) {
      Handle mem = make_handle(H5Screate_simple(1, &block, nullptr), H5Sclose, label_, path,
                               "create memory dataspace");
      for (hsize_t rep = 0; rep < replicates; ++rep) {
        const hsize_t start[3] = {rep, 0, 0};
        const hsize_t count[3] = {1, months, width};
        check_status(
            H5Sselect_hyperslab(space.get(), H5S_SELECT_SET, start, nullptr, count, nullptr),
            label_, path, "select replicate");
        check_status(H5Dwrite(ds.get(), H5T_NATIVE_DOUBLE, mem.get(), space.get(), H5P_DEFAULT,
                              m.values[static_cast<std::size_t>(rep)].data()),
                     label_, path, concat("write replicate ", rep));
      }
    }
    string_attribute(ds.get(), path, "dims", concat("replicate,month,", world::axis_name(m.axis)));
    string_attribute(ds.get(), path, "units", m.units);
    string_attribute(ds.get(), path, "description", m.description);
    string_attribute(ds.get(), path, "aggregation", m.level ? "level" : "flow");
  }

  void flows(const std::vector<world::FlowRecord>& flows) {
    const std::string path = "/trade/flows";
    std::vector<FlowRow> rows;
    rows.reserve(flows.size());
    for (const world::FlowRecord& f : flows)
      rows.push_back({f.replicate, f.month, f.product, f.seller, f.buyer, f.origin, f.destination,
                      f.units, f.value_usd, world::channel_name(f.channel)});
    Handle ds =
        table(path, flow_columns(string_type_.get()), rows.data(), sizeof(FlowRow), rows.size());
    string_attribute(ds.get(), path, "dims", "flow");
    string_attribute(ds.get(), path, "units", "units: chips; value_usd: USD");
    string_attribute(ds.get(), path, "description",
                     "one row per (replicate, month, product, seller, buyer, channel) with "
                     "non-zero units; month indexes /calendar/month, product /products/id, "
                     "seller and buyer /agents/id, origin and destination /countries/id; "
                     "channel is legal, licensed or diverted");
  }

  void events(const std::vector<world::EventRecord>& events) {
    const std::string path = "/events";
    std::vector<EventRow> rows;
    rows.reserve(events.size());
    for (const world::EventRecord& e : events)
      rows.push_back({e.replicate, e.month, e.actor, e.kind.c_str(), e.text.c_str()});
    Handle ds =
        table(path, event_columns(string_type_.get()), rows.data(), sizeof(EventRow), rows.size());
    string_attribute(ds.get(), path, "dims", "event");
    string_attribute(ds.get(), path, "description",
                     "policies enacted or repealed, deals, licence decisions, design-arounds "
                     "and write-downs; month indexes /calendar/month, actor /agents/id (-1: "
                     "none)");
  }

 private:
  /// Creates a dataset without modification times; `chunk` non-empty means chunked with
  /// shuffle + deflate.
  Handle create_dataset(const std::string& path, hid_t type, hid_t space,
                        const std::vector<hsize_t>& chunk) {
    Handle dcpl = make_handle(H5Pcreate(H5P_DATASET_CREATE), H5Pclose, label_, path,
                              "create dataset property list");
    check_status(H5Pset_obj_track_times(dcpl.get(), false), label_, path, "disable times");
    if (!chunk.empty()) {
      check_status(H5Pset_chunk(dcpl.get(), static_cast<int>(chunk.size()), chunk.data()), label_,
                   path, "set chunk size");
      check_status(H5Pset_shuffle(dcpl.get()), label_, path, "enable shuffle filter");
      check_status(H5Pset_deflate(dcpl.get(), kDeflateLevel), label_, path,
                   "enable deflate filter");
    }
    return make_handle(
        H5Dcreate2(file_, path.c_str(), type, space, H5P_DEFAULT, dcpl.get(), H5P_DEFAULT),
        H5Dclose, label_, path, "create dataset");
  }

  Handle vector_dataset(const std::string& path, hid_t type, std::size_t n) {
    const hsize_t dims = to_hsize(n);
    Handle space = make_handle(H5Screate_simple(1, &dims, nullptr), H5Sclose, label_, path,
                               "create dataspace");
    return create_dataset(path, type, space.get(), {});
  }

  /// A 1-D compound table, chunked, compressed and extendible (so zero rows is fine).
  Handle table(const std::string& path, const std::vector<Column>& columns, const void* rows,
               std::size_t row_size, std::size_t n) {
    Handle mem_type = memory_row_type(label_, path, columns, row_size);
    Handle file_type = file_row_type(label_, path, columns);
    const hsize_t dims = to_hsize(n);
    const hsize_t max_dims = H5S_UNLIMITED;
    Handle space = make_handle(H5Screate_simple(1, &dims, &max_dims), H5Sclose, label_, path,
                               "create dataspace");
    Handle ds = create_dataset(path, file_type.get(), space.get(),
                               {std::clamp<hsize_t>(dims, 1, kMaxTableChunkRows)});
    if (n > 0)
      check_status(H5Dwrite(ds.get(), mem_type.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, rows), label_,
                   path, "write dataset");
    return ds;
  }

  std::string label_;
  hid_t file_;
  Handle string_type_;
};

/// Writes the whole file at `temp_path`, flushed and closed. Errors name `path`.
void write_file(const std::string& path, const std::string& temp_path, const world::RunResults& r) {
  Handle fcpl =
      make_handle(H5Pcreate(H5P_FILE_CREATE), H5Pclose, path, "/", "create file property list");
  check_status(H5Pset_obj_track_times(fcpl.get(), false), path, "/", "disable times");
  Handle fapl = make_handle(H5Pcreate(H5P_FILE_ACCESS), H5Pclose, path, "/",
                            "create file access property list");
  // closing the file closes everything in it, so a failure never leaves the file open
  check_status(H5Pset_fclose_degree(fapl.get(), H5F_CLOSE_STRONG), path, "/",
               "set file close degree");
  const hid_t file_id = H5Fcreate(temp_path.c_str(), H5F_ACC_TRUNC, fcpl.get(), fapl.get());
  if (file_id < 0)
    detail::throw_hdf5_error(path, "/", concat("create temporary file '", temp_path, "'"));
  Handle file(file_id, H5Fclose);

  {
    Writer out(path, file.get());
    out.root_attributes(r);
    for (const char* g : {"/scenario", "/calendar", "/countries", "/agents", "/products",
                          "/metrics", "/metrics/country", "/metrics/agent", "/metrics/product",
                          "/metrics/policy", "/policies", "/trade"})
      out.group(g);
    out.string_scalar("/scenario/resolved_yaml", r.resolved_yaml);
    out.strings("/calendar/month", r.months, "month");
    out.strings("/countries/id", r.country_ids, "country");
    out.strings("/countries/bloc", r.country_blocs, "country");
    out.strings("/agents/id", r.agent_ids, "agent");
    out.strings("/agents/kind", r.agent_kinds, "agent");
    out.strings("/agents/country", r.agent_countries, "agent");
    out.strings("/products/id", r.product_ids, "product");
    out.doubles("/products/tpp", r.product_tpp, "product", "TPP");
    out.doubles("/products/h100e", r.product_h100e, "product", "H100-equivalents per chip");
    out.strings("/policies/id", r.policy_ids, "policy");
    for (const world::Metric& m : r.metrics)
      out.metric(m, to_hsize(r.replicates), to_hsize(r.months.size()), to_hsize(r.width(m.axis)));
    out.flows(r.flows);
    out.events(r.events);
  }

  check_status(H5Fflush(file.get(), H5F_SCOPE_GLOBAL), path, "/", "flush file");
  check_status(file.close(), path, "/", "close file");
}

/// fsyncs a file or directory. Directories are best-effort: some file systems refuse.
void sync_path(const std::string& label, const std::string& target, bool directory) {
  const int fd = ::open(target.c_str(), O_RDONLY | O_CLOEXEC | (directory ? O_DIRECTORY : 0));
  if (fd < 0) {
    if (directory) return;
    throw IoError(concat(label, ": cannot open '", target, "' to sync it: ", errno_text(errno)));
  }
  const int status = ::fsync(fd);
  const int error = errno;
  ::close(fd);
  if (status != 0 && !directory)
    throw IoError(concat(label, ": cannot sync '", target, "' to disk: ", errno_text(error)));
}

// ---------------------------------------------------------------------------------------------
// reading

/// Frees the strings HDF5 allocated for variable-length data read into `buffer`.
class VlenReclaimer {
 public:
  VlenReclaimer(hid_t type, hid_t space, void* buffer)
      : type_(type), space_(space), buffer_(buffer) {}
  VlenReclaimer(const VlenReclaimer&) = delete;
  VlenReclaimer& operator=(const VlenReclaimer&) = delete;
  ~VlenReclaimer() {
#if H5_VERSION_GE(1, 12, 0)
    static_cast<void>(H5Treclaim(type_, space_, H5P_DEFAULT, buffer_));
#else
    static_cast<void>(H5Dvlen_reclaim(type_, space_, H5P_DEFAULT, buffer_));
#endif
  }

 private:
  hid_t type_;
  hid_t space_;
  void* buffer_;
};

herr_t collect_link_name(hid_t /*group*/, const char* name, const H5L_info_t* /*info*/,
                         void* names) noexcept {
  try {
    static_cast<std::vector<std::string>*>(names)->emplace_back(name);
  } catch (...) {
    return -1;  // stops the iteration; H5Literate then fails
  }
  return 0;
}

/// Reads one HDF5 file; every failure becomes an IoError naming the file and object.
class Reader {
 public:
  Reader(std::string label, hid_t file) : label_(std::move(label)), file_(file) {}

  /// Whether every link on the absolute `path` exists.
  bool exists(const std::string& path) {
    std::size_t end = 0;
    while (end != std::string::npos) {
      end = path.find('/', end + 1);
      const std::string prefix = path.substr(0, end);
      const htri_t found = H5Lexists(file_, prefix.c_str(), H5P_DEFAULT);
      check_status(found, label_, prefix, "look up link");
      if (found == 0) return false;
    }
    return true;
  }

  Handle open_dataset(const std::string& path) {
    if (!exists(path))
      throw IoError(concat(label_, ": ", path,
                           ": missing dataset (not a chipsim result file, or a damaged one)"));
    return make_handle(H5Dopen2(file_, path.c_str(), H5P_DEFAULT), H5Dclose, label_, path,
                       "open dataset");
  }

  bool has_attribute(hid_t object, const std::string& object_path, const char* name) {
    const htri_t found = H5Aexists(object, name);
    check_status(found, label_, concat(object_path, " attribute ", name), "look up attribute");
    return found > 0;
  }

  Handle open_attribute(hid_t object, const std::string& object_path, const char* name) {
    const std::string where = concat(object_path, " attribute ", name);
    if (!has_attribute(object, object_path, name))
      throw IoError(concat(label_, ": ", where, ": missing attribute"));
    return make_handle(H5Aopen(object, name, H5P_DEFAULT), H5Aclose, label_, where,
                       "open attribute");
  }

  std::string string_attribute(hid_t object, const std::string& object_path, const char* name) {
    const std::string where = concat(object_path, " attribute ", name);
    Handle attr = open_attribute(object, object_path, name);
    Handle type = make_handle(H5Aget_type(attr.get()), H5Tclose, label_, where, "get type");
    Handle space = make_handle(H5Aget_space(attr.get()), H5Sclose, label_, where, "get dataspace");
    std::vector<std::string> values =
        read_strings(where, attr.get(), type.get(), space.get(), /*attribute=*/true);
    if (values.size() != 1)
      throw IoError(concat(label_, ": ", where, ": expected one string, found ", values.size()));
    return values.front();
  }

  /// The attribute if present, else "".
  std::string optional_string_attribute(hid_t object, const std::string& object_path,
                                        const char* name) {
    return has_attribute(object, object_path, name) ? string_attribute(object, object_path, name)
                                                    : std::string();
  }

  template <typename T>
  T integer_attribute(hid_t object, const std::string& object_path, const char* name,
                      hid_t mem_type) {
    const std::string where = concat(object_path, " attribute ", name);
    Handle attr = open_attribute(object, object_path, name);
    Handle type = make_handle(H5Aget_type(attr.get()), H5Tclose, label_, where, "get type");
    Handle space = make_handle(H5Aget_space(attr.get()), H5Sclose, label_, where, "get dataspace");
    if (H5Tget_class(type.get()) != H5T_INTEGER || H5Sget_simple_extent_npoints(space.get()) != 1)
      throw IoError(concat(label_, ": ", where, ": expected a scalar integer"));
    T value{};
    check_status(H5Aread(attr.get(), mem_type, &value), label_, where, "read attribute");
    return value;
  }

  /// A string dataset of rank `rank` (0: scalar, 1: vector).
  std::vector<std::string> strings(const std::string& path, int rank) {
    Handle ds = open_dataset(path);
    Handle type = make_handle(H5Dget_type(ds.get()), H5Tclose, label_, path, "get type");
    Handle space = make_handle(H5Dget_space(ds.get()), H5Sclose, label_, path, "get dataspace");
    require_rank(path, space.get(), rank);
    return read_strings(path, ds.get(), type.get(), space.get(), /*attribute=*/false);
  }

  std::vector<double> doubles(const std::string& path) {
    Handle ds = open_dataset(path);
    Handle space = make_handle(H5Dget_space(ds.get()), H5Sclose, label_, path, "get dataspace");
    require_rank(path, space.get(), 1);
    require_numeric(path, ds.get());
    std::vector<double> values(points(path, space.get()));
    if (!values.empty())
      check_status(
          H5Dread(ds.get(), H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, values.data()),
          label_, path, "read dataset");
    return values;
  }

  /// Names of the links in group `path`, in creation order when the group tracks it.
  std::vector<std::string> link_names(const std::string& path) {
    Handle group = make_handle(H5Gopen2(file_, path.c_str(), H5P_DEFAULT), H5Gclose, label_, path,
                               "open group");
    std::vector<std::string> names;
    hsize_t index = 0;
    if (H5Literate(group.get(), H5_INDEX_CRT_ORDER, H5_ITER_INC, &index, collect_link_name,
                   &names) >= 0)
      return names;
    // written by another tool without creation-order tracking: fall back to name order
    names.clear();
    index = 0;
    check_status(
        H5Literate(group.get(), H5_INDEX_NAME, H5_ITER_INC, &index, collect_link_name, &names),
        label_, path, "list group");
    return names;
  }

  void metrics(world::RunResults& r) {
    if (!exists("/metrics"))
      throw IoError(concat(label_, ": /metrics: missing group (not a chipsim result file)"));
    for (const world::MetricAxis axis : kAxes) {
      const std::string group = concat("/metrics/", world::axis_name(axis));
      if (!exists(group)) continue;
      for (const std::string& name : link_names(group)) {
        const std::string path = metric_path(axis, name);
        Handle object = make_handle(H5Oopen(file_, path.c_str(), H5P_DEFAULT), H5Oclose, label_,
                                    path, "open object");
        if (H5Iget_type(object.get()) != H5I_DATASET) continue;  // not ours: leave it alone
        r.metrics.push_back(metric(object.get(), path, axis, name, r));
      }
    }
  }

  world::Metric metric(hid_t ds, const std::string& path, world::MetricAxis axis,
                       const std::string& name, const world::RunResults& r) {
    Handle space = make_handle(H5Dget_space(ds), H5Sclose, label_, path, "get dataspace");
    require_rank(path, space.get(), 3);
    require_numeric(path, ds);
    hsize_t dims[3] = {0, 0, 0};
    check_status(H5Sget_simple_extent_dims(space.get(), dims, nullptr), label_, path,
                 "get dimensions");
    const hsize_t expected[3] = {to_hsize(r.replicates), to_hsize(r.months.size()),
                                 to_hsize(r.width(axis))};
    if (dims[0] != expected[0] || dims[1] != expected[1] || dims[2] != expected[2])
      throw IoError(concat(label_, ": ", path, ": shape [", dims[0], ", ", dims[1], ", ", dims[2],
                           "] does not match [replicates, months, ", world::axis_name(axis),
                           "] = [", expected[0], ", ", expected[1], ", ", expected[2], "]"));

    world::Metric m;
    m.axis = axis;
    m.name = name;
    m.units = optional_string_attribute(ds, path, "units");
    m.description = optional_string_attribute(ds, path, "description");
    m.level = optional_string_attribute(ds, path, "aggregation") == "level";
    const hsize_t block = dims[1] * dims[2];
    m.values.assign(static_cast<std::size_t>(dims[0]),
                    std::vector<double>(static_cast<std::size_t>(block)));
    if (block == 0) return m;
    Handle mem = make_handle(H5Screate_simple(1, &block, nullptr), H5Sclose, label_, path,
                             "create memory dataspace");
    for (hsize_t rep = 0; rep < dims[0]; ++rep) {
      const hsize_t start[3] = {rep, 0, 0};
      const hsize_t count[3] = {1, dims[1], dims[2]};
      check_status(H5Sselect_hyperslab(space.get(), H5S_SELECT_SET, start, nullptr, count, nullptr),
                   label_, path, "select replicate");
      check_status(H5Dread(ds, H5T_NATIVE_DOUBLE, mem.get(), space.get(), H5P_DEFAULT,
                           m.values[static_cast<std::size_t>(rep)].data()),
                   label_, path, concat("read replicate ", rep));
    }
    return m;
  }

  std::vector<world::FlowRecord> flows() {
    const std::string path = "/trade/flows";
    Handle string_type = vlen_string_type(label_, path);
    std::vector<world::FlowRecord> flows;
    read_table<FlowRow>(path, flow_columns(string_type.get()),
                        [&](const std::vector<FlowRow>& rows) {
                          flows.reserve(rows.size());
                          for (std::size_t i = 0; i < rows.size(); ++i) {
                            const FlowRow& row = rows[i];
                            world::FlowRecord f;
                            f.replicate = row.replicate;
                            f.month = row.month;
                            f.product = row.product;
                            f.seller = row.seller;
                            f.buyer = row.buyer;
                            f.origin = row.origin;
                            f.destination = row.destination;
                            f.units = row.units;
                            f.value_usd = row.value_usd;
                            f.channel = channel(path, i, row.channel);
                            flows.push_back(f);
                          }
                        });
    return flows;
  }

  std::vector<world::EventRecord> events() {
    const std::string path = "/events";
    Handle string_type = vlen_string_type(label_, path);
    std::vector<world::EventRecord> events;
    read_table<EventRow>(path, event_columns(string_type.get()),
                         [&](const std::vector<EventRow>& rows) {
                           events.reserve(rows.size());
                           for (const EventRow& row : rows) {
                             world::EventRecord e;
                             e.replicate = row.replicate;
                             e.month = row.month;
                             e.actor = row.actor;
                             e.kind = row.kind != nullptr ? row.kind : "";
                             e.text = row.text != nullptr ? row.text : "";
                             events.push_back(std::move(e));
                           }
                         });
    return events;
  }

 private:
  void require_rank(const std::string& path, hid_t space, int rank) {
    const int found = H5Sget_simple_extent_ndims(space);
    check_status(found, label_, path, "get rank");
    if (found != rank)
      throw IoError(
          concat(label_, ": ", path, ": expected ", rank, " dimension(s), found ", found));
  }

  void require_numeric(const std::string& path, hid_t ds) {
    Handle type = make_handle(H5Dget_type(ds), H5Tclose, label_, path, "get type");
    const H5T_class_t type_class = H5Tget_class(type.get());
    if (type_class != H5T_FLOAT && type_class != H5T_INTEGER)
      throw IoError(concat(label_, ": ", path, ": expected numbers"));
  }

  std::size_t points(const std::string& path, hid_t space) {
    const hssize_t n = H5Sget_simple_extent_npoints(space);
    if (n < 0) detail::throw_hdf5_error(label_, path, "count elements");
    return static_cast<std::size_t>(n);
  }

  /// Strings from a dataset or attribute, variable-length or fixed-length.
  std::vector<std::string> read_strings(const std::string& where, hid_t object, hid_t file_type,
                                        hid_t space, bool attribute) {
    if (H5Tget_class(file_type) != H5T_STRING)
      throw IoError(concat(label_, ": ", where, ": expected strings"));
    const std::size_t n = points(where, space);
    const H5T_cset_t cset = H5Tget_cset(file_type);
    const htri_t variable = H5Tis_variable_str(file_type);
    check_status(variable, label_, where, "inspect string type");
    const auto read = [&](hid_t mem_type, void* buffer) {
      const herr_t status = attribute
                                ? H5Aread(object, mem_type, buffer)
                                : H5Dread(object, mem_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, buffer);
      check_status(status, label_, where, "read strings");
    };
    std::vector<std::string> values;
    values.reserve(n);
    if (n == 0) return values;

    if (variable > 0) {
      Handle mem_type = vlen_string_type(label_, where);
      check_status(H5Tset_cset(mem_type.get(), cset), label_, where, "create string type");
      std::vector<char*> buffer(n, nullptr);
      const VlenReclaimer reclaim(mem_type.get(), space, buffer.data());
      read(mem_type.get(), buffer.data());
      for (const char* s : buffer) values.emplace_back(s != nullptr ? s : "");
      return values;
    }
    // fixed-length strings (not written by chipsim, but h5py and others may)
    const std::size_t size = H5Tget_size(file_type);
    const H5T_str_t pad = H5Tget_strpad(file_type);
    Handle mem_type = make_handle(H5Tcopy(file_type), H5Tclose, label_, where, "copy type");
    std::vector<char> buffer(n * size);
    read(mem_type.get(), buffer.data());
    for (std::size_t i = 0; i < n; ++i) {
      const char* begin = buffer.data() + i * size;
      std::string s(begin, std::find(begin, begin + size, '\0'));
      if (pad == H5T_STR_SPACEPAD) s.erase(s.find_last_not_of(' ') + 1);
      values.push_back(std::move(s));
    }
    return values;
  }

  world::Channel channel(const std::string& path, std::size_t row, const char* name) {
    const std::string text = name != nullptr ? name : "";
    for (const world::Channel c :
         {world::Channel::legal, world::Channel::licensed, world::Channel::diverted})
      if (text == world::channel_name(c)) return c;
    throw IoError(concat(label_, ": ", path, ": row ", row, ": unknown channel '", text,
                         "' (expected legal, licensed or diverted)"));
  }

  /// Reads every row of the 1-D compound table at `path` into `Row` (strings as char*) and hands
  /// them to `use` while HDF5's string buffers are still alive; frees them afterwards.
  template <typename Row, typename Use>
  void read_table(const std::string& path, const std::vector<Column>& columns, Use use) {
    Handle ds = open_dataset(path);
    Handle file_type = make_handle(H5Dget_type(ds.get()), H5Tclose, label_, path, "get type");
    if (H5Tget_class(file_type.get()) != H5T_COMPOUND)
      throw IoError(concat(label_, ": ", path, ": expected a compound table"));
    // HDF5 matches columns by name and silently skips missing ones, so check them all
    for (const Column& c : columns)
      if (H5Tget_member_index(file_type.get(), c.name) < 0)
        throw IoError(concat(label_, ": ", path, ": missing column '", c.name, "'"));
    Handle space = make_handle(H5Dget_space(ds.get()), H5Sclose, label_, path, "get dataspace");
    require_rank(path, space.get(), 1);
    std::vector<Row> rows(points(path, space.get()));
    if (rows.empty()) {
      use(rows);
      return;
    }
    Handle mem_type = memory_row_type(label_, path, columns, sizeof(Row));
    // rows start zeroed (null strings), so the reclaimer is safe even if the read fails midway
    const VlenReclaimer reclaim(mem_type.get(), space.get(), rows.data());
    check_status(H5Dread(ds.get(), mem_type.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, rows.data()),
                 label_, path, "read table");
    use(rows);
  }

  std::string label_;
  hid_t file_;
};

}  // namespace

void write_results(const std::string& path, const world::RunResults& results) {
  if (path.empty()) throw IoError("cannot write results: empty file name");
  validate(path, results);

  const fs::path target(path);
  const std::string directory =
      target.has_parent_path() ? target.parent_path().string() : std::string(".");
  std::error_code ec;
  if (!fs::is_directory(directory, ec))
    throw IoError(
        concat(path, ": cannot write results: directory '", directory, "' does not exist"));
  if (fs::is_directory(target, ec))
    throw IoError(concat(path, ": cannot write results: a directory of that name exists"));

  // same folder, so the rename is atomic; the project .gitignore ignores *.h5.tmp*
  const std::string temp_path = concat(path, ".tmp.", ::getpid());
  try {
    {
      const std::lock_guard lock(detail::library_mutex());
      const detail::SilenceErrorPrinting silence;
      write_file(path, temp_path, results);
    }
    sync_path(path, temp_path, /*directory=*/false);
    if (std::rename(temp_path.c_str(), path.c_str()) != 0)
      throw IoError(concat(path, ": cannot rename temporary file '", temp_path,
                           "' into place: ", errno_text(errno)));
  } catch (...) {
    fs::remove(temp_path, ec);  // best effort; the original error is what matters
    throw;
  }
  // make the rename itself durable
  sync_path(path, directory, /*directory=*/true);
}

world::RunResults read_results(const std::string& path) {
  const std::lock_guard lock(detail::library_mutex());
  const detail::SilenceErrorPrinting silence;
  std::error_code ec;
  if (!fs::exists(path, ec)) throw IoError(concat(path, ": cannot read results: no such file"));
  const htri_t is_hdf5 = H5Fis_hdf5(path.c_str());
  if (is_hdf5 == 0) throw IoError(concat(path, ": not a chipsim result file (not an HDF5 file)"));
  check_status(is_hdf5, path, "/", "check file signature");
  Handle file = make_handle(H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), H5Fclose, path, "/",
                            "open file");
  Handle root =
      make_handle(H5Gopen2(file.get(), "/", H5P_DEFAULT), H5Gclose, path, "/", "open root group");
  Reader in(path, file.get());

  world::RunResults r;
  const hid_t g = root.get();
  if (!in.has_attribute(g, "/", "format_version"))
    throw IoError(concat(path, ": not a chipsim result file (no root attribute format_version)"));
  const auto version =
      in.integer_attribute<std::int64_t>(g, "/", "format_version", H5T_NATIVE_INT64);
  if (version != kFormatVersion)
    throw IoError(concat(path, ": unsupported result format_version ", version,
                         " (this chipsim reads version ", kFormatVersion, ")"));
  r.chipsim_version = in.string_attribute(g, "/", "chipsim_version");
  r.scenario_name = in.string_attribute(g, "/", "scenario_name");
  r.seed = in.integer_attribute<std::uint64_t>(g, "/", "seed", H5T_NATIVE_UINT64);
  const auto replicates =
      in.integer_attribute<std::int64_t>(g, "/", "replicates", H5T_NATIVE_INT64);
  if (replicates < 0)
    throw IoError(concat(path, ": / attribute replicates: negative value ", replicates));
  r.replicates = static_cast<std::uint64_t>(replicates);
  r.created_utc = in.string_attribute(g, "/", "created_utc");
  if (in.has_attribute(g, "/", "threads"))
    r.threads = in.integer_attribute<std::int64_t>(g, "/", "threads", H5T_NATIVE_INT64);

  r.resolved_yaml = in.strings("/scenario/resolved_yaml", 0).front();
  r.months = in.strings("/calendar/month", 1);
  r.country_ids = in.strings("/countries/id", 1);
  r.country_blocs = in.strings("/countries/bloc", 1);
  r.agent_ids = in.strings("/agents/id", 1);
  r.agent_kinds = in.strings("/agents/kind", 1);
  r.agent_countries = in.strings("/agents/country", 1);
  r.product_ids = in.strings("/products/id", 1);
  r.product_tpp = in.doubles("/products/tpp");
  r.product_h100e = in.doubles("/products/h100e");
  if (in.exists("/policies/id")) r.policy_ids = in.strings("/policies/id", 1);
  in.metrics(r);
  r.flows = in.flows();
  r.events = in.events();
  return r;
}

}  // namespace sim::io
