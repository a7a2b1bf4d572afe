#pragma once

// The PagerDuty REST API v2, the incident part: list, show, create, acknowledge and resolve
// incidents, add and list notes. Authenticates `Authorization: Token token=…`, requires a
// user's email in `From` for writes, answers errors in the API's `{"error":{…}}` shape.
// Links point at a host that cannot resolve (rundrill.pagerduty.invalid), so a script that
// follows one never reaches the real service.

#include <string>
#include <vector>

#include "fakes/http_backend.h"
#include "fakes/pagerduty/pagerduty_http.h"
#include "simulator/world/pagerduty/pagerduty_world.h"

namespace rundrill::fakes {

class PagerDutyRestBackend : public HttpBackend {
 public:
  // `world` must outlive the backend.
  explicit PagerDutyRestBackend(world::PagerDutyWorld& world, PagerDutyLatency latency = {})
      : world_(world), latency_(latency) {}

  // The change takes effect when the request arrives; the latency is spent afterwards.
  HttpResponse Handle(const HttpRequest& request, SimContext& context) override;

  const std::vector<PagerDutyCall>& calls() const { return calls_; }

  // The incident as the API shows it, at the world's Now().
  nlohmann::ordered_json IncidentJson(const world::PdIncident& incident) const;

 private:
  HttpResponse Route(const HttpRequest& request, SimTime now);
  HttpResponse List(const HttpRequest& request) const;
  HttpResponse Create(const nlohmann::json& body, const std::string& from, SimTime now);
  HttpResponse Update(const world::PdIncident& incident, const nlohmann::json& body,
                      const std::string& from, SimTime now);
  HttpResponse AddNote(const world::PdIncident& incident, const nlohmann::json& body,
                       const std::string& from, SimTime now);
  nlohmann::ordered_json NoteJson(const world::PdNote& note) const;
  nlohmann::ordered_json UserReference(const std::string& user) const;

  world::PagerDutyWorld& world_;
  PagerDutyLatency latency_;
  std::vector<PagerDutyCall> calls_;
};

}  // namespace rundrill::fakes
