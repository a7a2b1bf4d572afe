#include "simulator/drill/builtin_steps.h"

#include <algorithm>
#include <memory>
#include <nlohmann/json.hpp>

#include "simulator/text/variables.h"
#include "simulator/world/slack/slack_world.h"

namespace rundrill::drill {
namespace {

using nlohmann::json;

constexpr int kSlackTries = 3;

const std::vector<std::string> kApproveReactions = {"white_check_mark", "heavy_check_mark", "+1",
                                                    "thumbsup"};
const std::vector<std::string> kDenyReactions = {"x", "no_entry", "no_entry_sign", "-1",
                                                 "thumbsdown"};

bool Contains(const std::vector<std::string>& list, const std::string& item) {
  return std::find(list.begin(), list.end(), item) != list.end();
}

// Fills `${NAME}` in every string of a JSON value.
json ExpandJson(const json& value, const std::map<std::string, std::string>& env,
                std::vector<std::string>* missing) {
  if (value.is_string()) return ExpandVariables(value.get_ref<const std::string&>(), env, missing);
  if (value.is_array()) {
    json out = json::array();
    for (const auto& item : value) out.push_back(ExpandJson(item, env, missing));
    return out;
  }
  if (value.is_object()) {
    json out = json::object();
    for (const auto& [k, v] : value.items()) out[k] = ExpandJson(v, env, missing);
    return out;
  }
  return value;
}

std::string MissingText(const std::vector<std::string>& missing) {
  std::string out;
  for (const auto& name : missing) out += (out.empty() ? "${" : ", ${") + name + "}";
  return out + (missing.size() == 1 ? " is" : " are") + " not set in the step's environment";
}

fakes::HttpRequest JsonPost(std::string target, const json& body) {
  fakes::HttpRequest request;
  request.method = "POST";
  request.target = std::move(target);
  request.headers["content-type"] = "application/json; charset=utf-8";
  request.body = body.dump(-1, ' ', false, json::error_handler_t::replace);
  return request;
}

std::string ResponseHeader(const fakes::HttpResponse& response, std::string_view name) {
  for (const auto& [k, v] : response.headers) {
    if (k.size() == name.size() && std::equal(k.begin(), k.end(), name.begin(), [](char a, char b) {
          return std::tolower(a) == std::tolower(b);
        })) {
      return v;
    }
  }
  return "";
}

std::string FirstLine(std::string_view text, size_t limit = 80) {
  std::string line(text.substr(0, text.find('\n')));
  if (line.size() > limit) line = line.substr(0, limit - 3) + "...";
  return line;
}

// "connection refused", "HTTP 404: channel_not_found"
std::string Failure(const ServiceAnswer& answer) {
  switch (answer.kind) {
    case ServiceAnswer::Kind::kRefused:
      return "connection refused";
    case ServiceAnswer::Kind::kTimedOut:
      return "no answer (timed out)";
    case ServiceAnswer::Kind::kAnswered:
      break;
  }
  std::string body = answer.response.body;
  const json parsed = json::parse(body, nullptr, false);
  if (parsed.is_object() && parsed.contains("error") && parsed["error"].is_string()) {
    body = parsed["error"].get<std::string>();
  } else if (parsed.is_object() && parsed.contains("errors")) {
    body = parsed["errors"].dump();
  }
  return "HTTP " + std::to_string(answer.response.status) + ": " + FirstLine(body, 120);
}

bool Succeeded(const ServiceAnswer& answer) {
  return answer.kind == ServiceAnswer::Kind::kAnswered && answer.response.status >= 200 &&
         answer.response.status < 300;
}

// One Slack call, waiting out 429s as a well-behaved client does.
ServiceAnswer CallSlack(BuiltinHost& host, const fakes::HttpRequest& request) {
  ServiceAnswer answer;
  for (int attempt = 1; attempt <= kSlackTries; ++attempt) {
    answer = host.Call("slack", request);
    if (answer.kind != ServiceAnswer::Kind::kAnswered || answer.response.status != 429) break;
    if (attempt == kSlackTries) break;
    int64_t seconds = 1;
    try {
      seconds = std::max<int64_t>(1, std::stoll(ResponseHeader(answer.response, "Retry-After")));
    } catch (const std::exception&) {
    }
    if (!host.WaitUntil(host.Now() + SimDuration(seconds * 1000))) break;
  }
  return answer;
}

struct SlackPosted {
  BuiltinOutcome outcome;
  std::string channel_id;
  std::string ts;
};

// chat.postMessage, reading back where the message landed.
SlackPosted PostMessage(BuiltinHost& host, const std::string& channel, const std::string& text,
                        const json& blocks) {
  SlackPosted posted;
  json body = {{"channel", channel}};
  if (!text.empty()) body["text"] = text;
  if (!blocks.is_null()) body["blocks"] = blocks;
  fakes::HttpRequest request = JsonPost("/api/chat.postMessage", body);
  request.headers["authorization"] = "Bearer " + host.Scenario().world.slack.bot_token;
  const ServiceAnswer answer = CallSlack(host, request);
  const json parsed = answer.kind == ServiceAnswer::Kind::kAnswered
                          ? json::parse(answer.response.body, nullptr, false)
                          : json();
  if (!Succeeded(answer) || !parsed.is_object() || !parsed.value("ok", false)) {
    posted.outcome.summary = "Slack chat.postMessage to " + channel + " failed: " + Failure(answer);
    return posted;
  }
  posted.channel_id = parsed.value("channel", "");
  posted.ts = parsed.value("ts", "");
  posted.outcome.ok = true;
  posted.outcome.summary = "posted to " + channel + " (ts " + posted.ts + ")";
  return posted;
}

const model::PagerDutyServiceSpec* FindPagerDutyService(const model::Scenario& scenario,
                                                        const std::string& id_or_name) {
  const auto& services = scenario.world.pagerduty.services;
  if (services.empty()) return nullptr;
  if (id_or_name.empty()) return &services.front();
  for (const auto& service : services) {
    if (service.id == id_or_name || service.name == id_or_name) return &service;
  }
  return nullptr;
}

std::string UserIdOf(const model::SlackApproverSpec& approver) {
  if (!approver.user_id.empty()) return approver.user_id;
  return "U" + world::SlackWorld::DeriveChannelId(approver.name).substr(1);
}

bool Answers(const model::SlackApproverSpec& approver, const BuiltinContext& context) {
  return approver.answer != model::SlackApproverSpec::Answer::kNever &&
         (approver.runbook.empty() || approver.runbook == context.runbook) &&
         (approver.step.empty() || approver.step == context.step_id);
}

std::string ApprovalText(const model::Approval& approval, const BuiltinContext& context,
                         const std::string& action, const std::string& impact) {
  const std::string minutes = FormatDuration(approval.timeout);
  std::string text = "🔧 Runbook: " + context.runbook + "\n📋 Action: " + action + "\n";
  if (!impact.empty()) text += "⚡ Impact: " + impact + "\n";
  if (!context.command.empty()) text += "Command: `" + FirstLine(context.command, 300) + "`\n";
  text += "React ✅ to approve, ❌ to deny\n";
  text += approval.auto_approve_on_timeout
              ? "Auto-approves in " + minutes + " if no response"
              : "Expires in " + minutes + " if no response; the step then fails";
  return text;
}

// The first answer on the request: deny wins over approve given at the same moment, since
// both are on the message by the time anyone reads it.
std::optional<std::pair<std::string, std::string>> ReadAnswer(const world::SlackMessage& message,
                                                              const model::SlackSpec& slack) {
  std::optional<std::pair<std::string, std::string>> approve;
  for (const auto& reaction : message.reactions) {
    for (const auto& user : reaction.users) {
      if (user == slack.bot_user_id) continue;
      if (Contains(kDenyReactions, reaction.name)) return std::make_pair("denied", user);
      if (Contains(kApproveReactions, reaction.name) && !approve) {
        approve = std::make_pair("approved", user);
      }
    }
  }
  return approve;
}

std::string NameOf(const std::string& user_id, const model::SlackSpec& slack) {
  for (const auto& approver : slack.approvers) {
    if (UserIdOf(approver) == user_id) return approver.name;
  }
  return user_id;
}

}  // namespace

std::string DefaultDedupKey(const BuiltinContext& context) {
  return "rundrill/" + context.runbook + "/" + context.alert_key;
}

BuiltinOutcome PostToSlack(BuiltinHost& host, const model::SlackNotice& notice,
                           const BuiltinContext& context) {
  static const std::map<std::string, std::string> kNoEnv;
  const auto& env = context.env ? *context.env : kNoEnv;
  std::vector<std::string> missing;
  const std::string text = ExpandVariables(notice.text, env, &missing);
  const json blocks = ExpandJson(notice.blocks, env, &missing);
  if (!missing.empty()) return BuiltinOutcome{false, MissingText(missing)};

  if (!notice.channel.empty()) return PostMessage(host, notice.channel, text, blocks).outcome;

  const model::SlackSpec& slack = host.Scenario().world.slack;
  json body = json::object();
  if (!text.empty()) body["text"] = text;
  if (!blocks.is_null()) body["blocks"] = blocks;
  const ServiceAnswer answer =
      CallSlack(host, JsonPost("/services/T0RUNDRILL/B0RUNDRILL/" + slack.webhook_secret, body));
  if (!Succeeded(answer)) {
    return BuiltinOutcome{false, "Slack incoming webhook failed: " + Failure(answer)};
  }
  return BuiltinOutcome{
      true, "posted through the incoming webhook to #" +
                (slack.webhook_channel.empty() ? std::string("?") : slack.webhook_channel)};
}

BuiltinOutcome SendPage(BuiltinHost& host, const model::PageNotice& notice,
                        const BuiltinContext& context) {
  static const std::map<std::string, std::string> kNoEnv;
  const auto& env = context.env ? *context.env : kNoEnv;
  const model::PagerDutyServiceSpec* service =
      FindPagerDutyService(host.Scenario(), notice.service);
  if (service == nullptr || service->integration_keys.empty()) {
    return BuiltinOutcome{false, "no PagerDuty service " +
                                     (notice.service.empty() ? "" : "\"" + notice.service + "\" ") +
                                     "with an Events API integration in the scenario"};
  }
  std::vector<std::string> missing;
  const std::string summary = ExpandVariables(notice.summary, env, &missing);
  std::string dedup_key = notice.dedup_key.empty()
                              ? DefaultDedupKey(context)
                              : ExpandVariables(notice.dedup_key, env, &missing);
  const std::string source = notice.source.empty() ? "rundrill/" + context.runbook
                                                   : ExpandVariables(notice.source, env, &missing);
  if (!missing.empty()) return BuiltinOutcome{false, MissingText(missing)};

  using Action = model::PageNotice::Action;
  const char* action = notice.action == Action::kTrigger       ? "trigger"
                       : notice.action == Action::kAcknowledge ? "acknowledge"
                                                               : "resolve";
  json body = {{"routing_key", service->integration_keys.front()},
               {"event_action", action},
               {"dedup_key", dedup_key}};
  if (notice.action == Action::kTrigger) {
    body["payload"] = {
        {"summary", summary},
        {"source", source},
        {"severity", notice.severity},
        {"custom_details", {{"runbook", context.runbook}, {"step", context.step_id}}}};
    body["client"] = "rundrill";
  }
  const ServiceAnswer answer = host.Call("pagerduty-events", JsonPost("/v2/enqueue", body));
  if (!Succeeded(answer)) {
    return BuiltinOutcome{false, std::string("PagerDuty ") + action + " for " + service->name +
                                     " failed: " + Failure(answer)};
  }
  return BuiltinOutcome{true, std::string("PagerDuty ") + action + " sent to " + service->name +
                                  " (dedup key " + dedup_key + ")"};
}

ApprovalRecord RequestApproval(BuiltinHost& host, const model::Approval& approval,
                               const BuiltinContext& context) {
  static const std::map<std::string, std::string> kNoEnv;
  const auto& env = context.env ? *context.env : kNoEnv;
  const model::SlackSpec& slack = host.Scenario().world.slack;
  ApprovalRecord record;
  record.channel = approval.channel;
  record.requested_at = host.Now();
  const std::string who = context.runbook + "/" + context.step_id;

  std::vector<std::string> missing;
  const std::string action =
      approval.action.empty() ? context.step_name : ExpandVariables(approval.action, env, &missing);
  const std::string impact = ExpandVariables(approval.impact, env, &missing);
  SlackPosted posted;
  if (missing.empty()) {
    const std::string channel =
        approval.channel.rfind("C", 0) == 0 || approval.channel.rfind("#", 0) == 0
            ? approval.channel
            : "#" + approval.channel;
    posted = PostMessage(host, channel, ApprovalText(approval, context, action, impact), nullptr);
  } else {
    posted.outcome.summary = MissingText(missing);
  }

  if (!posted.outcome.ok) {
    // Nobody can answer a request that was never seen: a safe step goes ahead once the
    // timeout has run out, as it would have unanswered; any other step fails now.
    record.detail = "the approval request could not be posted: " + posted.outcome.summary;
    host.Note("approval.failed", who + ": " + record.detail);
    if (approval.auto_approve_on_timeout &&
        host.WaitUntil(record.requested_at + approval.timeout)) {
      record.decision = "auto-approved";
      record.detail += "; auto-approved after " + FormatDuration(approval.timeout) +
                       " (the step is marked safe to auto-approve)";
    } else {
      record.decision = "not-requested";
    }
    record.decided_at = host.Now();
    return record;
  }
  record.ts = posted.ts;
  // Answers and the timeout count from when the request is in the channel, as people see it.
  record.requested_at = host.Now();
  const SimTime expiry = record.requested_at + approval.timeout;
  host.Note("approval.requested", who + ": asked in " + record.channel + " (" +
                                      FormatDuration(approval.timeout) + " to answer)");

  // The approvers react on the virtual clock. Someone answering at once answers at the very
  // moment of the request; the wait below sees that answer before it sees any time pass.
  auto decided = std::make_shared<bool>(false);
  world::World* world = &host.World();
  for (const auto& approver : slack.approvers) {
    if (!Answers(approver, context)) continue;
    const std::string user = UserIdOf(approver);
    const std::string reaction =
        approver.answer == model::SlackApproverSpec::Answer::kApprove ? "white_check_mark" : "x";
    const std::string name = approver.name;
    const std::string channel_id = posted.channel_id;
    const std::string ts = posted.ts;
    host.Schedule(record.requested_at + approver.after, [&host, world, decided, user, reaction,
                                                         name, channel_id, ts, who] {
      world->slack().AddReaction(channel_id, ts, reaction, user);
      if (*decided) {
        host.Note("approval.late_answer", who + ": " + name + " reacted :" + reaction +
                                              ": after the request was decided; ignored");
      }
    });
  }

  std::optional<std::pair<std::string, std::string>> answer;
  while (true) {
    const world::SlackMessage* message = world->slack().FindMessage(posted.channel_id, posted.ts);
    if (message != nullptr) answer = ReadAnswer(*message, slack);
    if (answer || host.Now() >= expiry) break;
    if (!host.WaitUntil(std::min(host.NextEventTime(), expiry))) break;
  }
  *decided = true;
  record.decided_at = host.Now();
  const std::string waited = FormatDuration(record.decided_at - record.requested_at);
  std::string outcome_line;
  if (answer) {
    record.decision = answer->first;
    record.by = NameOf(answer->second, slack);
    record.detail = answer->first + " by " + record.by + " after " + waited;
    outcome_line = (record.decision == "approved" ? "✅ Approved by <@" : "❌ Denied by <@") +
                   answer->second + ">";
  } else if (host.Now() < expiry) {
    record.decision = "expired";
    record.detail = "no answer before the drill stopped waiting (" + waited + ")";
    outcome_line = "⌛ No answer in time";
  } else if (approval.auto_approve_on_timeout) {
    record.decision = "auto-approved";
    record.detail = "no answer in " + waited + "; auto-approved (safe to auto-approve)";
    outcome_line = "⌛ No answer in " + waited + ": auto-approved";
  } else {
    record.decision = "expired";
    record.detail = "no answer in " + waited + "; the step is not safe to auto-approve";
    outcome_line = "⌛ Expired after " + waited + " without an answer";
  }
  host.Note("approval." +
                std::string(record.decision == "auto-approved" ? "auto_approved" : record.decision),
            who + ": " + record.detail);

  // Say on the request what became of it, as approval bots do; a failure here changes
  // nothing about the decision.
  json update = {{"channel", posted.channel_id},
                 {"ts", posted.ts},
                 {"text", ApprovalText(approval, context, action, impact) + "\n" + outcome_line}};
  fakes::HttpRequest request = JsonPost("/api/chat.update", update);
  request.headers["authorization"] = "Bearer " + slack.bot_token;
  CallSlack(host, request);
  return record;
}

Status CheckBuiltins(const model::Runbook& runbook, const model::Scenario& scenario) {
  auto check = [&](const model::Step& step) -> Status {
    if (!step.page) return Status::Ok();
    const model::PagerDutyServiceSpec* service = FindPagerDutyService(scenario, step.page->service);
    std::string problem;
    if (service == nullptr) {
      std::string known;
      for (const auto& s : scenario.world.pagerduty.services) {
        known += (known.empty() ? "" : ", ") + s.id + " (" + s.name + ")";
      }
      problem = step.page->service.empty()
                    ? "the scenario has no PagerDuty service to page"
                    : "page names PagerDuty service \"" + step.page->service +
                          "\", which the scenario " + scenario.path + " does not have" +
                          (known.empty() ? "" : " (it has " + known + ")");
    } else if (service->integration_keys.empty()) {
      problem = "PagerDuty service " + service->id +
                " has no integration key, so the Events API cannot page it";
    }
    if (problem.empty()) return Status::Ok();
    return Status::InvalidInput(step.page->mark.ToString() + ": " + problem);
  };
  for (const auto* steps : {&runbook.steps, &runbook.on_failure, &runbook.escalation}) {
    for (const auto& step : *steps) {
      Status status = check(step);
      if (!status.ok()) return status;
    }
  }
  return Status::Ok();
}

}  // namespace rundrill::drill
