#include "simulator/drill/trigger.h"

#include "simulator/text/pattern.h"

namespace rundrill::drill {

bool TriggerMatches(const model::Trigger& trigger, const Labels& labels) {
  auto name_it = labels.find("alertname");
  const std::string name = name_it == labels.end() ? "" : name_it->second;
  if (!trigger.alertname.empty() && trigger.alertname != name) return false;
  if (!trigger.alertname_matches.empty()) {
    // The loader has compiled the pattern once already; an error here means no match.
    auto pattern = Pattern::Compile(trigger.alertname_matches);
    if (!pattern.ok()) return false;
    auto matched = pattern->FullMatch(name);
    if (!matched.ok() || !*matched) return false;
  }
  for (const auto& [key, value] : trigger.labels) {
    auto it = labels.find(key);
    if (it == labels.end() || it->second != value) return false;
  }
  return true;
}

}  // namespace rundrill::drill
