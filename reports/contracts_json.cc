#include "reports/contracts_json.h"

namespace rundrill::reports {
namespace {

using Json = nlohmann::ordered_json;

std::string SafeName(const std::string& name) {
  std::string out;
  for (unsigned char c : name) {
    const bool safe = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                      c == '.' || c == '_' || c == '-';
    out += safe ? static_cast<char>(c) : '_';
  }
  return out.empty() ? "_" : out;
}

Json Request(const drill::Interaction& call) {
  if (call.argv.size() >= 3 && call.argv[0] == "HTTP") {
    return Json{{"method", call.argv[1]}, {"path", call.argv[2]}, {"body", call.stdin_data}};
  }
  return Json{{"argv", call.argv}, {"stdin", call.stdin_data}};
}

Json Response(const drill::Interaction& call) {
  if (call.argv.size() >= 3 && call.argv[0] == "HTTP") {
    // A call that got no answer has no status: exit code -1 in the transcript.
    if (call.exit_code < 0) return Json{{"status", nullptr}, {"error", call.stdout_data}};
    return Json{{"status", call.exit_code}, {"body", call.stdout_data}};
  }
  return Json{
      {"exit_code", call.exit_code}, {"stdout", call.stdout_data}, {"stderr", call.stderr_data}};
}

}  // namespace

std::string ContractFileName(const contracts::ContractResult& contract) {
  return SafeName(contract.consumer) + "--" + SafeName(contract.provider) + ".json";
}

Json ContractToJson(const contracts::ContractResult& contract, const drill::DrillResult& drill) {
  Json interactions = Json::array();
  for (const contracts::ContractInteraction& i : contract.interactions) {
    Json entry;
    entry["description"] = i.description;
    entry["step"] = i.call.step;
    entry["sequence"] = i.call.sequence;
    entry["at_ms"] = i.call.at.count();
    entry["request"] = Request(i.call);
    entry["response"] = Response(i.call);
    entry["verification"] =
        Json{{"status", contracts::ContractStatusName(i.status)}, {"reason", i.reason}};
    if (i.real_client) {
      entry["real_client"] = Json{{"status", contracts::RealClientVerdictName(i.real_client->kind)},
                                  {"detail", i.real_client->detail},
                                  {"client", i.real_client->client}};
    }
    interactions.push_back(std::move(entry));
  }
  Json summary;
  summary["interactions"] = contract.interactions.size();
  summary["verified"] = contract.Count(contracts::ContractStatus::kVerified);
  summary["violated"] = contract.Count(contracts::ContractStatus::kViolated);
  summary["not_modelled"] = contract.Count(contracts::ContractStatus::kNotModelled);
  summary["real_client_rejected"] = contract.RealClientRejections();

  Json out;
  out["consumer"] = Json{{"name", contract.consumer}, {"path", contract.consumer_path}};
  out["provider"] = Json{{"name", contract.provider}};
  out["interactions"] = std::move(interactions);
  out["summary"] = std::move(summary);
  out["metadata"] =
      Json{{"rundrill", Json{{"schema", kContractSchema}}},
           {"scenario", Json{{"name", drill.scenario_name}, {"path", drill.scenario_path}}},
           {"seed", drill.seed},
           {"reproduce", drill.reproduce}};
  return out;
}

std::string RenderContractJson(const contracts::ContractResult& contract,
                               const drill::DrillResult& drill) {
  return ContractToJson(contract, drill).dump(2, ' ', false, Json::error_handler_t::replace) + "\n";
}

}  // namespace rundrill::reports
