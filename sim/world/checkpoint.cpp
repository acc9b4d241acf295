// Checkpoints of a Simulation: its State, event log and the output recorded so far, as a
// Boost.Serialization binary archive. The archive is tied to this build's type sizes and byte
// order (docs/output-format.md, "Checkpoints"): it is for continuing a run on the same kind of
// machine, not for exchange.
#include <array>
#include <boost/archive/archive_exception.hpp>
#include <boost/archive/binary_iarchive.hpp>
#include <boost/archive/binary_oarchive.hpp>
#include <boost/crc.hpp>
#include <boost/serialization/map.hpp>
#include <boost/serialization/string.hpp>
#include <boost/serialization/utility.hpp>
#include <boost/serialization/vector.hpp>
#include <sstream>
#include <string>
#include <tuple>

#include "sim/engine/concat.hpp"
#include "sim/engine/errors.hpp"
#include "sim/world/settable.hpp"
#include "sim/world/simulation.hpp"

namespace boost::serialization {

template <class Archive, class... T>
void serialize(Archive& ar, std::tuple<T...>& t, unsigned /*version*/) {
  std::apply([&ar](auto&... field) { ((ar & field), ...); }, t);
}

}  // namespace boost::serialization

namespace sim::world {

// A field added to one of these structs must be added to its serialize() below too, or a
// continued run would silently start from a default. The size checks make the compiler say so.
static_assert(sizeof(Batch) == 2 * sizeof(double) + 2 * sizeof(std::size_t) + 8,
              "Batch changed: update serialize(Batch) in checkpoint.cpp");
static_assert(sizeof(LabState) == 4 * sizeof(double) + 8,
              "LabState changed: update serialize(LabState) in checkpoint.cpp");
static_assert(sizeof(MonthTotals) == 24 * sizeof(std::vector<double>),
              "MonthTotals changed: update serialize(MonthTotals) in checkpoint.cpp");
static_assert(sizeof(LicenceKey) == 4 * sizeof(std::size_t),
              "LicenceKey changed: update serialize(LicenceKey) in checkpoint.cpp");
static_assert(sizeof(Fab) == 4 * std::size_t{8} + sizeof(std::vector<std::size_t>),
              "Fab changed: update serialize(Fab) in checkpoint.cpp");

template <class Archive>
void serialize(Archive& ar, Batch& b, unsigned /*version*/) {
  ar& b.ready_step& b.product& b.origin& b.units& b.unit_value;
}

template <class Archive>
void serialize(Archive& ar, LabState& s, unsigned /*version*/) {
  ar& s.budget_base_usd& s.budget_base_step& s.compute_stock_h100e& s
      .effective_compute_h100e_months& s.backlog_usd;
}

template <class Archive>
void serialize(Archive& ar, ChipmakerState& s, unsigned /*version*/) {
  ar& s.inventory& s.pipeline& s.price_usd& s.forecast_units& s.inventory_value& s.written_down;
}

template <class Archive>
void serialize(Archive& ar, LicenceKey& k, unsigned /*version*/) {
  ar& k.policy& k.seller& k.destination& k.product;
}

template <class Archive>
void serialize(Archive& ar, Licence& l, unsigned /*version*/) {
  ar& l.decided_step& l.approved;
}

template <class Archive>
void serialize(Archive& ar, Fab& f, unsigned /*version*/) {
  ar& f.country& f.node& f.wafers_per_month& f.first_step& f.last_step& f.customers;
}

template <class Archive>
void serialize(Archive& ar, MonthTotals& m, unsigned /*version*/) {
  ar& m.revenue_usd& m.cogs_usd& m.units_sold& m.units_bought& m.h100e_bought& m.spend_usd& m
      .ordered_usd& m.fees_paid_usd& m.fees_collected_usd& m.tariffs_paid_usd& m
      .tariffs_collected_usd& m.write_down_usd& m.wafers_ordered& m.wafers_started& m
      .wafers_requested& m.capacity_wafers& m.subsidies_paid_usd& m.demand_units& m
      .product_units_sold& m.product_wafers& m.produced_units& m.imports_by_channel& m
      .delivered_h100e& m.notional_h100e;
}

template <class Archive>
void serialize(Archive& ar, FlowRecord& f, unsigned /*version*/) {
  ar& f.replicate& f.month& f.product& f.seller& f.buyer& f.origin& f.destination& f.units& f
      .value_usd& f.channel;
}

}  // namespace sim::world

namespace sim::engine {

template <class Archive>
void serialize(Archive& ar, LoggedEvent& e, unsigned /*version*/) {
  ar& e.step& e.actor& e.kind& e.text;
}

}  // namespace sim::engine

namespace sim::world {

namespace {

constexpr const char* kMagic = "chipsim-checkpoint";
/// The bytes start with a CRC-32 of the archive after them, so that damage is caught before the
/// archive is parsed (a damaged length could otherwise ask for gigabytes).
constexpr std::size_t kCrcBytes = 4;

std::uint32_t crc32(std::string_view bytes) {
  boost::crc_32_type crc;
  crc.process_bytes(bytes.data(), bytes.size());
  return crc.checksum();
}
constexpr int kFormatVersion = 1;

/// What ties a checkpoint to a world: its dimensions and ids. A checkpoint restores only into
/// a simulation of a world with the same identity and the same replicate.
struct Identity {
  std::string magic = kMagic;
  int version = kFormatVersion;
  std::uint64_t replicate = 0;
  int months = 0;
  std::string first_month;
  std::vector<std::string> agents, products, countries, policies, deals;

  template <class Archive>
  void serialize(Archive& ar, unsigned /*version*/) {
    ar& magic& version& replicate& months& first_month& agents& products& countries& policies&
        deals;
  }
};

template <class Spec>
std::vector<std::string> ids_of(const std::vector<Spec>& specs) {
  std::vector<std::string> ids;
  ids.reserve(specs.size());
  for (const Spec& s : specs) ids.push_back(s.id);
  return ids;
}

Identity identity_of(const World& world, std::uint64_t replicate) {
  const ScenarioSpec& spec = world.spec();
  Identity id;
  id.replicate = replicate;
  id.months = world.calendar().size();
  id.first_month = world.calendar().first().str();
  id.agents = ids_of(spec.agents);
  id.products = ids_of(spec.products);
  id.countries = ids_of(spec.countries);
  id.policies = ids_of(spec.policies);
  id.deals = ids_of(spec.deals);
  return id;
}

/// The first difference between a checkpoint's identity and a world's, or "" when none.
std::string mismatch(const Identity& saved, const Identity& here) {
  if (saved.replicate != here.replicate)
    return concat("it is of replicate ", saved.replicate, ", not ", here.replicate);
  if (saved.months != here.months || saved.first_month != here.first_month)
    return concat("its calendar (", saved.months, " months from ", saved.first_month,
                  ") differs from the scenario's (", here.months, " months from ", here.first_month,
                  ")");
  const auto lists = std::to_array<std::pair<const char*, const std::vector<std::string>*>>(
      {{"agents", &saved.agents},
       {"products", &saved.products},
       {"countries", &saved.countries},
       {"policies", &saved.policies},
       {"deals", &saved.deals}});
  const auto ours = std::to_array<const std::vector<std::string>*>(
      {&here.agents, &here.products, &here.countries, &here.policies, &here.deals});
  for (std::size_t i = 0; i < std::size(lists); ++i)
    if (*lists[i].second != *ours[i]) return concat("its ", lists[i].first, " differ");
  return "";
}

/// The values of the fields that `set` events may change; everything else in the live
/// parameters is the world's spec.
template <class Spec>
std::vector<double> settable_values(std::vector<Spec> specs,
                                    std::span<const std::string_view> (*fields)(const Spec&)) {
  std::vector<double> values;
  for (Spec& s : specs)
    for (std::string_view f : fields(s)) values.push_back(*settable_field(s, f));
  return values;
}

std::span<const std::string_view> agent_fields(const AgentSpec& a) {
  return settable_fields(a.kind);
}
std::span<const std::string_view> policy_fields(const PolicySpec& /*policy*/) {
  return settable_policy_fields();
}

/// Whether the per-agent, per-product, per-policy and per-deal vectors of `s` have the world's
/// sizes (a damaged checkpoint could otherwise index out of range later).
bool sized_for(const State& s, const World& w) {
  const std::size_t n = w.agent_count();
  const std::size_t p = w.product_count();
  const std::size_t c = w.country_count();
  const std::size_t policies = w.policies().size();
  const std::size_t deals = w.spec().deals.size();
  const auto month_ok = [&](const MonthTotals& m) {
    return m.revenue_usd.size() == n && m.demand_units.size() == p &&
           m.produced_units.size() == c && m.imports_by_channel.size() == 3 * c &&
           m.delivered_h100e.size() == p * c && m.notional_h100e.size() == p * c;
  };
  bool ok = s.policy_active.size() == policies && s.policy_since.size() == policies &&
            s.release_step.size() == p && s.labs.size() == n && s.chipmakers.size() == n &&
            s.pledged_usd.size() == n && s.built_usd.size() == n && s.built_fabs.size() == n &&
            s.construction_until.size() == n && s.pledged_in.size() == n &&
            s.deal_pending.size() == deals && s.deal_accepted.size() == deals &&
            s.deal_refused_step.size() == deals && month_ok(s.month) && month_ok(s.last_month);
  for (std::size_t cm : w.agents_of(AgentKind::chipmaker)) {
    const ChipmakerState& m = s.chipmakers[cm];
    ok = ok && m.inventory.size() == p * c && m.price_usd.size() == p &&
         m.forecast_units.size() == p && m.inventory_value.size() == p &&
         m.written_down.size() == p;
    for (const Batch& b : m.pipeline) ok = ok && b.product < p && b.origin < c;
  }
  return ok;
}

}  // namespace

std::string Simulation::save() const {
  std::ostringstream bytes(std::ios::binary);
  {
    boost::archive::binary_oarchive ar(bytes);
    Identity id = identity_of(world_, replicate_);
    ar << id;
    ar << next_step_;
    const State& s = state_;
    ar << s.step << s.policy_active << s.policy_since << s.release_step;
    ar << settable_values(s.agent_params, &agent_fields);
    ar << settable_values(s.policy_params, &policy_fields);
    ar << s.labs << s.chipmakers << s.pledged_usd << s.built_usd << s.spending << s.built_fabs
       << s.construction_until << s.pledged_in << s.exempt << s.licences << s.quota_used_tpp
       << s.deal_pending << s.deal_accepted << s.deal_refused_step << s.month << s.last_month;
    ar << log_.entries();
    // the metrics of the months run so far; later months are still zero
    std::vector<std::vector<double>> recorded;
    for (const std::vector<double>& block : output_.metric_values) {
      const std::size_t width = block.size() / static_cast<std::size_t>(world_.calendar().size());
      recorded.emplace_back(block.begin(),
                            block.begin() + static_cast<std::ptrdiff_t>(
                                                width * static_cast<std::size_t>(next_step_)));
    }
    ar << recorded << output_.flows;
  }
  const std::string archive = std::move(bytes).str();
  std::string out(kCrcBytes, '\0');
  const std::uint32_t crc = crc32(archive);
  for (std::size_t i = 0; i < kCrcBytes; ++i) out[i] = static_cast<char>((crc >> (8 * i)) & 0xffU);
  return out + archive;
}

void Simulation::restore(std::string_view bytes) {
  const std::string what = concat("checkpoint of replicate ", replicate_);
  if (bytes.size() < kCrcBytes)
    throw IoError(concat(what, " is damaged: ", bytes.size(), " bytes"));
  std::uint32_t crc = 0;
  for (std::size_t i = 0; i < kCrcBytes; ++i)
    crc |= static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[i])) << (8 * i);
  bytes.remove_prefix(kCrcBytes);
  if (crc != crc32(bytes)) throw IoError(concat(what, " is damaged: its checksum does not match"));
  try {
    std::istringstream in(std::string(bytes), std::ios::binary);
    boost::archive::binary_iarchive ar(in);
    Identity saved;
    ar >> saved;
    if (saved.magic != kMagic || saved.version != kFormatVersion)
      throw IoError(concat(what, ": not a chipsim checkpoint of format ", kFormatVersion));
    if (const std::string why = mismatch(saved, identity_of(world_, replicate_)); !why.empty())
      throw IoError(concat(what, " does not belong to this scenario: ", why));
    int next = 0;
    ar >> next;
    if (next < 0 || next > world_.calendar().size())
      throw IoError(concat(what, ": step ", next, " is outside the calendar"));

    State s;
    ar >> s.step >> s.policy_active >> s.policy_since >> s.release_step;
    std::vector<double> agent_values;
    std::vector<double> policy_values;
    ar >> agent_values >> policy_values;
    ar >> s.labs >> s.chipmakers >> s.pledged_usd >> s.built_usd >> s.spending >> s.built_fabs >>
        s.construction_until >> s.pledged_in >> s.exempt >> s.licences >> s.quota_used_tpp >>
        s.deal_pending >> s.deal_accepted >> s.deal_refused_step >> s.month >> s.last_month;
    std::vector<engine::LoggedEvent> entries;
    ar >> entries;
    std::vector<std::vector<double>> recorded;
    std::vector<FlowRecord> flows;
    ar >> recorded >> flows;

    if (!sized_for(s, world_)) throw IoError(concat(what, ": its state does not fit the scenario"));
    // the live parameters: the world's, with the settable fields as they were
    s.agent_params = world_.spec().agents;
    s.policy_params = world_.spec().policies;
    const std::size_t expected_agent_values = settable_values(s.agent_params, &agent_fields).size();
    const std::size_t expected_policy_values =
        settable_values(s.policy_params, &policy_fields).size();
    if (agent_values.size() != expected_agent_values ||
        policy_values.size() != expected_policy_values ||
        recorded.size() != output_.metric_values.size())
      throw IoError(concat(what, ": its parameters or metrics do not match the scenario's"));
    std::size_t k = 0;
    for (AgentSpec& a : s.agent_params)
      for (std::string_view f : settable_fields(a.kind)) *settable_field(a, f) = agent_values[k++];
    k = 0;
    for (PolicySpec& p : s.policy_params)
      for (std::string_view f : settable_policy_fields())
        *settable_field(p, f) = policy_values[k++];

    std::vector<std::vector<double>> values = output_.metric_values;
    for (std::size_t m = 0; m < values.size(); ++m) {
      if (recorded[m].size() > values[m].size())
        throw IoError(concat(what, ": metric ", m, " holds more months than the scenario"));
      std::copy(recorded[m].begin(), recorded[m].end(), values[m].begin());
    }

    state_ = std::move(s);
    next_step_ = next;
    log_ = engine::EventLog();
    for (engine::LoggedEvent& e : entries)
      log_.add(e.step, e.actor, std::move(e.kind), std::move(e.text));
    output_.metric_values = std::move(values);
    output_.flows = std::move(flows);
    output_.events.clear();
  } catch (const IoError&) {
    throw;
  } catch (const std::exception& e) {
    // boost::archive::archive_exception, or a length the archive of another build misreads
    throw IoError(concat(what, " cannot be read by this build of chipsim: ", e.what()));
  }
}

}  // namespace sim::world
