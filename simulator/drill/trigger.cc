#include "simulator/drill/trigger.h"

#include <regex>

namespace rundrill::drill {

bool TriggerMatches(const model::Trigger& trigger, const Labels& labels) {
  auto name_it = labels.find("alertname");
  const std::string name = name_it == labels.end() ? "" : name_it->second;
  if (!trigger.alertname.empty() && trigger.alertname != name) return false;
  if (!trigger.alertname_matches.empty() &&
      !std::regex_match(name, std::regex(trigger.alertname_matches))) {
    return false;
  }
  for (const auto& [key, value] : trigger.labels) {
    auto it = labels.find(key);
    if (it == labels.end() || it->second != value) return false;
  }
  return true;
}

}  // namespace rundrill::drill
