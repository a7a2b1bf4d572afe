#pragma once

// Internal to the scenario loader: the `expect.slack`, `expect.pagerduty`, `expect.escalated`
// and `expect.order` sections. They name channels, services, users and alerts, so they are
// read after the world and the timeline that declare them (the scenario's own sections, or
// the defaults of service_defaults.h).

#include <optional>
#include <string>
#include <vector>

#include "simulator/load/reporter.h"
#include "simulator/load/yaml_reader.h"
#include "simulator/model/pagerduty.h"
#include "simulator/model/scenario.h"
#include "simulator/model/slack.h"

namespace rundrill::load {

void ReadSlackExpectations(Reporter& r, const Field& f, const model::SlackSpec& slack,
                           std::vector<model::SlackExpectation>* out);

void ReadPagerDutyExpectations(Reporter& r, const Field& f, const model::PagerDutySpec& pagerduty,
                               std::vector<model::PagerDutyExpectation>* out);

// `true`, `false`, or `{service: ..., to: ...}` with at least one of the two.
void ReadEscalationExpectation(Reporter& r, const Field& f, const model::PagerDutySpec& pagerduty,
                               std::optional<model::EscalationExpectation>* out);

// One chain (a list of events) or a list of chains. `alertnames` are the alerts the scenario
// can fire: its timeline's fire_alert names and its rules' names. Runbook and step names are
// checked later, against the runbooks at hand (CheckScenarioAgainstRunbooks).
void ReadOrderExpectations(Reporter& r, const Field& f, const model::WorldSpec& world,
                           const std::vector<std::string>& alertnames,
                           std::vector<model::OrderExpectation>* out);

}  // namespace rundrill::load
