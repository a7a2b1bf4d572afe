#pragma once

// The PagerDuty Events API v2 (`POST /v2/enqueue`), answering as events.pagerduty.com does:
// validation errors in its words, 202 with the dedup key, 429 past 120 events a minute per
// routing key, all on the virtual clock.

#include <deque>
#include <map>
#include <string>
#include <vector>

#include "fakes/http_backend.h"
#include "fakes/pagerduty/pagerduty_http.h"
#include "simulator/world/pagerduty/pagerduty_world.h"

namespace rundrill::fakes {

class PagerDutyEventsBackend : public HttpBackend {
 public:
  // Accepted events per routing key within any 60 s of virtual time.
  static constexpr int kEventsPerMinute = 120;

  // `world` must outlive the backend.
  explicit PagerDutyEventsBackend(world::PagerDutyWorld& world, PagerDutyLatency latency = {})
      : world_(world), latency_(latency) {}

  // The event takes effect when the request arrives; the call's latency is spent after it,
  // as the answer travels back.
  HttpResponse Handle(const HttpRequest& request, SimContext& context) override;

  const std::vector<PagerDutyCall>& calls() const { return calls_; }

 private:
  HttpResponse Enqueue(const HttpRequest& request, SimTime now);
  bool OverLimit(const std::string& routing_key, SimTime now);

  world::PagerDutyWorld& world_;
  PagerDutyLatency latency_;
  std::vector<PagerDutyCall> calls_;
  std::map<std::string, std::deque<SimTime>> accepted_;  // arrival times, per routing key
};

}  // namespace rundrill::fakes
