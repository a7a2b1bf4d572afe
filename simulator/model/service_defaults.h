#pragma once

// The Slack workspace and PagerDuty account every drill has until scenarios can describe
// their own: a #incidents channel behind the incoming webhook, and one service whose
// escalation policy pages a primary, then a secondary after 5 minutes (nobody acks unless
// a scenario says so). The keys and tokens are what steps find in their environment.

#include "simulator/model/pagerduty.h"
#include "simulator/model/slack.h"

namespace rundrill::model {

inline constexpr char kDefaultPagerDutyRoutingKey[] = "R0UNDR1LLDEFAULTR0UT1NGKEY000001";
inline constexpr char kDefaultPagerDutyApiToken[] = "rundrill-pd-api-token-0001";

inline SlackSpec DefaultSlackSpec() {
  SlackSpec spec;
  SlackChannelSpec incidents;
  incidents.name = "incidents";
  SlackChannelSpec approvals;
  approvals.name = "incident-approvals";
  spec.channels = {incidents, approvals};
  spec.webhook_channel = "incidents";
  return spec;
}

inline PagerDutySpec DefaultPagerDutySpec() {
  PagerDutySpec spec;
  spec.users = {{"PPRIMRY", "Primary On-call", "primary@example.com", {}},
                {"PSECOND", "Secondary On-call", "secondary@example.com", {}}};
  PagerDutyEscalationPolicySpec policy;
  policy.id = "PPOLICY";
  policy.name = "Default on-call";
  policy.rules = {{5, {"PPRIMRY"}}, {5, {"PSECOND"}}};
  spec.escalation_policies = {policy};
  PagerDutyServiceSpec service;
  service.id = "PSERVIC";
  service.name = "production";
  service.escalation_policy = "PPOLICY";
  service.integration_keys = {kDefaultPagerDutyRoutingKey};
  spec.services = {service};
  spec.api_tokens = {kDefaultPagerDutyApiToken};
  return spec;
}

}  // namespace rundrill::model
