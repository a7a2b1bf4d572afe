#pragma once

// Internal to the loader: the built-in parts of runbook steps — `slack:` and `page:` on
// notify steps, and `approval:` on any step that runs something.

#include <yaml-cpp/yaml.h>

#include <nlohmann/json.hpp>
#include <optional>

#include "simulator/load/reporter.h"
#include "simulator/load/yaml_reader.h"
#include "simulator/model/runbook.h"

namespace rundrill::load {

std::optional<model::SlackNotice> ReadSlackNotice(Reporter& r, const Field& f);
std::optional<model::PageNotice> ReadPageNotice(Reporter& r, const Field& f);
// A map, or `true` for the defaults (`false` is refused: leave the key out instead).
std::optional<model::Approval> ReadApproval(Reporter& r, const Field& f);

// Block Kit as JSON: plain `true`/`false` become booleans and plain numbers numbers (Slack
// wants `"emoji": true`), quoted scalars stay strings, and null stays null.
nlohmann::json YamlToJson(const YAML::Node& node);

}  // namespace rundrill::load
