#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "sim/engine/agent_registry.hpp"
#include "sim/engine/month.hpp"
#include "sim/world/scenario.hpp"

namespace sim::world {

using engine::Calendar;

/// The name of an agent kind as scenarios and result files spell it.
const char* kind_name(AgentKind kind);

/// A fab as the model uses it: indices instead of ids, operating months as steps.
struct Fab {
  std::size_t country = 0;
  std::size_t node = 0;
  double wafers_per_month = 0;
  int first_step = 0;                  ///< may be negative (operating before the start)
  int last_step = 0;                   ///< inclusive
  std::vector<std::size_t> customers;  ///< chipmakers it is reserved for; empty = any
};

/// A policy compiled against the world: masks over products and countries.
struct Policy {
  std::size_t issuer = 0;         ///< country index
  std::vector<bool> covers;       ///< per product
  std::vector<bool> to_country;   ///< per country: destinations (all true when none listed)
  std::vector<bool> from_origin;  ///< per country: tariff origins (all true when none listed)
  int first_step = -1;            ///< -1: dormant until enacted
  int last_step = -1;             ///< -1: until repealed or the end
};

/// An event compiled to indices; `decision` names the decision that produced it, if any.
struct Event {
  int step = 0;
  EventAction action = EventAction::enact;
  std::size_t target = 0;  ///< policy or deal index
  std::vector<std::pair<std::string, double>> set;
  bool is_decision = false;  ///< marks the option taken at a decision; changes nothing itself
  std::string text;          ///< what happened, for the event log
  std::string note;
  std::string source;
};

/// The immutable model of one scenario run: the spec plus indices the agents and the market
/// need. Built once by `World::build`, shared read-only by all replicates and threads.
class World {
 public:
  /// Compiles `spec` with the options taken at its decisions: `run_choices`, then the
  /// scenario's own `choices`; decisions named in neither take their historical option. @throws
  /// ConfigError for a choice naming an unknown decision or option.
  static World build(ScenarioSpec spec, const Choices& run_choices = {});

  const ScenarioSpec& spec() const { return spec_; }
  const Calendar& calendar() const { return calendar_; }
  std::uint64_t seed() const { return spec_.scenario.seed; }
  /// The option taken at each decision of the scenario (decision id -> option id).
  const Choices& choices() const { return choices_; }

  std::size_t country_count() const { return spec_.countries.size(); }
  std::size_t product_count() const { return spec_.products.size(); }
  std::size_t agent_count() const { return spec_.agents.size(); }
  std::size_t node_count() const { return nodes_.size(); }

  const AgentSpec& agent(std::size_t a) const { return spec_.agents[a]; }
  const ProductSpec& product(std::size_t p) const { return spec_.products[p]; }
  const CountrySpec& country(std::size_t c) const { return spec_.countries[c]; }

  std::size_t agent_country(std::size_t a) const { return agent_country_[a]; }
  std::size_t product_designer(std::size_t p) const { return product_designer_[p]; }
  std::size_t product_node(std::size_t p) const { return product_node_[p]; }
  /// First step at which product p can be made and sold as the scenario has it (may be
  /// negative; kNever for design-around variants, which a chipmaker launches during a run:
  /// State::release_step holds the live value).
  int product_release_step(std::size_t p) const { return product_release_step_[p]; }
  /// Whether product p is sold to buyers in country c (its `markets`, all when none listed).
  bool sold_in(std::size_t p, std::size_t c) const { return product_markets_[p][c]; }
  /// For a design-around variant: the catalogue product it derives from, else npos.
  std::size_t variant_of(std::size_t p) const { return variant_of_[p]; }
  /// For a design-around variant: the export control it is designed to escape, else npos.
  std::size_t variant_policy(std::size_t p) const { return variant_policy_[p]; }

  /// Agents of each kind, in id order.
  const std::vector<std::size_t>& agents_of(AgentKind kind) const {
    return by_kind_[static_cast<std::size_t>(kind)];
  }
  /// For a chipmaker: the products it designs; for a foundry: its fabs.
  const std::vector<std::size_t>& products_of(std::size_t chipmaker) const {
    return products_of_[chipmaker];
  }
  const std::vector<Fab>& fabs_of(std::size_t foundry) const { return fabs_of_[foundry]; }
  /// For a chipmaker: the foundry agents it may order from.
  const std::vector<std::size_t>& foundries_of(std::size_t chipmaker) const {
    return foundries_of_[chipmaker];
  }
  /// The government agent of a country, or npos.
  std::size_t government_of(std::size_t country) const { return government_of_[country]; }

  const std::vector<Policy>& policies() const { return policies_; }
  const PolicySpec& policy_spec(std::size_t i) const { return spec_.policies[i]; }
  const std::vector<std::vector<Event>>& events_by_step() const { return events_by_step_; }

  /// The agents' ids and kinds, as the engine knows them.
  const engine::AgentRegistry& agent_registry() const { return agents_; }
  std::size_t agent_index(const std::string& id) const;
  std::size_t country_index(const std::string& id) const;
  std::size_t product_index(const std::string& id) const;
  std::size_t policy_index(const std::string& id) const;
  std::size_t deal_index(const std::string& id) const;
  /// Index of a process node offered by some fab.
  std::size_t node_index(const std::string& node) const;

  static constexpr std::size_t npos = static_cast<std::size_t>(-1);
  /// Release step of a product not (yet) on sale.
  static constexpr int kNever = 1 << 30;

 private:
  ScenarioSpec spec_;
  Calendar calendar_{Month{}, Month{}};
  std::vector<std::string> nodes_;
  std::vector<std::size_t> agent_country_;
  std::vector<std::size_t> product_designer_;
  std::vector<std::size_t> product_node_;
  std::vector<int> product_release_step_;
  std::vector<std::vector<bool>> product_markets_;
  std::vector<std::size_t> variant_of_;
  std::vector<std::size_t> variant_policy_;
  std::vector<std::vector<std::size_t>> by_kind_;
  std::vector<std::vector<std::size_t>> products_of_;
  std::vector<std::vector<Fab>> fabs_of_;
  std::vector<std::vector<std::size_t>> foundries_of_;
  std::vector<std::size_t> government_of_;
  std::vector<Policy> policies_;
  std::vector<std::vector<Event>> events_by_step_;
  Choices choices_;
  engine::AgentRegistry agents_;
  std::map<std::string, std::size_t> country_ids_, product_ids_, policy_ids_, deal_ids_;
};

}  // namespace sim::world
