#pragma once

// Every call a runbook made, checked against the contract of the provider it called
// (docs/contracts.md): kubectl's command line, ssh's command line, Slack's Web API and
// webhooks, PagerDuty's Events API v2 and REST API. The fakes already answer as the real
// services do; this reads their answers (and, where the answer says nothing, the request
// itself) and tells a request that broke the contract from one the world turned down.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "simulator/contracts/real_kubectl.h"
#include "simulator/drill/drill_result.h"

namespace rundrill::contracts {

enum class ContractStatus {
  kVerified,     // well formed per the provider's contract (whatever the world answered)
  kViolated,     // the request broke the contract; `reason` says how, in the provider's words
  kNotModelled,  // no contract to check against (a scenario stub, an unmodelled command)
};

// "verified" | "violated" | "not-modelled".
std::string_view ContractStatusName(ContractStatus status);

struct ContractInteraction {
  drill::Interaction call;  // as the transcript recorded it
  std::string description;  // "kubectl get pods -n production", "POST /api/chat.postMessage"
  ContractStatus status = ContractStatus::kVerified;
  std::string reason;  // why violated / not modelled; for verified, what the world answered
  // kubectl only: what the real client's parser said of the same arguments.
  std::optional<RealClientVerdict> real_client;
};

struct ContractResult {
  std::string consumer;       // the runbook's name
  std::string consumer_path;  // its file, when the drill ran it
  std::string provider;       // kubectl | ssh | slack | pagerduty | sleep | stub:<program> | http
  std::vector<ContractInteraction> interactions;  // in transcript order

  size_t Count(ContractStatus status) const;
  // Interactions the real client rejected.
  size_t RealClientRejections() const;
};

// The transcript grouped by runbook × provider, ordered by consumer name then provider name
// (both strings, so the order never depends on the order calls happened in); interactions
// keep transcript order, which is (virtual time, sequence). `real_kubectl` may be null
// (recorded as "not installed"); its verdicts are cached per distinct argument list, so each
// line is put to it once per call of CheckContracts.
std::vector<ContractResult> CheckContracts(const drill::DrillResult& result,
                                           KubectlParser* real_kubectl = nullptr);

// The provider an interaction belongs to (see ContractResult::provider).
std::string ProviderOf(const drill::Interaction& call);

}  // namespace rundrill::contracts
