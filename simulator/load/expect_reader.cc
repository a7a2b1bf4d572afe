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

void ReadSlackExpectation(Reporter& r, const Field& f, const std::vector<std::string>& channels,
                          model::SlackExpectation* x) {
  if (!CheckMap(r, f)) return;
  MapReader m(r, f.node, "slack expectation",
              {"channel", "text_matches", "count", "at_least", "reaction"});
  x->mark = m.mark();
  if (m.Require("channel")) {
    if (std::optional<std::string> channel = m.String("channel")) {
      // "#incidents" is how people write a channel; the world's names have no '#'.
      const std::string bare = channel->rfind('#', 0) == 0 ? channel->substr(1) : *channel;
      if (CheckDeclared(r, m.Get("channel").mark, "channel", bare, channels)) x->channel = bare;
    }
  }
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
  if (std::optional<std::string> service = m.String("service")) {
    if (CheckDeclared(r, m.Get("service").mark, "service", *service, services)) {
      x->service = *service;
    }
  }
  if (auto regex = m.Regex("title_matches")) x->title_matches = *regex;
  if (auto status = m.Enum("status", {"triggered", "acknowledged", "resolved"})) {
    x->status = *status;
  }
  if (auto urgency = m.Enum("urgency", {"high", "low"})) x->urgency = *urgency;
  if (std::optional<std::string> user = m.String("acknowledged_by")) {
    if (CheckDeclared(r, m.Get("acknowledged_by").mark, "user", *user, users)) {
      x->acknowledged_by = *user;
    }
  }
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

}  // namespace

void ReadSlackExpectations(Reporter& r, const Field& f, const model::SlackSpec& slack,
                           std::vector<model::SlackExpectation>* out) {
  if (!CheckList(r, f)) return;
  std::vector<std::string> channels;  // names first: the likelier hint
  for (const auto& c : slack.channels) channels.push_back(c.name);
  for (const auto& c : slack.channels) {
    if (!c.id.empty()) channels.push_back(c.id);
  }
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

}  // namespace rundrill::load
