#include "simulator/world/slack/slack_world.h"

#include <gtest/gtest.h>

#include <regex>
#include <string>

namespace rundrill::world {
namespace {

constexpr SimTime Ms(int64_t ms) { return SimTime(ms); }

model::SlackSpec Spec() {
  model::SlackSpec spec;
  spec.channels = {{"incidents", "", false, false, {}},
                   {"ops", "C0OPS0001", false, false, {}},
                   {"old", "", true, false, {}}};
  spec.webhook_channel = "incidents";
  return spec;
}

SlackWorld Built(const model::SlackSpec& spec = Spec()) {
  SlackWorld w(Epoch{});
  const Status s = w.Build(spec);
  EXPECT_TRUE(s.ok()) << s.message();
  return w;
}

SlackContent Text(const std::string& text) { return {text, nullptr, nullptr}; }

TEST(SlackWorldTest, DerivesChannelIdsFromNamesAndKeepsDeclaredOnes) {
  const SlackWorld w = Built();
  const SlackChannel* incidents = w.FindChannel("incidents");
  ASSERT_NE(incidents, nullptr);
  EXPECT_TRUE(std::regex_match(incidents->id, std::regex("C[0-9A-Z]{8}"))) << incidents->id;
  EXPECT_EQ(incidents->id, SlackWorld::DeriveChannelId("incidents"));
  EXPECT_EQ(Built().FindChannel("incidents")->id, incidents->id);
  EXPECT_NE(SlackWorld::DeriveChannelId("incidents", 1), incidents->id);
  EXPECT_EQ(w.FindChannel("C0OPS0001")->name, "ops");
  EXPECT_EQ(w.FindChannel("#ops")->id, "C0OPS0001");
  EXPECT_EQ(w.FindChannel(incidents->id), incidents);
  EXPECT_EQ(w.FindChannel("nope"), nullptr);
  EXPECT_EQ(w.WebhookChannel(), incidents);
  EXPECT_TRUE(w.FindChannel("old")->archived);
}

TEST(SlackWorldTest, BuildRejectsBadSpecs) {
  model::SlackSpec dup = Spec();
  dup.channels.push_back({"ops", "", false, false, {"scenario.yaml", 7, 5}});
  SlackWorld w1(Epoch{});
  EXPECT_EQ(w1.Build(dup).message(), "scenario.yaml:7:5: duplicate slack channel 'ops'");

  model::SlackSpec bad_id = Spec();
  bad_id.channels[1].id = "c0ops";
  SlackWorld w2(Epoch{});
  EXPECT_EQ(w2.Build(bad_id).message(),
            "slack: slack channel id 'c0ops' must be C or G followed by [0-9A-Z]");

  model::SlackSpec dup_id = Spec();
  dup_id.channels[0].id = "C0OPS0001";
  SlackWorld w3(Epoch{});
  EXPECT_EQ(w3.Build(dup_id).message(), "slack: duplicate slack channel id 'C0OPS0001'");

  model::SlackSpec hook = Spec();
  hook.webhook_channel = "alerts";
  SlackWorld w4(Epoch{});
  EXPECT_EQ(w4.Build(hook).message(),
            "slack: slack webhook channel 'alerts' is not a declared channel");

  model::SlackSpec rate = Spec();
  rate.rate_limit.per_second = 0;
  SlackWorld w5(Epoch{});
  EXPECT_EQ(w5.Build(rate).message(),
            "slack: slack rate limit must be positive with a burst of at least 1");

  model::SlackSpec hash = Spec();
  hash.channels[0].name = "#incidents";
  SlackWorld w6(Epoch{});
  EXPECT_FALSE(w6.Build(hash).ok());
}

TEST(SlackWorldTest, TsIsEpochPlusVirtualTimeAndUniquePerChannel) {
  SlackWorld w = Built();
  const std::string id = w.FindChannel("incidents")->id;
  EXPECT_EQ(w.Post(id, Text("a"), {}, SlackSource::kWebApi, Ms(80)).ts, "1767225600.080000");
  EXPECT_EQ(w.Post(id, Text("b"), {}, SlackSource::kWebApi, Ms(80)).ts, "1767225600.080001");
  EXPECT_EQ(w.Post(id, Text("c"), {}, SlackSource::kWebApi, Ms(80)).ts, "1767225600.080002");
  // Another channel has its own sequence.
  EXPECT_EQ(w.Post("C0OPS0001", Text("d"), {}, SlackSource::kWebApi, Ms(80)).ts,
            "1767225600.080000");
  EXPECT_EQ(w.Post(id, Text("e"), {}, SlackSource::kWebApi, Ms(61001)).ts, "1767225661.001000");
  EXPECT_EQ(w.MessageCount("incidents"), 4);
  EXPECT_EQ(w.Messages("#incidents")[1]->content.text, "b");
  EXPECT_EQ(w.MessageCount("nope"), 0);
}

TEST(SlackWorldTest, FormatsAndParsesTs) {
  EXPECT_EQ(SlackWorld::FormatTs(1767225600000001), "1767225600.000001");
  EXPECT_EQ(SlackWorld::ParseTs("1767225600.000001"), 1767225600000001);
  EXPECT_EQ(SlackWorld::ParseTs("1767225600.00001"), std::nullopt);
  EXPECT_EQ(SlackWorld::ParseTs("1767225600"), std::nullopt);
  EXPECT_EQ(SlackWorld::ParseTs("17672x5600.000001"), std::nullopt);
}

TEST(SlackWorldTest, UpdatesAndReacts) {
  SlackWorld w = Built();
  const std::string id = w.FindChannel("incidents")->id;
  const std::string ts = w.Post(id, Text("a"), {}, SlackSource::kWebhook, Ms(0)).ts;
  const SlackMessage* m = w.Update(id, ts, Text("b"), Ms(2000));
  ASSERT_NE(m, nullptr);
  EXPECT_EQ(m->content.text, "b");
  EXPECT_EQ(m->ts, ts);
  EXPECT_EQ(m->edited_ts, "1767225602.000000");
  EXPECT_EQ(w.Update(id, "1.000000", Text("c"), Ms(0)), nullptr);

  EXPECT_EQ(w.AddReaction(id, ts, "eyes", "U1"), ReactionResult::kAdded);
  EXPECT_EQ(w.AddReaction(id, ts, "eyes", "U2"), ReactionResult::kAdded);
  EXPECT_EQ(w.AddReaction(id, ts, "eyes", "U1"), ReactionResult::kAlreadyReacted);
  EXPECT_EQ(w.AddReaction(id, "1.000000", "eyes", "U1"), ReactionResult::kMessageNotFound);
  ASSERT_EQ(m->reactions.size(), 1u);
  EXPECT_EQ(m->reactions[0].users, (std::vector<std::string>{"U1", "U2"}));
}

TEST(SlackWorldTest, AllowanceIsABurstThenOnePerInterval) {
  SlackWorld w = Built();
  const std::string id = w.FindChannel("incidents")->id;
  EXPECT_EQ(w.TakePostAllowance(id, Ms(0)), std::nullopt);
  EXPECT_EQ(w.TakePostAllowance(id, Ms(0)), std::nullopt);
  EXPECT_EQ(w.TakePostAllowance(id, Ms(0)), std::nullopt);
  EXPECT_EQ(w.TakePostAllowance(id, Ms(0)), SimDuration(1000));
  EXPECT_EQ(w.TakePostAllowance(id, Ms(400)), SimDuration(600));
  EXPECT_EQ(w.TakePostAllowance(id, Ms(1000)), std::nullopt);
  EXPECT_EQ(w.TakePostAllowance(id, Ms(1000)), SimDuration(1000));
  // Channels are limited separately.
  EXPECT_EQ(w.TakePostAllowance("C0OPS0001", Ms(1000)), std::nullopt);
}

TEST(SlackWorldTest, DeletedAndArchivedChannels) {
  SlackWorld w = Built();
  EXPECT_TRUE(w.SetArchived("incidents", true));
  EXPECT_TRUE(w.FindChannel("incidents")->archived);
  EXPECT_TRUE(w.Delete("incidents"));
  EXPECT_EQ(w.FindChannel("incidents"), nullptr);
  EXPECT_EQ(w.WebhookChannel(), nullptr);
  EXPECT_FALSE(w.SetArchived("incidents", false));
  EXPECT_TRUE(w.Snapshot()["incidents"]["deleted"].get<bool>());
}

TEST(SlackWorldTest, SnapshotIsSortedJson) {
  SlackWorld w = Built();
  const std::string ts = w.Post("C0OPS0001", Text("hi"), {}, SlackSource::kWebApi, Ms(5)).ts;
  w.Post("C0OPS0001", Text("re"), ts, SlackSource::kWebhook, Ms(6));
  w.AddReaction("C0OPS0001", ts, "eyes", "U0RUNDRILL");
  const nlohmann::json snap = w.Snapshot();
  EXPECT_EQ(snap["ops"].dump(),
            R"({"archived":false,"deleted":false,"id":"C0OPS0001","messages":[)"
            R"({"attachments":null,"blocks":null,"bot_id":"B0RUNDRILL","edited_ts":null,)"
            R"("posted_at_ms":5,"reactions":[{"name":"eyes","users":["U0RUNDRILL"]}],)"
            R"("source":"web_api","text":"hi","thread_ts":null,"ts":"1767225600.005000",)"
            R"("user":"U0RUNDRILL"},)"
            R"({"attachments":null,"blocks":null,"bot_id":"B0RUNDRILL","edited_ts":null,)"
            R"("posted_at_ms":6,"reactions":[],"source":"webhook","text":"re",)"
            R"("thread_ts":"1767225600.005000","ts":"1767225600.006000","user":"U0RUNDRILL"}],)"
            R"("posting_restricted":false})");
  EXPECT_EQ(snap.size(), 3u);
}

}  // namespace
}  // namespace rundrill::world
