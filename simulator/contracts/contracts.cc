#include "simulator/contracts/contracts.h"

#include <algorithm>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <tuple>

#include "fakes/slack/block_kit.h"
#include "fakes/slack/slack_backend.h"
#include "fakes/ssh/ssh_args.h"

namespace rundrill::contracts {
namespace {

using nlohmann::json;

struct Verdict {
  ContractStatus status = ContractStatus::kVerified;
  std::string reason;
};

Verdict Verified(std::string reason) { return {ContractStatus::kVerified, std::move(reason)}; }
Verdict Violated(std::string reason) { return {ContractStatus::kViolated, std::move(reason)}; }
Verdict NotModelled(std::string reason) {
  return {ContractStatus::kNotModelled, std::move(reason)};
}

bool StartsWith(std::string_view text, std::string_view prefix) {
  return text.substr(0, prefix.size()) == prefix;
}

bool Contains(std::string_view text, std::string_view part) {
  return text.find(part) != std::string_view::npos;
}

// The first line with something on it, without its line end (ssh's logger writes CRLF).
std::string FirstLine(std::string_view text) {
  while (!text.empty()) {
    const size_t end = text.find('\n');
    std::string_view line = text.substr(0, end);
    while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.remove_suffix(1);
    if (!line.empty()) return std::string(line);
    if (end == std::string_view::npos) break;
    text.remove_prefix(end + 1);
  }
  return "";
}

std::string Join(const std::vector<std::string>& words, const std::string& separator) {
  std::string out;
  for (const std::string& w : words) out += (out.empty() ? "" : separator) + w;
  return out;
}

bool IsHttp(const drill::Interaction& call) {
  return call.argv.size() >= 3 && call.argv[0] == "HTTP";
}

std::string_view HttpPath(const drill::Interaction& call) {
  std::string_view target = call.argv[2];
  return target.substr(0, target.find('?'));
}

bool NoAnswer(const drill::Interaction& call) { return call.exit_code < 0; }

// "rundrill: … is not modelled; add a stub in the scenario": the fake said it has no model
// for this use, so there is nothing to check it against.
std::optional<std::string> NotModelledLine(const std::string& stderr_data) {
  const std::string line = FirstLine(stderr_data);
  if (StartsWith(line, "rundrill: ") && Contains(line, "not modelled")) return line;
  return std::nullopt;
}

// --- kubectl ---------------------------------------------------------------------------

// Errors kubectl raises on the client before any request is made: the command line itself
// is wrong. Everything else it prints on failure came from (or was about) the server.
constexpr std::string_view kKubectlUsageErrors[] = {
    "error: unknown command",
    "error: unknown flag",
    "error: unknown shorthand flag",
    "error: invalid argument",
    "error: required flag(s)",
    "error: flag needs an argument",
    "error: bad flag syntax",
    "error: Required resource not specified",
    "error: required resource not specified",
    "error: You must provide one or more resources",
    "error: you must specify two arguments",
    "error: unable to match a printer suitable",
    "error: there is no need to specify a resource type",
    "error: a resource cannot be retrieved by name across all namespaces",
    "error: expected 'logs",
    "error: only a selector (-l) or a POD name is allowed",
    "error: The --replicas=COUNT flag is required",
    "error: resources and container image are required",
    "error: invalid image update",
    "error: name cannot be provided when a selector is specified",
    "error: resource(s) were provided, but no name was specified",
    "error: unable to parse requirement",
};

Verdict CheckKubectl(const drill::Interaction& call) {
  if (auto line = NotModelledLine(call.stderr_data)) return NotModelled(*line);
  if (call.exit_code == 0) return Verified("");
  const std::string line = FirstLine(call.stderr_data);
  // cobra's usage hints follow every parse error ("See 'kubectl get --help' for usage.") and
  // kubectl's own argument checks ("See 'kubectl logs -h' for help and examples").
  const bool usage_hint = Contains(call.stderr_data, "--help' for usage") ||
                          Contains(call.stderr_data, " -h' for help and examples");
  const bool usage_text =
      std::any_of(std::begin(kKubectlUsageErrors), std::end(kKubectlUsageErrors),
                  [&](std::string_view p) { return StartsWith(line, p); });
  if (usage_hint || usage_text) return Violated(line);
  return Verified(line);
}

// --- ssh -------------------------------------------------------------------------------

Verdict CheckSsh(const drill::Interaction& call) {
  const std::vector<std::string> args(call.argv.begin() + 1, call.argv.end());
  const fakes::ssh::SshArgs parsed = fakes::ssh::ParseSshArgs(args);
  if (!parsed.invocation) {
    if (auto line = NotModelledLine(parsed.stderr_data)) return NotModelled(*line);
    // `ssh -V` and the like stop with 0 without connecting: a valid line.
    if (parsed.exit_code == 0) return Verified("");
    return Violated(FirstLine(parsed.stderr_data));
  }
  // The line parsed; what follows (refused connections, unknown host keys, the remote
  // command's own failures) is the world answering.
  if (auto line = NotModelledLine(call.stderr_data)) return NotModelled(*line);
  return Verified(call.exit_code == 0 ? "" : FirstLine(call.stderr_data));
}

// --- other programs ----------------------------------------------------------------------

Verdict CheckOtherProgram(const drill::Interaction& call, const std::string& provider) {
  if (auto line = NotModelledLine(call.stderr_data)) return NotModelled(*line);
  if (StartsWith(provider, "stub:")) {
    return NotModelled("a scenario stub: its answers are the scenario's, it has no contract");
  }
  // GNU coreutils' usage errors end with this hint (sleep is the one modelled here).
  if (call.exit_code != 0 && Contains(call.stderr_data, "--help' for more information")) {
    return Violated(FirstLine(call.stderr_data));
  }
  return Verified(call.exit_code == 0 ? "" : FirstLine(call.stderr_data));
}

// --- Slack -------------------------------------------------------------------------------

// Answers that mean the request itself was wrong. Every other error (channel_not_found,
// is_archived, ratelimited, token_expired, invalid_auth, no_service, fatal_error, …) is the
// workspace turning a well-formed request down.
const std::set<std::string>& SlackContractErrors() {
  static const std::set<std::string> kErrors = {
      "invalid_blocks",    "invalid_blocks_format",
      "invalid_json",      "json_not_object",
      "invalid_arguments", "invalid_arg_name",
      "invalid_array_arg", "no_text",
      "msg_too_long",      "too_many_attachments",
      "invalid_payload",   "missing_text_or_fallback_or_attachments",
      "unknown_method",    "invalid_name",
      "invalid_limit",     "invalid_ts_oldest",
      "invalid_ts_latest", "not_authed",
      "not_found",
  };
  return kErrors;
}

std::string SlackReason(const std::string& error, const json& body) {
  std::string reason = error;
  if (body.is_object() && body.contains("errors") && body["errors"].is_array()) {
    std::vector<std::string> lines;
    for (const json& e : body["errors"]) {
      if (e.is_string()) lines.push_back(e.get<std::string>());
    }
    if (!lines.empty()) reason += ": " + Join(lines, "; ");
  }
  return reason;
}

// The payload's own Block Kit and attachment limits, for when Slack did not judge it (no
// answer, an outage, a token problem checked first). Form bodies carry JSON in fields.
std::optional<std::string> SlackPayloadProblem(const drill::Interaction& call) {
  json payload = json::parse(call.stdin_data, nullptr, /*allow_exceptions=*/false);
  bool form = false;
  if (payload.is_discarded()) {
    payload = json::object();
    form = true;
    for (const auto& [name, value] : fakes::ParseFormEncoded(call.stdin_data)) {
      if (name == "payload") {
        payload = json::parse(value, nullptr, false);
        form = false;
      } else {
        payload[name] = value;
      }
    }
    if (payload.is_discarded()) return std::string("invalid_payload: the payload is not JSON");
  }
  if (!payload.is_object()) return std::nullopt;
  auto structured = [&](const char* name) -> std::optional<json> {
    if (!payload.contains(name) || payload[name].is_null()) return std::nullopt;
    if (form && payload[name].is_string()) {
      return json::parse(payload[name].get<std::string>(), nullptr, false);
    }
    return payload[name];
  };
  if (auto blocks = structured("blocks")) {
    if (blocks->is_discarded()) return std::string("invalid_blocks_format");
    const fakes::BlocksCheck check = fakes::CheckBlocks(*blocks);
    if (check.verdict == fakes::BlocksVerdict::kMalformed) {
      return std::string("invalid_blocks_format");
    }
    if (check.verdict == fakes::BlocksVerdict::kInvalid) {
      std::vector<std::string> lines;
      for (const auto& v : check.violations) lines.push_back(fakes::SlackErrorLine(v));
      return "invalid_blocks: " + Join(lines, "; ");
    }
  }
  if (auto attachments = structured("attachments")) {
    if (attachments->is_array()) {
      const auto violations = fakes::CheckAttachments(*attachments);
      if (!violations.empty()) return "too_many_attachments: " + violations[0].detail;
    }
  }
  return std::nullopt;
}

Verdict CheckSlack(const drill::Interaction& call) {
  if (!NoAnswer(call)) {
    // The Web API answers JSON with `error`; webhooks answer the error as plain text.
    const json body = json::parse(call.stdout_data, nullptr, false);
    std::string error;
    if (body.is_object() && body.contains("ok") && body["ok"] == false) {
      error = body.value("error", "");
    } else if (call.exit_code != 200 && !body.is_object()) {
      error = FirstLine(call.stdout_data);
    }
    if (!error.empty() && SlackContractErrors().count(error) != 0) {
      return Violated(SlackReason(error, body));
    }
    if (auto problem = SlackPayloadProblem(call); problem && !error.empty()) {
      return Violated(*problem + " (answered " + error + " first)");
    }
    return Verified(error);
  }
  if (auto problem = SlackPayloadProblem(call)) {
    return Violated(*problem + " (checked locally: " + FirstLine(call.stdout_data) + ")");
  }
  return Verified(FirstLine(call.stdout_data));
}

// --- PagerDuty ---------------------------------------------------------------------------

std::vector<std::string> StringList(const json& value) {
  std::vector<std::string> out;
  if (!value.is_array()) return out;
  for (const json& v : value) {
    if (v.is_string()) out.push_back(v.get<std::string>());
  }
  return out;
}

Verdict CheckPagerDutyEvents(const drill::Interaction& call) {
  if (NoAnswer(call)) {
    if (json::parse(call.stdin_data, nullptr, false).is_discarded()) {
      return Violated("JSON parse error (checked locally: " + FirstLine(call.stdout_data) + ")");
    }
    return Verified(FirstLine(call.stdout_data));
  }
  const json body = json::parse(call.stdout_data, nullptr, false);
  const std::string status = body.is_object() ? body.value("status", "") : "";
  const std::vector<std::string> errors = body.is_object() && body.contains("errors")
                                              ? StringList(body["errors"])
                                              : std::vector<std::string>{};
  if (call.exit_code >= 200 && call.exit_code < 300) return Verified(status);
  // "Unrecognized object": not JSON, not POST, not /v2/enqueue.
  if (status == "Unrecognized object") return Violated(status + ": " + Join(errors, "; "));
  if (status == "invalid event") {
    // An unknown, expired or revoked key is the account saying no to a well-formed event.
    if (errors == std::vector<std::string>{"Invalid routing key"}) return Verified(errors[0]);
    return Violated(status + ": " + Join(errors, "; "));
  }
  // 429 throttle, injected 500/503: the service, not the event.
  return Verified(std::to_string(call.exit_code) + " " + status);
}

// Whether the REST fake has a route for this method and path (it models /incidents,
// /incidents/{id} and /incidents/{id}/notes): a 404 elsewhere is a wrong endpoint, a 404
// on a route a missing incident.
bool PagerDutyRoute(const std::string& method, std::string_view path) {
  std::vector<std::string_view> parts;
  while (!path.empty()) {
    if (path.front() == '/') {
      path.remove_prefix(1);
      continue;
    }
    const size_t slash = path.find('/');
    parts.push_back(path.substr(0, slash));
    path = slash == std::string_view::npos ? std::string_view() : path.substr(slash);
  }
  if (parts.empty() || parts[0] != "incidents" || parts.size() > 3) return false;
  if (parts.size() == 3 && parts[2] != "notes") return false;
  if (parts.size() == 2) return method == "GET" || method == "PUT";
  return method == "GET" || method == "POST";
}

Verdict CheckPagerDutyRest(const drill::Interaction& call) {
  if (NoAnswer(call)) return Verified(FirstLine(call.stdout_data));
  if (call.exit_code >= 200 && call.exit_code < 300) return Verified("");
  const json body = json::parse(call.stdout_data, nullptr, false);
  json error = body.is_object() && body.contains("error") ? body["error"] : json::object();
  if (!error.is_object()) error = json::object();
  const std::string message = error.value("message", "");
  const int code = error.value("code", 0);
  const std::vector<std::string> errors =
      error.contains("errors") ? StringList(error["errors"]) : std::vector<std::string>{};
  const std::string said = message + (errors.empty() ? "" : ": " + Join(errors, "; ")) +
                           (code != 0 ? " (code " + std::to_string(code) + ")" : "");
  switch (call.exit_code) {
    case 404:
      if (!PagerDutyRoute(call.argv[1], HttpPath(call))) {
        return Violated("no such endpoint: " + call.argv[1] + " " + std::string(HttpPath(call)));
      }
      return Verified(said);
    case 400: {
      // Already resolved / acknowledged: the incident's state, not the request.
      if (code == 1001 || code == 1002) return Verified(said);
      // What the account lacks (a service, a policy, a user) rather than what the body lacks.
      static const std::vector<std::string> kWorld = {
          "Service not found", "Escalation Policy not found", "Assignee not found"};
      const bool world_only =
          !errors.empty() && std::all_of(errors.begin(), errors.end(), [](const std::string& e) {
            return std::find(kWorld.begin(), kWorld.end(), e) != kWorld.end() ||
                   StartsWith(e, "Open incident with key");
          });
      if (world_only) return Verified(said);
      return Violated(said);
    }
    default:
      // 401 (the fake answers alike for a missing, unknown or expired token, and only the
      // latter two happen in drills that set the header), 429, 5xx.
      return Verified(std::to_string(call.exit_code) + " " + said);
  }
}

Verdict Check(const drill::Interaction& call, const std::string& provider) {
  if (provider == "kubectl") return CheckKubectl(call);
  if (provider == "ssh") return CheckSsh(call);
  if (provider == "slack") return CheckSlack(call);
  if (provider == "pagerduty") {
    const std::string_view path = HttpPath(call);
    if (StartsWith(path, "/incidents")) return CheckPagerDutyRest(call);
    const json body = json::parse(call.stdout_data, nullptr, false);
    if (body.is_object() && body.contains("error")) return CheckPagerDutyRest(call);
    return CheckPagerDutyEvents(call);
  }
  if (provider == "http") {
    return NotModelled("no fake service has this path: " + std::string(HttpPath(call)));
  }
  return CheckOtherProgram(call, provider);
}

std::string Describe(const drill::Interaction& call) {
  if (IsHttp(call)) return call.argv[1] + " " + call.argv[2];
  return Join(call.argv, " ");
}

}  // namespace

std::string_view ContractStatusName(ContractStatus status) {
  switch (status) {
    case ContractStatus::kVerified:
      return "verified";
    case ContractStatus::kViolated:
      return "violated";
    case ContractStatus::kNotModelled:
      return "not-modelled";
  }
  return "verified";
}

size_t ContractResult::Count(ContractStatus status) const {
  return static_cast<size_t>(
      std::count_if(interactions.begin(), interactions.end(),
                    [status](const ContractInteraction& i) { return i.status == status; }));
}

size_t ContractResult::RealClientRejections() const {
  return static_cast<size_t>(
      std::count_if(interactions.begin(), interactions.end(), [](const ContractInteraction& i) {
        return i.real_client && i.real_client->kind == RealClientVerdict::Kind::kRejected;
      }));
}

std::string ProviderOf(const drill::Interaction& call) {
  if (call.argv.empty()) return "stub:";
  if (call.argv[0] == "HTTP" && call.argv.size() >= 3) {
    // The transcript keeps the path as the client sent it, not which listener took it; the
    // fakes' paths do not overlap except where their answers tell them apart.
    const std::string_view path = HttpPath(call);
    if (StartsWith(path, "/api/") || StartsWith(path, "/services/")) return "slack";
    if (StartsWith(path, "/v2/") || path == "/enqueue" || StartsWith(path, "/incidents")) {
      return "pagerduty";
    }
    const json body = json::parse(call.stdout_data, nullptr, false);
    if (body.is_object() &&
        (body.contains("error") || body.value("status", "") == "Unrecognized object")) {
      if (!body.contains("ok")) return "pagerduty";
    }
    if (body.is_object() && body.contains("ok")) return "slack";
    if (call.stdout_data == "not_found") return "slack";
    return "http";
  }
  const std::string& program = call.argv[0];
  if (program == "kubectl" || program == "ssh" || program == "sleep") return program;
  return "stub:" + program;
}

std::vector<ContractResult> CheckContracts(const drill::DrillResult& result,
                                           KubectlParser* real_kubectl) {
  std::map<std::string, std::string> paths;
  for (const auto& run : result.runbooks) paths.emplace(run.name, run.path);

  // Keyed by (consumer, provider) strings so the output order is the same for every run.
  std::map<std::pair<std::string, std::string>, ContractResult> grouped;
  std::map<std::vector<std::string>, RealClientVerdict> real_cache;
  for (const drill::Interaction& call : result.transcript) {
    const std::string provider = ProviderOf(call);
    ContractResult& contract = grouped[{call.runbook, provider}];
    if (contract.provider.empty()) {
      contract.consumer = call.runbook;
      contract.provider = provider;
      if (auto it = paths.find(call.runbook); it != paths.end()) {
        contract.consumer_path = it->second;
      }
    }
    ContractInteraction interaction;
    interaction.call = call;
    interaction.description = Describe(call);
    Verdict verdict = Check(call, provider);
    interaction.status = verdict.status;
    interaction.reason = std::move(verdict.reason);
    if (provider == "kubectl") {
      const std::vector<std::string> args(call.argv.begin() + 1, call.argv.end());
      auto cached = real_cache.find(args);
      if (cached == real_cache.end()) {
        RealClientVerdict verdict_of_real;
        if (real_kubectl == nullptr) {
          verdict_of_real.detail = "real client not installed";
        } else {
          verdict_of_real = real_kubectl->Check(args);
        }
        cached = real_cache.emplace(args, std::move(verdict_of_real)).first;
      }
      interaction.real_client = cached->second;
    }
    contract.interactions.push_back(std::move(interaction));
  }
  std::vector<ContractResult> out;
  out.reserve(grouped.size());
  for (auto& [key, contract] : grouped) out.push_back(std::move(contract));
  return out;
}

}  // namespace rundrill::contracts
