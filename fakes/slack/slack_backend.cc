#include "fakes/slack/slack_backend.h"

#include <algorithm>
#include <cctype>
#include <optional>

namespace rundrill::fakes {
namespace {

using nlohmann::json;

constexpr size_t kMaxTextCodePoints = 40000;
constexpr int kDefaultHistoryLimit = 100;
constexpr int kMaxHistoryLimit = 999;

// The real hooks.slack.com sends every webhook answer, errors included, as text/html.
constexpr char kWebhookContentType[] = "text/html";
constexpr char kApiContentType[] = "application/json; charset=utf-8";

std::string Lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// "application/json; charset=utf-8" → "application/json".
std::string MediaType(const HttpRequest& request) {
  const std::string value = request.Header("content-type");
  return Lower(Trim(std::string_view(value).substr(0, value.find(';'))));
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string FormDecode(std::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '+') {
      out += ' ';
    } else if (s[i] == '%' && i + 2 < s.size() && HexValue(s[i + 1]) >= 0 &&
               HexValue(s[i + 2]) >= 0) {
      out += static_cast<char>(HexValue(s[i + 1]) * 16 + HexValue(s[i + 2]));
      i += 2;
    } else {
      out += s[i];
    }
  }
  return out;
}

HttpResponse WebhookAnswer(int status, const std::string& body) {
  HttpResponse response;
  response.status = status;
  response.headers = {{"Content-Type", kWebhookContentType}};
  response.body = body;
  return response;
}

HttpResponse ApiAnswer(int status, const json& body) {
  HttpResponse response;
  response.status = status;
  response.headers = {{"Content-Type", kApiContentType}};
  // Answers echo what the client sent (an unknown method's name, a channel), which need not
  // be UTF-8; dump() would throw on it and fail the drill for a client's bad bytes. Such
  // bytes go back as U+FFFD, as a JSON encoder on the real service would send them.
  response.body = body.dump(-1, ' ', false, json::error_handler_t::replace);
  return response;
}

HttpResponse ApiError(const std::string& error, json extra = json::object()) {
  extra["ok"] = false;
  extra["error"] = error;
  return ApiAnswer(200, extra);
}

std::string RetryAfterSeconds(SimDuration wait) {
  return std::to_string(std::max<int64_t>(1, (wait.count() + 999) / 1000));
}

// A parameter as a string: form and query values already are; JSON bodies may send ts or
// limit as numbers.
std::optional<std::string> StringParam(const json& params, const char* name) {
  auto it = params.find(name);
  if (it == params.end() || it->is_null()) return std::nullopt;
  if (it->is_string()) return it->get<std::string>();
  if (it->is_number() || it->is_boolean()) return it->dump();
  return std::nullopt;
}

// "1767225600", "1767225600.5", "1767225600.000123" → microseconds.
std::optional<int64_t> ParseTsBound(std::string_view text) {
  const size_t dot = text.find('.');
  const std::string_view whole = text.substr(0, dot);
  std::string_view fraction = dot == std::string_view::npos ? "" : text.substr(dot + 1);
  if (whole.empty() || whole.size() > 12 || fraction.size() > 6) return std::nullopt;
  int64_t micros = 0;
  for (char c : whole) {
    if (c < '0' || c > '9') return std::nullopt;
    micros = micros * 10 + (c - '0');
  }
  int64_t frac = 0;
  for (size_t i = 0; i < 6; ++i) {
    const char c = i < fraction.size() ? fraction[i] : '0';
    if (c < '0' || c > '9') return std::nullopt;
    frac = frac * 10 + (c - '0');
  }
  return micros * 1000000 + frac;
}

bool IsReactionName(const std::string& name) {
  if (name.empty() || name.size() > 100) return false;
  return std::all_of(name.begin(), name.end(), [](unsigned char c) {
    return std::islower(c) || std::isdigit(c) || c == '_' || c == '-' || c == '+' || c == '\'';
  });
}

// Why a message's content was refused, before the endpoint names it in its own words.
enum class ContentProblem {
  kNone,
  kBadType,  // a field of the wrong JSON type
  kEmpty,    // neither text, blocks nor attachments
  kTooLong,
  kBlocksMalformed,
  kBlocksInvalid,
  kTooManyAttachments,
};

struct ContentRead {
  ContentProblem problem = ContentProblem::kNone;
  world::SlackContent content;
  std::vector<PayloadViolation> violations;
};

// Form fields carry blocks and attachments as JSON text; JSON bodies carry them as values.
std::optional<json> StructuredParam(const json& params, const char* name, bool as_text, bool& bad) {
  auto it = params.find(name);
  if (it == params.end() || it->is_null()) return std::nullopt;
  if (!as_text) return *it;
  if (!it->is_string()) return *it;
  json parsed = json::parse(it->get<std::string>(), nullptr, /*allow_exceptions=*/false);
  if (parsed.is_discarded()) {
    bad = true;
    return std::nullopt;
  }
  return parsed;
}

ContentRead ReadContent(const json& params, bool form_encoded, bool check_length) {
  ContentRead read;
  read.content.blocks = nullptr;
  read.content.attachments = nullptr;
  const auto text = params.find("text");
  if (text != params.end() && !text->is_null()) {
    if (!text->is_string()) {
      read.problem = ContentProblem::kBadType;
      return read;
    }
    read.content.text = text->get<std::string>();
  }
  bool blocks_unparsable = false;
  const auto blocks = StructuredParam(params, "blocks", form_encoded, blocks_unparsable);
  bool attachments_unparsable = false;
  const auto attachments =
      StructuredParam(params, "attachments", form_encoded, attachments_unparsable);
  if (attachments_unparsable || (attachments && !attachments->is_array())) {
    read.problem = ContentProblem::kBadType;
    return read;
  }
  const bool has_blocks = blocks_unparsable || (blocks && !(blocks->is_array() && blocks->empty()));
  const bool has_attachments = attachments && !attachments->empty();
  if (read.content.text.empty() && !has_blocks && !has_attachments) {
    read.problem = ContentProblem::kEmpty;
    return read;
  }
  if (check_length && CodePoints(read.content.text) > kMaxTextCodePoints) {
    read.problem = ContentProblem::kTooLong;
    return read;
  }
  if (blocks_unparsable) {
    read.problem = ContentProblem::kBlocksMalformed;
    return read;
  }
  if (has_blocks) {
    BlocksCheck check = CheckBlocks(*blocks);
    if (check.verdict == BlocksVerdict::kMalformed) {
      read.problem = ContentProblem::kBlocksMalformed;
      return read;
    }
    if (check.verdict == BlocksVerdict::kInvalid) {
      read.problem = ContentProblem::kBlocksInvalid;
      read.violations = std::move(check.violations);
      return read;
    }
    read.content.blocks = *blocks;
  }
  if (has_attachments) {
    read.violations = CheckAttachments(*attachments);
    if (!read.violations.empty()) {
      read.problem = ContentProblem::kTooManyAttachments;
      return read;
    }
    read.content.attachments = *attachments;
  }
  return read;
}

json MessageJson(const world::SlackMessage& m, const world::SlackChannel& channel,
                 const model::SlackSpec& spec) {
  json j = {{"type", "message"}, {"subtype", "bot_message"},  {"text", m.content.text},
            {"ts", m.ts},        {"username", spec.bot_name}, {"bot_id", m.bot_id},
            {"user", m.user}};
  if (!m.content.blocks.is_null()) j["blocks"] = m.content.blocks;
  if (!m.content.attachments.is_null()) j["attachments"] = m.content.attachments;
  if (m.thread_ts) {
    j["thread_ts"] = *m.thread_ts;
  } else {
    int replies = 0;
    for (const world::SlackMessage& other : channel.messages) {
      if (other.thread_ts == m.ts) ++replies;
    }
    if (replies > 0) {
      j["thread_ts"] = m.ts;
      j["reply_count"] = replies;
    }
  }
  if (m.edited_ts) j["edited"] = {{"user", m.user}, {"ts", *m.edited_ts}};
  if (!m.reactions.empty()) {
    json reactions = json::array();
    for (const world::SlackReaction& r : m.reactions) {
      reactions.push_back(
          {{"name", r.name}, {"users", r.users}, {"count", static_cast<int>(r.users.size())}});
    }
    j["reactions"] = std::move(reactions);
  }
  return j;
}

std::string ApiContentError(ContentProblem problem) {
  switch (problem) {
    case ContentProblem::kBadType:
      return "invalid_arguments";
    case ContentProblem::kEmpty:
      return "no_text";
    case ContentProblem::kTooLong:
      return "msg_too_long";
    case ContentProblem::kBlocksMalformed:
      return "invalid_blocks_format";
    case ContentProblem::kBlocksInvalid:
      return "invalid_blocks";
    case ContentProblem::kTooManyAttachments:
      return "too_many_attachments";
    case ContentProblem::kNone:
      break;
  }
  return "";
}

std::string WebhookContentError(ContentProblem problem) {
  switch (problem) {
    case ContentProblem::kBadType:
      return "invalid_payload";
    case ContentProblem::kEmpty:
      return "missing_text_or_fallback_or_attachments";
    case ContentProblem::kTooLong:  // not checked for webhooks
    case ContentProblem::kNone:
      break;
    case ContentProblem::kBlocksMalformed:
      return "invalid_blocks_format";
    case ContentProblem::kBlocksInvalid:
      return "invalid_blocks";
    case ContentProblem::kTooManyAttachments:
      return "too_many_attachments";
  }
  return "";
}

}  // namespace

std::vector<std::pair<std::string, std::string>> ParseFormEncoded(std::string_view text) {
  std::vector<std::pair<std::string, std::string>> out;
  while (!text.empty()) {
    const size_t amp = text.find('&');
    const std::string_view pair = text.substr(0, amp);
    text = amp == std::string_view::npos ? "" : text.substr(amp + 1);
    if (pair.empty()) continue;
    const size_t eq = pair.find('=');
    out.emplace_back(FormDecode(pair.substr(0, eq)),
                     eq == std::string_view::npos ? "" : FormDecode(pair.substr(eq + 1)));
  }
  return out;
}

HttpResponse SlackBackend::Handle(const HttpRequest& request, SimContext& context) {
  SlackCall call;
  call.step_id = request.step_id;
  call.sequence = request.sequence;
  call.method = request.method;
  call.target = request.target;
  const SimDuration latency = kMinLatency + SimDuration(context.Rng().Below(static_cast<uint32_t>(
                                                (kMaxLatency - kMinLatency).count() + 1)));
  HttpResponse response;
  if (!context.AdvanceTo(context.Now() + latency)) {
    // The step is being stopped: nobody reads this answer, and the request must not take
    // effect after the runbook gave up on it.
    response.status = 504;
    call.error = "deadline";
  } else {
    const std::string_view path = request.Path();
    if (path.rfind("/services/", 0) == 0) {
      call.endpoint = "webhook";
      response = HandleWebhook(request, context.Now(), call);
    } else if (path.rfind("/api/", 0) == 0) {
      response = HandleApi(request, context.Now(), call);
    } else {
      response = WebhookAnswer(404, "not_found");
      call.error = "not_found";
    }
  }
  call.at = context.Now();
  call.status = response.status;
  calls_.push_back(std::move(call));
  return response;
}

void SlackBackend::AddFindings(SimTime now, const std::string& endpoint,
                               const std::vector<PayloadViolation>& violations) {
  for (const PayloadViolation& v : violations) findings_.push_back({now, endpoint, v});
}

HttpResponse SlackBackend::HandleWebhook(const HttpRequest& request, SimTime now, SlackCall& call) {
  auto fail = [&call](int status, const std::string& error) {
    call.error = error;
    return WebhookAnswer(status, error);
  };
  // /services/<team>/<hook>/<secret>: only the secret is checked; the ids only need to be
  // there.
  std::vector<std::string_view> segments;
  std::string_view rest = request.Path().substr(std::string_view("/services/").size());
  while (!rest.empty()) {
    const size_t slash = rest.find('/');
    segments.push_back(rest.substr(0, slash));
    rest = slash == std::string_view::npos ? "" : rest.substr(slash + 1);
  }
  const bool well_formed =
      segments.size() == 3 &&
      std::none_of(segments.begin(), segments.end(), [](std::string_view s) { return s.empty(); });
  if (!well_formed || world_.spec().webhook_channel.empty() ||
      segments[2] != world_.spec().webhook_secret) {
    return fail(404, "no_service");
  }
  if (token_state_ != world::CredentialState::kValid) return fail(403, "invalid_token");
  if (request.method != "POST") return fail(400, "invalid_payload");

  json payload;
  const std::string media = MediaType(request);
  if (media == "application/json") {
    payload = json::parse(request.body, nullptr, /*allow_exceptions=*/false);
  } else if (media == "application/x-www-form-urlencoded") {
    // The legacy form: the JSON travels in a `payload` field.
    payload = json(json::value_t::discarded);
    for (const auto& [name, value] : ParseFormEncoded(request.body)) {
      if (name == "payload") payload = json::parse(value, nullptr, false);
    }
  } else {
    payload = json(json::value_t::discarded);
  }
  if (payload.is_discarded() || !payload.is_object()) return fail(400, "invalid_payload");

  const world::SlackChannel* channel = world_.WebhookChannel();
  if (channel == nullptr) return fail(404, "channel_not_found");
  if (channel->archived) return fail(410, "channel_is_archived");
  if (channel->posting_restricted) return fail(403, "action_prohibited");

  ContentRead read = ReadContent(payload, /*form_encoded=*/false, /*check_length=*/false);
  if (read.problem != ContentProblem::kNone) {
    AddFindings(now, "webhook", read.violations);
    return fail(400, WebhookContentError(read.problem));
  }
  std::optional<std::string> thread_ts;
  if (const auto requested = StringParam(payload, "thread_ts")) {
    const world::SlackMessage* parent = world_.FindMessage(channel->id, *requested);
    if (parent != nullptr) {
      thread_ts = parent->thread_ts.value_or(parent->ts);
    } else {
      AddFindings(now, "webhook",
                  {{"thread_ts.unknown_parent", "/thread_ts",
                    "no message " + *requested + " in the channel; posted at top level"}});
    }
  }
  if (const auto wait = world_.TakePostAllowance(channel->id, now)) {
    HttpResponse response = fail(429, "rate_limited");
    response.headers.emplace_back("Retry-After", RetryAfterSeconds(*wait));
    return response;
  }
  world_.Post(channel->id, std::move(read.content), std::move(thread_ts),
              world::SlackSource::kWebhook, now);
  return WebhookAnswer(200, "ok");
}

HttpResponse SlackBackend::HandleApi(const HttpRequest& request, SimTime now, SlackCall& call) {
  const std::string method(request.Path().substr(std::string_view("/api/").size()));
  call.endpoint = method;
  auto fail = [&call](const std::string& error, json extra = json::object()) {
    call.error = error;
    return ApiError(error, std::move(extra));
  };
  static const char* const kMethods[] = {"chat.postMessage", "chat.update", "reactions.add",
                                         "reactions.get", "conversations.history"};
  if (std::find(std::begin(kMethods), std::end(kMethods), method) == std::end(kMethods)) {
    call.endpoint.clear();
    call.error = "unknown_method";
    return ApiAnswer(404, {{"ok", false}, {"error", "unknown_method"}, {"req_method", method}});
  }

  // Query parameters and the body's mix, the body winning, as Slack reads GET and POST
  // arguments together.
  json params = json::object();
  const std::string& target = request.target;
  if (const size_t q = target.find('?'); q != std::string::npos) {
    for (auto& [name, value] : ParseFormEncoded(std::string_view(target).substr(q + 1))) {
      params[name] = value;
    }
  }
  std::optional<std::string> form_token;
  bool json_body = false;
  const std::string media = MediaType(request);
  if (media == "application/json" && !request.body.empty()) {
    json body = json::parse(request.body, nullptr, /*allow_exceptions=*/false);
    if (body.is_discarded()) return fail("invalid_json");
    if (!body.is_object()) return fail("json_not_object");
    json_body = true;
    for (auto& [name, value] : body.items()) params[name] = value;
  } else if (media == "application/x-www-form-urlencoded") {
    for (auto& [name, value] : ParseFormEncoded(request.body)) params[name] = value;
  }

  // Slack reads a token from the header, the query or a form field, but never from a JSON
  // body: there it is ignored, so the call is unauthenticated.
  std::optional<std::string> token;
  const std::string authorization = request.Header("authorization");
  if (Lower(authorization.substr(0, 7)) == "bearer ") {
    token = std::string(Trim(std::string_view(authorization).substr(7)));
  } else if (json_body) {
    std::optional<std::string> query_token;
    if (const size_t q = target.find('?'); q != std::string::npos) {
      for (auto& [name, value] : ParseFormEncoded(std::string_view(target).substr(q + 1))) {
        if (name == "token") query_token = value;
      }
    }
    if (params.contains("token") && !query_token) {
      AddFindings(now, method,
                  {{"auth.token_in_json_body", "/token",
                    "JSON bodies need the token in an Authorization header"}});
    }
    token = query_token;
  } else {
    token = StringParam(params, "token");
  }
  if (!token || token->empty()) return fail("not_authed");
  if (*token != world_.spec().bot_token) return fail("invalid_auth");
  if (token_state_ == world::CredentialState::kExpired) return fail("token_expired");
  if (token_state_ == world::CredentialState::kRevoked) return fail("token_revoked");

  const world::SlackChannel* channel = nullptr;
  if (const auto name = StringParam(params, "channel")) channel = world_.FindChannel(*name);
  if (channel == nullptr) return fail("channel_not_found");
  const std::string channel_id = channel->id;
  const bool form_encoded = !json_body;

  if (method == "chat.postMessage" || method == "chat.update") {
    if (channel->archived) return fail("is_archived");
    if (channel->posting_restricted) return fail("restricted_action");
    std::optional<std::string> ts;
    if (method == "chat.update") {
      ts = StringParam(params, "ts");
      if (!ts || world_.FindMessage(channel_id, *ts) == nullptr) {
        return fail("message_not_found");
      }
    }
    ContentRead read = ReadContent(params, form_encoded, /*check_length=*/true);
    if (read.problem != ContentProblem::kNone) {
      AddFindings(now, method, read.violations);
      json extra = json::object();
      if (read.problem == ContentProblem::kBlocksInvalid) {
        json errors = json::array();
        for (const PayloadViolation& v : read.violations) errors.push_back(SlackErrorLine(v));
        extra["errors"] = std::move(errors);
      }
      return fail(ApiContentError(read.problem), std::move(extra));
    }
    if (method == "chat.update") {
      const world::SlackMessage* updated =
          world_.Update(channel_id, *ts, std::move(read.content), now);
      return ApiAnswer(200, {{"ok", true},
                             {"channel", channel_id},
                             {"ts", updated->ts},
                             {"text", updated->content.text},
                             {"message", MessageJson(*updated, *channel, world_.spec())}});
    }
    std::optional<std::string> thread_ts;
    if (const auto requested = StringParam(params, "thread_ts")) {
      const world::SlackMessage* parent = world_.FindMessage(channel_id, *requested);
      if (parent != nullptr) {
        thread_ts = parent->thread_ts.value_or(parent->ts);
      } else {
        AddFindings(now, method,
                    {{"thread_ts.unknown_parent", "/thread_ts",
                      "no message " + *requested + " in the channel; posted at top level"}});
      }
    }
    if (const auto wait = world_.TakePostAllowance(channel_id, now)) {
      call.error = "ratelimited";
      HttpResponse response = ApiAnswer(429, {{"ok", false}, {"error", "ratelimited"}});
      response.headers.emplace_back("Retry-After", RetryAfterSeconds(*wait));
      return response;
    }
    const world::SlackMessage& posted =
        world_.Post(channel_id, std::move(read.content), std::move(thread_ts),
                    world::SlackSource::kWebApi, now);
    return ApiAnswer(200, {{"ok", true},
                           {"channel", channel_id},
                           {"ts", posted.ts},
                           {"message", MessageJson(posted, *channel, world_.spec())}});
  }

  if (method == "reactions.add") {
    if (channel->archived) return fail("is_archived");
    const std::string name = StringParam(params, "name").value_or("");
    if (!IsReactionName(name)) return fail("invalid_name");
    const std::string ts = StringParam(params, "timestamp").value_or("");
    switch (world_.AddReaction(channel_id, ts, name, world_.spec().bot_user_id)) {
      case world::ReactionResult::kMessageNotFound:
        return fail("message_not_found");
      case world::ReactionResult::kAlreadyReacted:
        return fail("already_reacted");
      case world::ReactionResult::kAdded:
        break;
    }
    return ApiAnswer(200, {{"ok", true}});
  }

  if (method == "reactions.get") {
    const std::string ts = StringParam(params, "timestamp").value_or("");
    const world::SlackMessage* message = world_.FindMessage(channel_id, ts);
    if (message == nullptr) return fail("message_not_found");
    return ApiAnswer(200, {{"ok", true},
                           {"type", "message"},
                           {"channel", channel_id},
                           {"message", MessageJson(*message, *channel, world_.spec())}});
  }

  // conversations.history: top-level messages, newest first.
  int limit = kDefaultHistoryLimit;
  if (const auto text = StringParam(params, "limit")) {
    char* end = nullptr;
    const long value = std::strtol(text->c_str(), &end, 10);
    if (end == text->c_str() || *end != '\0') return fail("invalid_limit");
    limit = static_cast<int>(std::clamp<long>(value, 1, kMaxHistoryLimit));
  }
  std::optional<int64_t> oldest;
  std::optional<int64_t> latest;
  if (const auto text = StringParam(params, "oldest")) {
    oldest = ParseTsBound(*text);
    if (!oldest) return fail("invalid_ts_oldest");
  }
  if (const auto text = StringParam(params, "latest")) {
    latest = ParseTsBound(*text);
    if (!latest) return fail("invalid_ts_latest");
  }
  const std::string inclusive = StringParam(params, "inclusive").value_or("");
  const bool include_bounds = inclusive == "1" || inclusive == "true";
  json messages = json::array();
  bool has_more = false;
  for (auto it = channel->messages.rbegin(); it != channel->messages.rend(); ++it) {
    const world::SlackMessage& m = *it;
    if (m.thread_ts) continue;  // replies appear only in conversations.replies
    if (oldest && (include_bounds ? m.ts_micros < *oldest : m.ts_micros <= *oldest)) continue;
    if (latest && (include_bounds ? m.ts_micros > *latest : m.ts_micros >= *latest)) continue;
    if (static_cast<int>(messages.size()) == limit) {
      has_more = true;
      break;
    }
    messages.push_back(MessageJson(m, *channel, world_.spec()));
  }
  return ApiAnswer(
      200,
      {{"ok", true}, {"messages", std::move(messages)}, {"has_more", has_more}, {"pin_count", 0}});
}

}  // namespace rundrill::fakes
