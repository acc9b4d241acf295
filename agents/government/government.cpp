#include "agents/government/government.hpp"

namespace agents {

void Government::decide(const sim::world::View&, std::size_t, sim::world::Intent&,
                        sim::engine::Rng&) const {}

}  // namespace agents
