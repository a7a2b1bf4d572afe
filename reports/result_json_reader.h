#pragma once

// Reading result.json back into a DrillResult: what `rundrill report merge` joins shard
// results with. The reading is exact for everything result.json holds, so writing a read
// result gives the same bytes again, and a merged suite the same reports as an unsharded one.

#include <string>
#include <string_view>

#include "simulator/core/status.h"
#include "simulator/drill/drill_result.h"

namespace rundrill::reports {

// `where` names the text in errors ("shard-1/drills/x/result.json"). A result of another
// schema version, or one that is not result.json at all, is an InvalidInput error.
StatusOr<drill::DrillResult> ParseResultJson(std::string_view text, const std::string& where);
StatusOr<drill::DrillResult> ResultFromJson(const nlohmann::json& j, const std::string& where);

}  // namespace rundrill::reports
