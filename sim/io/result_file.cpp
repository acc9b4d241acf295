#include "sim/io/result_file.hpp"

#include <fcntl.h>
#include <hdf5.h>
#include <tbb/blocked_range.h>
#include <tbb/global_control.h>
#include <tbb/task_arena.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <bit>
#include <cerrno>
#include <charconv>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <deque>
#include <filesystem>
#include <limits>
#include <memory>
#include <mutex>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

#include "sim/engine/concat.hpp"
#include "sim/engine/errors.hpp"
#include "sim/engine/parallel.hpp"
#include "sim/io/detail/chunk_filters.hpp"
#include "sim/io/detail/hdf5.hpp"
#include "sim/world/simulation.hpp"

namespace sim::io {
namespace {

namespace fs = std::filesystem;
using detail::check_status;
using detail::Handle;
using detail::make_handle;

// format constants (docs/output-format.md)
// version 2: /trade/flows `channel` is a fixed-length string (version 1, still read: variable
// length, one global-heap object per row, which was most of the file and a quarter of the write)
constexpr std::int32_t kFormatVersion = 2;
constexpr std::int32_t kOldestReadableVersion = 1;
// `channel` of /trade/flows: ASCII, null-terminated, in 9 bytes (licensed and diverted have 8)
constexpr std::size_t kChannelBytes = 9;
static_assert(std::string_view(world::channel_name(world::Channel::legal)).size() < kChannelBytes &&
              std::string_view(world::channel_name(world::Channel::licensed)).size() <
                  kChannelBytes &&
              std::string_view(world::channel_name(world::Channel::diverted)).size() <
                  kChannelBytes);
// level 1: within ~1% of level 4's file size here (the float64 mantissas, which no level
// compresses, are most of the compressed bytes) at two thirds of the time
constexpr unsigned kDeflateLevel = 1;
// at most 1 MiB of float64 per metric chunk, so huge agent counts still get sane chunks
constexpr hsize_t kMaxChunkValues = hsize_t{1} << 17;
// 16,384 rows of /trade/flows are ~1 MiB in the file, what HDF5's chunk cache holds
constexpr hsize_t kMaxTableChunkRows = 16384;
// tables that grow by appends (a sweep's) keep smaller chunks: every append rewrites the last,
// partly filled chunk
constexpr hsize_t kGrowingTableChunkRows = 4096;
// tables are converted and written this many rows at a time (a whole number of chunks, so
// each chunk is written once) instead of converting the whole table first: a copy of the
// flows less at the peak of memory
constexpr std::size_t kTableBlockRows = 4 * kMaxTableChunkRows;
// chunks written with H5Dwrite_chunk are encoded this many at a time, in parallel (at most
// ~16 MiB of data)
constexpr std::size_t kChunksAtOnce = 16;
constexpr std::array kAxes = {world::MetricAxis::country, world::MetricAxis::agent,
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

/// The fixed-length string type of `channel` in /trade/flows.
Handle channel_string_type(const std::string& file, const std::string& object) {
  Handle type = make_handle(H5Tcopy(H5T_C_S1), H5Tclose, file, object, "create string type");
  check_status(H5Tset_size(type.get(), kChannelBytes), file, object, "create string type");
  check_status(H5Tset_strpad(type.get(), H5T_STR_NULLTERM), file, object, "create string type");
  return type;
}

// table rows as they sit in memory; the file types are packed, little-endian
/// A row of /trade/flows with `channel` as `Channel`: the fixed-length string of format 2
/// (FlowRow), or a C string for a format 1 file's variable-length one (FlowRowV1, read only).
template <typename Channel>
struct FlowRowWith {
  std::int32_t point;  ///< sweep files only
  std::int32_t replicate;
  std::int32_t month;
  std::int32_t product;
  std::int32_t seller;
  std::int32_t buyer;
  std::int32_t origin;
  std::int32_t destination;
  double units;
  double value_usd;
  Channel channel;
};
using FlowRow = FlowRowWith<std::array<char, kChannelBytes>>;  // null-terminated
using FlowRowV1 = FlowRowWith<const char*>;

std::array<char, kChannelBytes> channel_field(world::Channel c) {
  std::array<char, kChannelBytes> field{};
  const std::string_view name = world::channel_name(c);
  std::copy(name.begin(), name.end(), field.begin());
  return field;
}

/// Stores `value` at the start of `out` in the file's byte order (little-endian, as the
/// native order is) and returns the bytes after it.
template <typename T>
std::span<std::byte> put(std::span<std::byte> out, const T& value) {
  static_assert(std::endian::native == std::endian::little,
                "tables are encoded in memory order, which must be the file's little-endian");
  std::memcpy(out.data(), &value, sizeof value);
  return out.subspan(sizeof value);
}

/// A run file's /trade/flows row in its file encoding: file_row_type(flow_columns), packed.
constexpr std::size_t kFlowRowBytes = 7 * sizeof(std::int32_t) + 2 * sizeof(double) + kChannelBytes;

void encode_flow(const world::FlowRecord& f, std::span<std::byte> out) {
  out = put(out, f.replicate);
  out = put(out, f.month);
  out = put(out, f.product);
  out = put(out, f.seller);
  out = put(out, f.buyer);
  out = put(out, f.origin);
  out = put(out, f.destination);
  out = put(out, f.units);
  out = put(out, f.value_usd);
  put(out, channel_field(f.channel));
}

/// A chunk of `element_bytes`-byte elements as HDF5's shuffle and deflate filters store it
/// (create_dataset's pipeline). `scratch` is reused between calls.
std::vector<std::byte> compress_chunk(std::span<const std::byte> raw, std::size_t element_bytes,
                                      std::vector<std::byte>& scratch) {
  scratch.resize(raw.size());
  detail::shuffle(raw, element_bytes, scratch);
  return detail::deflate(scratch, static_cast<int>(kDeflateLevel));
}

FlowRow flow_row(const world::FlowRecord& f, std::int32_t point) {
  return {point,
          f.replicate,
          f.month,
          f.product,
          f.seller,
          f.buyer,
          f.origin,
          f.destination,
          f.units,
          f.value_usd,
          channel_field(f.channel)};
}

/// Calls `write(rows, n, first)` for consecutive blocks of at most kTableBlockRows rows of
/// `flows` converted to FlowRow, `first` being the index of the block's first row.
template <typename Write>
void flow_blocks(const std::vector<world::FlowRecord>& flows, std::int32_t point, Write write) {
  std::vector<FlowRow> rows;
  rows.reserve(std::min(flows.size(), kTableBlockRows));
  for (std::size_t first = 0; first < flows.size(); first += kTableBlockRows) {
    const std::size_t n = std::min(kTableBlockRows, flows.size() - first);
    rows.clear();
    for (std::size_t i = first; i < first + n; ++i) rows.push_back(flow_row(flows[i], point));
    write(rows.data(), n, first);
  }
}

struct EventRow {
  std::int32_t point;  ///< sweep files only
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

/// A sweep file's tables lead with the point.
std::vector<Column> with_point(std::vector<Column> columns, std::size_t offset) {
  columns.insert(columns.begin(), Column{"point", offset, H5T_NATIVE_INT32, H5T_STD_I32LE});
  return columns;
}

/// The columns of /trade/flows as laid out in `Row` (FlowRow, or FlowRowV1 for reading), with
/// `channel_type` the channel's string type.
template <typename Row>
std::vector<Column> flow_columns(hid_t channel_type) {
  return {{"replicate", offsetof(Row, replicate), H5T_NATIVE_INT32, H5T_STD_I32LE},
          {"month", offsetof(Row, month), H5T_NATIVE_INT32, H5T_STD_I32LE},
          {"product", offsetof(Row, product), H5T_NATIVE_INT32, H5T_STD_I32LE},
          {"seller", offsetof(Row, seller), H5T_NATIVE_INT32, H5T_STD_I32LE},
          {"buyer", offsetof(Row, buyer), H5T_NATIVE_INT32, H5T_STD_I32LE},
          {"origin", offsetof(Row, origin), H5T_NATIVE_INT32, H5T_STD_I32LE},
          {"destination", offsetof(Row, destination), H5T_NATIVE_INT32, H5T_STD_I32LE},
          {"units", offsetof(Row, units), H5T_NATIVE_DOUBLE, H5T_IEEE_F64LE},
          {"value_usd", offsetof(Row, value_usd), H5T_NATIVE_DOUBLE, H5T_IEEE_F64LE},
          {"channel", offsetof(Row, channel), channel_type, channel_type}};
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

  /// The chunk of a series, months x entries: at most kMaxChunkValues values, whole rows of
  /// entries when they fit.
  static std::pair<hsize_t, hsize_t> series_chunk(hsize_t months, hsize_t width) {
    const hsize_t chunk_width = std::clamp<hsize_t>(kMaxChunkValues / std::max<hsize_t>(months, 1),
                                                    1, std::max<hsize_t>(width, 1));
    const hsize_t chunk_months =
        std::clamp<hsize_t>(kMaxChunkValues / chunk_width, 1, std::max<hsize_t>(months, 1));
    return {chunk_months, chunk_width};
  }

  /// The attributes of a series: its dimensions (`leading` then month and the axis), units,
  /// description and aggregation.
  void series_attributes(hid_t ds, const std::string& path, const world::Metric& m,
                         const char* leading) {
    string_attribute(ds, path, "dims", concat(leading, "month,", world::axis_name(m.axis)));
    string_attribute(ds, path, "units", m.units);
    string_attribute(ds, path, "description", m.description);
    string_attribute(ds, path, "aggregation", m.level ? "level" : "flow");
  }

  /// `/metrics/<axis>/<name>`: float64 [R, T, W], chunked [1, T', W'] and compressed.
  void metric(const world::Metric& m, hsize_t replicates, hsize_t months, hsize_t width,
              const std::string& base = "") {
    const std::string path = base + metric_path(m.axis, m.name);
    // the replicate axis can grow (sweeps, appended replicates); a zero-length axis must be
    // extendible too, since a chunk dimension may not exceed a fixed extent
    const std::array<hsize_t, 3> dims = {replicates, months, width};
    const std::array<hsize_t, 3> max_dims = {H5S_UNLIMITED, months > 0 ? months : H5S_UNLIMITED,
                                             width > 0 ? width : H5S_UNLIMITED};
    const auto [chunk_months, chunk_width] = series_chunk(months, width);
    Handle space = make_handle(H5Screate_simple(3, dims.data(), max_dims.data()), H5Sclose, label_,
                               path, "create dataspace");
    Handle ds = create_dataset(path, H5T_IEEE_F64LE, space.get(), {1, chunk_months, chunk_width});

    if (months * width == 0) return series_attributes(ds.get(), path, m, "replicate,");
    // chunk (r, i, j) holds months [i T', (i + 1) T') x columns [j W', (j + 1) W') of replicate r
    const auto months_per_chunk = static_cast<std::size_t>(chunk_months);
    const auto columns_per_chunk = static_cast<std::size_t>(chunk_width);
    const auto n_months = static_cast<std::size_t>(months);
    const auto n_columns = static_cast<std::size_t>(width);
    const std::size_t month_chunks = (n_months + months_per_chunk - 1) / months_per_chunk;
    const std::size_t column_chunks = (n_columns + columns_per_chunk - 1) / columns_per_chunk;
    const std::size_t per_replicate = month_chunks * column_chunks;
    const auto corner = [&](std::size_t c) {
      const std::size_t within = c % per_replicate;
      return std::array<std::size_t, 3>{c / per_replicate,
                                        within / column_chunks * months_per_chunk,
                                        within % column_chunks * columns_per_chunk};
    };
    write_chunks(
        ds.get(), path, static_cast<std::size_t>(replicates) * per_replicate,
        months_per_chunk * columns_per_chunk * sizeof(double), sizeof(double),
        [&](std::size_t c, std::span<std::byte> raw) {
          const auto [rep, month0, column0] = corner(c);
          const std::vector<double>& values = m.values[rep];
          const std::size_t span_columns = std::min(columns_per_chunk, n_columns - column0);
          for (std::size_t t = month0; t < std::min(month0 + months_per_chunk, n_months); ++t) {
            std::span<std::byte> out =
                raw.subspan((t - month0) * columns_per_chunk * sizeof(double));
            for (std::size_t k = 0; k < span_columns; ++k)
              out = put(out, values[t * n_columns + column0 + k]);
          }
        },
        [&](std::size_t c, std::span<hsize_t> offset) {
          const auto [rep, month0, column0] = corner(c);
          offset[0] = to_hsize(rep);
          offset[1] = to_hsize(month0);
          offset[2] = to_hsize(column0);
        });
    series_attributes(ds.get(), path, m, "replicate,");
  }

  /// `ready`: the table's first chunks, already compressed (FlowChunks).
  void flows(const std::vector<world::FlowRecord>& flows, const std::string& base = "",
             std::span<const std::vector<std::byte>> ready = {}) {
    const std::string path = base + "/trade/flows";
    Handle channel_type = channel_string_type(label_, path);
    const std::vector<Column> columns = flow_columns<FlowRow>(channel_type.get());
    Handle ds = table(path, columns, nullptr, sizeof(FlowRow), flows.size());
    write_table_chunks(
        ds.get(), path, flows.size(), kFlowRowBytes,
        [&](std::size_t i, std::span<std::byte> out) { encode_flow(flows[i], out); }, ready);
    string_attribute(ds.get(), path, "dims", "flow");
    string_attribute(ds.get(), path, "units", "units: chips; value_usd: USD");
    string_attribute(ds.get(), path, "description",
                     "one row per (replicate, month, product, seller, buyer, origin, channel) with "
                     "non-zero units; month indexes /calendar/month, product /products/id, "
                     "seller and buyer /agents/id, origin and destination /countries/id; "
                     "channel is legal, licensed or diverted");
  }

  void events(const std::vector<world::EventRecord>& events, const std::string& base = "") {
    const std::string path = base + "/events";
    std::vector<EventRow> rows;
    rows.reserve(events.size());
    for (const world::EventRecord& e : events)
      rows.push_back({0, e.replicate, e.month, e.actor, e.kind.c_str(), e.text.c_str()});
    Handle ds =
        table(path, event_columns(string_type_.get()), rows.data(), sizeof(EventRow), rows.size());
    string_attribute(ds.get(), path, "dims", "event");
    string_attribute(ds.get(), path, "description",
                     "policies enacted or repealed, deals, licence decisions, design-arounds "
                     "and write-downs; month indexes /calendar/month, actor /agents/id (-1: "
                     "none)");
  }

  /// `BASE/decisions/{id,month,actor,option,historical}`: one entry per decision point (written
  /// only when there are some: h5diff cannot compare empty datasets).
  void decisions(const std::vector<world::DecisionRecord>& decisions, const std::string& base) {
    const std::string g = base + "/decisions";
    group(g);
    std::array<std::vector<std::string>, 5> columns;
    for (const world::DecisionRecord& d : decisions) {
      columns[0].push_back(d.id);
      columns[1].push_back(d.month);
      columns[2].push_back(d.actor);
      columns[3].push_back(d.option);
      columns[4].push_back(d.historical);
    }
    const std::array<const char*, 5> names = {"id", "month", "actor", "option", "historical"};
    for (std::size_t i = 0; i < 5; ++i) strings(g + "/" + names[i], columns[i], "decision");
  }

  /// `/checkpoints/<month>/replicate_<r>`: uint8 [bytes], one per replicate, compressed.
  void checkpoints(const std::vector<world::Checkpoint>& checkpoints) {
    group("/checkpoints");
    for (const world::Checkpoint& c : checkpoints) {
      const std::string g = concat("/checkpoints/", c.month);
      if (H5Lexists(file_, g.c_str(), H5P_DEFAULT) <= 0) {
        group(g);
        Handle month =
            make_handle(H5Gopen2(file_, g.c_str(), H5P_DEFAULT), H5Gclose, label_, g, "open group");
        string_attribute(month.get(), g, "description",
                         "each replicate's complete state at the start of the month, before any "
                         "of its phases: a Boost.Serialization binary archive for `chipsim run "
                         "--from-checkpoint` on the same kind of machine");
      }
      const std::string path = concat(g, "/replicate_", c.replicate);
      const hsize_t n = to_hsize(c.bytes.size());
      Handle space =
          make_handle(H5Screate_simple(1, &n, nullptr), H5Sclose, label_, path, "create dataspace");
      Handle ds = create_dataset(path, H5T_STD_U8LE, space.get(),
                                 {std::clamp<hsize_t>(n, 1, kMaxChunkValues)});
      if (n > 0)
        check_status(
            H5Dwrite(ds.get(), H5T_NATIVE_UCHAR, H5S_ALL, H5S_ALL, H5P_DEFAULT, c.bytes.data()),
            label_, path, "write dataset");
      string_attribute(ds.get(), path, "dims", "byte");
    }
  }

  // ----- sweep files: written point by point

  /// `/metrics/<axis>/<name>` of a sweep: float64 [P, R, T, W], one chunk row per point and
  /// replicate, no values yet.
  void sweep_metric(const world::Metric& m, hsize_t points, hsize_t replicates, hsize_t months,
                    hsize_t width) {
    const std::string path = metric_path(m.axis, m.name);
    const std::array<hsize_t, 4> dims = {points, replicates, months, width};
    const std::array<hsize_t, 4> max_dims = {H5S_UNLIMITED, H5S_UNLIMITED,
                                             months > 0 ? months : H5S_UNLIMITED,
                                             width > 0 ? width : H5S_UNLIMITED};
    const auto [chunk_months, chunk_width] = series_chunk(months, width);
    Handle space = make_handle(H5Screate_simple(4, dims.data(), max_dims.data()), H5Sclose, label_,
                               path, "create dataspace");
    Handle ds =
        create_dataset(path, H5T_IEEE_F64LE, space.get(), {1, 1, chunk_months, chunk_width});
    series_attributes(ds.get(), path, m, "point,replicate,");
  }

  /// Writes every replicate of point `p` into a sweep metric.
  void sweep_metric_point(const world::Metric& m, hsize_t p) {
    const std::string path = metric_path(m.axis, m.name);
    Handle ds = make_handle(H5Dopen2(file_, path.c_str(), H5P_DEFAULT), H5Dclose, label_, path,
                            "open dataset");
    Handle space = make_handle(H5Dget_space(ds.get()), H5Sclose, label_, path, "get dataspace");
    std::array<hsize_t, 4> dims = {};
    check_status(H5Sget_simple_extent_dims(space.get(), dims.data(), nullptr), label_, path,
                 "get dimensions");
    if (dims[2] * dims[3] == 0) return;
    const std::array<hsize_t, 4> count = {1, 1, dims[2], dims[3]};
    Handle mem = make_handle(H5Screate_simple(4, count.data(), nullptr), H5Sclose, label_, path,
                             "create memory dataspace");
    for (hsize_t rep = 0; rep < dims[1]; ++rep) {
      const std::array<hsize_t, 4> start = {p, rep, 0, 0};
      check_status(H5Sselect_hyperslab(space.get(), H5S_SELECT_SET, start.data(), nullptr,
                                       count.data(), nullptr),
                   label_, path, "select point and replicate");
      check_status(H5Dwrite(ds.get(), H5T_NATIVE_DOUBLE, mem.get(), space.get(), H5P_DEFAULT,
                            m.values[static_cast<std::size_t>(rep)].data()),
                   label_, path, concat("write point ", p, " replicate ", rep));
    }
  }

  /// An empty, extendible compound table.
  void empty_table(const std::string& path, const std::vector<Column>& columns,
                   std::size_t row_size, const char* dims, const char* description,
                   const char* units = nullptr) {
    Handle ds = table(path, columns, nullptr, row_size, 0, /*grows=*/true);
    string_attribute(ds.get(), path, "dims", dims);
    if (units != nullptr) string_attribute(ds.get(), path, "units", units);
    string_attribute(ds.get(), path, "description", description);
  }

  /// Appends `n` rows to the table at `path`, which holds `offset` rows so far.
  void append_rows(const std::string& path, const std::vector<Column>& columns, const void* rows,
                   std::size_t row_size, std::size_t n, hsize_t offset) {
    if (n == 0) return;
    Handle ds = make_handle(H5Dopen2(file_, path.c_str(), H5P_DEFAULT), H5Dclose, label_, path,
                            "open dataset");
    const hsize_t total = offset + to_hsize(n);
    check_status(H5Dset_extent(ds.get(), &total), label_, path, "extend table");
    Handle mem_type = memory_row_type(label_, path, columns, row_size);
    write_rows(ds.get(), path, mem_type.get(), rows, n, offset);
  }

  /// Writes rows [0, n) of the table `ds` made by table(): `encode(i, out)` writes row i in its
  /// file encoding (the packed little-endian compound, `row_bytes` bytes) at `out`.
  /// `ready` holds chunks 0, 1, ... already compressed (of kMaxTableChunkRows rows each).
  template <typename Encode>
  void write_table_chunks(hid_t ds, const std::string& path, std::size_t n, std::size_t row_bytes,
                          Encode encode, std::span<const std::vector<std::byte>> ready = {}) {
    if (n == 0) return;
    Handle file_type = make_handle(H5Dget_type(ds), H5Tclose, label_, path, "get type");
    if (H5Tget_size(file_type.get()) != row_bytes)
      throw std::logic_error(concat(path, ": rows encoded in ", row_bytes,
                                    " bytes, the file's take ", H5Tget_size(file_type.get())));
    const auto chunk_rows = static_cast<std::size_t>(chunk_shape(ds, path, 1)[0]);
    if (!ready.empty() && (chunk_rows != kMaxTableChunkRows || ready.size() * chunk_rows > n))
      throw std::logic_error(concat(path, ": ", ready.size(), " compressed chunks of ",
                                    kMaxTableChunkRows, " rows for a table of ", n, " rows in ",
                                    chunk_rows, "-row chunks"));
    for (std::size_t c = 0; c < ready.size(); ++c) {
      const std::array<hsize_t, 1> coordinates = {to_hsize(c * chunk_rows)};
      check_status(
          H5Dwrite_chunk(ds, H5P_DEFAULT, 0, coordinates.data(), ready[c].size(), ready[c].data()),
          label_, path, concat("write chunk ", c));
    }
    write_chunks(
        ds, path, (n + chunk_rows - 1) / chunk_rows, chunk_rows * row_bytes, row_bytes,
        [&](std::size_t c, std::span<std::byte> raw) {
          const std::size_t first = c * chunk_rows;
          const std::size_t count = std::min(chunk_rows, n - first);
          for (std::size_t i = 0; i < count; ++i) encode(first + i, raw.subspan(i * row_bytes));
        },
        [&](std::size_t c, std::span<hsize_t> offset) { offset[0] = to_hsize(c * chunk_rows); },
        ready.size());
  }

  /// The chunk dimensions of the `rank`-D chunked dataset `ds`.
  std::vector<hsize_t> chunk_shape(hid_t ds, const std::string& path, int rank) {
    Handle dcpl =
        make_handle(H5Dget_create_plist(ds), H5Pclose, label_, path, "get creation properties");
    std::vector<hsize_t> shape(static_cast<std::size_t>(rank));
    if (H5Pget_chunk(dcpl.get(), rank, shape.data()) != rank ||
        std::find(shape.begin(), shape.end(), 0) != shape.end())
      detail::throw_hdf5_error(label_, path, "get chunk size");
    return shape;
  }

  /// Stores chunks [0, chunks) of `ds` (chunked, with shuffle and deflate: create_dataset) with
  /// H5Dwrite_chunk. `fill(c, raw)` writes chunk c's `chunk_bytes` bytes in the file's
  /// encoding into `raw`, which starts zeroed: what lies past the dataset's edge stays zero, as
  /// HDF5 pads a partial chunk with the fill value. `offset(c, coordinates)` gives the
  /// coordinates of its first element. The chunks are filled, shuffled (elements of
  /// `element_bytes`) and deflated in parallel, `kChunksAtOnce` at a time, then stored in
  /// order: readers see what H5Dwrite through HDF5's filter pipeline would store, and the
  /// compressed bytes depend only on the data, never on the thread count.
  /// Chunks before `from` are left alone.
  template <typename Fill, typename Offset>
  void write_chunks(hid_t ds, const std::string& path, std::size_t chunks, std::size_t chunk_bytes,
                    std::size_t element_bytes, Fill fill, Offset offset, std::size_t from = 0) {
    std::vector<std::vector<std::byte>> encoded;
    for (std::size_t first = from; first < chunks; first += kChunksAtOnce) {
      encoded.assign(std::min(kChunksAtOnce, chunks - first), {});
      // isolated: while this thread waits for the loop it must not pick up another task (a
      // sweep unit) that would wait for the HDF5 lock this thread holds
      tbb::this_task_arena::isolate([&] {
        sim::engine::parallel_for(tbb::blocked_range<std::size_t>(0, encoded.size(), 1),
                                  [&](const tbb::blocked_range<std::size_t>& range) {
                                    std::vector<std::byte> raw(chunk_bytes);
                                    std::vector<std::byte> scratch;
                                    for (std::size_t c = range.begin(); c != range.end(); ++c) {
                                      std::fill(raw.begin(), raw.end(), std::byte{0});
                                      fill(first + c, std::span<std::byte>(raw));
                                      encoded[c] = compress_chunk(raw, element_bytes, scratch);
                                    }
                                  });
      });
      std::array<hsize_t, H5S_MAX_RANK> coordinates = {};
      for (std::size_t c = 0; c < encoded.size(); ++c) {
        offset(first + c, std::span<hsize_t>(coordinates));
        check_status(H5Dwrite_chunk(ds, H5P_DEFAULT, 0, coordinates.data(), encoded[c].size(),
                                    encoded[c].data()),
                     label_, path, concat("write chunk ", first + c));
      }
    }
  }

  /// Writes `n` rows of memory type `mem_type` to rows [first, first + n) of the table `ds`,
  /// which has at least that many rows.
  void write_rows(hid_t ds, const std::string& path, hid_t mem_type, const void* rows,
                  std::size_t n, hsize_t first) {
    if (n == 0) return;
    Handle space = make_handle(H5Dget_space(ds), H5Sclose, label_, path, "get dataspace");
    const hsize_t count = to_hsize(n);
    check_status(H5Sselect_hyperslab(space.get(), H5S_SELECT_SET, &first, nullptr, &count, nullptr),
                 label_, path, "select rows");
    Handle mem = make_handle(H5Screate_simple(1, &count, nullptr), H5Sclose, label_, path,
                             "create memory dataspace");
    check_status(H5Dwrite(ds, mem_type, mem.get(), space.get(), H5P_DEFAULT, rows), label_, path,
                 concat("write rows ", first, " to ", first + count - 1));
  }

  /// A compound table of float64 columns named `names`, one row of `rows` each.
  void number_table(const std::string& path, const std::vector<std::string>& names,
                    const std::vector<std::vector<double>>& rows, const char* dims,
                    const char* description) {
    std::vector<Column> columns;
    for (std::size_t k = 0; k < names.size(); ++k)
      columns.push_back(
          Column{names[k].c_str(), k * sizeof(double), H5T_NATIVE_DOUBLE, H5T_IEEE_F64LE});
    std::vector<double> flat;
    for (const std::vector<double>& row : rows) flat.insert(flat.end(), row.begin(), row.end());
    Handle ds = table(path, columns, flat.data(),
                      std::max<std::size_t>(1, names.size()) * sizeof(double), rows.size());
    string_attribute(ds.get(), path, "dims", dims);
    string_attribute(ds.get(), path, "description", description);
  }

  /// A float64 dataset of any shape, written whole, with `dims` and `units`.
  void array(const std::string& path, const std::vector<hsize_t>& shape,
             const std::vector<double>& values, const char* dims, const char* units) {
    Handle space =
        make_handle(H5Screate_simple(static_cast<int>(shape.size()), shape.data(), nullptr),
                    H5Sclose, label_, path, "create dataspace");
    Handle ds = create_dataset(path, H5T_IEEE_F64LE, space.get(), {});
    if (!values.empty())
      check_status(
          H5Dwrite(ds.get(), H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, values.data()),
          label_, path, "write dataset");
    string_attribute(ds.get(), path, "dims", dims);
    string_attribute(ds.get(), path, "units", units);
  }

  void root_string(const char* name, const std::string& value) {
    Handle root =
        make_handle(H5Gopen2(file_, "/", H5P_DEFAULT), H5Gclose, label_, "/", "open root group");
    string_attribute(root.get(), "/", name, value);
  }

  void root_integer(const char* name, std::int64_t value) {
    Handle root =
        make_handle(H5Gopen2(file_, "/", H5P_DEFAULT), H5Gclose, label_, "/", "open root group");
    number_attribute(root.get(), "/", name, H5T_STD_I64LE, H5T_NATIVE_INT64, value);
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

  /// A 1-D compound table of `n` rows, chunked, compressed and extendible (so zero rows is
  /// fine), with `rows` written into it unless null. `grows`: rows will be appended, so chunks
  /// are kGrowingTableChunkRows even while the table is small.
  Handle table(const std::string& path, const std::vector<Column>& columns, const void* rows,
               std::size_t row_size, std::size_t n, bool grows = false) {
    Handle mem_type = memory_row_type(label_, path, columns, row_size);
    Handle file_type = file_row_type(label_, path, columns);
    const hsize_t dims = to_hsize(n);
    const hsize_t max_dims = H5S_UNLIMITED;
    Handle space = make_handle(H5Screate_simple(1, &dims, &max_dims), H5Sclose, label_, path,
                               "create dataspace");
    Handle ds = create_dataset(
        path, file_type.get(), space.get(),
        {grows ? kGrowingTableChunkRows : std::clamp<hsize_t>(dims, 1, kMaxTableChunkRows)});
    if (n > 0 && rows != nullptr)
      check_status(H5Dwrite(ds.get(), mem_type.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, rows), label_,
                   path, "write dataset");
    return ds;
  }

  std::string label_;
  hid_t file_;
  Handle string_type_;
};

/// Creates (truncates) `temp_path` for writing a result file; errors name `path`.
Handle create_file(const std::string& path, const std::string& temp_path) {
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
  return {file_id, H5Fclose};
}

/// The identity and dimension datasets every result file has (no series, no tables).
void write_frame(Writer& out, const world::RunResults& r) {
  out.root_attributes(r);
  for (const char* g : {"/scenario", "/calendar", "/countries", "/agents", "/products", "/metrics",
                        "/metrics/country", "/metrics/agent", "/metrics/product", "/metrics/policy",
                        "/policies", "/trade"})
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
}

/// Writes the whole file at `temp_path`, flushed and closed. Errors name `path`. `ready_flows`:
/// the first chunks of /trade/flows, compressed already.
void write_file(const std::string& path, const std::string& temp_path, const world::RunResults& r,
                const world::RunResults* history,
                std::span<const std::vector<std::byte>> ready_flows = {}) {
  Handle file = create_file(path, temp_path);
  {
    Writer out(path, file.get());
    write_frame(out, r);
    for (const world::Metric& m : r.metrics)
      out.metric(m, to_hsize(r.replicates), to_hsize(r.months.size()), to_hsize(r.width(m.axis)));
    out.flows(r.flows, "", ready_flows);
    out.events(r.events);
    if (!r.decisions.empty()) out.decisions(r.decisions, "");
    if (!r.checkpoints.empty()) out.checkpoints(r.checkpoints);
    if (history != nullptr) {
      const std::string base = "/history";
      for (const char* g : {"", "/scenario", "/metrics", "/metrics/country", "/metrics/agent",
                            "/metrics/product", "/metrics/policy", "/trade"})
        out.group(base + g);
      out.string_scalar(base + "/scenario/resolved_yaml", history->resolved_yaml);
      for (const world::Metric& m : history->metrics)
        out.metric(m, to_hsize(r.replicates), to_hsize(r.months.size()), to_hsize(r.width(m.axis)),
                   base);
      out.flows(history->flows, base);
      out.events(history->events, base);
      if (!history->decisions.empty()) out.decisions(history->decisions, base);
    }
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

  void metrics(world::RunResults& r, const std::string& base = "") {
    if (!exists(base + "/metrics"))
      throw IoError(
          concat(label_, ": ", base, "/metrics: missing group (not a chipsim result file)"));
    for (const world::MetricAxis axis : kAxes) {
      const std::string group = concat(base, "/metrics/", world::axis_name(axis));
      if (!exists(group)) continue;
      for (const std::string& name : link_names(group)) {
        const std::string path = base + metric_path(axis, name);
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
    std::array<hsize_t, 3> dims = {0, 0, 0};
    check_status(H5Sget_simple_extent_dims(space.get(), dims.data(), nullptr), label_, path,
                 "get dimensions");
    const std::array<hsize_t, 3> expected = {to_hsize(r.replicates), to_hsize(r.months.size()),
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
    const std::string aggregation = optional_string_attribute(ds, path, "aggregation");
    if (!aggregation.empty()) {
      m.level = aggregation == "level";
    } else {
      // files from before the attribute: the catalogue knows its own metrics
      for (const world::Metric& known : world::metric_catalogue())
        if (known.axis == axis && known.name == name) m.level = known.level;
    }
    const hsize_t block = dims[1] * dims[2];
    m.values.assign(static_cast<std::size_t>(dims[0]),
                    std::vector<double>(static_cast<std::size_t>(block)));
    if (block == 0) return m;
    Handle mem = make_handle(H5Screate_simple(1, &block, nullptr), H5Sclose, label_, path,
                             "create memory dataspace");
    for (hsize_t rep = 0; rep < dims[0]; ++rep) {
      const std::array<hsize_t, 3> start = {rep, 0, 0};
      const std::array<hsize_t, 3> count = {1, dims[1], dims[2]};
      check_status(H5Sselect_hyperslab(space.get(), H5S_SELECT_SET, start.data(), nullptr,
                                       count.data(), nullptr),
                   label_, path, "select replicate");
      check_status(H5Dread(ds, H5T_NATIVE_DOUBLE, mem.get(), space.get(), H5P_DEFAULT,
                           m.values[static_cast<std::size_t>(rep)].data()),
                   label_, path, concat("read replicate ", rep));
    }
    return m;
  }

  std::vector<world::FlowRecord> flows(const std::string& base = "") {
    const std::string path = base + "/trade/flows";
    std::vector<world::FlowRecord> flows;
    const auto convert = [&](const auto& rows) {
      flows.reserve(rows.size());
      for (std::size_t i = 0; i < rows.size(); ++i) {
        const auto& row = rows[i];
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
        f.channel = channel(path, i, channel_text(row.channel));
        flows.push_back(f);
      }
    };
    if (variable_string_column(path, "channel")) {  // format 1
      Handle string_type = vlen_string_type(label_, path);
      read_table<FlowRowV1>(path, flow_columns<FlowRowV1>(string_type.get()), convert);
    } else {
      Handle channel_type = channel_string_type(label_, path);
      read_table<FlowRow>(path, flow_columns<FlowRow>(channel_type.get()), convert);
    }
    return flows;
  }

  std::vector<world::EventRecord> events(const std::string& base = "") {
    const std::string path = base + "/events";
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

  /// `BASE/decisions`, or none in files from before decisions were recorded.
  std::vector<world::DecisionRecord> decisions(const std::string& base = "") {
    const std::string g = base + "/decisions";
    std::vector<world::DecisionRecord> decisions;
    if (!exists(g)) return decisions;
    const std::array<const char*, 5> names = {"id", "month", "actor", "option", "historical"};
    std::array<std::vector<std::string>, 5> columns;
    for (std::size_t i = 0; i < 5; ++i) {
      columns[i] = strings(g + "/" + names[i], 1);
      if (columns[i].size() != columns[0].size())
        throw IoError(concat(label_, ": ", g, "/", names[i], ": ", columns[i].size(),
                             " entries, expected ", columns[0].size(), " as in ", g, "/id"));
    }
    for (std::size_t k = 0; k < columns[0].size(); ++k)
      decisions.push_back(
          {columns[0][k], columns[1][k], columns[2][k], columns[3][k], columns[4][k]});
    return decisions;
  }

  /// Every `/checkpoints/<month>/replicate_<r>`, by month then replicate.
  std::vector<world::Checkpoint> checkpoints() {
    std::vector<world::Checkpoint> found;
    if (!exists("/checkpoints")) return found;
    std::vector<std::string> months = link_names("/checkpoints");
    std::sort(months.begin(), months.end());
    for (const std::string& month : months) {
      const std::string g = concat("/checkpoints/", month);
      std::vector<std::pair<std::uint64_t, std::string>> replicates;
      for (const std::string& name : link_names(g)) {
        const std::string prefix = "replicate_";
        std::uint64_t r = 0;
        const bool named = name.rfind(prefix, 0) == 0 && name.size() > prefix.size();
        const std::string_view digits = std::string_view(name).substr(named ? prefix.size() : 0);
        const char* last = std::to_address(digits.end());
        const auto [end, ec] =
            named ? std::from_chars(digits.data(), last, r)
                  : std::from_chars_result{name.c_str(), std::errc::invalid_argument};
        if (ec != std::errc() || end != last)
          throw IoError(
              concat(label_, ": ", g, "/", name, ": unexpected name; expected replicate_<number>"));
        replicates.emplace_back(r, concat(g, "/", name));
      }
      std::sort(replicates.begin(), replicates.end());
      for (const auto& [r, path] : replicates) {
        Handle ds = open_dataset(path);
        Handle space = make_handle(H5Dget_space(ds.get()), H5Sclose, label_, path, "get dataspace");
        require_rank(path, space.get(), 1);
        world::Checkpoint c;
        c.month = month;
        c.replicate = r;
        c.bytes.resize(points(path, space.get()));
        if (!c.bytes.empty())
          check_status(
              H5Dread(ds.get(), H5T_NATIVE_UCHAR, H5S_ALL, H5S_ALL, H5P_DEFAULT, c.bytes.data()),
              label_, path, "read dataset");
        found.push_back(std::move(c));
      }
    }
    return found;
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
      const std::string_view field(&buffer[i * size], size);
      std::string s(field.substr(0, field.find('\0')));
      if (pad == H5T_STR_SPACEPAD) s.erase(s.find_last_not_of(' ') + 1);
      values.push_back(std::move(s));
    }
    return values;
  }

  static std::string_view channel_text(const char* name) {
    return name != nullptr ? std::string_view(name) : std::string_view();
  }
  static std::string_view channel_text(const std::array<char, kChannelBytes>& field) {
    return {field.data(),
            static_cast<std::size_t>(std::find(field.begin(), field.end(), '\0') - field.begin())};
  }

  /// Whether the column `name` of the compound table at `path` is a variable-length string
  /// (false when there is no such column: reading the table then reports it).
  bool variable_string_column(const std::string& path, const char* name) {
    Handle ds = open_dataset(path);
    Handle type = make_handle(H5Dget_type(ds.get()), H5Tclose, label_, path, "get type");
    if (H5Tget_class(type.get()) != H5T_COMPOUND) return false;
    const int index = H5Tget_member_index(type.get(), name);
    if (index < 0) return false;
    Handle member = make_handle(H5Tget_member_type(type.get(), static_cast<unsigned>(index)),
                                H5Tclose, label_, path, concat("get type of column '", name, "'"));
    const htri_t variable = H5Tis_variable_str(member.get());
    check_status(variable, label_, path, concat("inspect column '", name, "'"));
    return variable > 0;
  }

  world::Channel channel(const std::string& path, std::size_t row, std::string_view text) {
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

namespace {

/// The folder of `path`, after checking that a result file can be written there.
/// @throws IoError when the folder is missing or `path` is a directory.
std::string target_directory(const std::string& path) {
  if (path.empty()) throw IoError("cannot write results: empty file name");
  const fs::path target(path);
  std::string directory =
      target.has_parent_path() ? target.parent_path().string() : std::string(".");
  std::error_code ec;
  if (!fs::is_directory(directory, ec))
    throw IoError(
        concat(path, ": cannot write results: directory '", directory, "' does not exist"));
  if (fs::is_directory(target, ec))
    throw IoError(concat(path, ": cannot write results: a directory of that name exists"));
  return directory;
}

/// The temporary name a result file is written under: same folder, so the rename is atomic,
/// and unique per process and writer; the project .gitignore ignores *.h5.tmp*.
std::string temporary_name(const std::string& path) {
  static std::atomic<unsigned> counter{0};
  return concat(path, ".tmp.", ::getpid(), '.', counter.fetch_add(1));
}

/// Syncs the finished temporary file, renames it to `path` and makes the rename durable.
void publish(const std::string& path, const std::string& temp_path, const std::string& directory) {
  sync_path(path, temp_path, /*directory=*/false);
  if (std::rename(temp_path.c_str(), path.c_str()) != 0)
    throw IoError(concat(path, ": cannot rename temporary file '", temp_path,
                         "' into place: ", errno_text(errno)));
  sync_path(path, directory, /*directory=*/true);
}

/// Checks `history` against `results` (validate) and writes them to `path` through a temporary
/// file (write_file, publish).
void write_checked(const std::string& path, const world::RunResults& results,
                   const world::RunResults* history,
                   std::span<const std::vector<std::byte>> ready_flows) {
  const std::string directory = target_directory(path);
  validate(path, results);
  if (history != nullptr) {
    validate(path, *history);
    if (history->replicates != results.replicates || history->months != results.months ||
        history->agent_ids != results.agent_ids || history->country_ids != results.country_ids ||
        history->product_ids != results.product_ids || history->policy_ids != results.policy_ids)
      throw IoError(concat(path,
                           ": cannot write results: the historical path differs from the run in "
                           "its replicates, months, agents, countries, products or policies"));
  }
  const std::string temp_path = temporary_name(path);
  std::error_code ec;
  try {
    {
      const std::lock_guard lock(detail::library_mutex());
      const detail::SilenceErrorPrinting silence;
      write_file(path, temp_path, results, history, ready_flows);
    }
    publish(path, temp_path, directory);
  } catch (...) {
    fs::remove(temp_path, ec);  // best effort; the original error is what matters
    throw;
  }
}

}  // namespace

void write_results(const std::string& path, const world::RunResults& results,
                   const world::RunResults* history) {
  write_checked(path, results, history, {});
}

// ---------------------------------------------------------------------------------------------
// flows compressed while a run goes on

struct FlowChunks::Impl {
  struct Chunk {
    std::vector<std::byte> raw;  ///< the rows in the file's encoding, until compressed
    std::vector<std::byte> compressed;
  };
  std::size_t budget = 0;
  std::deque<Chunk> chunks;                   // a task holds a reference to its chunk: never moved
  std::vector<std::vector<std::byte>> ready;  // the compressed chunks, once the tasks are done
  std::size_t rows = 0;
  std::array<std::byte, kFlowRowBytes> last_row{};  // encoded, checked against the table
  std::atomic<std::size_t> held{0};                 // bytes: raw while waiting, then compressed
  bool done = false;
  engine::TaskGroup tasks;  // last: destroyed (waited for) first
};

FlowChunks::FlowChunks(std::size_t budget_bytes) : impl_(std::make_unique<Impl>()) {
  impl_->budget = budget_bytes;
}

FlowChunks::~FlowChunks() = default;

std::size_t FlowChunks::rows() const { return impl_->rows; }

bool FlowChunks::pays_off() {
  const auto arena = static_cast<std::size_t>(tbb::this_task_arena::max_concurrency());
  return std::min(arena, tbb::global_control::active_value(
                             tbb::global_control::max_allowed_parallelism)) > 1;
}

void FlowChunks::add(std::span<const world::FlowRecord> flows) {
  Impl& s = *impl_;
  constexpr std::size_t kChunkRows = kMaxTableChunkRows;
  constexpr std::size_t kChunkBytes = kChunkRows * kFlowRowBytes;
  if (s.done) throw std::logic_error("FlowChunks::add after write_results");
  if (flows.size() < s.rows)
    throw std::logic_error(concat("FlowChunks::add: ", flows.size(), " rows after ", s.rows));
  while (flows.size() - s.rows >= kChunkRows && s.held.load() + kChunkBytes <= s.budget) {
    Impl::Chunk& chunk = s.chunks.emplace_back();
    chunk.raw.resize(kChunkBytes);
    for (std::size_t i = 0; i < kChunkRows; ++i)
      encode_flow(flows[s.rows + i], std::span<std::byte>(chunk.raw).subspan(i * kFlowRowBytes));
    s.rows += kChunkRows;
    encode_flow(flows[s.rows - 1], s.last_row);
    s.held += kChunkBytes;
    s.tasks.run([&s, &chunk] {
      std::vector<std::byte> scratch;
      chunk.compressed = compress_chunk(chunk.raw, kFlowRowBytes, scratch);
      chunk.compressed.shrink_to_fit();  // deflate's buffer has room for the raw size and more
      s.held += chunk.compressed.size();
      s.held -= kChunkBytes;
      std::vector<std::byte>().swap(chunk.raw);
    });
  }
}

void write_results(const std::string& path, const world::RunResults& results, FlowChunks& chunks) {
  FlowChunks::Impl& s = *chunks.impl_;
  if (!s.done) {
    s.tasks.wait();
    s.done = true;
    for (FlowChunks::Impl::Chunk& c : s.chunks) s.ready.push_back(std::move(c.compressed));
    s.chunks.clear();
  }
  if (s.rows > 0) {
    std::array<std::byte, kFlowRowBytes> row{};
    if (s.rows <= results.flows.size()) encode_flow(results.flows[s.rows - 1], row);
    if (s.rows > results.flows.size() || row != s.last_row)
      throw std::logic_error(concat(path, ": the flows compressed during the run (", s.rows,
                                    " rows) are not the first rows of the results' ",
                                    results.flows.size()));
  }
  write_checked(path, results, nullptr, s.ready);
}

// ---------------------------------------------------------------------------------------------
// sweep files

struct SweepWriter::Impl {
  std::string path;
  std::string directory;
  std::string temp_path;
  Handle file;
  std::unique_ptr<Writer> out;
  world::RunResults layout;  // dimensions and metric names only
  SweepLayout sweep;
  std::vector<bool> written;
  hsize_t flow_rows = 0;
  hsize_t event_rows = 0;
  bool committed = false;
};

SweepWriter::SweepWriter(const std::string& path, const world::RunResults& layout,
                         SweepLayout sweep)
    : impl_(std::make_unique<Impl>()) {
  Impl& s = *impl_;
  s.path = path;
  s.directory = target_directory(path);
  s.temp_path = temporary_name(path);
  s.layout = layout;
  for (world::Metric& m : s.layout.metrics) m.values.clear();
  s.layout.flows.clear();
  s.layout.events.clear();
  s.sweep = std::move(sweep);
  s.written.assign(s.sweep.points.size(), false);
  for (const std::vector<double>& point : s.sweep.points)
    if (point.size() != s.sweep.parameters.size())
      throw IoError(concat(path, ": cannot write a sweep: a point has ", point.size(),
                           " values for ", s.sweep.parameters.size(), " parameters"));

  const std::lock_guard lock(detail::library_mutex());
  const detail::SilenceErrorPrinting silence;
  try {
    s.file = create_file(path, s.temp_path);
    s.out = std::make_unique<Writer>(path, s.file.get());
    Writer& out = *s.out;
    write_frame(out, s.layout);
    const hsize_t points = to_hsize(s.sweep.points.size());
    out.root_string("sweep_name", s.sweep.name);
    out.root_string("sweep_method", s.sweep.method);
    out.root_integer("sweep_points", static_cast<std::int64_t>(points));
    for (const world::Metric& m : s.layout.metrics)
      out.sweep_metric(m, points, to_hsize(s.layout.replicates), to_hsize(s.layout.months.size()),
                       to_hsize(s.layout.width(m.axis)));
    Handle string_type = vlen_string_type(path, "/events");
    Handle channel_type = channel_string_type(path, "/trade/flows");
    out.empty_table("/trade/flows",
                    with_point(flow_columns<FlowRow>(channel_type.get()), offsetof(FlowRow, point)),
                    sizeof(FlowRow), "flow",
                    "as in a run file, with the sweep point first (index into /sweep/point)",
                    "units: chips; value_usd: USD");
    out.empty_table("/events",
                    with_point(event_columns(string_type.get()), offsetof(EventRow, point)),
                    sizeof(EventRow), "event",
                    "as in a run file, with the sweep point first (index into /sweep/point)");
    out.group("/sweep");
    out.string_scalar("/sweep/definition", s.sweep.definition);
    out.strings("/sweep/parameter", s.sweep.parameters, "parameter");
    out.number_table("/sweep/point", s.sweep.parameters, s.sweep.points, "point",
                     "one row per sweep point: the value of each swept --set path");
    out.strings("/sweep/output", s.sweep.outputs, "output");
    out.array(
        "/sweep/output_value",
        {points, to_hsize(s.layout.replicates), to_hsize(s.sweep.outputs.size())},
        std::vector<double>(s.sweep.points.size() * s.layout.replicates * s.sweep.outputs.size()),
        "point,replicate,output", "the output's own units (see /sweep/definition)");
  } catch (...) {
    s.out.reset();
    static_cast<void>(s.file.close());
    std::error_code ec;
    fs::remove(s.temp_path, ec);
    throw;
  }
}

SweepWriter::~SweepWriter() {
  if (!impl_ || impl_->committed) return;
  {
    const std::lock_guard lock(detail::library_mutex());
    impl_->out.reset();
    static_cast<void>(impl_->file.close());
  }
  std::error_code ec;
  fs::remove(impl_->temp_path, ec);
}

void SweepWriter::add_point(std::size_t point, const world::RunResults& results,
                            const std::vector<std::vector<double>>& outputs) {
  Impl& s = *impl_;
  const std::string& path = s.path;
  if (point >= s.written.size())
    throw IoError(
        concat(path, ": sweep point ", point, " out of range (", s.written.size(), " points)"));
  validate(path, results);
  if (results.replicates != s.layout.replicates || results.months != s.layout.months ||
      results.metrics.size() != s.layout.metrics.size() ||
      results.country_ids != s.layout.country_ids || results.agent_ids != s.layout.agent_ids ||
      results.product_ids != s.layout.product_ids || results.policy_ids != s.layout.policy_ids)
    throw IoError(concat(path, ": sweep point ", point,
                         ": its months, ids or replicates differ from the sweep's first point "
                         "(a swept path may not change the scenario's shape)"));
  if (outputs.size() != s.layout.replicates)
    throw IoError(concat(path, ": sweep point ", point, ": outputs for ", outputs.size(),
                         " replicates, expected ", s.layout.replicates));

  const std::lock_guard lock(detail::library_mutex());
  const detail::SilenceErrorPrinting silence;
  Writer& out = *s.out;
  for (std::size_t m = 0; m < results.metrics.size(); ++m) {
    if (results.metrics[m].name != s.layout.metrics[m].name ||
        results.metrics[m].axis != s.layout.metrics[m].axis)
      throw IoError(concat(path, ": sweep point ", point, ": metric ", m, " is ",
                           results.metrics[m].name, ", expected ", s.layout.metrics[m].name));
    out.sweep_metric_point(results.metrics[m], to_hsize(point));
  }

  Handle string_type = vlen_string_type(path, "/events");
  Handle channel_type = channel_string_type(path, "/trade/flows");
  const std::vector<Column> flow_table =
      with_point(flow_columns<FlowRow>(channel_type.get()), offsetof(FlowRow, point));
  flow_blocks(results.flows, static_cast<std::int32_t>(point),
              [&](const FlowRow* rows, std::size_t n, std::size_t) {
                out.append_rows("/trade/flows", flow_table, rows, sizeof(FlowRow), n, s.flow_rows);
                s.flow_rows += to_hsize(n);
              });
  std::vector<EventRow> events;
  events.reserve(results.events.size());
  for (const world::EventRecord& e : results.events)
    events.push_back({static_cast<std::int32_t>(point), e.replicate, e.month, e.actor,
                      e.kind.c_str(), e.text.c_str()});
  out.append_rows("/events",
                  with_point(event_columns(string_type.get()), offsetof(EventRow, point)),
                  events.data(), sizeof(EventRow), events.size(), s.event_rows);
  s.event_rows += to_hsize(events.size());

  const std::size_t n_outputs = s.sweep.outputs.size();
  if (n_outputs > 0) {
    const std::string where = "/sweep/output_value";
    Handle ds = make_handle(H5Dopen2(s.file.get(), where.c_str(), H5P_DEFAULT), H5Dclose, path,
                            where, "open dataset");
    Handle space = make_handle(H5Dget_space(ds.get()), H5Sclose, path, where, "get dataspace");
    std::vector<double> values;
    for (const std::vector<double>& row : outputs) {
      if (row.size() != n_outputs)
        throw IoError(concat(path, ": sweep point ", point, ": ", row.size(), " outputs, expected ",
                             n_outputs));
      values.insert(values.end(), row.begin(), row.end());
    }
    const std::array<hsize_t, 3> start = {to_hsize(point), 0, 0};
    const std::array<hsize_t, 3> count = {1, to_hsize(s.layout.replicates), to_hsize(n_outputs)};
    check_status(H5Sselect_hyperslab(space.get(), H5S_SELECT_SET, start.data(), nullptr,
                                     count.data(), nullptr),
                 path, where, "select point");
    const hsize_t n = to_hsize(values.size());
    Handle mem = make_handle(H5Screate_simple(1, &n, nullptr), H5Sclose, path, where,
                             "create memory dataspace");
    check_status(
        H5Dwrite(ds.get(), H5T_NATIVE_DOUBLE, mem.get(), space.get(), H5P_DEFAULT, values.data()),
        path, where, concat("write point ", point));
  }
  s.written[point] = true;
}

void SweepWriter::set_morris(const std::vector<MorrisRow>& rows) {
  struct Row {
    const char* output;
    const char* parameter;
    double mu, mu_star, sigma;
    std::int64_t n;
  };
  Impl& s = *impl_;
  const std::lock_guard lock(detail::library_mutex());
  const detail::SilenceErrorPrinting silence;
  Handle string_type = vlen_string_type(s.path, "/sweep/morris");
  const std::vector<Column> columns = {
      {"output", offsetof(Row, output), string_type.get(), string_type.get()},
      {"parameter", offsetof(Row, parameter), string_type.get(), string_type.get()},
      {"mu", offsetof(Row, mu), H5T_NATIVE_DOUBLE, H5T_IEEE_F64LE},
      {"mu_star", offsetof(Row, mu_star), H5T_NATIVE_DOUBLE, H5T_IEEE_F64LE},
      {"sigma", offsetof(Row, sigma), H5T_NATIVE_DOUBLE, H5T_IEEE_F64LE},
      {"n", offsetof(Row, n), H5T_NATIVE_INT64, H5T_STD_I64LE}};
  std::vector<Row> data;
  data.reserve(rows.size());
  for (const MorrisRow& r : rows)
    data.push_back({r.output.c_str(), r.parameter.c_str(), r.mu, r.mu_star, r.sigma, r.n});
  s.out->empty_table("/sweep/morris", columns, sizeof(Row), "effect",
                     "Morris elementary effects per output and parameter: mu, mu* (mean of "
                     "absolute effects) and sigma over n trajectories, on the unit scale of each "
                     "parameter's range (docs/sensitivity.md)");
  s.out->append_rows("/sweep/morris", columns, data.data(), sizeof(Row), data.size(), 0);
}

void SweepWriter::commit() {
  Impl& s = *impl_;
  for (std::size_t p = 0; p < s.written.size(); ++p)
    if (!s.written[p])
      throw IoError(concat(s.path, ": cannot finish the sweep file: point ", p, " is missing"));
  {
    const std::lock_guard lock(detail::library_mutex());
    const detail::SilenceErrorPrinting silence;
    s.out.reset();
    check_status(H5Fflush(s.file.get(), H5F_SCOPE_GLOBAL), s.path, "/", "flush file");
    check_status(s.file.close(), s.path, "/", "close file");
  }
  publish(s.path, s.temp_path, s.directory);
  s.committed = true;
}

namespace {

/// Opens a result file for reading. @throws IoError when it is missing or not HDF5.
Handle open_for_reading(const std::string& path) {
  std::error_code ec;
  if (!fs::exists(path, ec)) throw IoError(concat(path, ": cannot read results: no such file"));
  const htri_t is_hdf5 = H5Fis_hdf5(path.c_str());
  if (is_hdf5 == 0) throw IoError(concat(path, ": not a chipsim result file (not an HDF5 file)"));
  check_status(is_hdf5, path, "/", "check file signature");
  return make_handle(H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), H5Fclose, path, "/",
                     "open file");
}

/// Reads the run at the root of `path`, or with `history`, the historical path stored beside it
/// under `/history` (same identity and dimensions).
world::RunResults read_run(const std::string& path, bool history) {
  const std::lock_guard lock(detail::library_mutex());
  const detail::SilenceErrorPrinting silence;
  Handle file = open_for_reading(path);
  Handle root =
      make_handle(H5Gopen2(file.get(), "/", H5P_DEFAULT), H5Gclose, path, "/", "open root group");
  Reader in(path, file.get());

  world::RunResults r;
  const hid_t g = root.get();
  if (!in.has_attribute(g, "/", "format_version"))
    throw IoError(concat(path, ": not a chipsim result file (no root attribute format_version)"));
  const auto version =
      in.integer_attribute<std::int64_t>(g, "/", "format_version", H5T_NATIVE_INT64);
  if (version < kOldestReadableVersion || version > kFormatVersion)
    throw IoError(concat(path, ": unsupported result format_version ", version,
                         " (this chipsim reads versions ", kOldestReadableVersion, " to ",
                         kFormatVersion, ")"));
  if (in.has_attribute(g, "/", "sweep_points"))
    throw IoError(concat(path,
                         ": a sweep result file (its series have a leading point "
                         "dimension), which this reader does not take; read it with h5py "
                         "(docs/output-format.md, \"Sweep files\")"));
  r.chipsim_version = in.string_attribute(g, "/", "chipsim_version");
  r.scenario_name = in.string_attribute(g, "/", "scenario_name");
  r.seed = in.integer_attribute<std::uint64_t>(g, "/", "seed", H5T_NATIVE_UINT64);
  const auto replicates =
      in.integer_attribute<std::int64_t>(g, "/", "replicates", H5T_NATIVE_INT64);
  if (replicates < 0)
    throw IoError(concat(path, ": / attribute replicates: negative value ", replicates));
  r.replicates = static_cast<std::uint64_t>(replicates);
  r.created_utc = in.string_attribute(g, "/", "created_utc");

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
  const std::string base = history ? "/history" : "";
  if (history) {
    if (!in.exists(base))
      throw IoError(concat(path,
                           ": no historical path (/history) in this file; `chipsim replay` "
                           "writes one beside the branch"));
    r.resolved_yaml = in.strings(base + "/scenario/resolved_yaml", 0).front();
  }
  in.metrics(r, base);
  r.flows = in.flows(base);
  r.events = in.events(base);
  r.decisions = in.decisions(base);
  return r;
}

}  // namespace

world::RunResults read_results(const std::string& path) { return read_run(path, false); }

world::RunResults read_history(const std::string& path) { return read_run(path, true); }

bool has_history(const std::string& path) {
  const std::lock_guard lock(detail::library_mutex());
  const detail::SilenceErrorPrinting silence;
  Handle file = open_for_reading(path);
  return Reader(path, file.get()).exists("/history");
}

std::vector<world::Checkpoint> read_checkpoints(const std::string& path) {
  const std::lock_guard lock(detail::library_mutex());
  const detail::SilenceErrorPrinting silence;
  Handle file = open_for_reading(path);
  return Reader(path, file.get()).checkpoints();
}

}  // namespace sim::io
