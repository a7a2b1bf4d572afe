#include "simulator/load/runbook_loader.h"

#include <algorithm>

#include "simulator/lint/rules.h"
#include "simulator/load/condition_reader.h"
#include "simulator/load/document_loading.h"
#include "simulator/load/file_reading.h"
#include "simulator/load/loader.h"
#include "simulator/load/notice_reader.h"
#include "simulator/load/spelling.h"
#include "simulator/load/verify_reader.h"
#include "simulator/load/yaml_reader.h"

namespace rundrill::load {
namespace {

constexpr std::string_view kIdentifierHint =
    "(use letters, digits and \"_\", not starting with a digit)";

const std::vector<std::string>& StepKeys() {
  static const std::vector<std::string> keys = {
      "id",       "type",    "name",     "run",
      "duration", "capture", "expect",   "timeout",
      "retries",  "when",    "rollback", "continue_on_failure",
      "slack",    "page",    "approval", "not_idempotent",
      "lint"};
  return keys;
}

// Reads one runbook. Steps and captures are numbered in the order they run (main steps, then
// on_failure steps) so that "comes before" is a comparison of numbers.
class RunbookReader {
 public:
  explicit RunbookReader(Reporter& r)
      : r_(r), step_ids_("step id", r.sink()), capture_names_("capture name", r.sink()) {}

  std::optional<model::Runbook> Read(const YAML::Node& root);

 private:
  struct StepInfo {
    std::string id;
    int order;
  };
  struct CaptureInfo {
    std::string name;
    int order;
    model::Capture::Format format;
  };
  struct PendingRef {
    int order;  // of the step whose `when` holds the reference
    ConditionRef ref;
  };

  void ReadTrigger(MapReader& root, model::Trigger* trigger);
  void ReadParams(MapReader& root, std::vector<model::Param>* params);
  void ReadSteps(MapReader& root, const std::string& key, bool required,
                 std::vector<model::Step>* steps);
  void ReadStep(const Field& f, int order, model::Step* step);
  void ReadCapture(const Field& f, int order, model::Step* step);
  void ReadExpect(const Field& f, model::StepExpect* expect);
  void ReadRetries(const Field& f, model::Retries* retries);
  void ReadLint(const Field& f, model::Step* step);
  model::ScalarStyle StyleOf(const Field& f) const;
  void ReadNotices(MapReader& m, bool notify, model::Step* step);
  void ReadEscalation(MapReader& root, std::vector<model::Step>* steps);
  void ResolveRefs();

  Reporter& r_;
  DuplicateFinder step_ids_;
  DuplicateFinder capture_names_;
  std::vector<StepInfo> steps_;
  std::vector<CaptureInfo> captures_;
  std::vector<PendingRef> refs_;
  int next_order_ = 0;
};

std::optional<model::Runbook> RunbookReader::Read(const YAML::Node& root_node) {
  if (!CheckMap(r_, Field{root_node, "a runbook", r_.MarkOf(root_node)})) return std::nullopt;
  if (KindMismatch(r_, root_node, "Runbook")) return std::nullopt;
  MapReader root(r_, root_node, "runbook",
                 {"apiVersion", "kind", "metadata", "trigger", "params", "steps", "on_failure",
                  "escalation", "verify"});
  if (!CheckHeader(root, "Runbook")) return std::nullopt;

  model::Runbook rb;
  rb.path = r_.path();
  rb.mark = root.mark();
  ReadMetadata(root, &rb.name, &rb.description, &rb.mark);
  ReadTrigger(root, &rb.trigger);
  ReadParams(root, &rb.params);
  ReadSteps(root, "steps", true, &rb.steps);
  ReadSteps(root, "on_failure", false, &rb.on_failure);
  ReadEscalation(root, &rb.escalation);
  ReadVerify(r_, root, &rb.verify);
  ResolveRefs();
  if (r_.has_errors()) return std::nullopt;
  return rb;
}

void RunbookReader::ReadTrigger(MapReader& root, model::Trigger* trigger) {
  if (!root.Require("trigger")) return;
  std::optional<YAML::Node> node = root.Map("trigger");
  if (!node) return;
  MapReader m(r_, *node, "trigger", {"alertname", "alertname_matches", "labels"});
  trigger->mark = m.mark();
  m.OneOf({"alertname", "alertname_matches"}, true);
  if (std::optional<std::string> name = m.String("alertname")) {
    if (name->empty()) r_.Error(m.Get("alertname").mark, "\"alertname\" must not be empty");
    trigger->alertname = *name;
  }
  if (std::optional<std::string> re = m.Regex("alertname_matches")) {
    trigger->alertname_matches = *re;
  }
  if (auto labels = m.StringMap("labels")) trigger->labels = *labels;
}

void RunbookReader::ReadParams(MapReader& root, std::vector<model::Param>* params) {
  std::optional<YAML::Node> node = root.Map("params");
  if (!node) return;
  DuplicateFinder names("param", r_.sink());
  for (auto it = node->begin(); it != node->end(); ++it) {
    const model::SourceMark key_mark = r_.MarkOf(it->first);
    if (!it->first.IsScalar()) {
      r_.Error(key_mark, "\"params\" has a key that is not a string");
      continue;
    }
    model::Param p;
    p.name = it->first.Scalar();
    p.mark = key_mark;
    if (!IsIdentifier(p.name)) {
      r_.Error(key_mark,
               "invalid param name " + Quote(p.name) + " " + std::string(kIdentifierHint));
    }
    names.Add(p.name, key_mark);
    const YAML::Node value = it->second;  // a copy: `it->` points into a temporary
    const Field f{value, Quote(p.name), value.IsNull() ? key_mark : r_.MarkOf(value)};
    if (value.IsScalar()) {
      p.value = value.Scalar();
    } else if (value.IsMap()) {
      MapReader m(r_, value, "param " + Quote(p.name), {"label", "annotation", "default"});
      m.OneOf({"label", "annotation"}, true);
      if (auto label = m.String("label")) p.label = *label;
      if (auto annotation = m.String("annotation")) p.annotation = *annotation;
      if (auto def = m.String("default")) p.default_value = *def;
    } else {
      r_.Error(f.mark, f.label + " must be a string or a map, got " + Describe(value));
    }
    params->push_back(std::move(p));
  }
}

void RunbookReader::ReadSteps(MapReader& root, const std::string& key, bool required,
                              std::vector<model::Step>* steps) {
  if (required && !root.Require(key)) return;
  std::optional<YAML::Node> list = root.List(key);
  if (!list) return;
  const Field lf = root.Get(key);
  if (required && list->size() == 0) {
    r_.Error(lf.mark, lf.label + " must not be empty");
    return;
  }
  for (const YAML::Node& item : *list) {
    steps->emplace_back();
    ReadStep(ListEntry(r_, lf, item), next_order_++, &steps->back());
  }
}

void RunbookReader::ReadStep(const Field& f, int order, model::Step* step) {
  if (!CheckMap(r_, f)) return;
  MapReader m(r_, f.node, "step", StepKeys());
  step->mark = m.mark();

  if (m.Require("id")) {
    if (std::optional<std::string> id = m.String("id")) {
      const Field idf = m.Get("id");
      if (!IsLowerName(*id, "_-")) {
        r_.Error(idf.mark, "invalid step id " + Quote(*id) +
                               " (use lower-case letters, digits, \"_\" and \"-\")");
      }
      // Even a badly spelled id is recorded, so that `when` references to it do not add a
      // second, misleading error.
      if (step_ids_.Add(*id, idf.mark)) steps_.push_back(StepInfo{*id, order});
      step->id = *id;
    }
  }

  std::optional<std::string> type;
  if (m.Require("type")) type = m.Enum("type", {"check", "action", "verify", "notify", "wait"});
  if (type == "check") step->type = model::StepType::kCheck;
  if (type == "action") step->type = model::StepType::kAction;
  if (type == "verify") step->type = model::StepType::kVerify;
  if (type == "notify") step->type = model::StepType::kNotify;
  if (type == "wait") step->type = model::StepType::kWait;

  step->name = m.String("name").value_or(step->id);

  if (type == "wait") {
    if (m.Has("run")) r_.Error(m.KeyMark("run"), "\"run\" is not allowed on a wait step");
    if (m.Require("duration")) {
      if (auto d = m.Duration("duration")) step->duration = *d;
    }
  } else if (type) {
    if (m.Has("duration")) {
      r_.Error(m.KeyMark("duration"), "\"duration\" is only allowed on a wait step");
    }
    const bool builtin = type == "notify" && (m.Has("slack") || m.Has("page"));
    if (builtin && m.Has("run")) {
      r_.Error(m.KeyMark("run"),
               "a notify step either runs a command or posts with \"slack\"/\"page\", not both");
    } else if (builtin) {
      // Nothing to run: the drill makes the calls itself.
    } else if (type == "notify" ? m.OneOf({"run", "slack", "page"}, true).has_value()
                                : m.Require("run")) {
      if (std::optional<std::string> run = m.String("run")) {
        if (run->empty()) r_.Error(m.Get("run").mark, "\"run\" must not be empty");
        step->run = *run;
        step->run_mark = m.Get("run").mark;
        step->run_style = StyleOf(m.Get("run"));
      }
    }
  } else {
    // Type missing or wrong: still check what can be checked.
    m.String("run");
    m.Duration("duration");
  }
  ReadNotices(m, type == "notify", step);

  if (m.Has("capture")) ReadCapture(m.Get("capture"), order, step);
  if (m.Has("expect")) ReadExpect(m.Get("expect"), &step->expect);
  if (std::optional<SimDuration> timeout = m.Duration("timeout")) {
    if (timeout->count() == 0) {
      r_.Error(m.Get("timeout").mark, "\"timeout\" must be longer than 0s");
    }
    step->timeout = *timeout;
  }
  if (m.Has("retries")) ReadRetries(m.Get("retries"), &step->retries);
  if (m.Has("when")) {
    std::vector<ConditionRef> refs;
    step->when.emplace();
    ReadCondition(r_, m.Get("when"), &*step->when, &refs);
    for (ConditionRef& ref : refs) refs_.push_back(PendingRef{order, std::move(ref)});
  }
  if (std::optional<std::string> rollback = m.String("rollback")) {
    if (rollback->empty()) r_.Error(m.Get("rollback").mark, "\"rollback\" must not be empty");
    step->rollback = *rollback;
    step->rollback_mark = m.Get("rollback").mark;
    step->rollback_style = StyleOf(m.Get("rollback"));
  }
  if (auto c = m.Bool("continue_on_failure")) step->continue_on_failure = *c;
  if (m.Has("lint")) ReadLint(m.Get("lint"), step);
  if (auto reason = m.String("not_idempotent")) {
    if (reason->empty()) {
      r_.Error(m.Get("not_idempotent").mark,
               "\"not_idempotent\" needs the reason the step may change the world each time");
    }
    step->not_idempotent = *reason;
  }
}

model::ScalarStyle RunbookReader::StyleOf(const Field& f) const {
  const std::string& src = r_.source();
  const int pos = f.node.Mark().pos;
  if (pos < 0 || static_cast<size_t>(pos) >= src.size()) return model::ScalarStyle::kPlain;
  switch (src[static_cast<size_t>(pos)]) {
    case '|':
      return model::ScalarStyle::kLiteral;
    case '>':
      return model::ScalarStyle::kFolded;
    case '"':
      return model::ScalarStyle::kDoubleQuoted;
    case '\'':
      return model::ScalarStyle::kSingleQuoted;
    default:
      return model::ScalarStyle::kPlain;
  }
}

// `lint: {ignore: [{rule: RD001, reason: "..."}]}`. A silenced finding is still reported,
// with its reason, so the reason is required: silence without one would hide a risk unseen.
void RunbookReader::ReadLint(const Field& f, model::Step* step) {
  if (!CheckMap(r_, f)) return;
  MapReader m(r_, f.node, "lint", {"ignore"});
  if (!m.Require("ignore")) return;
  std::optional<YAML::Node> list = m.List("ignore");
  if (!list) return;
  const Field lf = m.Get("ignore");
  std::vector<std::string> ids;
  for (const lint::RuleInfo& rule : lint::Rules()) ids.emplace_back(rule.id);
  for (const YAML::Node& item : *list) {
    const Field ef = ListEntry(r_, lf, item);
    if (!CheckMap(r_, ef)) continue;
    MapReader e(r_, ef.node, "lint ignore", {"rule", "reason"});
    model::LintIgnore ignore;
    ignore.mark = e.mark();
    const bool has_rule = e.Require("rule");
    const bool has_reason = e.Require("reason");
    if (has_rule) {
      if (std::optional<std::string> rule = e.String("rule")) {
        const model::SourceMark rule_mark = e.Get("rule").mark;
        const lint::RuleInfo* info = lint::FindRule(*rule);
        if (!info && !lint::IsShellcheckRule(*rule)) {
          r_.Error(rule_mark, "unknown lint rule " + Quote(*rule) + DidYouMean(*rule, ids) +
                                  " (use RD001-RD005 or shellcheck/SCnnnn)");
        } else if (info && !info->can_be_silenced) {
          r_.Error(rule_mark, "lint rule " + Quote(*rule) +
                                  " cannot be silenced: take the value from the environment");
        }
        ignore.rule = *rule;
      }
    }
    if (has_reason) {
      if (std::optional<std::string> reason = e.String("reason")) {
        if (reason->find_first_not_of(" \t\n") == std::string::npos) {
          r_.Error(e.Get("reason").mark, "\"reason\" must not be empty");
        }
        ignore.reason = *reason;
      }
    }
    step->lint_ignores.push_back(std::move(ignore));
  }
}

void RunbookReader::ReadNotices(MapReader& m, bool notify, model::Step* step) {
  for (const char* key : {"slack", "page"}) {
    if (!m.Has(key)) continue;
    if (!notify) {
      r_.Error(m.KeyMark(key), "\"" + std::string(key) + "\" is only allowed on a notify step");
      continue;
    }
    if (std::string_view(key) == "slack") {
      step->slack = ReadSlackNotice(r_, m.Get(key));
    } else {
      step->page = ReadPageNotice(r_, m.Get(key));
    }
  }
  if (m.Has("approval")) {
    if (step->type == model::StepType::kWait) {
      r_.Error(m.KeyMark("approval"), "a wait step changes nothing, so it needs no approval");
    } else {
      step->approval = ReadApproval(r_, m.Get("approval"));
    }
  }
}

// `escalation:` is a Slack post and/or a page that go out when the runbook fails, after its
// on_failure steps; they run as notify steps named escalation.slack and escalation.page
// (names no written step can take, since step ids have no ".").
void RunbookReader::ReadEscalation(MapReader& root, std::vector<model::Step>* steps) {
  std::optional<YAML::Node> node = root.Map("escalation");
  if (!node) return;
  MapReader m(r_, *node, "escalation", {"slack", "page", "not_idempotent"});
  if (!m.Has("slack") && !m.Has("page")) {
    r_.Error(m.mark(), "escalation needs \"slack\", \"page\" or both");
    return;
  }
  // The escalation runs on every failed run; the reason it may post again each time stands
  // for both of its steps.
  std::string not_idempotent;
  if (auto reason = m.String("not_idempotent")) {
    if (reason->empty()) {
      r_.Error(m.Get("not_idempotent").mark,
               "\"not_idempotent\" needs the reason the escalation may post again each run");
    }
    not_idempotent = *reason;
  }
  for (const char* key : {"slack", "page"}) {
    if (!m.Has(key)) continue;
    model::Step step;
    step.id = std::string("escalation.") + key;
    step.type = model::StepType::kNotify;
    step.mark = m.KeyMark(key);
    step.name = std::string_view(key) == "slack" ? "Escalate in Slack" : "Page the on-call";
    step.not_idempotent = not_idempotent;
    if (std::string_view(key) == "slack") {
      step.slack = ReadSlackNotice(r_, m.Get(key));
    } else {
      step.page = ReadPageNotice(r_, m.Get(key));
    }
    steps->push_back(std::move(step));
  }
}

void RunbookReader::ReadCapture(const Field& f, int order, model::Step* step) {
  model::Capture capture;
  capture.mark = f.mark;
  model::SourceMark name_mark = f.mark;
  if (f.node.IsScalar()) {
    capture.name = f.node.Scalar();
  } else if (f.node.IsMap()) {
    MapReader m(r_, f.node, "capture", {"name", "as"});
    if (!m.Require("name")) return;
    std::optional<std::string> name = m.String("name");
    if (!name) return;
    capture.name = *name;
    name_mark = m.Get("name").mark;
    if (auto as = m.Enum("as", {"text", "json"})) {
      capture.format =
          *as == "json" ? model::Capture::Format::kJson : model::Capture::Format::kText;
    }
  } else {
    r_.Error(f.mark, f.label + " must be a name or a map, got " + Describe(f.node));
    return;
  }
  if (!IsIdentifier(capture.name)) {
    r_.Error(name_mark,
             "invalid capture name " + Quote(capture.name) + " " + std::string(kIdentifierHint));
  }
  if (capture_names_.Add(capture.name, name_mark)) {
    captures_.push_back(CaptureInfo{capture.name, order, capture.format});
  }
  step->capture = capture;
}

void RunbookReader::ReadExpect(const Field& f, model::StepExpect* expect) {
  if (!CheckMap(r_, f)) return;
  MapReader m(r_, f.node, "expect", {"exit_code", "stdout_matches", "stdout_not_matches"});
  if (auto code = m.Int("exit_code", 0, 255)) expect->exit_code = static_cast<int>(*code);
  if (auto re = m.Regex("stdout_matches")) expect->stdout_matches = *re;
  if (auto re = m.Regex("stdout_not_matches")) expect->stdout_not_matches = *re;
}

void RunbookReader::ReadRetries(const Field& f, model::Retries* retries) {
  constexpr int64_t kMaxAttempts = 1000;
  if (f.node.IsScalar()) {
    if (auto n = ReadInt(r_, f, 1, kMaxAttempts)) retries->attempts = static_cast<int>(*n);
    return;
  }
  if (!f.node.IsMap()) {
    r_.Error(f.mark, f.label + " must be an integer or a map, got " + Describe(f.node));
    return;
  }
  MapReader m(r_, f.node, "retries", {"attempts", "backoff", "multiplier", "max_backoff"});
  if (m.Require("attempts")) {
    if (auto n = m.Int("attempts", 1, kMaxAttempts)) retries->attempts = static_cast<int>(*n);
  }
  if (auto d = m.Duration("backoff")) retries->backoff = *d;
  if (auto x = m.Number("multiplier")) {
    if (*x < 1.0) {
      r_.Error(m.Get("multiplier").mark,
               "\"multiplier\" must be at least 1, got " + Describe(m.Get("multiplier").node));
    }
    retries->multiplier = *x;
  }
  if (auto d = m.Duration("max_backoff")) retries->max_backoff = *d;
}

void RunbookReader::ResolveRefs() {
  std::vector<std::string> step_ids;
  for (const StepInfo& s : steps_) step_ids.push_back(s.id);
  std::vector<std::string> capture_names;
  for (const CaptureInfo& c : captures_) capture_names.push_back(c.name);

  for (const PendingRef& p : refs_) {
    const ConditionRef& ref = p.ref;
    if (ref.kind == ConditionRef::Kind::kStep) {
      auto it = std::find_if(steps_.begin(), steps_.end(),
                             [&](const StepInfo& s) { return s.id == ref.name; });
      if (it == steps_.end()) {
        r_.Error(ref.mark,
                 "when refers to unknown step " + Quote(ref.name) + DidYouMean(ref.name, step_ids));
      } else if (it->order == p.order) {
        r_.Error(ref.mark, "when refers to step " + Quote(ref.name) + ", which is this step");
      } else if (it->order > p.order) {
        r_.Error(ref.mark,
                 "when refers to step " + Quote(ref.name) + ", which runs after this step");
      }
      continue;
    }
    auto it = std::find_if(captures_.begin(), captures_.end(),
                           [&](const CaptureInfo& c) { return c.name == ref.name; });
    if (it == captures_.end()) {
      r_.Error(ref.mark, "when refers to unknown capture " + Quote(ref.name) +
                             DidYouMean(ref.name, capture_names));
      continue;
    }
    if (it->order == p.order) {
      r_.Error(ref.mark,
               "when refers to capture " + Quote(ref.name) + ", which this step sets itself");
    } else if (it->order > p.order) {
      r_.Error(ref.mark, "when refers to capture " + Quote(ref.name) +
                             ", which is set by a step that runs after this step");
    }
    if (ref.has_path && it->format == model::Capture::Format::kText) {
      r_.Error(ref.path_mark,
               "\"path\" needs a json capture, but " + Quote(ref.name) + " is captured as text");
    }
  }
}

}  // namespace

std::optional<model::Runbook> ReadRunbook(Reporter& r, const YAML::Node& root) {
  return RunbookReader(r).Read(root);
}

std::optional<model::Runbook> ParseRunbook(std::string_view text, const std::string& path,
                                           std::vector<Diagnostic>* errors) {
  return ParseDocumentWith<model::Runbook>(text, path, errors, ReadRunbook);
}

std::optional<model::Runbook> LoadRunbookFile(const std::string& path,
                                              std::vector<Diagnostic>* errors) {
  return LoadFileWith<model::Runbook>(path, errors, ParseRunbook);
}

}  // namespace rundrill::load
