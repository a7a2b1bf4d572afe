#pragma once

// Internal to the loader: reading YAML values strictly, with every problem reported through
// a Reporter. Readers never throw and never stop at the first error; a reader that fails
// returns nullopt after reporting, and the caller carries on so that later errors are found.

#include <yaml-cpp/yaml.h>

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "simulator/core/sim_time.h"
#include "simulator/load/reporter.h"
#include "simulator/model/source_mark.h"

namespace rundrill::load {

// Parses `text` as exactly one YAML document. Reports syntax errors (at yaml-cpp's mark), an
// empty file, and a second document.
std::optional<YAML::Node> ParseDocument(Reporter& reporter, std::string_view text);

// `"three"` for a scalar, else "a map", "a list", "an empty value".
std::string Describe(const YAML::Node& node);

// A value to read: the node, how messages name it, and where they point.
struct Field {
  YAML::Node node;
  std::string label;       // `"replicas"`, or `each entry of "steps"`
  model::SourceMark mark;  // the value's place (the key's, when the value is empty)
};

// Value readers. Scalars are read by their text whether quoted or not (`replicas: "3"` is 3).
std::optional<std::string> ReadString(Reporter& r, const Field& f);
std::optional<bool> ReadBool(Reporter& r, const Field& f);  // true/false (any case)
std::optional<int64_t> ReadInt(Reporter& r, const Field& f, int64_t min, int64_t max);
std::optional<uint64_t> ReadUnsigned(Reporter& r, const Field& f);
std::optional<double> ReadNumber(Reporter& r, const Field& f);
std::optional<SimDuration> ReadDuration(Reporter& r, const Field& f);
std::optional<std::string> ReadEnum(Reporter& r, const Field& f,
                                    const std::vector<std::string>& allowed);
// A string that must compile as an ECMAScript std::regex.
std::optional<std::string> ReadRegex(Reporter& r, const Field& f);
bool CheckMap(Reporter& r, const Field& f);
bool CheckList(Reporter& r, const Field& f);
// A map of scalar keys to scalar values (labels, annotations).
std::optional<std::map<std::string, std::string>> ReadStringMap(Reporter& r, const Field& f);

// The Field for entry `i` of a checked list, labelled `each entry of <list label>`.
Field ListEntry(Reporter& r, const Field& list, const YAML::Node& item);

// The place of byte `offset` of a scalar's value, when the scalar is written on one line
// (plain, single- or double-quoted, escapes accounted for); otherwise the value's own place,
// since a folded or block scalar's text no longer lines up with the file.
model::SourceMark PlaceInScalar(const Reporter& r, const Field& f, size_t offset);

// Name rules shared by runbooks and scenarios.
bool IsLowerName(std::string_view s, std::string_view extra);  // [a-z0-9<extra>]+
bool IsIdentifier(std::string_view s);                         // [A-Za-z_][A-Za-z0-9_]*

// Strict reading of one YAML map: on construction every key that is not in `allowed` is
// reported (`unknown key "retires" in step (did you mean "retries"?)`), as are keys given
// twice and keys that are not scalars. The typed getters return nullopt both when the key
// is absent (no error) and when its value is invalid (reported).
class MapReader {
 public:
  // Precondition: node.IsMap(). `place` names the map in messages ("step", "trigger").
  MapReader(Reporter& reporter, const YAML::Node& node, std::string place,
            std::vector<std::string> allowed);

  const model::SourceMark& mark() const { return mark_; }
  const std::string& place() const { return place_; }
  Reporter& reporter() const { return *reporter_; }

  bool Has(std::string_view key) const { return Find(key) != nullptr; }
  // Whether an unknown key was reported with a "did you mean" hint: it is likely the key a
  // caller looks for, and a "needs one of" about it would only repeat the hint.
  bool has_misspelt_keys() const { return has_misspelt_keys_; }
  // Keys present, in file order (only allowed ones).
  std::vector<std::string> Keys() const;
  // Precondition: Has(key).
  model::SourceMark KeyMark(std::string_view key) const;
  Field Get(std::string_view key) const;

  // Reports `<place> is missing required key "<key>"` (at the map) unless present.
  bool Require(std::string_view key);
  // Returns whichever of `keys` is present. None present: reports
  // `<place> needs one of "a" or "b"` if `required`. Several: reports
  // `<place> has both "a" and "b"; keep only one` at the later key, and returns the first.
  std::optional<std::string> OneOf(const std::vector<std::string>& keys, bool required);

  std::optional<std::string> String(std::string_view key) const;
  std::optional<bool> Bool(std::string_view key) const;
  std::optional<int64_t> Int(std::string_view key, int64_t min, int64_t max) const;
  std::optional<uint64_t> Unsigned(std::string_view key) const;
  std::optional<double> Number(std::string_view key) const;
  std::optional<SimDuration> Duration(std::string_view key) const;
  std::optional<std::string> Enum(std::string_view key,
                                  const std::vector<std::string>& allowed) const;
  std::optional<std::string> Regex(std::string_view key) const;
  std::optional<YAML::Node> Map(std::string_view key) const;
  std::optional<YAML::Node> List(std::string_view key) const;
  std::optional<std::map<std::string, std::string>> StringMap(std::string_view key) const;

 private:
  struct Entry {
    std::string key;
    YAML::Node value;
    model::SourceMark key_mark;
  };
  const Entry* Find(std::string_view key) const;

  Reporter* reporter_;
  std::string place_;
  model::SourceMark mark_;
  std::vector<Entry> entries_;  // allowed keys only, first occurrence, file order
  bool has_misspelt_keys_ = false;
};

inline constexpr std::string_view kApiVersion = "rundrill/v1";

// For a root map whose `kind:` is another kind than `kind`: reports that alone and returns
// true, since the rest of the file cannot be read as `kind` (its errors would be noise).
// Call before building the root's MapReader.
bool KindMismatch(Reporter& r, const YAML::Node& root, std::string_view kind);

// Checks `apiVersion` and `kind` of a document's root map. Returns false when the kind is
// wrong (only possible without a KindMismatch check first: a non-string kind, say).
bool CheckHeader(MapReader& root, std::string_view kind);

// Reads the required `metadata: {name, description}` of a runbook or scenario; `*mark`
// becomes the place of the name's value.
void ReadMetadata(MapReader& root, std::string* name, std::string* description,
                  model::SourceMark* mark);

}  // namespace rundrill::load
