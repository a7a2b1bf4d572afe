#pragma once

// The Slack workspace a scenario describes: its channels, the app's incoming webhook and bot
// token, and the posting rate Slack tolerates per channel.

#include <string>
#include <vector>

#include "simulator/core/sim_time.h"
#include "simulator/model/source_mark.h"

namespace rundrill::model {

struct SlackChannelSpec {
  std::string name;  // without the leading '#': "incidents"
  // "C0123ABCD"-like. Empty: derived from the name by SlackWorld::Build, the same for the
  // same name in every drill.
  std::string id;
  bool archived = false;
  // An admin restriction on posting: webhooks answer 403 action_prohibited, the Web API
  // restricted_action.
  bool posting_restricted = false;
  SourceMark mark;
};

// Per channel, shared by the webhook and chat.postMessage: a sustained `per_second` with
// up to `burst` messages back to back.
struct SlackRateLimitSpec {
  double per_second = 1.0;
  int burst = 3;
};

// A person who answers approval requests, as a script: `after` the request is posted they
// react ✅ (approve) or ❌ (deny); `never` answers nothing. An answer later than the request's
// timeout lands in Slack but decides nothing. `runbook` and `step` narrow which requests
// they answer (empty: all).
struct SlackApproverSpec {
  enum class Answer { kApprove, kDeny, kNever };
  std::string name;     // "alice"
  std::string user_id;  // "U…"; derived from the name when empty
  Answer answer = Answer::kApprove;
  SimDuration after{0};
  std::string runbook;
  std::string step;
  SourceMark mark;
};

struct SlackSpec {
  std::vector<SlackChannelSpec> channels;
  // Name or id of the channel the app's incoming webhook is bound to. Empty: the app has no
  // webhook, and every /services/… URL answers 404 no_service.
  std::string webhook_channel;
  // The last path segment of the webhook URL (/services/T…/B…/<secret>).
  std::string webhook_secret = "rundrillWebhookSecret0001";
  std::string bot_token = "xoxb-rundrill-bot-token";
  std::string bot_id = "B0RUNDRILL";
  std::string bot_user_id = "U0RUNDRILL";
  std::string bot_name = "rundrill";
  SlackRateLimitSpec rate_limit;
  std::vector<SlackApproverSpec> approvers;
  SourceMark mark;
};

}  // namespace rundrill::model
