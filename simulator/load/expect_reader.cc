#include "simulator/load/expect_reader.h"

#include <algorithm>
#include <set>
#include <string>

#include "simulator/load/spelling.h"

namespace rundrill::load {
namespace {

// Far beyond any drill, yet small enough for an int.
constexpr int64_t kMaxCount = 1000000;

// What Slack accepts as an emoji name in reactions.add.
bool IsReactionName(std::string_view name) {
  if (name.empty() || name.size() > 100) return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-' || c == '+' ||
           c == '\'';
  });
}

// `count` or `at_least`, at most one of them; neither means at least one.
void ReadCount(MapReader& m, model::CountSpec* out) {
  const std::optional<std::string> key = m.OneOf({"count", "at_least"}, false);
  if (key == "count") {
    if (auto n = m.Int("count", 0, kMaxCount)) out->count = static_cast<int>(*n);
  } else if (key == "at_least") {
    // at_least: 0 would hold whatever happened, which is never what a scenario means.
    if (auto n = m.Int("at_least", 1, kMaxCount)) out->at_least = static_cast<int>(*n);
  }
}

// Reports `<what> "x" is not declared in world (did you mean "y"?)` unless `name` is one
// of `declared`.
bool CheckDeclared(Reporter& r, const model::SourceMark& mark, std::string_view what,
                   const std::string& name, const std::vector<std::string>& declared) {
  if (std::find(declared.begin(), declared.end(), name) != declared.end()) return true;
  r.Error(mark, std::string(what) + " " + Quote(name) + " is not declared in world" +
                    DidYouMean(name, declared));
  return false;
}

// Ids then names; an id the world derives from a name is not known here, so only declared
// ones count.
std::vector<std::string> UserNames(const model::PagerDutySpec& pd) {
  std::vector<std::string> out;
  for (const auto& u : pd.users) {
    if (!u.id.empty()) out.push_back(u.id);
  }
  for (const auto& u : pd.users) out.push_back(u.name);
  return out;
}

std::vector<std::string> ServiceNames(const model::PagerDutySpec& pd) {
  std::vector<std::string> out;
  for (const auto& s : pd.services) {
    if (!s.id.empty()) out.push_back(s.id);
  }
  for (const auto& s : pd.services) out.push_back(s.name);
  return out;
}

// Names first: the likelier hint.
std::vector<std::string> ChannelNames(const model::SlackSpec& slack) {
  std::vector<std::string> channels;
  for (const auto& c : slack.channels) channels.push_back(c.name);
  for (const auto& c : slack.channels) {
    if (!c.id.empty()) channels.push_back(c.id);
  }
  return channels;
}

// The required `channel` of `m`, without its '#'.
void ReadChannel(Reporter& r, MapReader& m, const std::vector<std::string>& channels,
                 std::string* out) {
  if (!m.Require("channel")) return;
  if (std::optional<std::string> channel = m.String("channel")) {
    // "#incidents" is how people write a channel; the world's names have no '#'.
    const std::string bare = channel->rfind('#', 0) == 0 ? channel->substr(1) : *channel;
    if (CheckDeclared(r, m.Get("channel").mark, "channel", bare, channels)) *out = bare;
  }
}

// An optional `service` or user key of `m` that must name a declared one.
std::optional<std::string> ReadDeclared(Reporter& r, MapReader& m, std::string_view key,
                                        std::string_view what,
                                        const std::vector<std::string>& declared) {
  std::optional<std::string> name = m.String(key);
  if (!name || !CheckDeclared(r, m.Get(key).mark, what, *name, declared)) return std::nullopt;
  return name;
}

void ReadSlackExpectation(Reporter& r, const Field& f, const std::vector<std::string>& channels,
                          model::SlackExpectation* x) {
  if (!CheckMap(r, f)) return;
  MapReader m(r, f.node, "slack expectation",
              {"channel", "text_matches", "count", "at_least", "reaction"});
  x->mark = m.mark();
  ReadChannel(r, m, channels, &x->channel);
  if (auto regex = m.Regex("text_matches")) x->text_matches = *regex;
  if (std::optional<std::string> reaction = m.String("reaction")) {
    // ":white_check_mark:" is how Slack shows it; reactions.add takes it without colons.
    std::string name = *reaction;
    if (name.size() >= 2 && name.front() == ':' && name.back() == ':') {
      name = name.substr(1, name.size() - 2);
    }
    if (!IsReactionName(name)) {
      r.Error(m.Get("reaction").mark,
              "invalid reaction " + Quote(*reaction) +
                  " (use an emoji name like white_check_mark: lower-case letters, digits, \"_\", "
                  "\"-\", \"+\" and \"'\")");
    } else {
      x->reaction = name;
    }
  }
  ReadCount(m, &x->count);
}

void ReadPagerDutyExpectation(Reporter& r, const Field& f, const std::vector<std::string>& services,
                              const std::vector<std::string>& users,
                              model::PagerDutyExpectation* x) {
  if (!CheckMap(r, f)) return;
  MapReader m(r, f.node, "pagerduty expectation",
              {"service", "title_matches", "status", "urgency", "count", "at_least",
               "acknowledged_by", "paged"});
  x->mark = m.mark();
  x->service = ReadDeclared(r, m, "service", "service", services);
  if (auto regex = m.Regex("title_matches")) x->title_matches = *regex;
  if (auto status = m.Enum("status", {"triggered", "acknowledged", "resolved"})) {
    x->status = *status;
  }
  if (auto urgency = m.Enum("urgency", {"high", "low"})) x->urgency = *urgency;
  x->acknowledged_by = ReadDeclared(r, m, "acknowledged_by", "user", users);
  if (std::optional<YAML::Node> list = m.List("paged")) {
    const Field lf = m.Get("paged");
    if (list->size() == 0) r.Error(lf.mark, lf.label + " must not be empty");
    std::set<std::string> seen;
    for (const YAML::Node& item : *list) {
      const Field ef = ListEntry(r, lf, item);
      std::optional<std::string> user = ReadString(r, ef);
      if (!user) continue;
      if (!seen.insert(*user).second) {
        r.Error(ef.mark, "duplicate entry " + Quote(*user) + " in \"paged\"");
        continue;
      }
      if (CheckDeclared(r, ef.mark, "user", *user, users)) x->paged.push_back(*user);
    }
  }
  ReadCount(m, &x->count);
}

// ---- order

const std::vector<std::string> kStepOutcomes = {"succeeded", "failed", "skipped", "timed_out"};

// What an `order:` event may name, gathered once for the whole list.
struct OrderNames {
  std::vector<std::string> channels;
  std::vector<std::string> services;
  std::vector<std::string> alertnames;
};

// The value of an event's one key, read as `{...}` with `allowed` keys.
void ReadOrderEventBody(Reporter& r, const Field& f, const std::string& kind,
                        const OrderNames& names, model::OrderEvent* e) {
  if (!CheckMap(r, f)) return;
  if (kind == "slack") {
    e->kind = model::OrderEvent::Kind::kSlack;
    MapReader m(r, f.node, "slack event", {"channel", "text_matches"});
    ReadChannel(r, m, names.channels, &e->channel);
    if (auto regex = m.Regex("text_matches")) e->text_matches = *regex;
  } else if (kind == "pagerduty") {
    e->kind = model::OrderEvent::Kind::kPagerDuty;
    MapReader m(r, f.node, "pagerduty event", {"status", "service", "title_matches"});
    if (m.Require("status")) {
      if (auto status = m.Enum("status", {"triggered", "acknowledged", "resolved"})) {
        e->status = *status;
      }
    }
    e->service = ReadDeclared(r, m, "service", "service", names.services);
    if (auto regex = m.Regex("title_matches")) e->text_matches = *regex;
  } else if (kind == "step") {
    e->kind = model::OrderEvent::Kind::kStep;
    MapReader m(r, f.node, "step event", {"runbook", "step", "outcome"});
    if (m.Require("runbook")) {
      if (auto runbook = m.String("runbook")) {
        if (IsLowerName(*runbook, "-")) {
          e->runbook = *runbook;
        } else {
          r.Error(m.Get("runbook").mark, "invalid runbook name " + Quote(*runbook) +
                                             " (use lower-case letters, digits and \"-\")");
        }
      }
    }
    if (m.Require("step")) {
      if (auto step = m.String("step")) e->step = *step;
    }
    if (auto outcome = m.Enum("outcome", kStepOutcomes)) e->outcome = *outcome;
  } else {
    e->kind = model::OrderEvent::Kind::kAlert;
    MapReader m(r, f.node, "alert event", {"alertname", "state"});
    if (m.Require("alertname")) {
      if (auto name = m.String("alertname")) {
        if (std::find(names.alertnames.begin(), names.alertnames.end(), *name) !=
            names.alertnames.end()) {
          e->alertname = *name;
        } else {
          r.Error(m.Get("alertname").mark,
                  "alert " + Quote(*name) +
                      " is neither fired in the timeline nor the name of an alerting rule" +
                      DidYouMean(*name, names.alertnames));
        }
      }
    }
    if (m.Require("state")) {
      if (auto state = m.Enum("state", {"firing", "resolved"})) e->status = *state;
    }
  }
}

void ReadOrderEvent(Reporter& r, const Field& f, const OrderNames& names, model::OrderEvent* e) {
  if (!CheckMap(r, f)) return;
  const std::vector<std::string> kinds = {"slack", "pagerduty", "step", "alert"};
  MapReader m(r, f.node, "order event", kinds);
  e->mark = m.mark();
  // A misspelt kind already got a hint; "needs one of" would only repeat it.
  const std::optional<std::string> kind = m.OneOf(kinds, !m.has_misspelt_keys());
  if (!kind) return;
  Field body = m.Get(*kind);
  body.label = Quote(*kind) + " event";
  ReadOrderEventBody(r, body, *kind, names, e);
}

void ReadOrderChain(Reporter& r, const Field& f, const OrderNames& names,
                    model::OrderExpectation* x) {
  x->mark = f.mark;
  if (!CheckList(r, f)) return;
  for (const YAML::Node& item : f.node) {
    model::OrderEvent e;
    ReadOrderEvent(r, ListEntry(r, f, item), names, &e);
    x->events.push_back(std::move(e));
  }
  if (x->events.size() < 2) {
    r.Error(f.mark, f.label + " needs at least two events to order, got " +
                        std::to_string(x->events.size()));
  }
}

}  // namespace

void ReadSlackExpectations(Reporter& r, const Field& f, const model::SlackSpec& slack,
                           std::vector<model::SlackExpectation>* out) {
  if (!CheckList(r, f)) return;
  const std::vector<std::string> channels = ChannelNames(slack);
  for (const YAML::Node& item : f.node) {
    model::SlackExpectation x;
    ReadSlackExpectation(r, ListEntry(r, f, item), channels, &x);
    out->push_back(std::move(x));
  }
}

void ReadPagerDutyExpectations(Reporter& r, const Field& f, const model::PagerDutySpec& pagerduty,
                               std::vector<model::PagerDutyExpectation>* out) {
  if (!CheckList(r, f)) return;
  const std::vector<std::string> services = ServiceNames(pagerduty);
  const std::vector<std::string> users = UserNames(pagerduty);
  for (const YAML::Node& item : f.node) {
    model::PagerDutyExpectation x;
    ReadPagerDutyExpectation(r, ListEntry(r, f, item), services, users, &x);
    out->push_back(std::move(x));
  }
}

void ReadEscalationExpectation(Reporter& r, const Field& f, const model::PagerDutySpec& pagerduty,
                               std::optional<model::EscalationExpectation>* out) {
  model::EscalationExpectation x;
  x.mark = f.mark;
  if (f.node.IsMap()) {
    MapReader m(r, f.node, "escalation expectation", {"service", "to"});
    if (!m.Has("service") && !m.Has("to") && !m.has_misspelt_keys()) {
      r.Error(m.mark(), "escalation expectation needs at least one of " +
                            QuotedList({"service", "to"}, "or") +
                            " (write \"escalated: true\" for any escalation)");
    }
    x.service = ReadDeclared(r, m, "service", "service", ServiceNames(pagerduty));
    x.to = ReadDeclared(r, m, "to", "user", UserNames(pagerduty));
  } else if (f.node.IsScalar()) {
    std::optional<bool> b = ReadBool(r, f);
    if (!b) return;
    x.escalated = *b;
  } else {
    r.Error(f.mark, f.label + " must be true, false or a map with \"service\" and/or \"to\", got " +
                        Describe(f.node));
    return;
  }
  *out = std::move(x);
}

void ReadOrderExpectations(Reporter& r, const Field& f, const model::WorldSpec& world,
                           const std::vector<std::string>& alertnames,
                           std::vector<model::OrderExpectation>* out) {
  if (!CheckList(r, f)) return;
  const OrderNames names{ChannelNames(world.slack), ServiceNames(world.pagerduty), alertnames};
  // A list of events is one chain; a list of lists is several, each ordered on its own.
  // The first entry says which; the others must agree.
  const bool chains = f.node.size() > 0 && f.node[0].IsSequence();
  if (!chains) {
    model::OrderExpectation x;
    ReadOrderChain(r, f, names, &x);
    out->push_back(std::move(x));
    return;
  }
  for (const YAML::Node& item : f.node) {
    Field ef = ListEntry(r, f, item);
    if (!item.IsSequence()) {
      r.Error(ef.mark,
              ef.label + " must be a list of events like the first entry, got " + Describe(item));
      continue;
    }
    ef.label = "each chain of " + f.label;
    model::OrderExpectation x;
    ReadOrderChain(r, ef, names, &x);
    out->push_back(std::move(x));
  }
}

}  // namespace rundrill::load
