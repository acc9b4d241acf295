#include "agents/foundry/foundry.hpp"

namespace agents {

void Foundry::decide(const sim::world::View&, std::size_t, sim::world::Intent&,
                     sim::engine::Rng&) const {}

}  // namespace agents
