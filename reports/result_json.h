#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "simulator/drill/drill_result.h"

namespace rundrill::reports {

// Version of result.json's layout (docs/result-format.md). Bump on any incompatible change.
inline constexpr char kResultSchema[] = "rundrill.result/v1";

// The drill as JSON. nlohmann::json keeps object keys sorted, and every list is in virtual
// time order, so the same drill and seed always give the same bytes.
nlohmann::json ResultToJson(const drill::DrillResult& result);

// ResultToJson dumped with 2-space indentation and a trailing newline.
std::string RenderResultJson(const drill::DrillResult& result);

}  // namespace rundrill::reports
