#pragma once

// `kubectl -o yaml`: JSON rendered the way sigs.k8s.io/yaml (go-yaml v2) writes it — keys
// sorted, two-space indent, sequences inside mappings not indented ("- " under the key),
// strings that would read as another type ("1", "true", "", timestamps) double-quoted,
// strings that cannot be plain (": ", leading "*", ...) single-quoted, multi-line strings
// as literal blocks, and long plain/quoted strings folded at spaces past column 80.

#include <nlohmann/json.hpp>
#include <string>

namespace rundrill::fakes::kubectl {

std::string ToYamlText(const nlohmann::json& value);

}  // namespace rundrill::fakes::kubectl
