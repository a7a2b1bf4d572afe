#include "simulator/load/condition_reader.h"

namespace rundrill::load {
namespace {

const std::vector<std::string>& KindKeys() {
  static const std::vector<std::string> keys = {"step", "capture", "all", "any", "not"};
  return keys;
}

const std::vector<std::string>& OpKeys() {
  static const std::vector<std::string> keys = {"equals", "not_equals",   "matches",
                                                "exists", "greater_than", "less_than"};
  return keys;
}

const std::vector<std::string>& AllKeys() {
  static const std::vector<std::string> keys = {
      "step",   "outcome", "capture", "path", "equals",       "not_equals", "matches",
      "exists", "all",     "any",     "not",  "greater_than", "less_than"};
  return keys;
}

// Keys a condition of the given kind may have besides its kind key.
std::vector<std::string> CompanionKeys(const std::string& kind) {
  if (kind == "step") return {"outcome"};
  if (kind == "capture") {
    std::vector<std::string> keys = OpKeys();
    keys.push_back("path");
    return keys;
  }
  return {};
}

void ReadChildren(Reporter& r, const MapReader& m, const std::string& key, model::Condition* out,
                  std::vector<ConditionRef>* refs) {
  std::optional<YAML::Node> list = m.List(key);
  if (!list) return;
  const Field lf = m.Get(key);
  if (list->size() == 0) {
    r.Error(lf.mark, lf.label + " must not be empty");
    return;
  }
  for (const YAML::Node& item : *list) {
    out->children.emplace_back();
    ReadCondition(r, ListEntry(r, lf, item), &out->children.back(), refs);
  }
}

void ReadCaptureCondition(Reporter& r, MapReader& m, model::Condition* out,
                          std::vector<ConditionRef>* refs) {
  out->kind = model::Condition::Kind::kCapture;
  if (std::optional<std::string> name = m.String("capture")) {
    out->capture = *name;
    ConditionRef ref;
    ref.kind = ConditionRef::Kind::kCapture;
    ref.name = *name;
    ref.mark = m.Get("capture").mark;
    if (m.Has("path")) {
      ref.has_path = true;
      ref.path_mark = m.KeyMark("path");
    }
    refs->push_back(ref);
  }
  if (std::optional<std::string> path = m.String("path")) {
    if (!IsValidCapturePath(*path)) {
      r.Error(m.Get("path").mark,
              "invalid path " + Quote(*path) + " (use forms like items[0].status.phase)");
    }
    out->path = *path;
  }
  std::optional<std::string> op = m.OneOf(OpKeys(), false);
  if (!op) {
    r.Error(m.mark(), "when on a capture needs one of " + QuotedList(OpKeys(), "or"));
    return;
  }
  const Field f = m.Get(*op);
  if (*op == "equals" || *op == "not_equals") {
    out->op = *op == "equals" ? model::Condition::Op::kEquals : model::Condition::Op::kNotEquals;
    if (std::optional<std::string> s = ReadString(r, f)) out->operand = *s;
  } else if (*op == "matches") {
    out->op = model::Condition::Op::kMatches;
    if (std::optional<std::string> s = ReadRegex(r, f)) out->operand = *s;
  } else if (*op == "exists") {
    out->op = model::Condition::Op::kExists;
    if (std::optional<bool> b = ReadBool(r, f)) out->operand = *b ? "true" : "false";
  } else {
    out->op = *op == "greater_than" ? model::Condition::Op::kGreaterThan
                                    : model::Condition::Op::kLessThan;
    // Kept as written, so that reports show the author's number; it parses as a double.
    if (ReadNumber(r, f)) out->operand = f.node.Scalar();
  }
}

}  // namespace

bool IsValidCapturePath(std::string_view path) {
  size_t i = 0;
  bool first = true;
  while (true) {
    const size_t name_start = i;
    while (i < path.size() && path[i] != '.' && path[i] != '[' && path[i] != ']') ++i;
    const bool has_name = i > name_start;
    if (!has_name && !first) return false;  // "a..b", "a.[0]", "a."
    int indexes = 0;
    while (i < path.size() && path[i] == '[') {
      ++i;
      const size_t digits_start = i;
      while (i < path.size() && path[i] >= '0' && path[i] <= '9') ++i;
      if (i == digits_start || i == path.size() || path[i] != ']') return false;
      ++i;
      ++indexes;
    }
    if (!has_name && indexes == 0) return false;  // "", ".a"
    if (i == path.size()) return true;
    if (path[i] != '.') return false;
    ++i;
    first = false;
  }
}

void ReadCondition(Reporter& r, const Field& f, model::Condition* out,
                   std::vector<ConditionRef>* refs) {
  if (!CheckMap(r, f)) return;
  MapReader m(r, f.node, "when", AllKeys());
  out->mark = m.mark();
  std::optional<std::string> kind = m.OneOf(KindKeys(), true);
  if (!kind) return;
  const std::vector<std::string> companions = CompanionKeys(*kind);
  for (const std::string& key : m.Keys()) {
    bool fits = key == *kind;
    for (const std::string& c : companions) fits = fits || key == c;
    bool is_kind_key = false;
    for (const std::string& k : KindKeys()) is_kind_key = is_kind_key || key == k;
    // A second kind key was already reported by OneOf.
    if (!fits && !is_kind_key) {
      r.Error(m.KeyMark(key), Quote(key) + " cannot be combined with " + Quote(*kind) + " in when");
    }
  }

  if (*kind == "step") {
    out->kind = model::Condition::Kind::kStepOutcome;
    if (std::optional<std::string> step = m.String("step")) {
      out->step = *step;
      ConditionRef ref;
      ref.kind = ConditionRef::Kind::kStep;
      ref.name = *step;
      ref.mark = m.Get("step").mark;
      refs->push_back(std::move(ref));
    }
    if (m.Require("outcome")) {
      if (auto outcome = m.Enum("outcome", {"succeeded", "failed", "skipped", "timed_out"})) {
        out->outcome = *outcome;
      }
    }
  } else if (*kind == "capture") {
    ReadCaptureCondition(r, m, out, refs);
  } else if (*kind == "all" || *kind == "any") {
    out->kind = *kind == "all" ? model::Condition::Kind::kAll : model::Condition::Kind::kAny;
    ReadChildren(r, m, *kind, out, refs);
  } else {
    out->kind = model::Condition::Kind::kNot;
    out->children.emplace_back();
    ReadCondition(r, m.Get("not"), &out->children.back(), refs);
  }
}

}  // namespace rundrill::load
