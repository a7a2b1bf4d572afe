#pragma once

// What the two PagerDuty backends share: the modelled cost of a call, the record of the calls
// served, JSON answers in the field order the vendor's examples show, and query strings.

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "fakes/http_backend.h"

namespace rundrill::fakes {

// Virtual time one call takes, drawn uniformly in [min, max] from the backend's stream.
struct PagerDutyLatency {
  SimDuration min{100};
  SimDuration max{250};
};

// One call a PagerDuty backend served, for tests and reports.
struct PagerDutyCall {
  SimTime at{0};  // when the request arrived
  std::string method;
  std::string target;
  int status = 0;
};

// A JSON answer; `ordered_json` keeps the documented field order.
HttpResponse PdJsonResponse(int status, const nlohmann::ordered_json& body);

SimDuration DrawPdLatency(const PagerDutyLatency& latency, Random& rng);

// The query's parameters in order, names and values percent-decoded ("statuses%5B%5D=x" gives
// {"statuses[]", "x"}); '+' reads as a space.
std::vector<std::pair<std::string, std::string>> ParseQuery(std::string_view target);

}  // namespace rundrill::fakes
