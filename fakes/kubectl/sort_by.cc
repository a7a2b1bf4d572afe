#include "fakes/kubectl/sort_by.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <cstring>

#include "fakes/kubectl/jsonpath.h"
#include "fakes/kubectl/kubectl_call.h"

namespace rundrill::fakes::kubectl {
namespace {

using nlohmann::json;

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// The first value the expression found in one object; empty when it found none.
using Key = std::vector<json>;

const char* TypeWord(const json& v) {
  switch (v.type()) {
    case json::value_t::boolean:
      return "boolean values";
    case json::value_t::object:
      return "object values";
    case json::value_t::array:
      return "array values";
    default:
      return "values of different types";
  }
}

// Go's isLess on two values of an unstructured object. nullopt where kubectl gives up with
// a klog fatal line (a timestamped log record, not worth imitating): unsortable types.
std::optional<bool> ValueLess(const json& a, const json& b, std::string* unsortable) {
  if (a.is_null() || b.is_null()) return a.is_null() && !b.is_null();
  if (a.is_number_integer() && b.is_number_integer()) {
    return a.get<int64_t>() < b.get<int64_t>();
  }
  if (a.is_number_float() && b.is_number_float()) return a.get<double>() < b.get<double>();
  if (a.is_string() && b.is_string()) {
    const std::string& x = a.get_ref<const std::string&>();
    const std::string& y = b.get_ref<const std::string&>();
    const std::optional<long double> qx = ParseQuantityValue(x);
    const std::optional<long double> qy = qx ? ParseQuantityValue(y) : std::nullopt;
    if (qx && qy) return *qx < *qy;
    return NaturalLess(x, y);
  }
  *unsortable = TypeWord(a.type() == b.type() ? a : json());
  return std::nullopt;
}

// sorter.go's Less: an object without the field sorts before every other, even before
// another without it, which is why those come out reversed from one insertion-sort pass.
std::optional<bool> KeyLess(const Key& a, const Key& b, std::string* unsortable) {
  if (a.empty()) return true;
  if (b.empty()) return false;
  return ValueLess(a[0], b[0], unsortable);
}

// Go's insertionSort (sort.Sort for up to 12 items; beyond that Go's pdqsort may order
// ties differently). Moves `order` and `keys` together. False when a pair is unsortable.
bool InsertionSort(std::vector<size_t>& order, std::vector<Key>& keys, std::string* unsortable) {
  for (size_t i = 1; i < keys.size(); ++i) {
    for (size_t j = i; j > 0; --j) {
      const std::optional<bool> less = KeyLess(keys[j], keys[j - 1], unsortable);
      if (!less) return false;
      if (!*less) break;
      std::swap(keys[j], keys[j - 1]);
      std::swap(order[j], order[j - 1]);
    }
  }
  return true;
}

std::string CouldNotFind(const std::string& field) {
  return "couldn't find any field with path \"" + field + "\" in the list of objects";
}

std::string UnsortableMessage(const std::string& what) {
  return NotModelled("get --sort-by", "on " + what);
}

SortOutcome SortTables(const std::string& field, const std::vector<json>& objects,
                       bool one_request_per_object) {
  SortOutcome out;
  std::vector<std::vector<size_t>> tables;
  if (one_request_per_object) {
    for (size_t i = 0; i < objects.size(); ++i) tables.push_back({i});
  } else {
    tables.emplace_back();
    for (size_t i = 0; i < objects.size(); ++i) tables.back().push_back(i);
  }
  for (std::vector<size_t>& rows : tables) {
    std::vector<Key> keys;
    bool found_once = false;
    for (size_t index : rows) {
      JsonPathValues v = FindJsonPathValues(field, objects[index]);
      if (v.parse_error) {
        out.not_modelled = NotModelled("get --sort-by", field);
        return out;
      }
      if (v.error) {
        // NewTableSorter formats the nil results and the error with %#v.
        out.error = "Failed to get values for [][]reflect.Value(nil) using " + field +
                    " (&errors.errorString{s:\"" + *v.error + "\"})";
        return out;
      }
      found_once = found_once || !v.values.empty();
      keys.push_back(std::move(v.values));
    }
    if (!rows.empty() && !found_once) {
      out.error = CouldNotFind(field);
      return out;
    }
    // RuntimeSorter sorts each Table, then SortingPrinter sorts again any with two rows or
    // more; a second pass puts rows without the field back in their first order.
    std::string unsortable;
    if (!InsertionSort(rows, keys, &unsortable) ||
        (rows.size() > 1 && !InsertionSort(rows, keys, &unsortable))) {
      out.not_modelled = UnsortableMessage(unsortable);
      return out;
    }
    out.order.insert(out.order.end(), rows.begin(), rows.end());
  }
  return out;
}

SortOutcome SortList(const std::string& expression, const std::vector<json>& objects) {
  SortOutcome out;
  if (objects.empty()) return out;
  const std::optional<std::string> field = RelaxedJsonPath(expression);
  if (!field) {
    out.error =
        "unexpected path string, expected a 'name1.name2' or '.name1.name2' or "
        "'{name1.name2}' or '{.name1.name2}'";
    return out;
  }
  std::vector<Key> keys;
  bool found_once = false;
  for (const json& object : objects) {
    JsonPathValues v = FindJsonPathValues(*field, object);
    if (v.parse_error) {
      out.not_modelled = NotModelled("get --sort-by", *field);
      return out;
    }
    if (v.error) {
      // SortObjects checks objects only until one has the field; a later failure happens
      // inside Less, where kubectl exits through klog.
      if (found_once) {
        out.not_modelled = NotModelled("get --sort-by", *field);
      } else {
        out.error = *v.error;
      }
      return out;
    }
    found_once = found_once || !v.values.empty();
    keys.push_back(std::move(v.values));
  }
  if (!found_once) {
    out.error = CouldNotFind(*field);
    return out;
  }
  for (size_t i = 0; i < objects.size(); ++i) out.order.push_back(i);
  std::string unsortable;
  if (!InsertionSort(out.order, keys, &unsortable)) {
    out.order.clear();
    out.not_modelled = UnsortableMessage(unsortable);
  }
  return out;
}

}  // namespace

std::optional<std::string> RelaxedJsonPath(const std::string& text) {
  // ^\{\.?([^{}]+)\}$|^\.?([^{}]+)$ : the optional dot is dropped only when something is
  // left after it, as the regexp backtracks.
  const auto body = [](std::string s) -> std::optional<std::string> {
    if (s.size() > 1 && s[0] == '.') s.erase(0, 1);
    if (s.empty() || s.find_first_of("{}") != std::string::npos) return std::nullopt;
    return "{." + s + "}";
  };
  if (text.size() >= 2 && text.front() == '{' && text.back() == '}') {
    if (auto inner = body(text.substr(1, text.size() - 2))) return inner;
  }
  return body(text);
}

SortOutcome SortObjects(const std::string& expression, const std::vector<json>& objects,
                        SortPath path, bool one_request_per_object) {
  if (path == SortPath::kList) return SortList(expression, objects);
  // The Table path falls back to the text as given when it is not a relaxed path.
  return SortTables(RelaxedJsonPath(expression).value_or(expression), objects,
                    one_request_per_object);
}

bool NaturalLess(const std::string& a, const std::string& b) {
  size_t i = 0, j = 0;
  while (i < a.size() && j < b.size()) {
    const bool da = IsDigit(a[i]), db = IsDigit(b[j]);
    if (da != db) return da;  // digits before other characters
    if (!da) {
      if (a[i] != b[j]) {
        return static_cast<unsigned char>(a[i]) < static_cast<unsigned char>(b[j]);
      }
      ++i;
      ++j;
      continue;
    }
    while (i < a.size() && a[i] == '0') ++i;
    while (j < b.size() && b[j] == '0') ++j;
    const size_t nz_a = i, nz_b = j;
    while (i < a.size() && IsDigit(a[i])) ++i;
    while (j < b.size() && IsDigit(b[j])) ++j;
    if (i - nz_a != j - nz_b) return i - nz_a < j - nz_b;
    const std::string na = a.substr(nz_a, i - nz_a), nb = b.substr(nz_b, j - nz_b);
    if (na != nb) return na < nb;
    // Equal numbers: the one with fewer leading zeros first.
    if (nz_a != nz_b) return nz_a < nz_b;
  }
  return a.size() < b.size();
}

std::optional<long double> ParseQuantityValue(const std::string& text) {
  // parseQuantityString in apimachinery's quantity.go, then the suffix table.
  if (text.empty()) return std::nullopt;
  const size_t end = text.size();
  size_t pos = 0;
  bool positive = true;
  if (text[0] == '-' || text[0] == '+') {
    positive = text[0] == '+';
    ++pos;
  }
  while (pos < end && text[pos] == '0') ++pos;
  if (pos >= end) return 0.0L;
  const size_t num_start = pos;
  while (pos < end && IsDigit(text[pos])) ++pos;
  std::string number = text.substr(num_start, pos - num_start);
  if (number.empty()) number = "0";
  if (pos < end && text[pos] == '.') {
    const size_t denom_start = ++pos;
    while (pos < end && IsDigit(text[pos])) ++pos;
    number += "." + text.substr(denom_start, pos - denom_start);
  }
  const size_t suffix_start = pos;
  while (pos < end && std::strchr("eEinumkKMGTP", text[pos]) != nullptr) ++pos;
  if (pos < end) {
    if (text[pos] == '-' || text[pos] == '+') ++pos;
    while (pos < end && IsDigit(text[pos])) ++pos;
    if (pos < end) return std::nullopt;
  }
  const std::string suffix = text.substr(suffix_start);
  long double scale = 1.0L;
  static const std::pair<const char*, int> kDecimal[] = {{"n", -9}, {"u", -6}, {"m", -3}, {"", 0},
                                                         {"k", 3},  {"M", 6},  {"G", 9},  {"T", 12},
                                                         {"P", 15}, {"E", 18}};
  static const std::pair<const char*, int> kBinary[] = {{"Ki", 10}, {"Mi", 20}, {"Gi", 30},
                                                        {"Ti", 40}, {"Pi", 50}, {"Ei", 60}};
  bool known = false;
  int decimal_exponent = 0;
  for (const auto& [s, e] : kDecimal) {
    if (suffix == s) {
      decimal_exponent = e;
      known = true;
    }
  }
  for (const auto& [s, e] : kBinary) {
    if (suffix == s) {
      scale = std::pow(2.0L, e);
      known = true;
    }
  }
  if (!known) {
    if (suffix.size() < 2 || (suffix[0] != 'e' && suffix[0] != 'E')) return std::nullopt;
    // strconv.ParseInt(suffix[1:], 10, 64): an optional sign, then decimal digits only.
    const std::string exponent = suffix.substr(1);
    const size_t digits = (exponent[0] == '-' || exponent[0] == '+') ? 1 : 0;
    if (digits >= exponent.size()) return std::nullopt;
    for (size_t k = digits; k < exponent.size(); ++k) {
      if (!IsDigit(exponent[k])) return std::nullopt;
    }
    decimal_exponent =
        static_cast<int>(std::clamp(std::strtol(exponent.c_str(), nullptr, 10), -100000L, 100000L));
  }
  // Dividing by an exact power of ten (rather than multiplying by an inexact 10^-3) keeps
  // equal quantities equal: 1500m and 1.5 must tie, as Quantity.Cmp says.
  long double value = std::strtold(number.c_str(), nullptr) * scale;
  value = decimal_exponent < 0 ? value / std::pow(10.0L, -decimal_exponent)
                               : value * std::pow(10.0L, decimal_exponent);
  return positive ? value : -value;
}

}  // namespace rundrill::fakes::kubectl
