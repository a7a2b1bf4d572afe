#pragma once

// The HTTP side of the fakes (Slack, PagerDuty): a parsed request in, a response out, with
// the call's modelled duration spent through the SimContext, as command backends do.

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "fakes/backend.h"

namespace rundrill::fakes {

struct HttpRequest {
  std::string method;  // "POST"
  std::string target;  // path and query, as sent: "/api/chat.postMessage?x=1"
  std::map<std::string, std::string> headers;  // names lower-cased
  std::string body;
  // Which of the drill's HTTP services (one loopback listener each) received the request:
  // "slack", "pagerduty-events", "pagerduty-api" (filled in by the runner).
  std::string service;
  std::string step_id;    // which runbook step made the call (filled in by the runner)
  uint64_t sequence = 0;  // order among all of the step's calls, programs and HTTP alike

  std::string Header(const std::string& lower_name) const {
    auto it = headers.find(lower_name);
    return it == headers.end() ? "" : it->second;
  }
  std::string_view Path() const {
    std::string_view t = target;
    return t.substr(0, t.find('?'));
  }
};

struct HttpResponse {
  int status = 200;
  std::vector<std::pair<std::string, std::string>> headers;  // in the order sent
  std::string body;
};

// The drill's HTTP services. Each has its own loopback listener, so a fault can take one
// service off the network (its port refuses connections) while the others stay up, and
// each backend sees paths exactly as the real service does ("/v2/enqueue", not a prefix).
inline constexpr std::string_view kSlackService = "slack";
inline constexpr std::string_view kPagerDutyEventsService = "pagerduty-events";
inline constexpr std::string_view kPagerDutyApiService = "pagerduty-api";

inline std::vector<std::string> DrillHttpServices() {
  return {std::string(kSlackService), std::string(kPagerDutyEventsService),
          std::string(kPagerDutyApiService)};
}

// One fake service, mounted on its own listener: `request.target` is the path and query the
// client sent, unchanged.
class HttpBackend {
 public:
  virtual ~HttpBackend() = default;
  virtual HttpResponse Handle(const HttpRequest& request, SimContext& context) = 0;
};

}  // namespace rundrill::fakes
