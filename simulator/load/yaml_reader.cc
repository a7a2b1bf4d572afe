#include "simulator/load/yaml_reader.h"

#include <yaml-cpp/eventhandler.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <limits>
#include <sstream>

#include "simulator/load/spelling.h"
#include "simulator/text/pattern.h"

namespace rundrill::load {
namespace {

bool ParseInt64(std::string_view text, int64_t* out) {
  if (text.empty()) return false;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), *out);
  return ec == std::errc() && ptr == text.data() + text.size();
}

bool ParseUint64(std::string_view text, uint64_t* out) {
  // from_chars accepts no sign for unsigned types, so "-1" is rejected as it should be.
  if (text.empty()) return false;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), *out);
  return ec == std::errc() && ptr == text.data() + text.size();
}

bool ParseDouble(std::string_view text, double* out) {
  if (text.empty()) return false;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), *out);
  return ec == std::errc() && ptr == text.data() + text.size() && std::isfinite(*out);
}

// The offset of the first byte of `text` that is not part of well-formed UTF-8, or is a
// control character YAML does not allow, if any.
// yaml-cpp passes such bytes through, but YAML is Unicode and whatever reads the loaded
// strings later (JSON reports, the Slack and PagerDuty fakes) would fail on them far from
// the file.
std::optional<size_t> FirstInvalidUtf8(std::string_view text) {
  size_t i = 0;
  while (i < text.size()) {
    const auto byte = [&](size_t k) { return static_cast<unsigned char>(text[k]); };
    const unsigned char b = byte(i);
    size_t length = 0;
    uint32_t min = 0;
    uint32_t code = 0;
    if (b < 0x80) {
      // YAML allows no control characters but these; a NUL would also make yaml-cpp take
      // the file for UTF-16 or UTF-32 and read it as nonsense.
      if ((b < 0x20 && b != '\t' && b != '\n' && b != '\r') || b == 0x7f) return i;
      ++i;
      continue;
    } else if (b >= 0xc2 && b <= 0xdf) {
      length = 2, min = 0x80, code = b & 0x1f;
    } else if (b >= 0xe0 && b <= 0xef) {
      length = 3, min = 0x800, code = b & 0x0f;
    } else if (b >= 0xf0 && b <= 0xf4) {
      length = 4, min = 0x10000, code = b & 0x07;
    } else {
      return i;
    }
    if (text.size() - i < length) return i;
    for (size_t k = 1; k < length; ++k) {
      if ((byte(i + k) & 0xc0) != 0x80) return i;
      code = (code << 6) | (byte(i + k) & 0x3f);
    }
    // Overlong forms, UTF-16 surrogates and code points past U+10FFFF are not UTF-8.
    if (code < min || (code >= 0xd800 && code <= 0xdfff) || code > 0x10ffff) return i;
    i += length;
  }
  return std::nullopt;
}

// Records where each document starts, and nothing else.
class DocumentStarts : public YAML::EventHandler {
 public:
  std::vector<YAML::Mark> starts;

  void OnDocumentStart(const YAML::Mark& mark) override { starts.push_back(mark); }
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark&, YAML::anchor_t) override {}
  void OnAlias(const YAML::Mark&, YAML::anchor_t) override {}
  void OnScalar(const YAML::Mark&, const std::string&, YAML::anchor_t,
                const std::string&) override {}
  void OnSequenceStart(const YAML::Mark&, const std::string&, YAML::anchor_t,
                       YAML::EmitterStyle::value) override {}
  void OnSequenceEnd() override {}
  void OnMapStart(const YAML::Mark&, const std::string&, YAML::anchor_t,
                  YAML::EmitterStyle::value) override {}
  void OnMapEnd() override {}
};

// How many values aliases may add to a document beyond what its text could hold written
// out: far more than any runbook reuses, far less than the readers could walk in a moment.
constexpr size_t kMaxAliasExpansions = 100000;

// yaml-cpp shares an anchored node among its aliases rather than copying it, so a small
// file can stand for a huge tree ("billion laughs": ten aliases of ten aliases of ...) or, since
// an alias may name the collection it sits in, an endless one. The readers walk what they read
// as a tree (a Slack message's blocks are copied whole), so such a document must be refused
// before they see it. Walks the document as the readers would, aliases expanded, counting
// values: more than `budget` is only possible through aliases, since a document written out
// has fewer values than twice its bytes; deeper than yaml-cpp lets a document nest only
// through a cycle.
struct ExpansionCheck {
  static constexpr int kMaxDepth = 2000;  // yaml-cpp's own nesting limit (DepthGuard)
  size_t budget = 0;
  size_t seen = 0;
  std::optional<YAML::Mark> too_many;
  std::optional<YAML::Mark> cycle;

  bool Walk(const YAML::Node& node, int depth) {
    if (++seen > budget) {
      too_many = node.Mark();
      return false;
    }
    if (depth > kMaxDepth) {
      cycle = node.Mark();
      return false;
    }
    if (node.IsSequence()) {
      for (const YAML::Node& item : node) {
        if (!Walk(item, depth + 1)) return false;
      }
    } else if (node.IsMap()) {
      for (auto it = node.begin(); it != node.end(); ++it) {
        if (!Walk(it->first, depth + 1) || !Walk(it->second, depth + 1)) return false;
      }
    }
    return true;
  }
};

}  // namespace

std::optional<YAML::Node> ParseDocument(Reporter& r, std::string_view text) {
  r.set_source(text);
  if (std::optional<size_t> bad = FirstInvalidUtf8(text)) {
    const size_t line_start = text.rfind('\n', *bad == 0 ? 0 : *bad - 1);
    model::SourceMark mark = r.FileStart();
    mark.line = 1 + static_cast<int>(std::count(text.begin(), text.begin() + *bad, '\n'));
    mark.column = 1 + static_cast<int>(line_start == std::string_view::npos || *bad == 0
                                           ? *bad
                                           : *bad - line_start - 1);
    char hex[8];
    std::snprintf(hex, sizeof hex, "0x%02x", static_cast<unsigned char>(text[*bad]));
    const bool control = static_cast<unsigned char>(text[*bad]) < 0x80;
    r.Error(mark,
            std::string(control ? "file has a control character" : "file is not valid UTF-8") +
                " (byte " + hex + ")");
    return std::nullopt;
  }
  YAML::Node root;
  try {
    // Not YAML::LoadAll: in yaml-cpp 0.7 it loops forever, allocating, on a token no rule
    // consumes (a lone ","; jbeder/yaml-cpp#1040, fixed upstream in 0.8.0 by #1319). A first
    // pass only counts documents, and notices a document starting where the previous one
    // did, which is that loop; then YAML::Load builds the one document there is.
    DocumentStarts documents;
    std::istringstream stream{std::string(text)};
    YAML::Parser parser(stream);
    while (documents.starts.size() < 3 && parser.HandleNextDocument(documents)) {
    }
    const std::vector<YAML::Mark>& starts = documents.starts;
    for (size_t i = 1; i < starts.size(); ++i) {
      if (starts[i].pos == starts[i - 1].pos) {
        const size_t pos = static_cast<size_t>(std::max(starts[i].pos, 0));
        r.Error(r.MarkOf(starts[i]),
                "invalid YAML: unexpected " +
                    (pos < text.size() ? Quote(text.substr(pos, 1)) : std::string("end of file")));
        return std::nullopt;
      }
    }
    if (starts.size() > 1) {
      r.Error(r.MarkOf(starts[1]),
              "file has more than one YAML document (put each runbook or "
              "scenario in its own file)");
      return std::nullopt;
    }
    root = YAML::Load(std::string(text));
  } catch (const YAML::Exception& e) {
    r.Error(r.MarkOf(e.mark), "invalid YAML: " + e.msg);
    return std::nullopt;
  }
  if (root.IsNull()) {
    r.Error(r.FileStart(), "file is empty");
    return std::nullopt;
  }
  ExpansionCheck check;
  check.budget = kMaxAliasExpansions + 2 * text.size();
  if (!check.Walk(root, 0)) {
    if (check.cycle) {
      r.Error(r.MarkOf(*check.cycle), "an alias refers to a collection that contains it");
    } else {
      r.Error(r.MarkOf(*check.too_many),
              "too many alias expansions: the aliases expand this document by more than " +
                  std::to_string(kMaxAliasExpansions) + " values");
    }
    return std::nullopt;
  }
  return root;
}

std::string Describe(const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Scalar:
      return Quote(node.Scalar());
    case YAML::NodeType::Map:
      return "a map";
    case YAML::NodeType::Sequence:
      return "a list";
    default:
      return "an empty value";
  }
}

std::optional<std::string> ReadString(Reporter& r, const Field& f) {
  if (f.node.IsScalar()) return f.node.Scalar();
  r.Error(f.mark, f.label + " must be a string, got " + Describe(f.node));
  return std::nullopt;
}

std::optional<bool> ReadBool(Reporter& r, const Field& f) {
  if (f.node.IsScalar()) {
    const std::string& s = f.node.Scalar();
    if (s == "true" || s == "True" || s == "TRUE") return true;
    if (s == "false" || s == "False" || s == "FALSE") return false;
  }
  r.Error(f.mark, f.label + " must be true or false, got " + Describe(f.node));
  return std::nullopt;
}

std::optional<int64_t> ReadInt(Reporter& r, const Field& f, int64_t min, int64_t max) {
  int64_t value = 0;
  if (!f.node.IsScalar() || !ParseInt64(f.node.Scalar(), &value)) {
    r.Error(f.mark, f.label + " must be an integer, got " + Describe(f.node));
    return std::nullopt;
  }
  if (value < min || value > max) {
    if (max == std::numeric_limits<int64_t>::max()) {
      r.Error(f.mark,
              f.label + " must be at least " + std::to_string(min) + ", got " + Describe(f.node));
    } else {
      r.Error(f.mark, f.label + " must be between " + std::to_string(min) + " and " +
                          std::to_string(max) + ", got " + Describe(f.node));
    }
    return std::nullopt;
  }
  return value;
}

std::optional<uint64_t> ReadUnsigned(Reporter& r, const Field& f) {
  uint64_t value = 0;
  if (!f.node.IsScalar() || !ParseUint64(f.node.Scalar(), &value)) {
    r.Error(f.mark, f.label + " must be an unsigned integer, got " + Describe(f.node));
    return std::nullopt;
  }
  return value;
}

std::optional<double> ReadNumber(Reporter& r, const Field& f) {
  double value = 0;
  if (!f.node.IsScalar() || !ParseDouble(f.node.Scalar(), &value)) {
    r.Error(f.mark, f.label + " must be a number, got " + Describe(f.node));
    return std::nullopt;
  }
  return value;
}

std::optional<SimDuration> ReadDuration(Reporter& r, const Field& f) {
  if (!f.node.IsScalar()) {
    r.Error(f.mark, f.label + " must be a duration, got " + Describe(f.node));
    return std::nullopt;
  }
  std::optional<SimDuration> d = ParseDuration(f.node.Scalar());
  const std::string& text = f.node.Scalar();
  if (!d && !text.empty() && text[0] == '-' && ParseDuration(text.substr(1))) {
    r.Error(f.mark, f.label + " must not be negative, got " + Quote(text));
  } else if (!d) {
    r.Error(f.mark,
            "invalid duration " + Quote(f.node.Scalar()) + " (use forms like 90s, 5m, 1h30m)");
  }
  return d;
}

std::optional<std::string> ReadEnum(Reporter& r, const Field& f,
                                    const std::vector<std::string>& allowed) {
  if (f.node.IsScalar()) {
    for (const std::string& a : allowed) {
      if (f.node.Scalar() == a) return a;
    }
  }
  r.Error(f.mark,
          f.label + " must be one of " + QuotedList(allowed, "or") + ", got " + Describe(f.node));
  return std::nullopt;
}

std::optional<std::string> ReadRegex(Reporter& r, const Field& f) {
  std::optional<std::string> text = ReadString(r, f);
  if (!text) return std::nullopt;
  if (auto compiled = Pattern::Compile(*text); !compiled.ok()) {
    r.Error(f.mark, "invalid regex " + Quote(*text) + " in " + f.label + ": " +
                        compiled.status().message());
    return std::nullopt;
  }
  return text;
}

bool CheckMap(Reporter& r, const Field& f) {
  if (f.node.IsMap()) return true;
  r.Error(f.mark, f.label + " must be a map, got " + Describe(f.node));
  return false;
}

bool CheckList(Reporter& r, const Field& f) {
  if (f.node.IsSequence()) return true;
  r.Error(f.mark, f.label + " must be a list, got " + Describe(f.node));
  return false;
}

std::optional<std::map<std::string, std::string>> ReadStringMap(Reporter& r, const Field& f) {
  if (!CheckMap(r, f)) return std::nullopt;
  std::map<std::string, std::string> out;
  bool ok = true;
  for (auto it = f.node.begin(); it != f.node.end(); ++it) {
    const YAML::Node key = it->first;  // a copy: `it->` points into a temporary
    if (!key.IsScalar()) {
      r.Error(r.MarkOf(key), f.label + " has a key that is not a string");
      ok = false;
      continue;
    }
    const model::SourceMark key_mark = r.MarkOf(key);
    const YAML::Node value = it->second;  // a copy: `it->` points into a temporary
    Field vf{value, Quote(key.Scalar()), value.IsNull() ? key_mark : r.MarkOf(value)};
    std::optional<std::string> s = ReadString(r, vf);
    if (!s) {
      ok = false;
      continue;
    }
    if (!out.emplace(key.Scalar(), *s).second) {
      r.Error(key_mark, "duplicate key " + Quote(key.Scalar()) + " in " + f.label);
      ok = false;
    }
  }
  if (!ok) return std::nullopt;
  return out;
}

Field ListEntry(Reporter& r, const Field& list, const YAML::Node& item) {
  return Field{item, "each entry of " + list.label, item.IsNull() ? list.mark : r.MarkOf(item)};
}

namespace {

// How many bytes the code point of a \x, \u or \U escape takes in UTF-8.
size_t Utf8Length(std::string_view hex) {
  uint32_t code = 0;
  for (char c : hex) {
    const int digit = c >= '0' && c <= '9'   ? c - '0'
                      : c >= 'a' && c <= 'f' ? c - 'a' + 10
                      : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                             : 0;
    code = code * 16 + static_cast<uint32_t>(digit);
  }
  return code < 0x80 ? 1 : code < 0x800 ? 2 : code < 0x10000 ? 3 : 4;
}

// The number of source bytes that hold the first `offset` bytes of a quoted scalar starting
// at `open` (its quote), or nullopt when the scalar leaves its line first.
std::optional<size_t> QuotedSourceLength(std::string_view src, size_t open, size_t offset) {
  const char quote = src[open];
  size_t i = open + 1;
  size_t decoded = 0;
  while (decoded < offset) {
    if (i >= src.size() || src[i] == '\n' || src[i] == '\r') return std::nullopt;
    if (quote == '\'' && src[i] == '\'' && i + 1 < src.size() && src[i + 1] == '\'') {
      i += 2;
      decoded += 1;
    } else if (quote == '"' && src[i] == '\\' && i + 1 < src.size()) {
      const char kind = src[i + 1];
      const size_t digits = kind == 'x' ? 2 : kind == 'u' ? 4 : kind == 'U' ? 8 : 0;
      if (kind == '\n' || kind == '\r') return std::nullopt;
      decoded += digits == 0 ? 1 : Utf8Length(src.substr(i + 2, digits));
      i += 2 + digits;
    } else {
      i += 1;
      decoded += 1;
    }
  }
  return i - open;
}

}  // namespace

model::SourceMark PlaceInScalar(const Reporter& r, const Field& f, size_t offset) {
  const std::string& src = r.source();
  if (!f.node.IsScalar() || f.node.Mark().pos < 0) return f.mark;
  const size_t pos = static_cast<size_t>(f.node.Mark().pos);
  if (pos >= src.size()) return f.mark;
  const std::string& value = f.node.Scalar();
  offset = std::min(offset, value.size());
  std::optional<size_t> shift;
  if (src[pos] == '"' || src[pos] == '\'') {
    shift = QuotedSourceLength(src, pos, offset);
  } else if (src.compare(pos, value.size(), value) == 0) {
    shift = offset;
  }
  if (!shift) return f.mark;
  model::SourceMark mark = f.mark;
  mark.column += static_cast<int>(*shift);
  return mark;
}

bool IsLowerName(std::string_view s, std::string_view extra) {
  if (s.empty()) return false;
  for (char c : s) {
    const bool ok =
        (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || extra.find(c) != std::string_view::npos;
    if (!ok) return false;
  }
  return true;
}

bool IsIdentifier(std::string_view s) {
  if (s.empty()) return false;
  for (size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    const bool letter = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
    const bool digit = c >= '0' && c <= '9';
    if (!letter && !(digit && i > 0)) return false;
  }
  return true;
}

MapReader::MapReader(Reporter& reporter, const YAML::Node& node, std::string place,
                     std::vector<std::string> allowed)
    : reporter_(&reporter), place_(std::move(place)), mark_(reporter.MarkOf(node)) {
  for (auto it = node.begin(); it != node.end(); ++it) {
    const YAML::Node key = it->first;  // a copy: `it->` points into a temporary
    const model::SourceMark key_mark = reporter.MarkOf(key);
    if (!key.IsScalar()) {
      reporter.Error(key_mark, place_ + " has a key that is not a string");
      continue;
    }
    const std::string& name = key.Scalar();
    bool known = false;
    for (const std::string& a : allowed) known = known || a == name;
    if (!known) {
      const std::string hint = DidYouMean(name, allowed);
      has_misspelt_keys_ = has_misspelt_keys_ || !hint.empty();
      reporter.Error(key_mark, "unknown key " + Quote(name) + " in " + place_ + hint);
      continue;
    }
    if (const Entry* first = Find(name)) {
      reporter.Error(key_mark, "duplicate key " + Quote(name) + " in " + place_ +
                                   " (first defined at " + first->key_mark.ToString() + ")");
      continue;
    }
    entries_.push_back(Entry{name, it->second, key_mark});
  }
}

const MapReader::Entry* MapReader::Find(std::string_view key) const {
  for (const Entry& e : entries_) {
    if (e.key == key) return &e;
  }
  return nullptr;
}

std::vector<std::string> MapReader::Keys() const {
  std::vector<std::string> out;
  for (const Entry& e : entries_) out.push_back(e.key);
  return out;
}

model::SourceMark MapReader::KeyMark(std::string_view key) const { return Find(key)->key_mark; }

Field MapReader::Get(std::string_view key) const {
  const Entry* e = Find(key);
  // An empty value's own mark is wherever the next token starts; the key is the better place.
  return Field{e->value, Quote(e->key),
               e->value.IsNull() ? e->key_mark : reporter_->MarkOf(e->value)};
}

bool MapReader::Require(std::string_view key) {
  if (Has(key)) return true;
  reporter_->Error(mark_, place_ + " is missing required key " + Quote(key));
  return false;
}

std::optional<std::string> MapReader::OneOf(const std::vector<std::string>& keys, bool required) {
  std::optional<std::string> chosen;
  // Walk in file order so "the later key" is the one the reader sees second.
  for (const Entry& e : entries_) {
    bool listed = false;
    for (const std::string& k : keys) listed = listed || k == e.key;
    if (!listed) continue;
    if (!chosen) {
      chosen = e.key;
    } else {
      reporter_->Error(e.key_mark, place_ + " has both " + Quote(*chosen) + " and " + Quote(e.key) +
                                       "; keep only one");
    }
  }
  if (!chosen && required) {
    reporter_->Error(mark_, place_ + " needs one of " + QuotedList(keys, "or"));
  }
  return chosen;
}

std::optional<std::string> MapReader::String(std::string_view key) const {
  if (!Has(key)) return std::nullopt;
  return ReadString(*reporter_, Get(key));
}

std::optional<bool> MapReader::Bool(std::string_view key) const {
  if (!Has(key)) return std::nullopt;
  return ReadBool(*reporter_, Get(key));
}

std::optional<int64_t> MapReader::Int(std::string_view key, int64_t min, int64_t max) const {
  if (!Has(key)) return std::nullopt;
  return ReadInt(*reporter_, Get(key), min, max);
}

std::optional<uint64_t> MapReader::Unsigned(std::string_view key) const {
  if (!Has(key)) return std::nullopt;
  return ReadUnsigned(*reporter_, Get(key));
}

std::optional<double> MapReader::Number(std::string_view key) const {
  if (!Has(key)) return std::nullopt;
  return ReadNumber(*reporter_, Get(key));
}

std::optional<SimDuration> MapReader::Duration(std::string_view key) const {
  if (!Has(key)) return std::nullopt;
  return ReadDuration(*reporter_, Get(key));
}

std::optional<std::string> MapReader::Enum(std::string_view key,
                                           const std::vector<std::string>& allowed) const {
  if (!Has(key)) return std::nullopt;
  return ReadEnum(*reporter_, Get(key), allowed);
}

std::optional<std::string> MapReader::Regex(std::string_view key) const {
  if (!Has(key)) return std::nullopt;
  return ReadRegex(*reporter_, Get(key));
}

std::optional<YAML::Node> MapReader::Map(std::string_view key) const {
  if (!Has(key)) return std::nullopt;
  Field f = Get(key);
  if (!CheckMap(*reporter_, f)) return std::nullopt;
  return f.node;
}

std::optional<YAML::Node> MapReader::List(std::string_view key) const {
  if (!Has(key)) return std::nullopt;
  Field f = Get(key);
  if (!CheckList(*reporter_, f)) return std::nullopt;
  return f.node;
}

std::optional<std::map<std::string, std::string>> MapReader::StringMap(std::string_view key) const {
  if (!Has(key)) return std::nullopt;
  return ReadStringMap(*reporter_, Get(key));
}

bool KindMismatch(Reporter& r, const YAML::Node& root, std::string_view kind) {
  const YAML::Node& map = root;  // const: operator[] must not add the key
  const YAML::Node found = map["kind"];
  if (!found.IsDefined() || !found.IsScalar() || found.Scalar() == kind) return false;
  r.Error(r.MarkOf(found), "kind must be " + Quote(kind) + ", got " + Quote(found.Scalar()));
  return true;
}

bool CheckHeader(MapReader& root, std::string_view kind) {
  Reporter& r = root.reporter();
  if (root.Require("apiVersion")) {
    std::optional<std::string> v = root.String("apiVersion");
    if (v && *v != kApiVersion) {
      r.Error(root.Get("apiVersion").mark,
              "apiVersion must be " + Quote(kApiVersion) + ", got " + Quote(*v));
    }
  }
  if (root.Require("kind")) {
    std::optional<std::string> k = root.String("kind");
    if (!k) return false;
    if (*k != kind) {
      r.Error(root.Get("kind").mark, "kind must be " + Quote(kind) + ", got " + Quote(*k));
      return false;
    }
  }
  return true;
}

void ReadMetadata(MapReader& root, std::string* name, std::string* description,
                  model::SourceMark* mark) {
  if (!root.Require("metadata")) return;
  std::optional<YAML::Node> node = root.Map("metadata");
  if (!node) return;
  Reporter& r = root.reporter();
  MapReader m(r, *node, "metadata", {"name", "description"});
  if (m.Require("name")) {
    if (std::optional<std::string> n = m.String("name")) {
      const Field f = m.Get("name");
      if (!IsLowerName(*n, "-")) {
        r.Error(f.mark,
                "invalid name " + Quote(*n) + " (use lower-case letters, digits and \"-\")");
      }
      *name = *n;
      *mark = f.mark;
    }
  }
  if (std::optional<std::string> d = m.String("description")) *description = *d;
}

}  // namespace rundrill::load
