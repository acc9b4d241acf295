#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

/// Everything a run produces, in memory, laid out as the result file lays it out
/// (docs/output-format.md). `sim::io` writes and reads it; `analysis` summarises it.
namespace sim::world {

/// The axis a metric runs along besides replicate and month.
enum class MetricAxis { country, agent, product, policy };

/// A named monthly series, shape [R, T, width-of-axis]. Stored at `/metrics/<axis>/<name>`.
struct Metric {
  MetricAxis axis = MetricAxis::agent;
  std::string name;
  std::string units;
  std::string description;
  /// One block per replicate, each T * width values, month-major: value(r, t, i) =
  /// values[r][t * width + i].
  std::vector<std::vector<double>> values;
  /// A level (a stock, a cumulative total, a price) is read at a month; a flow (a quantity
  /// "that month") is summed over months. Stored as the attribute `aggregation`.
  bool level = false;
};

enum class Channel : std::uint8_t { legal, licensed, diverted };

/// One row of `/trade/flows`: non-zero units of a product from a seller to a buyer in a month.
/// The channel sits before the doubles, in what would be padding, so a record is 48 bytes (the
/// flows are most of a large run's memory); the file's column order is unchanged.
struct FlowRecord {
  std::int32_t replicate = 0;
  std::int32_t month = 0;  ///< index into months
  std::int32_t product = 0;
  std::int32_t seller = 0;       ///< agent index
  std::int32_t buyer = 0;        ///< agent index
  std::int32_t origin = 0;       ///< country index where the chips were made
  std::int32_t destination = 0;  ///< country index of the buyer
  Channel channel = Channel::legal;
  double units = 0;
  double value_usd = 0;
};

/// One row of `/events`.
struct EventRecord {
  std::int32_t replicate = 0;
  std::int32_t month = 0;
  std::int32_t actor = -1;  ///< agent index, or -1 for none
  std::string kind;         ///< e.g. policy_enacted, policy_repealed, deal_accepted, decision
  std::string text;
};

/// A decision point and the option the run took (`/decisions`).
struct DecisionRecord {
  std::string id;
  std::string month;  ///< YYYY-MM
  std::string actor;  ///< agent id
  std::string option;
  std::string historical;  ///< the option taken in history
};

/// The complete state of one replicate at the start of a month, before any of the month's
/// phases (`chipsim run --checkpoint-at`); stored at `/checkpoints/<month>/replicate_<r>`.
struct Checkpoint {
  std::string month;  ///< YYYY-MM: the first month the state has not run
  std::uint64_t replicate = 0;
  std::string bytes;  ///< Simulation::save()
};

struct RunResults {
  // identity (root attributes)
  std::string chipsim_version;
  std::string scenario_name;
  std::uint64_t seed = 1;
  std::uint64_t replicates = 1;
  std::string created_utc;
  std::string resolved_yaml;

  // dimensions
  std::vector<std::string> months;  ///< YYYY-MM
  std::vector<std::string> country_ids;
  std::vector<std::string> country_blocs;
  std::vector<std::string> agent_ids;
  std::vector<std::string> agent_kinds;
  std::vector<std::string> agent_countries;  ///< country id
  std::vector<std::string> product_ids;
  std::vector<double> product_tpp;
  std::vector<double> product_h100e;
  std::vector<std::string> policy_ids;

  std::vector<Metric> metrics;
  std::vector<FlowRecord> flows;  ///< sorted by (replicate, month, product, seller, buyer, channel)
  std::vector<EventRecord> events;  ///< sorted by (replicate, month), then in order of occurrence
  std::vector<DecisionRecord> decisions;  ///< in the scenario's order
  std::vector<Checkpoint> checkpoints;    ///< by month, then replicate

  std::size_t width(MetricAxis axis) const {
    switch (axis) {
      case MetricAxis::country:
        return country_ids.size();
      case MetricAxis::agent:
        return agent_ids.size();
      case MetricAxis::product:
        return product_ids.size();
      case MetricAxis::policy:
        return policy_ids.size();
    }
    return 0;
  }
  /// The metric named `axis`/`name`, or nullptr.
  const Metric* find(MetricAxis axis, const std::string& name) const {
    for (const Metric& m : metrics)
      if (m.axis == axis && m.name == name) return &m;
    return nullptr;
  }
};

inline const char* axis_name(MetricAxis axis) {
  switch (axis) {
    case MetricAxis::country:
      return "country";
    case MetricAxis::agent:
      return "agent";
    case MetricAxis::product:
      return "product";
    case MetricAxis::policy:
      return "policy";
  }
  return "?";
}

constexpr const char* channel_name(Channel c) {
  switch (c) {
    case Channel::legal:
      return "legal";
    case Channel::licensed:
      return "licensed";
    case Channel::diverted:
      return "diverted";
  }
  return "?";
}

}  // namespace sim::world
