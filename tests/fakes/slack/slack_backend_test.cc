#include "fakes/slack/slack_backend.h"

#include <gtest/gtest.h>

#include <map>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace rundrill::fakes {
namespace {

using nlohmann::json;
using Headers = std::vector<std::pair<std::string, std::string>>;

constexpr char kHook[] = "/services/T0RUNDRILL/B0RUNDRILL/rundrillWebhookSecret0001";
constexpr char kToken[] = "xoxb-rundrill-bot-token";
const Headers kTextHtml = {{"Content-Type", "text/html"}};
const Headers kJsonType = {{"Content-Type", "application/json; charset=utf-8"}};

HttpRequest Req(std::string method, std::string target, std::map<std::string, std::string> headers,
                std::string body) {
  HttpRequest r;
  r.method = std::move(method);
  r.target = std::move(target);
  r.headers = std::move(headers);
  r.body = std::move(body);
  r.step_id = "notify";
  return r;
}

// Virtual time only; the Slack backend never asks for the world.
class TestContext : public SimContext {
 public:
  SimTime Now() const override { return now_; }
  bool AdvanceTo(SimTime t) override {
    if (t > horizon) {
      now_ = horizon;
      return false;
    }
    now_ = std::max(now_, t);
    return true;
  }
  world::World& World() override { throw std::logic_error("no world in Slack tests"); }
  Random& Rng() override { return rng_; }

  SimTime horizon = SimTime::max();

 private:
  SimTime now_{0};
  Random rng_ = Random(7).Split("slack");
};

class SlackBackendTest : public ::testing::Test {
 protected:
  SlackBackendTest() {
    model::SlackSpec spec;
    spec.channels = {{"incidents", "C0INC0001", false, false, {}},
                     {"ops", "C0OPS0001", false, false, {}},
                     {"old", "C0OLD0001", true, false, {}},
                     {"locked", "C0LCK0001", false, true, {}}};
    spec.webhook_channel = "incidents";
    EXPECT_TRUE(world_.Build(spec).ok());
  }

  HttpResponse Hook(const std::string& body, const std::string& type = "application/json",
                    const std::string& target = kHook) {
    HttpRequest r = Req("POST", target, {{"content-type", type}}, body);
    return backend_.Handle(r, context_);
  }
  HttpResponse Api(const std::string& method, const json& body, const std::string& token = kToken) {
    HttpRequest r =
        Req("POST", "/api/" + method, {{"content-type", "application/json"}}, body.dump());
    if (!token.empty()) r.headers["authorization"] = "Bearer " + token;
    return backend_.Handle(r, context_);
  }
  HttpResponse Form(const std::string& method, const std::string& body) {
    HttpRequest r = Req("POST", "/api/" + method,
                        {{"content-type", "application/x-www-form-urlencoded"}}, body);
    return backend_.Handle(r, context_);
  }
  HttpResponse Get(const std::string& target) {
    HttpRequest r = Req("GET", target, {{"authorization", std::string("Bearer ") + kToken}}, "");
    return backend_.Handle(r, context_);
  }
  std::string Ts() const {
    return world::SlackWorld::FormatTs(Epoch{}.unix_seconds * 1000000 +
                                       context_.Now().count() * 1000);
  }
  std::string ApiErrorBody(const std::string& error) {
    return json{{"ok", false}, {"error", error}}.dump();
  }
  void ExpectHook(const HttpResponse& r, int status, const std::string& body) {
    EXPECT_EQ(r.status, status);
    EXPECT_EQ(r.headers, kTextHtml);
    EXPECT_EQ(r.body, body);
  }
  void ExpectApiError(const HttpResponse& r, const std::string& error) {
    EXPECT_EQ(r.status, 200);
    EXPECT_EQ(r.headers, kJsonType);
    EXPECT_EQ(r.body, ApiErrorBody(error));
  }
  void Wait(int64_t ms) { context_.AdvanceTo(context_.Now() + SimDuration(ms)); }

  world::SlackWorld world_{Epoch{}};
  SlackBackend backend_{world_};
  TestContext context_;
};

// ---- Incoming webhooks.

TEST_F(SlackBackendTest, WebhookPostsAndAnswersPlainOk) {
  ExpectHook(Hook(R"({"text":"db pool at 95%"})"), 200, "ok");
  const auto messages = world_.Messages("incidents");
  ASSERT_EQ(messages.size(), 1u);
  EXPECT_EQ(messages[0]->content.text, "db pool at 95%");
  EXPECT_EQ(messages[0]->source, world::SlackSource::kWebhook);
  EXPECT_EQ(messages[0]->ts, Ts());
  ASSERT_EQ(backend_.calls().size(), 1u);
  const SlackCall& call = backend_.calls()[0];
  EXPECT_EQ(call.endpoint, "webhook");
  EXPECT_EQ(call.status, 200);
  EXPECT_EQ(call.error, "");
  EXPECT_EQ(call.step_id, "notify");
  EXPECT_GE(call.at, SlackBackend::kMinLatency);
  EXPECT_LE(call.at, SlackBackend::kMaxLatency);
  EXPECT_EQ(call.at, context_.Now());
}

TEST_F(SlackBackendTest, WebhookAcceptsTheLegacyFormPayload) {
  ExpectHook(Hook("payload=%7B%22text%22%3A%22hi+there%22%7D", "application/x-www-form-urlencoded"),
             200, "ok");
  EXPECT_EQ(world_.Messages("incidents")[0]->content.text, "hi there");
}

TEST_F(SlackBackendTest, WebhookUnknownSecretOrShapeIsNoService) {
  ExpectHook(Hook(R"({"text":"x"})", "application/json", "/services/T0/B0/wrong"), 404,
             "no_service");
  ExpectHook(Hook(R"({"text":"x"})", "application/json", "/services/T0/rundrillWebhookSecret0001"),
             404, "no_service");
  ExpectHook(Hook(R"({"text":"x"})", "application/json", "/services/T0//rundrillWebhookSecret0001"),
             404, "no_service");
  EXPECT_EQ(world_.MessageCount("incidents"), 0);
}

TEST_F(SlackBackendTest, WebhookInvalidPayload) {
  ExpectHook(Hook(R"({"text":)"), 400, "invalid_payload");
  ExpectHook(Hook(R"(["text"])"), 400, "invalid_payload");
  ExpectHook(Hook(R"({"text":"x"})", "text/plain"), 400, "invalid_payload");
  ExpectHook(Hook(R"({"text":42})"), 400, "invalid_payload");
  ExpectHook(Hook("text=hello", "application/x-www-form-urlencoded"), 400, "invalid_payload");
  EXPECT_EQ(world_.MessageCount("incidents"), 0);
}

TEST_F(SlackBackendTest, WebhookWithoutTextBlocksOrAttachments) {
  ExpectHook(Hook(R"({})"), 400, "missing_text_or_fallback_or_attachments");
  ExpectHook(Hook(R"({"text":"","blocks":[],"attachments":[]})"), 400,
             "missing_text_or_fallback_or_attachments");
  ExpectHook(Hook(R"({"blocks":[{"type":"divider"}]})"), 200, "ok");
  ExpectHook(Hook(R"({"attachments":[{"fallback":"f","color":"danger"}]})"), 200, "ok");
}

TEST_F(SlackBackendTest, WebhookChannelStates) {
  world_.SetArchived("incidents", true);
  ExpectHook(Hook(R"({"text":"x"})"), 410, "channel_is_archived");
  world_.SetArchived("incidents", false);
  world_.Delete("incidents");
  ExpectHook(Hook(R"({"text":"x"})"), 404, "channel_not_found");
}

TEST_F(SlackBackendTest, WebhookActionProhibitedOnRestrictedChannel) {
  world::SlackWorld world(Epoch{});
  model::SlackSpec spec;
  spec.channels = {{"locked", "", false, true, {}}};
  spec.webhook_channel = "locked";
  ASSERT_TRUE(world.Build(spec).ok());
  SlackBackend backend(world);
  HttpRequest r = Req("POST", kHook, {{"content-type", "application/json"}}, R"({"text":"x"})");
  ExpectHook(backend.Handle(r, context_), 403, "action_prohibited");
}

TEST_F(SlackBackendTest, WebhookExpiredOrRevokedTokenIsInvalidToken) {
  backend_.SetTokenState(world::CredentialState::kExpired);
  ExpectHook(Hook(R"({"text":"x"})"), 403, "invalid_token");
  backend_.SetTokenState(world::CredentialState::kRevoked);
  ExpectHook(Hook(R"({"text":"x"})"), 403, "invalid_token");
  backend_.SetTokenState(world::CredentialState::kValid);
  ExpectHook(Hook(R"({"text":"x"})"), 200, "ok");
  EXPECT_EQ(backend_.calls()[0].error, "invalid_token");
}

TEST_F(SlackBackendTest, WebhookRateLimitOverVirtualTime) {
  for (int i = 0; i < 3; ++i) ExpectHook(Hook(R"({"text":"burst"})"), 200, "ok");
  const HttpResponse limited = Hook(R"({"text":"one too many"})");
  EXPECT_EQ(limited.status, 429);
  EXPECT_EQ(limited.headers, (Headers{{"Content-Type", "text/html"}, {"Retry-After", "1"}}));
  EXPECT_EQ(limited.body, "rate_limited");
  EXPECT_EQ(world_.MessageCount("incidents"), 3);
  Wait(1000);
  ExpectHook(Hook(R"({"text":"after waiting"})"), 200, "ok");
  EXPECT_EQ(world_.MessageCount("incidents"), 4);
}

TEST_F(SlackBackendTest, WebhookThreadReply) {
  ExpectHook(Hook(R"({"text":"parent"})"), 200, "ok");
  const std::string parent = world_.Messages("incidents")[0]->ts;
  ExpectHook(Hook(json{{"text", "reply"}, {"thread_ts", parent}}.dump()), 200, "ok");
  EXPECT_EQ(world_.Messages("incidents")[1]->thread_ts, parent);
  ExpectHook(Hook(R"({"text":"orphan","thread_ts":"1.000000"})"), 200, "ok");
  EXPECT_EQ(world_.Messages("incidents")[2]->thread_ts, std::nullopt);
  ASSERT_EQ(backend_.findings().size(), 1u);
  EXPECT_EQ(backend_.findings()[0].violation.rule, "thread_ts.unknown_parent");
}

json Section(size_t chars) {
  return {{"type", "section"}, {"text", {{"type", "mrkdwn"}, {"text", std::string(chars, 'x')}}}};
}

TEST_F(SlackBackendTest, WebhookBlockKitLimitsAreInvalidBlocksWithFindings) {
  json fields = json::array();
  for (int i = 0; i < 11; ++i) fields.push_back({{"type", "mrkdwn"}, {"text", "f"}});
  fields[3]["text"] = std::string(2001, 'y');
  json elements = json::array();
  for (int i = 0; i < 26; ++i) elements.push_back({{"type", "button"}});
  json context_elements = json::array();
  for (int i = 0; i < 11; ++i) context_elements.push_back({{"type", "mrkdwn"}, {"text", "c"}});
  const json blocks = {
      {{"type", "header"}, {"text", {{"type", "plain_text"}, {"text", std::string(151, 'h')}}}},
      Section(3001),
      {{"type", "section"}, {"fields", fields}},
      {{"type", "actions"}, {"elements", elements}},
      {{"type", "context"}, {"elements", context_elements}},
      Section(3000),
      {{"type", "header"}, {"text", {{"type", "mrkdwn"}, {"text", "h"}}}},
  };
  ExpectHook(Hook(json{{"blocks", blocks}}.dump()), 400, "invalid_blocks");
  EXPECT_EQ(world_.MessageCount("incidents"), 0);
  std::vector<std::string> got;
  for (const ContractFinding& f : backend_.findings()) {
    EXPECT_EQ(f.endpoint, "webhook");
    EXPECT_EQ(f.at, context_.Now());
    got.push_back(f.violation.rule + " " + f.violation.pointer + " " + f.violation.detail);
  }
  EXPECT_EQ(got, (std::vector<std::string>{
                     "block_kit.header_text_length /blocks/0/text/text 151 characters, at most 150",
                     "block_kit.section_text_length /blocks/1/text/text 3001 characters, at most "
                     "3000 (and at least 1)",
                     "block_kit.section_max_fields /blocks/2/fields 11 fields, at most 10",
                     "block_kit.section_field_length /blocks/2/fields/3/text 2001 characters, at "
                     "most 2000",
                     "block_kit.actions_max_elements /blocks/3/elements 26 elements, at most 25",
                     "block_kit.context_max_elements /blocks/4/elements 11 elements, at most 10",
                     "block_kit.header_plain_text /blocks/6/text header text must be a "
                     "plain_text object",
                 }));
}

TEST_F(SlackBackendTest, WebhookTooManyBlocksAndAttachments) {
  json blocks = json::array();
  for (int i = 0; i < 51; ++i) blocks.push_back({{"type", "divider"}});
  ExpectHook(Hook(json{{"blocks", blocks}}.dump()), 400, "invalid_blocks");
  blocks.erase(blocks.begin());
  ExpectHook(Hook(json{{"blocks", blocks}}.dump()), 200, "ok");
  ExpectHook(Hook(R"({"blocks":[{"text":"no type"}]})"), 400, "invalid_blocks_format");
  ExpectHook(Hook(R"({"blocks":{"type":"divider"}})"), 400, "invalid_blocks_format");
  json attachments = json::array();
  for (int i = 0; i < 101; ++i) attachments.push_back({{"fallback", "a"}});
  ExpectHook(Hook(json{{"attachments", attachments}}.dump()), 400, "too_many_attachments");
  ASSERT_EQ(backend_.findings().size(), 2u);
  EXPECT_EQ(backend_.findings()[0].violation.rule, "block_kit.max_blocks");
  EXPECT_EQ(backend_.findings()[0].violation.pointer, "/blocks");
  EXPECT_EQ(backend_.findings()[0].violation.detail, "51 blocks, at most 50");
  EXPECT_EQ(backend_.findings()[1].violation.rule, "attachments.max_count");
}

// ---- Web API.

TEST_F(SlackBackendTest, PostMessageAnswersLikeSlack) {
  const HttpResponse r = Api("chat.postMessage", {{"channel", "C0INC0001"}, {"text", "hello"}});
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.headers, kJsonType);
  const std::string ts = Ts();
  EXPECT_EQ(r.body, json({{"ok", true},
                          {"channel", "C0INC0001"},
                          {"ts", ts},
                          {"message",
                           {{"type", "message"},
                            {"subtype", "bot_message"},
                            {"text", "hello"},
                            {"ts", ts},
                            {"username", "rundrill"},
                            {"bot_id", "B0RUNDRILL"},
                            {"user", "U0RUNDRILL"}}}})
                        .dump());
  EXPECT_EQ(world_.MessageCount("incidents"), 1);
}

TEST_F(SlackBackendTest, PostMessageFormEncodedWithTokenField) {
  const HttpResponse r = Form("chat.postMessage",
                              "token=xoxb-rundrill-bot-token&channel=%23ops&text=a+b%26c"
                              "&blocks=%5B%7B%22type%22%3A%22divider%22%7D%5D");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(json::parse(r.body)["channel"], "C0OPS0001");
  const auto messages = world_.Messages("ops");
  ASSERT_EQ(messages.size(), 1u);
  EXPECT_EQ(messages[0]->content.text, "a b&c");
  EXPECT_EQ(messages[0]->content.blocks, json::parse(R"([{"type":"divider"}])"));
}

TEST_F(SlackBackendTest, PostMessageAuthentication) {
  ExpectApiError(Api("chat.postMessage", {{"channel", "ops"}, {"text", "x"}}, ""), "not_authed");
  ExpectApiError(Api("chat.postMessage", {{"channel", "ops"}, {"text", "x"}}, "xoxb-other"),
                 "invalid_auth");
  backend_.SetTokenState(world::CredentialState::kExpired);
  ExpectApiError(Api("chat.postMessage", {{"channel", "ops"}, {"text", "x"}}), "token_expired");
  backend_.SetTokenState(world::CredentialState::kRevoked);
  ExpectApiError(Api("chat.postMessage", {{"channel", "ops"}, {"text", "x"}}), "token_revoked");
  SlackBackend expired(world_, world::CredentialState::kExpired);
  EXPECT_EQ(expired.token_state(), world::CredentialState::kExpired);
  EXPECT_EQ(world_.MessageCount("ops"), 0);
  EXPECT_TRUE(backend_.findings().empty());
}

TEST_F(SlackBackendTest, TokenInsideAJsonBodyIsNotAccepted) {
  ExpectApiError(
      Api("chat.postMessage", {{"token", kToken}, {"channel", "ops"}, {"text", "x"}}, ""),
      "not_authed");
  ASSERT_EQ(backend_.findings().size(), 1u);
  EXPECT_EQ(backend_.findings()[0].endpoint, "chat.postMessage");
  EXPECT_EQ(backend_.findings()[0].violation.rule, "auth.token_in_json_body");
  EXPECT_EQ(backend_.findings()[0].violation.pointer, "/token");
}

TEST_F(SlackBackendTest, PostMessageRefusals) {
  ExpectApiError(Api("chat.postMessage", {{"channel", "nope"}, {"text", "x"}}),
                 "channel_not_found");
  ExpectApiError(Api("chat.postMessage", {{"text", "x"}}), "channel_not_found");
  ExpectApiError(Api("chat.postMessage", {{"channel", "old"}, {"text", "x"}}), "is_archived");
  ExpectApiError(Api("chat.postMessage", {{"channel", "locked"}, {"text", "x"}}),
                 "restricted_action");
  ExpectApiError(Api("chat.postMessage", {{"channel", "ops"}}), "no_text");
  ExpectApiError(Api("chat.postMessage", {{"channel", "ops"}, {"text", std::string(40001, 'x')}}),
                 "msg_too_long");
  ExpectApiError(Api("chat.postMessage", {{"channel", "ops"}, {"blocks", "[not json"}}),
                 "invalid_blocks_format");
  ExpectApiError(
      Form("chat.postMessage", "token=xoxb-rundrill-bot-token&channel=ops&blocks=%5Bnot+json"),
      "invalid_blocks_format");
  EXPECT_EQ(world_.MessageCount("ops"), 0);

  HttpRequest bad = Req("POST", "/api/chat.postMessage",
                        {{"content-type", "application/json"}, {"authorization", "Bearer x"}}, "{");
  ExpectApiError(backend_.Handle(bad, context_), "invalid_json");
  bad.body = "[1]";
  ExpectApiError(backend_.Handle(bad, context_), "json_not_object");
}

TEST_F(SlackBackendTest, PostMessageInvalidBlocksListsErrors) {
  const HttpResponse r =
      Api("chat.postMessage", {{"channel", "ops"}, {"text", "x"}, {"blocks", {Section(3001)}}});
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, json({{"ok", false},
                          {"error", "invalid_blocks"},
                          {"errors",
                           {"3001 characters, at most 3000 (and at least 1) "
                            "[json-pointer:/blocks/0/text/text]"}}})
                        .dump());
  ASSERT_EQ(backend_.findings().size(), 1u);
  EXPECT_EQ(backend_.findings()[0].endpoint, "chat.postMessage");
  EXPECT_EQ(backend_.findings()[0].violation.rule, "block_kit.section_text_length");
}

TEST_F(SlackBackendTest, PostMessageRateLimitedPerChannel) {
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(Api("chat.postMessage", {{"channel", "ops"}, {"text", "x"}}).status, 200);
  }
  const HttpResponse r = Api("chat.postMessage", {{"channel", "ops"}, {"text", "x"}});
  EXPECT_EQ(r.status, 429);
  EXPECT_EQ(r.headers,
            (Headers{{"Content-Type", "application/json; charset=utf-8"}, {"Retry-After", "1"}}));
  EXPECT_EQ(r.body, R"({"error":"ratelimited","ok":false})");
  EXPECT_EQ(backend_.calls().back().error, "ratelimited");
  // Another channel has its own allowance; the webhook shares the channel's.
  EXPECT_EQ(Api("chat.postMessage", {{"channel", "incidents"}, {"text", "x"}}).status, 200);
  Wait(1000);
  EXPECT_EQ(Api("chat.postMessage", {{"channel", "ops"}, {"text", "x"}}).status, 200);
  EXPECT_EQ(world_.MessageCount("ops"), 4);
}

TEST_F(SlackBackendTest, UpdateReplacesContentKeepsTs) {
  const std::string ts =
      json::parse(Api("chat.postMessage", {{"channel", "ops"}, {"text", "v1"}}).body)["ts"];
  const HttpResponse r = Api("chat.update", {{"channel", "C0OPS0001"}, {"ts", ts}, {"text", "v2"}});
  EXPECT_EQ(r.status, 200);
  const json body = json::parse(r.body);
  EXPECT_EQ(body["ok"], true);
  EXPECT_EQ(body["ts"], ts);
  EXPECT_EQ(body["text"], "v2");
  EXPECT_EQ(body["message"]["edited"], json({{"user", "U0RUNDRILL"}, {"ts", Ts()}}));
  EXPECT_EQ(world_.Messages("ops")[0]->content.text, "v2");
  ExpectApiError(Api("chat.update", {{"channel", "ops"}, {"ts", "1.000000"}, {"text", "v3"}}),
                 "message_not_found");
  ExpectApiError(Api("chat.update", {{"channel", "ops"}, {"ts", ts}}), "no_text");
}

TEST_F(SlackBackendTest, Reactions) {
  const std::string ts =
      json::parse(Api("chat.postMessage", {{"channel", "ops"}, {"text", "v1"}}).body)["ts"];
  const HttpResponse added =
      Api("reactions.add", {{"channel", "ops"}, {"timestamp", ts}, {"name", "eyes"}});
  EXPECT_EQ(added.status, 200);
  EXPECT_EQ(added.body, R"({"ok":true})");
  ExpectApiError(Api("reactions.add", {{"channel", "ops"}, {"timestamp", ts}, {"name", "eyes"}}),
                 "already_reacted");
  ExpectApiError(Api("reactions.add", {{"channel", "ops"}, {"timestamp", ts}, {"name", ":eyes:"}}),
                 "invalid_name");
  ExpectApiError(
      Api("reactions.add", {{"channel", "ops"}, {"timestamp", "1.000000"}, {"name", "eyes"}}),
      "message_not_found");

  const HttpResponse got = Get("/api/reactions.get?channel=ops&timestamp=" + ts);
  EXPECT_EQ(got.status, 200);
  EXPECT_EQ(got.headers, kJsonType);
  const json body = json::parse(got.body);
  EXPECT_EQ(body["type"], "message");
  EXPECT_EQ(body["channel"], "C0OPS0001");
  EXPECT_EQ(body["message"]["reactions"],
            json::parse(R"([{"count":1,"name":"eyes","users":["U0RUNDRILL"]}])"));
  ExpectApiError(Get("/api/reactions.get?channel=ops&timestamp=1.000000"), "message_not_found");
}

TEST_F(SlackBackendTest, HistoryNewestFirstWithoutReplies) {
  std::vector<std::string> ts;
  for (const char* text : {"a", "b", "c"}) {
    ts.push_back(
        json::parse(Api("chat.postMessage", {{"channel", "ops"}, {"text", text}}).body)["ts"]);
    Wait(1000);
  }
  Api("chat.postMessage", {{"channel", "ops"}, {"text", "reply"}, {"thread_ts", ts[0]}});
  const json all = json::parse(Get("/api/conversations.history?channel=C0OPS0001").body);
  EXPECT_EQ(all["ok"], true);
  EXPECT_EQ(all["has_more"], false);
  EXPECT_EQ(all["pin_count"], 0);
  ASSERT_EQ(all["messages"].size(), 3u);
  EXPECT_EQ(all["messages"][0]["text"], "c");
  EXPECT_EQ(all["messages"][2]["text"], "a");
  EXPECT_EQ(all["messages"][2]["reply_count"], 1);
  EXPECT_EQ(all["messages"][2]["thread_ts"], ts[0]);

  const json page = json::parse(Get("/api/conversations.history?channel=ops&limit=1").body);
  EXPECT_EQ(page["has_more"], true);
  EXPECT_EQ(page["messages"].size(), 1u);
  const json window = json::parse(
      Get("/api/conversations.history?channel=ops&oldest=" + ts[0] + "&latest=" + ts[2]).body);
  ASSERT_EQ(window["messages"].size(), 1u);
  EXPECT_EQ(window["messages"][0]["text"], "b");
  const json inclusive = json::parse(Get("/api/conversations.history?channel=ops&oldest=" + ts[0] +
                                         "&latest=" + ts[2] + "&inclusive=true")
                                         .body);
  EXPECT_EQ(inclusive["messages"].size(), 3u);
  // Archived channels stay readable.
  EXPECT_EQ(json::parse(Get("/api/conversations.history?channel=old").body)["ok"], true);
  ExpectApiError(Get("/api/conversations.history?channel=nope"), "channel_not_found");
}

TEST_F(SlackBackendTest, UnknownMethodAndPath) {
  const HttpResponse r = Api("chat.delete", {{"channel", "ops"}});
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(r.body, R"({"error":"unknown_method","ok":false,"req_method":"chat.delete"})");
  const HttpResponse other = Get("/elsewhere");
  EXPECT_EQ(other.status, 404);
}

TEST_F(SlackBackendTest, TsAndLatencyAreDeterministic) {
  auto run = [](std::vector<std::string>& ts) {
    world::SlackWorld world(Epoch{});
    model::SlackSpec spec;
    spec.channels = {{"ops", "", false, false, {}}};
    spec.rate_limit.burst = 10;
    ASSERT_TRUE(world.Build(spec).ok());
    SlackBackend backend(world);
    TestContext context;
    for (int i = 0; i < 5; ++i) {
      HttpRequest r =
          Req("POST", "/api/chat.postMessage",
              {{"content-type", "application/json"}, {"authorization", "Bearer " + spec.bot_token}},
              R"({"channel":"ops","text":"x"})");
      ts.push_back(json::parse(backend.Handle(r, context).body)["ts"]);
    }
  };
  std::vector<std::string> first;
  std::vector<std::string> second;
  run(first);
  run(second);
  EXPECT_EQ(first, second);
  ASSERT_EQ(first.size(), 5u);
  // Seed 7's "slack" stream, pinned so that a change of latency model is noticed.
  EXPECT_EQ(first[0], "1767225600.113000");
  for (size_t i = 1; i < first.size(); ++i) EXPECT_LT(first[i - 1], first[i]);
}

TEST_F(SlackBackendTest, StoppedStepTakesNoEffect) {
  context_.horizon = SimTime(50);
  const HttpResponse r = Hook(R"({"text":"x"})");
  EXPECT_EQ(r.status, 504);
  EXPECT_EQ(world_.MessageCount("incidents"), 0);
  EXPECT_EQ(backend_.calls()[0].error, "deadline");
  EXPECT_EQ(backend_.calls()[0].at, SimTime(50));
}

TEST(SlackFormTest, DecodesPairsInOrder) {
  EXPECT_EQ(ParseFormEncoded("a=1&b=x+y%21&&c&d=%zz"),
            (std::vector<std::pair<std::string, std::string>>{
                {"a", "1"}, {"b", "x y!"}, {"c", ""}, {"d", "%zz"}}));
}

}  // namespace
}  // namespace rundrill::fakes
