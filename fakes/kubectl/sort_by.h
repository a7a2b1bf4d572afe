#pragma once

// `kubectl get --sort-by=EXPR`, as kubectl's pkg/cmd/get (sorter.go, get.go) does it on the
// client: the expression is a JSONPath evaluated on each object; the first value it finds is
// the key; keys compare as Go's isLess compares unstructured values (integers and floats by
// value, strings as Kubernetes quantities when both parse as one, else in natural order);
// the sort is Go's sort.Sort, which for up to 12 items is an insertion sort.

#include <cstddef>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

namespace rundrill::fakes::kubectl {

// kubectl's RelaxedJSONPathExpression: "a.b", ".a.b", "{a.b}" and "{.a.b}" all become
// "{.a.b}"; nullopt when the text has braces anywhere else (or is empty).
std::optional<std::string> RelaxedJsonPath(const std::string& text);

// Which of kubectl's two printing paths the output takes, since they sort differently.
enum class SortPath {
  // Default and `-o wide`: the server's Table, with each object inside its row. Rows are
  // sorted within each Table (one per request), then once more by the printer.
  kTable,
  // json, yaml, name, jsonpath: the objects gathered into one List, sorted once.
  kList,
};

struct SortOutcome {
  std::vector<size_t> order;  // positions in the input, in the order they are printed
  // kubectl's error, without "error: ". Nothing is printed when it is set.
  std::optional<std::string> error;
  // Set instead of `error` where kubectl's answer is not modelled: the full message.
  std::optional<std::string> not_modelled;
};

// Sorts `objects` by `expression` (the flag's text). With SortPath::kTable,
// `one_request_per_object` says the objects were fetched by name, one Table each, so they
// are only checked, never reordered. The caller does not call this for one object fetched
// by name and printed on the List path: kubectl prints a lone object unsorted.
SortOutcome SortObjects(const std::string& expression, const std::vector<nlohmann::json>& objects,
                        SortPath path, bool one_request_per_object);

// github.com/fvbommel/sortorder NaturalLess: runs of digits compare as numbers ("pod-9" <
// "pod-10"), the rest byte by byte.
bool NaturalLess(const std::string& a, const std::string& b);

// apimachinery resource.ParseQuantity's grammar ("100m", "1.5Gi", "2e3", "7"), as a number
// good enough to order quantities; nullopt when the text is not a quantity.
std::optional<long double> ParseQuantityValue(const std::string& text);

}  // namespace rundrill::fakes::kubectl
