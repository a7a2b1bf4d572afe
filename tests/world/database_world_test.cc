#include "simulator/world/db/database_world.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace rundrill::world {
namespace {

constexpr SimTime Seconds(int64_t s) { return SimTime(s * 1000); }
constexpr SimDuration kMinute{60000};

model::Rate PerMinute(double amount) { return {amount, kMinute}; }

model::DatabaseSpec Orders(int max_connections = 10) {
  model::DatabaseSpec spec;
  spec.name = "orders";
  spec.host = "db-1";
  spec.max_connections = max_connections;
  model::ConnectionSpec fresh;
  fresh.count = 1;
  fresh.state = "active";
  fresh.application = "api";
  model::ConnectionSpec old;
  old.count = 2;
  old.state = "idle";
  old.application = "api";
  old.age = SimDuration(2 * 3600000);
  spec.connections = {fresh, old};
  return spec;
}

DatabaseWorld Built(std::vector<model::DatabaseSpec> specs = {Orders()}) {
  DatabaseWorld w(Epoch{});
  const Status s = w.Build(specs);
  EXPECT_TRUE(s.ok()) << s.message();
  return w;
}

std::vector<int64_t> Pids(const DatabaseWorld& w, const std::string& db = "orders") {
  std::vector<int64_t> out;
  for (const DbConnection& c : w.Find(db)->connections) out.push_back(c.pid);
  return out;
}

TEST(DatabaseWorld, BuildOpensDeclaredConnectionsOldestFirst) {
  const DatabaseWorld w = Built();
  ASSERT_EQ(w.databases().size(), 1u);
  const Database& db = w.databases()[0];
  ASSERT_EQ(db.connections.size(), 3u);
  // The two-hour-old idle pair was opened first, so it holds the lowest pids.
  EXPECT_EQ(db.connections[0].state, "idle");
  EXPECT_EQ(db.connections[0].backend_start, SimTime(-2 * 3600000));
  EXPECT_EQ(db.connections[0].state_change, SimTime(-2 * 3600000));
  EXPECT_EQ(db.connections[2].state, "active");
  EXPECT_EQ(db.connections[2].backend_start, SimTime(0));
  EXPECT_EQ(Pids(w), (std::vector<int64_t>{1001, 1002, 1003}));
  const DatabaseState s = *w.State("orders");
  EXPECT_EQ(s.total, 3);
  EXPECT_EQ(s.active, 1);
  EXPECT_EQ(s.idle, 2);
  EXPECT_EQ(s.idle_in_transaction, 0);
  EXPECT_EQ(s.max_connections, 10);
  EXPECT_EQ(s.refused, 0);
  EXPECT_FALSE(w.State("missing"));
}

TEST(DatabaseWorld, BuildKeepsDeclarationOrder) {
  model::DatabaseSpec users = Orders();
  users.name = "users";
  model::DatabaseSpec orders = Orders();
  const DatabaseWorld w = Built({users, orders});
  ASSERT_EQ(w.databases().size(), 2u);
  EXPECT_EQ(w.databases()[0].name, "users");
  EXPECT_EQ(w.databases()[1].name, "orders");
}

TEST(DatabaseWorld, BuildRejectsBadSpecs) {
  model::DatabaseSpec twice = Orders();
  twice.mark = {"scenarios/db.yaml", 12, 5};
  DatabaseWorld a(Epoch{});
  Status s = a.Build({Orders(), twice});
  EXPECT_EQ(s.code(), Status::Code::kInvalidInput);
  EXPECT_EQ(s.message(), "scenarios/db.yaml:12:5: database \"orders\" is declared twice");

  model::DatabaseSpec crowded = Orders(2);
  DatabaseWorld b(Epoch{});
  EXPECT_EQ(b.Build({crowded}).message(),
            "database \"orders\" has 3 connections, more than its max_connections (2)");

  model::DatabaseSpec mysql = Orders();
  mysql.engine = "mysql";
  DatabaseWorld c(Epoch{});
  EXPECT_EQ(c.Build({mysql}).message(),
            "database \"orders\": engine \"mysql\" is not modelled (only postgresql)");

  model::DatabaseSpec odd = Orders();
  odd.connections[0].state = "idle in transaction (aborted)";
  DatabaseWorld d(Epoch{});
  EXPECT_EQ(d.Build({odd}).message(),
            "unknown connection state \"idle in transaction (aborted)\" (active, idle or idle in "
            "transaction)");
}

TEST(ConnectionLeak, AttemptsFallAtFromPlusKOverRate) {
  ConnectionLeak leak;
  leak.rate = PerMinute(5);
  leak.from = Seconds(10);
  EXPECT_EQ(leak.AttemptTime(1), Seconds(22));
  EXPECT_EQ(leak.AttemptTime(2), Seconds(34));
  EXPECT_EQ(leak.AttemptsBy(Seconds(21)), 0);
  EXPECT_EQ(leak.AttemptsBy(SimTime(21999)), 0);
  EXPECT_EQ(leak.AttemptsBy(Seconds(22)), 1);
  EXPECT_EQ(leak.AttemptsBy(Seconds(70)), 5);
  leak.until = Seconds(34);  // exclusive
  EXPECT_EQ(leak.AttemptsBy(Seconds(70)), 1);

  // 3 per second: 333.3 ms apart, rounded up, and the third exactly on the second.
  ConnectionLeak thirds;
  thirds.rate = {3, SimDuration(1000)};
  EXPECT_EQ(thirds.AttemptTime(1), SimTime(334));
  EXPECT_EQ(thirds.AttemptTime(3), SimTime(1000));
  EXPECT_EQ(thirds.AttemptsBy(SimTime(999)), 2);
  EXPECT_EQ(thirds.AttemptsBy(SimTime(1000)), 3);

  ConnectionLeak none;
  none.rate = PerMinute(0);
  EXPECT_EQ(none.AttemptTime(1), SimTime::max());
  EXPECT_EQ(none.AttemptsBy(Seconds(3600)), 0);
}

TEST(ConnectionLeak, AttemptsByAgreesWithAttemptTime) {
  // Awkward rates, where the estimate and the rounding could part ways.
  for (const model::Rate rate : {model::Rate{7, SimDuration(3600000)}, model::Rate{0.3, kMinute},
                                 model::Rate{1000, SimDuration(1000)}, model::Rate{13, kMinute}}) {
    ConnectionLeak leak;
    leak.rate = rate;
    leak.from = SimTime(123);
    for (int64_t k = 1; k < 200; ++k) {
      const SimTime at = leak.AttemptTime(k);
      ASSERT_GE(leak.AttemptsBy(at), k) << rate.amount << " k=" << k;
      ASSERT_LT(leak.AttemptsBy(at - SimDuration(1)), k) << rate.amount << " k=" << k;
    }
  }
}

TEST(DatabaseWorld, LeakFillsThePoolThenRefuses) {
  DatabaseWorld w = Built();  // 3 of 10 at time 0
  ASSERT_TRUE(w.StartLeak("orders", PerMinute(60), "idle in transaction", "worker", Seconds(0),
                          SimTime::max())
                  .ok());
  w.AdvanceTo(Seconds(5));
  EXPECT_EQ(w.State("orders")->total, 8);
  EXPECT_EQ(w.State("orders")->idle_in_transaction, 5);
  const DbConnection& leaked = w.Find("orders")->connections.back();
  EXPECT_EQ(leaked.pid, 1008);
  EXPECT_EQ(leaked.application, "worker");
  EXPECT_EQ(leaked.user, "app");
  EXPECT_EQ(leaked.backend_start, Seconds(5));
  w.AdvanceTo(Seconds(7));
  EXPECT_EQ(w.State("orders")->total, 10);
  EXPECT_EQ(w.State("orders")->refused, 0);
  w.AdvanceTo(Seconds(20));
  EXPECT_EQ(w.State("orders")->total, 10);
  EXPECT_EQ(w.State("orders")->refused, 13);
  EXPECT_EQ(w.State("orders")->running_leaks, 1);
}

TEST(DatabaseWorld, LeakEndsAtUntil) {
  DatabaseWorld w = Built();
  ASSERT_TRUE(w.StartLeak("orders", PerMinute(60), "idle", "worker", Seconds(0), Seconds(3)).ok());
  w.AdvanceTo(Seconds(60));
  EXPECT_EQ(w.State("orders")->total, 5);  // at 1 s and 2 s; 3 s is excluded
  EXPECT_EQ(w.State("orders")->running_leaks, 0);
}

nlohmann::json RunScript(const std::vector<SimTime>& steps) {
  DatabaseWorld w = Built({Orders(50)});
  EXPECT_TRUE(
      w.StartLeak("orders", {3, SimDuration(1000)}, "idle", "a", Seconds(1), Seconds(40)).ok());
  EXPECT_TRUE(
      w.StartLeak("orders", PerMinute(45), "idle in transaction", "b", Seconds(2), SimTime::max())
          .ok());
  for (SimTime t : steps) {
    if (t <= Seconds(30)) w.AdvanceTo(t);
  }
  // An operation at a fixed time, whatever the steps before it.
  EXPECT_TRUE(w.TerminateIdle("orders", SimDuration(5000), "idle", Seconds(30)).ok());
  for (SimTime t : steps) {
    if (t > Seconds(30)) w.AdvanceTo(t);
  }
  w.AdvanceTo(Seconds(120));
  return w.Snapshot();
}

TEST(DatabaseWorld, ResultDoesNotDependOnHowTimeWasAdvanced) {
  const nlohmann::json one_step = RunScript({});
  std::vector<SimTime> every_ms;
  for (int64_t t = 0; t <= 120000; t += 1) every_ms.push_back(SimTime(t));
  const nlohmann::json irregular =
      RunScript({SimTime(1), SimTime(333), SimTime(334), Seconds(2), SimTime(17777), Seconds(29),
                 Seconds(31), SimTime(40001), Seconds(100)});
  EXPECT_EQ(one_step, RunScript(every_ms));
  EXPECT_EQ(one_step, irregular);
  // And the script did something worth comparing: the pool filled and turned attempts away.
  EXPECT_EQ(one_step["orders"]["total"], 50);
  EXPECT_GT(one_step["orders"]["refused"].get<int64_t>(), 0);
}

TEST(DatabaseWorld, FastLeakOverHoursStaysCheap) {
  DatabaseWorld w = Built();
  ASSERT_TRUE(
      w.StartLeak("orders", {1000, SimDuration(1000)}, "idle", "flood", Seconds(0), SimTime::max())
          .ok());
  w.AdvanceTo(Seconds(6 * 3600));
  EXPECT_EQ(w.State("orders")->total, 10);
  EXPECT_EQ(w.State("orders")->refused, int64_t{6} * 3600 * 1000 - 7);
}

TEST(DatabaseWorld, StopLeaksKeepsWhatTheyOpened) {
  DatabaseWorld w = Built();
  ASSERT_TRUE(
      w.StartLeak("orders", PerMinute(60), "idle", "worker", Seconds(0), SimTime::max()).ok());
  StatusOr<int> stopped = w.StopLeaks("orders", Seconds(3));
  ASSERT_TRUE(stopped.ok());
  EXPECT_EQ(*stopped, 1);
  EXPECT_EQ(w.State("orders")->total, 6);  // the attempt at 3 s itself was made
  w.AdvanceTo(Seconds(60));
  EXPECT_EQ(w.State("orders")->total, 6);
  EXPECT_EQ(w.State("orders")->running_leaks, 0);
  EXPECT_EQ(*w.StopLeaks("orders", Seconds(61)), 0);
  EXPECT_EQ(w.StopLeaks("nope", Seconds(61)).status().code(), Status::Code::kInvalidInput);
}

TEST(DatabaseWorld, TerminateIdleHonoursStateAndAge) {
  DatabaseWorld w = Built();
  ASSERT_TRUE(w.StartLeak("orders", PerMinute(1), "idle", "worker", Seconds(0), Seconds(121)).ok());
  w.AdvanceTo(Seconds(180));  // leaked idle connections from 60 s and 120 s
  ASSERT_EQ(w.State("orders")->idle, 4);
  // At 180 s, the one from 120 s is exactly 60 s old: "at least" includes it.
  StatusOr<int> young = w.TerminateIdle("orders", SimDuration(60001), "idle", Seconds(180));
  ASSERT_TRUE(young.ok());
  EXPECT_EQ(*young, 3);  // the two declared ones (2 h) and the one from 60 s
  EXPECT_EQ(*w.TerminateIdle("orders", SimDuration(60000), "idle", Seconds(180)), 1);
  EXPECT_EQ(w.State("orders")->idle, 0);
  EXPECT_EQ(w.State("orders")->active, 1);  // never touched by an idle sweep
  EXPECT_EQ(*w.TerminateIdle("orders", SimDuration(0), "idle", Seconds(180)), 0);

  EXPECT_EQ(w.TerminateIdle("nope", SimDuration(0), "idle", Seconds(180)).status().message(),
            "database \"nope\" is not declared in the scenario");
  EXPECT_EQ(w.TerminateIdle("orders", SimDuration(0), "sleeping", Seconds(180)).status().code(),
            Status::Code::kInvalidInput);
}

TEST(DatabaseWorld, TerminatingMakesRoomForTheLeakAgain) {
  DatabaseWorld w = Built();
  ASSERT_TRUE(
      w.StartLeak("orders", PerMinute(60), "idle", "worker", Seconds(0), SimTime::max()).ok());
  w.AdvanceTo(Seconds(30));
  ASSERT_EQ(w.State("orders")->total, 10);
  EXPECT_EQ(*w.TerminateIdle("orders", SimDuration(0), "idle", Seconds(30)), 9);
  w.AdvanceTo(Seconds(33));
  EXPECT_EQ(w.State("orders")->total, 4);
  // Pids keep growing across the terminations; refused attempts never got one.
  EXPECT_EQ(Pids(w), (std::vector<int64_t>{1003, 1011, 1012, 1013}));
}

TEST(DatabaseWorld, TerminateAllDropsEveryConnectionButNotTheLeak) {
  DatabaseWorld w = Built();
  ASSERT_TRUE(
      w.StartLeak("orders", PerMinute(60), "idle", "worker", Seconds(0), SimTime::max()).ok());
  StatusOr<int> dropped = w.TerminateAll("orders", Seconds(2));
  ASSERT_TRUE(dropped.ok());
  EXPECT_EQ(*dropped, 5);
  EXPECT_EQ(w.State("orders")->total, 0);
  w.AdvanceTo(Seconds(4));
  EXPECT_EQ(w.State("orders")->total, 2);
}

TEST(DatabaseWorld, StartLeakChecksItsArguments) {
  DatabaseWorld w = Built();
  w.AdvanceTo(Seconds(10));
  EXPECT_EQ(w.StartLeak("orders", PerMinute(1), "idle", "x", Seconds(5), SimTime::max()).message(),
            "a connection leak cannot start in the past (+00:00:05 < +00:00:10)");
  EXPECT_EQ(w.StartLeak("nope", PerMinute(1), "idle", "x", Seconds(10), SimTime::max()).code(),
            Status::Code::kInvalidInput);
  EXPECT_EQ(w.StartLeak("orders", PerMinute(1), "busy", "x", Seconds(10), SimTime::max()).code(),
            Status::Code::kInvalidInput);
}

TEST(DatabaseWorld, SnapshotListsConnectionsAndLeaks) {
  DatabaseWorld w = Built();
  ASSERT_TRUE(w.StartLeak("orders", PerMinute(60), "idle", "worker", Seconds(1), Seconds(3)).ok());
  w.AdvanceTo(Seconds(5));
  const nlohmann::json s = w.Snapshot();
  const nlohmann::json& orders = s["orders"];
  EXPECT_EQ(orders["total"], 4);
  EXPECT_EQ(orders["max_connections"], 10);
  EXPECT_EQ(orders["host"], "db-1");
  ASSERT_EQ(orders["connections"].size(), 4u);
  EXPECT_EQ(orders["connections"][3], (nlohmann::json{{"pid", 1004},
                                                      {"state", "idle"},
                                                      {"application", "worker"},
                                                      {"user", "app"},
                                                      {"backend_start_ms", 2000},
                                                      {"state_change_ms", 2000}}));
  ASSERT_EQ(orders["leaks"].size(), 1u);
  EXPECT_EQ(orders["leaks"][0]["attempts"], 1);
  EXPECT_EQ(orders["leaks"][0]["until_ms"], 3000);
}

}  // namespace
}  // namespace rundrill::world
