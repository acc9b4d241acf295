#include "agents/register.hpp"

#include <memory>

#include "agents/ai_lab/ai_lab.hpp"
#include "agents/chipmaker/chipmaker.hpp"
#include "agents/foundry/foundry.hpp"
#include "agents/government/government.hpp"

namespace agents {

void register_builtin(sim::world::BehaviourRegistry& registry) {
  using sim::world::AgentKind;
  registry.add(AgentKind::ai_lab, std::make_unique<AiLab>());
  registry.add(AgentKind::chipmaker, std::make_unique<Chipmaker>());
  registry.add(AgentKind::foundry, std::make_unique<Foundry>());
  registry.add(AgentKind::government, std::make_unique<Government>());
}

}  // namespace agents
