// world.slack and world.pagerduty.

#include <algorithm>
#include <limits>
#include <set>

#include "simulator/load/scenario_reader.h"
#include "simulator/load/spelling.h"

namespace rundrill::load {
namespace {

constexpr int kMaxEscalationTargets = 10;
constexpr int kMaxNumLoops = 9;

bool IsUpperAlnum(char c) { return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'); }

bool IsAlnum(char c) { return IsUpperAlnum(c) || (c >= 'a' && c <= 'z'); }

// "C0123ABCD": "C" and 8 upper-case letters or digits.
bool IsSlackChannelId(std::string_view s) {
  return s.size() == 9 && s[0] == 'C' && std::all_of(s.begin() + 1, s.end(), IsUpperAlnum);
}

// "PXPGF42": 7 upper-case letters or digits.
bool IsPagerDutyId(std::string_view s) {
  return s.size() == 7 && std::all_of(s.begin(), s.end(), IsUpperAlnum);
}

bool IsRoutingKey(std::string_view s) {
  return s.size() == 32 && std::all_of(s.begin(), s.end(), IsAlnum);
}

// One "@" with something either side, and no spaces.
bool IsEmail(std::string_view s) {
  const size_t at = s.find('@');
  return at != std::string_view::npos && at > 0 && at + 1 < s.size() &&
         s.find('@', at + 1) == std::string_view::npos &&
         s.find_first_of(" \t\r\n") == std::string_view::npos;
}

}  // namespace

// ---- slack

void ScenarioReader::ReadSlack(const Field& f, model::SlackSpec* slack) {
  if (!CheckMap(r_, f)) return;
  MapReader m(r_, f.node, "slack", {"channels", "webhook_channel", "rate_limit", "approvers"});
  *slack = model::SlackSpec();
  slack->mark = m.mark();

  std::vector<std::string> channels;  // names and ids, for webhook_channel
  if (std::optional<YAML::Node> list = m.List("channels")) {
    const Field lf = m.Get("channels");
    DuplicateFinder names("channel", r_.sink());
    DuplicateFinder ids("channel id", r_.sink());
    for (const YAML::Node& item : *list) {
      model::SlackChannelSpec channel;
      model::SourceMark id_mark;
      ReadSlackChannel(ListEntry(r_, lf, item), &channel, &id_mark);
      if (!channel.name.empty() && names.Add(channel.name, channel.mark)) {
        channels.push_back(channel.name);
      }
      if (!channel.id.empty() && ids.Add(channel.id, id_mark)) channels.push_back(channel.id);
      slack->channels.push_back(std::move(channel));
    }
  }

  if (std::optional<std::string> name = m.String("webhook_channel")) {
    CheckDeclared(m.Get("webhook_channel").mark, "channel", *name, channels);
    slack->webhook_channel = *name;
  }

  if (std::optional<YAML::Node> node = m.Map("rate_limit")) {
    MapReader rm(r_, *node, "rate_limit", {"per_second", "burst"});
    if (std::optional<double> rate = rm.Number("per_second")) {
      if (*rate <= 0) {
        r_.Error(rm.Get("per_second").mark,
                 "\"per_second\" must be more than 0, got " + Describe(rm.Get("per_second").node));
      } else {
        slack->rate_limit.per_second = *rate;
      }
    }
    if (auto burst = rm.Int("burst", 1, std::numeric_limits<int64_t>::max())) {
      if (*burst > std::numeric_limits<int>::max()) {
        r_.Error(rm.Get("burst").mark, "\"burst\" must be at most " +
                                           std::to_string(std::numeric_limits<int>::max()) +
                                           ", got " + Describe(rm.Get("burst").node));
      } else {
        slack->rate_limit.burst = static_cast<int>(*burst);
      }
    }
  }

  if (std::optional<YAML::Node> list = m.List("approvers")) {
    const Field lf = m.Get("approvers");
    for (const YAML::Node& item : *list) {
      model::SlackApproverSpec approver;
      if (ReadSlackApprover(ListEntry(r_, lf, item), &approver)) {
        slack->approvers.push_back(std::move(approver));
      }
    }
  }
}

bool ScenarioReader::ReadSlackApprover(const Field& f, model::SlackApproverSpec* approver) {
  if (!CheckMap(r_, f)) return false;
  MapReader m(r_, f.node, "approver", {"name", "id", "answer", "after", "runbook", "step"});
  approver->mark = m.mark();
  if (m.Require("name")) {
    if (std::optional<std::string> name = m.String("name")) {
      if (!IsLowerName(*name, "-_.")) {
        r_.Error(
            m.Get("name").mark,
            "invalid Slack user name " + Quote(*name) +
                " (use lower-case letters, digits, \"-\", \"_\" and \".\", without the \"@\")");
      }
      approver->name = *name;
    }
  }
  if (std::optional<std::string> id = m.String("id")) {
    const bool valid = id->size() >= 9 && id->size() <= 11 &&
                       ((*id)[0] == 'U' || (*id)[0] == 'W') &&
                       std::all_of(id->begin() + 1, id->end(), IsUpperAlnum);
    if (!valid) {
      r_.Error(m.Get("id").mark, "invalid Slack user id " + Quote(*id) +
                                     " (use \"U\" and 8 to 10 upper-case letters or digits, "
                                     "like U0123ABCD)");
    }
    approver->user_id = *id;
  }
  if (m.Require("answer")) {
    if (auto answer = m.Enum("answer", {"approve", "deny", "never"})) {
      approver->answer = *answer == "approve" ? model::SlackApproverSpec::Answer::kApprove
                         : *answer == "deny"  ? model::SlackApproverSpec::Answer::kDeny
                                              : model::SlackApproverSpec::Answer::kNever;
    }
  }
  if (m.Has("after") && approver->answer == model::SlackApproverSpec::Answer::kNever) {
    r_.Error(m.KeyMark("after"), "\"after\" makes no sense with answer: never");
  }
  if (auto after = m.Duration("after")) approver->after = *after;
  if (auto runbook = m.String("runbook")) approver->runbook = *runbook;
  if (auto step = m.String("step")) approver->step = *step;
  return true;
}

void ScenarioReader::ReadSlackChannel(const Field& f, model::SlackChannelSpec* channel,
                                      model::SourceMark* id_mark) {
  if (!CheckMap(r_, f)) return;
  MapReader m(r_, f.node, "channel", {"name", "id", "archived", "posting_restricted"});
  channel->mark = m.mark();
  if (m.Require("name")) {
    if (std::optional<std::string> name = m.String("name")) {
      channel->mark = m.Get("name").mark;
      if (!IsLowerName(*name, "-_")) {
        r_.Error(channel->mark, "invalid channel name " + Quote(*name) +
                                    " (use lower-case letters, digits, \"-\" and \"_\", without "
                                    "the leading \"#\")");
      }
      channel->name = *name;
    }
  }
  if (std::optional<std::string> id = m.String("id")) {
    *id_mark = m.Get("id").mark;
    if (!IsSlackChannelId(*id)) {
      r_.Error(*id_mark, "invalid channel id " + Quote(*id) +
                             " (use \"C\" and 8 upper-case letters or digits, like C0123ABCD)");
    } else {
      channel->id = *id;
    }
  }
  if (auto archived = m.Bool("archived")) channel->archived = *archived;
  if (auto restricted = m.Bool("posting_restricted")) channel->posting_restricted = *restricted;
}

// ---- pagerduty

std::optional<std::string> ScenarioReader::ReadPagerDutyId(MapReader& m, std::string_view what) {
  std::optional<std::string> id = m.String("id");
  if (!id) return std::nullopt;
  if (!IsPagerDutyId(*id)) {
    r_.Error(m.Get("id").mark, "invalid " + std::string(what) + " id " + Quote(*id) +
                                   " (use 7 upper-case letters or digits, like PXPGF42)");
    return std::nullopt;
  }
  return id;
}

void ScenarioReader::ReadTimeout(MapReader& m, std::string_view key,
                                 std::optional<SimDuration>* out) {
  if (!m.Has(key)) return;
  const Field f = m.Get(key);
  if (f.node.IsScalar() && f.node.Scalar() == "none") {
    out->reset();
    return;
  }
  std::optional<SimDuration> d = ReadDuration(r_, f);
  if (!d) return;
  if (d->count() == 0) {
    r_.Error(f.mark, Quote(key) + " must be longer than 0s (use none to disable it)");
    return;
  }
  *out = *d;
}

void ScenarioReader::ReadPagerDuty(const Field& f, model::PagerDutySpec* pd) {
  if (!CheckMap(r_, f)) return;
  MapReader m(r_, f.node, "pagerduty",
              {"users", "escalation_policies", "services", "api_tokens", "responders"});
  *pd = model::PagerDutySpec();
  // Users, policies and services share one space of ids.
  DuplicateFinder ids("PagerDuty id", r_.sink());

  std::vector<std::string> users;
  if (std::optional<YAML::Node> list = m.List("users")) {
    const Field lf = m.Get("users");
    DuplicateFinder emails("email", r_.sink());
    for (const YAML::Node& item : *list) {
      model::PagerDutyUserSpec user;
      model::SourceMark email_mark;
      ReadPagerDutyUser(ListEntry(r_, lf, item), &user, &email_mark);
      if (!user.id.empty() && ids.Add(user.id, user.mark)) users.push_back(user.id);
      if (!user.email.empty()) emails.Add(user.email, email_mark);
      pd->users.push_back(std::move(user));
    }
  }

  std::vector<std::string> policies;
  if (std::optional<YAML::Node> list = m.List("escalation_policies")) {
    const Field lf = m.Get("escalation_policies");
    for (const YAML::Node& item : *list) {
      model::PagerDutyEscalationPolicySpec policy;
      ReadEscalationPolicy(ListEntry(r_, lf, item), users, &policy);
      if (!policy.id.empty() && ids.Add(policy.id, policy.mark)) policies.push_back(policy.id);
      pd->escalation_policies.push_back(std::move(policy));
    }
  }

  if (std::optional<YAML::Node> list = m.List("services")) {
    const Field lf = m.Get("services");
    DuplicateFinder keys("routing key", r_.sink());
    for (const YAML::Node& item : *list) {
      model::PagerDutyServiceSpec service;
      model::SourceMark key_mark;
      ReadPagerDutyService(ListEntry(r_, lf, item), policies, &service, &key_mark);
      if (!service.id.empty()) ids.Add(service.id, service.mark);
      for (const std::string& key : service.integration_keys) keys.Add(key, key_mark);
      pd->services.push_back(std::move(service));
    }
  }

  if (std::optional<YAML::Node> list = m.List("api_tokens")) {
    const Field lf = m.Get("api_tokens");
    DuplicateFinder tokens("API token", r_.sink());
    for (const YAML::Node& item : *list) {
      const Field ef = ListEntry(r_, lf, item);
      std::optional<std::string> token = ReadString(r_, ef);
      if (!token) continue;
      if (token->empty() || token->find_first_of(" \t\r\n") != std::string::npos) {
        r_.Error(ef.mark, "invalid API token " + Quote(*token) + " (use text without spaces)");
        continue;
      }
      if (tokens.Add(*token, ef.mark)) pd->api_tokens.push_back(*token);
    }
  }

  if (std::optional<YAML::Node> list = m.List("responders")) {
    const Field lf = m.Get("responders");
    DuplicateFinder dups("responder", r_.sink());
    for (const YAML::Node& item : *list) {
      model::PagerDutyResponderSpec responder;
      ReadResponder(ListEntry(r_, lf, item), users, &responder);
      if (!responder.user.empty()) dups.Add(responder.user, responder.mark);
      pd->responders.push_back(std::move(responder));
    }
  }
}

void ScenarioReader::ReadPagerDutyUser(const Field& f, model::PagerDutyUserSpec* user,
                                       model::SourceMark* email_mark) {
  if (!CheckMap(r_, f)) return;
  MapReader m(r_, f.node, "user", {"id", "name", "email"});
  user->mark = m.mark();
  if (std::optional<std::string> id = ReadPagerDutyId(m, "user")) {
    user->id = *id;
    user->mark = m.Get("id").mark;
  }
  if (m.Require("name")) {
    if (std::optional<std::string> name = m.String("name")) {
      if (name->empty()) r_.Error(m.Get("name").mark, "\"name\" must not be empty");
      user->name = *name;
    }
  }
  if (m.Require("email")) {
    if (std::optional<std::string> email = m.String("email")) {
      *email_mark = m.Get("email").mark;
      if (!IsEmail(*email)) {
        r_.Error(*email_mark,
                 "invalid email " + Quote(*email) + " (use an address like ada@example.com)");
      } else {
        user->email = *email;
      }
    }
  }
}

void ScenarioReader::ReadEscalationPolicy(const Field& f, const std::vector<std::string>& users,
                                          model::PagerDutyEscalationPolicySpec* policy) {
  if (!CheckMap(r_, f)) return;
  MapReader m(r_, f.node, "escalation policy", {"id", "name", "rules", "num_loops"});
  policy->mark = m.mark();
  if (std::optional<std::string> id = ReadPagerDutyId(m, "escalation policy")) {
    policy->id = *id;
    policy->mark = m.Get("id").mark;
  }
  if (m.Require("name")) {
    if (std::optional<std::string> name = m.String("name")) {
      if (name->empty()) r_.Error(m.Get("name").mark, "\"name\" must not be empty");
      policy->name = *name;
    }
  }
  if (m.Require("rules")) {
    if (std::optional<YAML::Node> list = m.List("rules")) {
      const Field lf = m.Get("rules");
      if (list->size() == 0) r_.Error(lf.mark, lf.label + " must not be empty");
      for (const YAML::Node& item : *list) {
        model::PagerDutyEscalationRuleSpec rule;
        ReadEscalationRule(ListEntry(r_, lf, item), users, &rule);
        policy->rules.push_back(std::move(rule));
      }
    }
  }
  if (auto loops = m.Int("num_loops", 0, kMaxNumLoops))
    policy->num_loops = static_cast<int>(*loops);
}

void ScenarioReader::ReadEscalationRule(const Field& f, const std::vector<std::string>& users,
                                        model::PagerDutyEscalationRuleSpec* rule) {
  if (!CheckMap(r_, f)) return;
  MapReader m(r_, f.node, "escalation rule", {"delay", "targets"});
  if (m.Require("delay")) {
    if (std::optional<SimDuration> delay = m.Duration("delay")) {
      const Field df = m.Get("delay");
      constexpr int64_t kMinute = 60 * 1000;
      if (delay->count() < kMinute) {
        r_.Error(df.mark, "\"delay\" must be at least 1m, got " + Describe(df.node));
      } else if (delay->count() % kMinute != 0) {
        r_.Error(df.mark, "\"delay\" must be whole minutes, got " + Describe(df.node));
      } else {
        rule->escalation_delay_in_minutes = static_cast<int>(delay->count() / kMinute);
      }
    }
  }
  if (m.Require("targets")) {
    if (std::optional<YAML::Node> list = m.List("targets")) {
      const Field lf = m.Get("targets");
      if (list->size() == 0) {
        r_.Error(lf.mark, lf.label + " must not be empty");
      } else if (list->size() > kMaxEscalationTargets) {
        r_.Error(lf.mark, lf.label + " has " + std::to_string(list->size()) +
                              " entries, more than " + std::to_string(kMaxEscalationTargets));
      }
      std::set<std::string> seen;
      for (const YAML::Node& item : *list) {
        const Field ef = ListEntry(r_, lf, item);
        std::optional<std::string> target = ReadString(r_, ef);
        if (!target) continue;
        if (!seen.insert(*target).second) {
          r_.Error(ef.mark, "duplicate entry " + Quote(*target) + " in \"targets\"");
          continue;
        }
        CheckDeclared(ef.mark, "user", *target, users);
        rule->targets.push_back(*target);
      }
    }
  }
}

void ScenarioReader::ReadPagerDutyService(const Field& f, const std::vector<std::string>& policies,
                                          model::PagerDutyServiceSpec* service,
                                          model::SourceMark* key_mark) {
  if (!CheckMap(r_, f)) return;
  MapReader m(r_, f.node, "service",
              {"id", "name", "escalation_policy", "routing_key", "acknowledgement_timeout",
               "auto_resolve_timeout", "urgency"});
  service->mark = m.mark();
  if (std::optional<std::string> id = ReadPagerDutyId(m, "service")) {
    service->id = *id;
    service->mark = m.Get("id").mark;
  }
  if (m.Require("name")) {
    if (std::optional<std::string> name = m.String("name")) {
      if (name->empty()) r_.Error(m.Get("name").mark, "\"name\" must not be empty");
      service->name = *name;
    }
  }
  if (m.Require("escalation_policy")) {
    if (std::optional<std::string> policy = m.String("escalation_policy")) {
      CheckDeclared(m.Get("escalation_policy").mark, "escalation policy", *policy, policies);
      service->escalation_policy = *policy;
    }
  }
  if (std::optional<std::string> key = m.String("routing_key")) {
    *key_mark = m.Get("routing_key").mark;
    if (!IsRoutingKey(*key)) {
      r_.Error(*key_mark, "invalid routing key " + Quote(*key) + " (use exactly 32 letters and " +
                              "digits; it has " + std::to_string(key->size()) + " characters)");
    } else {
      service->integration_keys.push_back(*key);
    }
  }
  ReadTimeout(m, "acknowledgement_timeout", &service->acknowledgement_timeout);
  ReadTimeout(m, "auto_resolve_timeout", &service->auto_resolve_timeout);
  if (auto urgency = m.Enum("urgency", {"high", "low", "severity_based"})) {
    service->urgency = *urgency == "high"  ? model::PagerDutyUrgencyRule::kHigh
                       : *urgency == "low" ? model::PagerDutyUrgencyRule::kLow
                                           : model::PagerDutyUrgencyRule::kSeverityBased;
  }
}

void ScenarioReader::ReadResponder(const Field& f, const std::vector<std::string>& users,
                                   model::PagerDutyResponderSpec* responder) {
  if (!CheckMap(r_, f)) return;
  MapReader m(r_, f.node, "responder", {"user", "acks_after", "acks", "resolves_after"});
  responder->mark = m.mark();
  if (m.Require("user")) {
    if (std::optional<std::string> user = m.String("user")) {
      responder->mark = m.Get("user").mark;
      CheckDeclared(responder->mark, "user", *user, users);
      responder->user = *user;
    }
  }
  std::optional<std::string> acks = m.OneOf({"acks_after", "acks"}, false);
  if (acks == "acks_after") {
    if (auto d = m.Duration("acks_after")) responder->acks_after = *d;
  } else if (acks == "acks") {
    m.Enum("acks", {"never"});
  }
  if (auto d = m.Duration("resolves_after")) responder->resolves_after = *d;
}

}  // namespace rundrill::load
