#include "simulator/load/notice_reader.h"

#include <cstdlib>

#include "simulator/text/variables.h"

namespace rundrill::load {
namespace {

// PagerDuty refuses longer summaries; saying so at load time beats a 400 mid-incident.
constexpr size_t kMaxPageSummary = 1024;
constexpr size_t kMaxDedupKey = 255;

// A string that may hold `${NAME}`; malformed references are reported where they stand.
std::optional<std::string> TemplateString(Reporter& r, MapReader& m, std::string_view key) {
  std::optional<std::string> text = m.String(key);
  if (!text) return std::nullopt;
  if (auto error = CheckVariables(*text)) {
    r.Error(PlaceInScalar(r, m.Get(key), error->offset), error->message);
  }
  return text;
}

// Checks every string in the blocks for malformed references; `mark` is the blocks' place
// (block scalars do not line up with the file, so errors point at the list).
void CheckBlockVariables(Reporter& r, const nlohmann::json& value, const model::SourceMark& mark) {
  if (value.is_string()) {
    if (auto error = CheckVariables(value.get_ref<const std::string&>())) {
      r.Error(mark, "in \"blocks\": " + error->message);
    }
  } else if (value.is_array() || value.is_object()) {
    for (const auto& item : value) CheckBlockVariables(r, item, mark);
  }
}

bool IsPlainNumber(const std::string& text, double* out) {
  if (text.empty()) return false;
  char* end = nullptr;
  const double value = std::strtod(text.c_str(), &end);
  if (end != text.c_str() + text.size()) return false;
  // Leave "0x1F", "inf" and "nan" as text: YAML 1.2's core schema does not read them as
  // numbers either.
  for (char c : text) {
    if (!((c >= '0' && c <= '9') || c == '-' || c == '+' || c == '.' || c == 'e' || c == 'E')) {
      return false;
    }
  }
  *out = value;
  return true;
}

}  // namespace

nlohmann::json YamlToJson(const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Sequence: {
      nlohmann::json out = nlohmann::json::array();
      for (const auto& item : node) out.push_back(YamlToJson(item));
      return out;
    }
    case YAML::NodeType::Map: {
      nlohmann::json out = nlohmann::json::object();
      for (auto it = node.begin(); it != node.end(); ++it) {
        out[it->first.Scalar()] = YamlToJson(it->second);
      }
      return out;
    }
    case YAML::NodeType::Scalar: {
      const std::string& text = node.Scalar();
      if (node.Tag() == "!") return text;  // quoted
      if (text == "true" || text == "True" || text == "TRUE") return true;
      if (text == "false" || text == "False" || text == "FALSE") return false;
      if (text == "null" || text == "~") return nullptr;
      double number = 0;
      if (IsPlainNumber(text, &number)) {
        if (text.find_first_of(".eE") == std::string::npos) {
          return static_cast<int64_t>(std::strtoll(text.c_str(), nullptr, 10));
        }
        return number;
      }
      return text;
    }
    case YAML::NodeType::Null:
    case YAML::NodeType::Undefined:
      break;
  }
  return nullptr;
}

std::optional<model::SlackNotice> ReadSlackNotice(Reporter& r, const Field& f) {
  if (!CheckMap(r, f)) return std::nullopt;
  MapReader m(r, f.node, "slack", {"channel", "text", "blocks"});
  model::SlackNotice notice;
  notice.mark = m.mark();
  if (auto channel = m.String("channel")) {
    if (channel->empty()) r.Error(m.Get("channel").mark, "\"channel\" must not be empty");
    notice.channel = *channel;
  }
  if (!m.Has("text") && !m.Has("blocks")) {
    r.Error(m.mark(),
            "slack needs \"text\" or \"blocks\" (or both: the text is then the "
            "notification fallback)");
  }
  if (auto text = TemplateString(r, m, "text")) {
    if (text->empty()) r.Error(m.Get("text").mark, "\"text\" must not be empty");
    notice.text = *text;
  }
  if (std::optional<YAML::Node> blocks = m.List("blocks")) {
    const Field bf = m.Get("blocks");
    if (blocks->size() == 0) r.Error(bf.mark, "\"blocks\" must not be empty");
    for (const YAML::Node& block : *blocks) {
      const Field entry = ListEntry(r, bf, block);
      if (!CheckMap(r, entry)) continue;
      if (!block["type"] || !block["type"].IsScalar()) {
        r.Error(entry.mark, "each block needs a \"type\" (section, header, divider, context…)");
      }
    }
    notice.blocks = YamlToJson(*blocks);
    CheckBlockVariables(r, notice.blocks, bf.mark);
  }
  return notice;
}

std::optional<model::PageNotice> ReadPageNotice(Reporter& r, const Field& f) {
  if (!CheckMap(r, f)) return std::nullopt;
  MapReader m(r, f.node, "page",
              {"action", "service", "severity", "urgency", "summary", "dedup_key", "source"});
  model::PageNotice notice;
  notice.mark = m.mark();
  if (auto action = m.Enum("action", {"trigger", "acknowledge", "resolve"})) {
    notice.action = *action == "trigger"       ? model::PageNotice::Action::kTrigger
                    : *action == "acknowledge" ? model::PageNotice::Action::kAcknowledge
                                               : model::PageNotice::Action::kResolve;
  }
  const bool trigger = notice.action == model::PageNotice::Action::kTrigger;
  if (auto service = m.String("service")) {
    if (service->empty()) r.Error(m.Get("service").mark, "\"service\" must not be empty");
    notice.service = *service;
  }
  m.OneOf({"severity", "urgency"}, false);
  if (auto severity = m.Enum("severity", {"critical", "error", "warning", "info"})) {
    notice.severity = *severity;
  }
  // Services that set urgency from severity page critical events at high urgency and warning
  // ones at low urgency.
  if (auto urgency = m.Enum("urgency", {"high", "low"})) {
    notice.severity = *urgency == "high" ? "critical" : "warning";
  }
  if (trigger && notice.severity.empty()) notice.severity = "critical";
  if (!trigger && (m.Has("severity") || m.Has("urgency") || m.Has("summary") || m.Has("source"))) {
    for (const char* key : {"severity", "urgency", "summary", "source"}) {
      if (m.Has(key)) {
        r.Error(m.KeyMark(key), "\"" + std::string(key) + "\" is only read for action: trigger");
      }
    }
  }
  if (trigger) m.Require("summary");
  if (auto summary = TemplateString(r, m, "summary")) {
    if (summary->empty()) r.Error(m.Get("summary").mark, "\"summary\" must not be empty");
    if (summary->size() > kMaxPageSummary) {
      r.Error(m.Get("summary").mark, "\"summary\" is " + std::to_string(summary->size()) +
                                         " bytes; PagerDuty takes at most " +
                                         std::to_string(kMaxPageSummary));
    }
    notice.summary = *summary;
  }
  if (auto key = TemplateString(r, m, "dedup_key")) {
    if (key->empty() || key->size() > kMaxDedupKey) {
      r.Error(m.Get("dedup_key").mark,
              "\"dedup_key\" must be 1 to " + std::to_string(kMaxDedupKey) + " bytes long");
    }
    notice.dedup_key = *key;
  }
  if (auto source = TemplateString(r, m, "source")) notice.source = *source;
  return notice;
}

std::optional<model::Approval> ReadApproval(Reporter& r, const Field& f) {
  model::Approval approval;
  approval.mark = f.mark;
  if (f.node.IsScalar()) {
    std::optional<bool> on = ReadBool(r, f);
    if (!on) return std::nullopt;
    if (!*on) {
      r.Error(f.mark, "\"approval: false\" asks for nothing; leave the key out instead");
      return std::nullopt;
    }
    return approval;
  }
  if (!CheckMap(r, f)) return std::nullopt;
  MapReader m(r, f.node, "approval",
              {"channel", "action", "impact", "timeout", "safe_to_auto_approve"});
  if (auto channel = m.String("channel")) {
    if (channel->empty()) r.Error(m.Get("channel").mark, "\"channel\" must not be empty");
    approval.channel = *channel;
  }
  if (auto action = TemplateString(r, m, "action")) approval.action = *action;
  if (auto impact = TemplateString(r, m, "impact")) approval.impact = *impact;
  if (auto timeout = m.Duration("timeout")) {
    if (timeout->count() == 0) {
      r.Error(m.Get("timeout").mark, "\"timeout\" must be longer than 0s");
    }
    approval.timeout = *timeout;
  }
  if (auto safe = m.Bool("safe_to_auto_approve")) approval.auto_approve_on_timeout = *safe;
  return approval;
}

}  // namespace rundrill::load
