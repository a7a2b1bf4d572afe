#pragma once

// A small PagerDuty account and a drill context in miniature for the backend tests.

#include <string>

#include "fakes/backend.h"
#include "simulator/world/pagerduty/pagerduty_world.h"
#include "simulator/world/world.h"

namespace rundrill::fakes::pd_test {

inline constexpr char kKey[] = "abcdefghijklmnopqrstuvwxyz012345";
inline constexpr char kToken[] = "y_NbAkKc66ryYTWUXYEu";
constexpr SimTime Minutes(int64_t m) { return SimTime(m * 60 * 1000); }

inline model::PagerDutySpec TestSpec() {
  model::PagerDutySpec spec;
  spec.users = {{"PPRIMRY", "Ada Primary", "ada@example.com", {}},
                {"PSECOND", "Bo Secondary", "bo@example.com", {}},
                {"PMANAGR", "Cy Manager", "cy@example.com", {}}};
  model::PagerDutyEscalationPolicySpec policy;
  policy.id = "PPOLICY";
  policy.name = "Checkout on-call";
  policy.rules = {{5, {"PPRIMRY"}}, {5, {"PSECOND"}}};
  model::PagerDutyEscalationPolicySpec critical;
  critical.id = "PCRITIC";
  critical.name = "Checkout critical";
  critical.rules = {{5, {"PPRIMRY", "PMANAGR"}}};
  spec.escalation_policies = {policy, critical};
  model::PagerDutyServiceSpec service;
  service.id = "PWIXJZS";
  service.name = "checkout";
  service.escalation_policy = "PPOLICY";
  service.integration_keys = {kKey};
  spec.services = {service};
  spec.api_tokens = {kToken};
  return spec;
}

// Time moves only when a backend spends it; the general world stays empty.
class TestContext : public SimContext {
 public:
  SimTime Now() const override { return now_; }
  bool AdvanceTo(SimTime t) override {
    now_ = std::max(now_, t);
    return true;
  }
  world::World& World() override { return world_; }
  Random& Rng() override { return rng_; }

 private:
  SimTime now_{0};
  world::World world_{7, Epoch{}};
  Random rng_{Random(7).Split("pagerduty")};
};

}  // namespace rundrill::fakes::pd_test
