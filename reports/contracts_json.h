#pragma once

// One Pact-like contract file per runbook × provider (docs/contracts.md): the consumer, the
// provider, every interaction with its request, response and verification, and what the
// real client's parser said where one was asked.

#include <nlohmann/json.hpp>
#include <string>

#include "simulator/contracts/contracts.h"
#include "simulator/drill/drill_result.h"

namespace rundrill::reports {

// Version of the contract files' layout. Bump on any incompatible change.
inline constexpr int kContractSchema = 1;

// "RUNBOOK--PROVIDER.json", each name with every byte outside [A-Za-z0-9._-] written as '_'
// ("stub:psql" → "stub_psql"), so the name is safe on every file system and CI artifact
// store.
std::string ContractFileName(const contracts::ContractResult& contract);

// The contract as JSON, keys in a fixed order (consumer, provider, interactions, metadata).
// `drill` gives the metadata (scenario, seed, reproduce).
nlohmann::ordered_json ContractToJson(const contracts::ContractResult& contract,
                                      const drill::DrillResult& drill);

// ContractToJson dumped with 2-space indentation and a trailing newline; invalid UTF-8 in
// recorded output becomes U+FFFD.
std::string RenderContractJson(const contracts::ContractResult& contract,
                               const drill::DrillResult& drill);

}  // namespace rundrill::reports
