#pragma once

// Internal to the scenario loader: the `expect.slack` and `expect.pagerduty` lists. They
// name channels, services and users, so they are read after the world that declares them
// (the scenario's own sections, or the defaults of service_defaults.h).

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

}  // namespace rundrill::load
