#include "sim/io/csv_export.hpp"

#include <array>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string_view>
#include <system_error>

#include "sim/engine/concat.hpp"
#include "sim/engine/errors.hpp"

namespace sim::io {
namespace {

namespace fs = std::filesystem;

/// A field as RFC 4180 wants it: quoted (quotes doubled) when it holds a comma, a quote or a
/// line break.
std::string field(std::string_view text) {
  if (text.find_first_of(",\"\n") == std::string_view::npos) return std::string(text);
  std::string out = "\"";
  for (char c : text) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + '"';
}

/// The shortest text that reads back as exactly `v`.
std::string number(double v) {
  std::array<char, 32> buf{};
  for (int precision = 15; precision <= 17; ++precision) {
    std::snprintf(buf.data(), buf.size(), "%.*g", precision, v);
    if (std::strtod(buf.data(), nullptr) == v) break;
  }
  return buf.data();
}

/// One CSV file written under a temporary name and renamed into place on `commit`.
class CsvFile {
 public:
  CsvFile(const fs::path& path, std::string_view header)
      : path_(path),
        temp_(path.string() + ".tmp"),
        out_(temp_, std::ios::binary | std::ios::trunc) {
    if (!out_) {
      // std::strerror is not thread-safe; the category's message is the same text
      const std::string why = std::error_code(errno, std::generic_category()).message();
      throw IoError(concat(path_.string(), ": cannot write: ", why));
    }
    out_ << header << "\n";
  }
  CsvFile(const CsvFile&) = delete;
  CsvFile& operator=(const CsvFile&) = delete;
  ~CsvFile() {
    if (!committed_) {
      out_.close();
      std::error_code ec;
      fs::remove(temp_, ec);
    }
  }

  std::ofstream& out() { return out_; }

  void commit() {
    out_.flush();
    out_.close();
    if (!out_) throw IoError(concat(path_.string(), ": cannot write (disk full?)"));
    std::error_code ec;
    fs::rename(temp_, path_, ec);
    if (ec) throw IoError(concat(path_.string(), ": cannot rename into place: ", ec.message()));
    committed_ = true;
  }

 private:
  fs::path path_;
  std::string temp_;
  std::ofstream out_;
  bool committed_ = false;
};

const std::vector<std::string>& ids_of(const world::RunResults& r, world::MetricAxis axis) {
  switch (axis) {
    case world::MetricAxis::country:
      return r.country_ids;
    case world::MetricAxis::agent:
      return r.agent_ids;
    case world::MetricAxis::product:
      return r.product_ids;
    case world::MetricAxis::policy:
      return r.policy_ids;
  }
  return r.country_ids;
}

std::string name_at(const std::vector<std::string>& ids, std::int32_t i) {
  return i >= 0 && static_cast<std::size_t>(i) < ids.size() ? ids[static_cast<std::size_t>(i)]
                                                            : std::string();
}

}  // namespace

void write_csv(const std::string& directory, const world::RunResults& r) {
  std::error_code ec;
  fs::create_directories(directory, ec);
  if (ec || !fs::is_directory(directory))
    throw IoError(concat(directory, ": cannot create the folder: ",
                         ec ? ec.message() : std::string("not a folder")));
  const fs::path dir(directory);

  CsvFile metrics(dir / "metrics.csv", "replicate,month,axis,metric,entity,value,units");
  for (const world::Metric& m : r.metrics) {
    const std::vector<std::string>& ids = ids_of(r, m.axis);
    const std::string prefix = concat(world::axis_name(m.axis), ',', field(m.name), ',');
    const std::string units = field(m.units);
    for (std::size_t rep = 0; rep < m.values.size(); ++rep)
      for (std::size_t t = 0; t < r.months.size(); ++t)
        for (std::size_t i = 0; i < ids.size(); ++i)
          metrics.out() << rep << ',' << r.months[t] << ',' << prefix << field(ids[i]) << ','
                        << number(m.values[rep][t * ids.size() + i]) << ',' << units << "\n";
  }

  CsvFile flows(dir / "flows.csv",
                "replicate,month,product,seller,buyer,origin,destination,channel,units,value_usd");
  for (const world::FlowRecord& f : r.flows)
    flows.out() << f.replicate << ',' << name_at(r.months, f.month) << ','
                << field(name_at(r.product_ids, f.product)) << ','
                << field(name_at(r.agent_ids, f.seller)) << ','
                << field(name_at(r.agent_ids, f.buyer)) << ','
                << field(name_at(r.country_ids, f.origin)) << ','
                << field(name_at(r.country_ids, f.destination)) << ','
                << world::channel_name(f.channel) << ',' << number(f.units) << ','
                << number(f.value_usd) << "\n";

  CsvFile events(dir / "events.csv", "replicate,month,actor,kind,text");
  for (const world::EventRecord& e : r.events)
    events.out() << e.replicate << ',' << name_at(r.months, e.month) << ','
                 << field(name_at(r.agent_ids, e.actor)) << ',' << field(e.kind) << ','
                 << field(e.text) << "\n";

  metrics.commit();
  flows.commit();
  events.commit();
}

}  // namespace sim::io
