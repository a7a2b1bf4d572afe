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

// One fake service behind the drill's loopback HTTP server. The server picks the backend by
// the first path segment it is mounted at ("/slack", "/pagerduty-events", ...).
class HttpBackend {
 public:
  virtual ~HttpBackend() = default;
  virtual HttpResponse Handle(const HttpRequest& request, SimContext& context) = 0;
};

}  // namespace rundrill::fakes
