#pragma once

// The fake Slack service: incoming webhooks (/services/T…/B…/<secret>) and the Web API
// methods runbooks use to announce and follow incidents (/api/chat.postMessage,
// chat.update, reactions.add, reactions.get, conversations.history), answering with the
// status codes, headers and bodies the real service sends (docs/slack.md). Paths are
// relative to the backend's mount point. State lives in the SlackWorld; this class keeps
// only the token's state, the calls it served and the contract findings.

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "fakes/http_backend.h"
#include "fakes/slack/block_kit.h"
#include "simulator/world/access/access_world.h"
#include "simulator/world/slack/slack_world.h"

namespace rundrill::fakes {

// A request Slack refused (or, for auth.token_in_json_body and thread_ts.unknown_parent,
// quietly mishandled) because it broke a documented rule: a bug in the runbook's payload
// that the drill reports even when the runbook ignores the answer.
struct ContractFinding {
  SimTime at{0};
  std::string endpoint;  // "webhook", "chat.postMessage", …
  PayloadViolation violation;
};

// One request as served, for tests and the drill's timeline.
struct SlackCall {
  SimTime at{0};  // when the answer was given (after the modelled latency)
  std::string step_id;
  uint64_t sequence = 0;
  std::string method;
  std::string target;
  std::string endpoint;  // "webhook", "chat.postMessage", … or "" when nothing matched
  int status = 0;
  std::string error;  // Slack's error code; "" on success
};

class SlackBackend : public HttpBackend {
 public:
  // Every call takes a latency drawn uniformly from [kMinLatency, kMaxLatency] (with the
  // context's random stream) before it is answered; its effects happen at the end.
  static constexpr SimDuration kMinLatency{80};
  static constexpr SimDuration kMaxLatency{150};

  // `world` must outlive the backend.
  explicit SlackBackend(world::SlackWorld& world,
                        world::CredentialState token_state = world::CredentialState::kValid)
      : world_(world), token_state_(token_state) {}

  HttpResponse Handle(const HttpRequest& request, SimContext& context) override;

  // The state of the app's credentials (bot token and webhook URL alike). Expired or
  // revoked: webhooks answer 403 invalid_token, the Web API token_expired / token_revoked.
  void SetTokenState(world::CredentialState state) { token_state_ = state; }
  world::CredentialState token_state() const { return token_state_; }

  const std::vector<ContractFinding>& findings() const { return findings_; }
  const std::vector<SlackCall>& calls() const { return calls_; }

 private:
  HttpResponse HandleWebhook(const HttpRequest& request, SimTime now, SlackCall& call);
  HttpResponse HandleApi(const HttpRequest& request, SimTime now, SlackCall& call);
  void AddFindings(SimTime now, const std::string& endpoint,
                   const std::vector<PayloadViolation>& violations);

  world::SlackWorld& world_;
  world::CredentialState token_state_;
  std::vector<ContractFinding> findings_;
  std::vector<SlackCall> calls_;
};

// application/x-www-form-urlencoded (and query strings) as name/value pairs in order: '+'
// is a space, %XX a byte; a malformed escape is kept literally.
std::vector<std::pair<std::string, std::string>> ParseFormEncoded(std::string_view text);

}  // namespace rundrill::fakes
