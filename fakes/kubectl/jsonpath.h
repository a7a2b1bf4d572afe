#pragma once

// The subset of client-go's JSONPath that runbooks use with `kubectl -o jsonpath=`:
// literal text, `{.a.b}`, `{.items[*].x}`, indexes (negative too) and slices, `['key']`,
// escaped dots (`kubernetes\.io/change-cause`), filters `[?(@.type=="Ready")]` with == != <
// > <= >=, `{range ...}...{end}` and string literals `{"\t"}`. Missing keys print nothing
// (kubectl allows missing keys); an index out of range is an error, as in kubectl.

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "simulator/core/status.h"

namespace rundrill::fakes::kubectl {

struct JsonPathResult {
  std::string output;
  // When set, kubectl's full error text (without the "error: " prefix), e.g.
  // `error executing jsonpath "{.items[5]}": Error executing template: array index out of
  // bounds: index 5, length 3. Printing more information ...`; parse errors likewise.
  std::optional<std::string> error;
};

JsonPathResult ExecuteJsonPath(const std::string& template_text, const nlohmann::json& data);

// What client-go's JSONPath.FindResults gives for the first action of `template_text` (the
// only one in a `--sort-by` expression such as "{.metadata.name}"), with missing keys
// allowed: the values found, in order; empty when the path leads nowhere.
struct JsonPathValues {
  std::vector<nlohmann::json> values;
  // The parser's message when the template does not parse (not client-go's wording).
  std::optional<std::string> parse_error;
  // client-go's message when evaluation fails, e.g. "array index out of bounds: index 0,
  // length 0".
  std::optional<std::string> error;
};

JsonPathValues FindJsonPathValues(const std::string& template_text, const nlohmann::json& data);

}  // namespace rundrill::fakes::kubectl
