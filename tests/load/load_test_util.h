#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "simulator/load/loader.h"

namespace rundrill::load::testing {

inline std::vector<std::string> Strings(const std::vector<Diagnostic>& diagnostics) {
  std::vector<std::string> out;
  for (const Diagnostic& d : diagnostics) out.push_back(d.ToString());
  return out;
}

// The errors of a runbook that must not load, as "path:line:col: message".
inline std::vector<std::string> RunbookErrors(std::string_view text) {
  std::vector<Diagnostic> errors;
  std::optional<model::Runbook> rb = ParseRunbook(text, "rb.yaml", &errors);
  if (rb) return {"<loaded without error>"};
  return Strings(errors);
}

inline std::vector<std::string> ScenarioErrors(std::string_view text) {
  std::vector<Diagnostic> errors;
  std::optional<model::Scenario> sc = ParseScenario(text, "sc.yaml", &errors);
  if (sc) return {"<loaded without error>"};
  return Strings(errors);
}

// A world with something of every kind, for tests of the sections that name them. It is 18
// lines long, so text appended to it starts on line 19.
inline constexpr char kChaosWorld[] = R"(apiVersion: rundrill/v1
kind: Scenario
metadata: {name: demo}
world:
  kubernetes:
    deployments:
      - {name: api, namespace: production, history: [{image: api:1}]}
      - {name: web, namespace: production, history: [{image: web:1}]}
  hosts:
    - name: db-1
      services: [{name: postgresql}]
      files: [{path: /var/log/app/debug.log, size: 1G}]
    - {name: web-1}
  databases:
    - {name: orders, host: db-1}
  services:
    - {name: api, deployment: production/api, depends_on: [orders]}
    - {name: web, deployment: production/web, depends_on: [api]}
)";

inline std::string WithChaosWorld(std::string_view rest) {
  return std::string(kChaosWorld) + std::string(rest);
}

}  // namespace rundrill::load::testing
