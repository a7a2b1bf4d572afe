#pragma once

// The simulated databases (PostgreSQL): each with its max_connections and the connections
// pg_stat_activity would list, connection leaks that fill the pool as virtual time passes,
// and the operations runbooks use to drain it (pg_terminate_backend on idle connections,
// a restart).
//
// Modelled: connection states active | idle | idle in transaction, their backend start and
// state-change times, leaks at a steady rate with refused attempts once the pool is full.
// Not modelled: queries, locks, replication, superuser_reserved_connections (the whole of
// max_connections is available to every user), connections closing by themselves.

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "simulator/core/sim_time.h"
#include "simulator/core/status.h"
#include "simulator/model/infra.h"
#include "simulator/world/db/connection_leak.h"

namespace rundrill::world {

// One row of pg_stat_activity.
struct DbConnection {
  int64_t pid = 0;           // increasing in the order connections were opened
  std::string state;         // active | idle | idle in transaction
  std::string application;   // application_name
  std::string user;          // usename
  SimTime backend_start{0};  // negative for connections opened before time 0
  SimTime state_change{0};   // when `state` began
};

struct Database {
  std::string name;
  std::string host;
  std::string engine;
  int max_connections = 0;
  std::vector<DbConnection> connections;  // by pid
  int64_t refused = 0;                // connection attempts turned away because the pool was full
  std::vector<ConnectionLeak> leaks;  // in the order they started
  int64_t next_pid = 0;
};

// Counts at Now(), for metrics and expectations.
struct DatabaseState {
  int max_connections = 0;
  int total = 0;
  int active = 0;
  int idle = 0;
  int idle_in_transaction = 0;
  int64_t refused = 0;
  int running_leaks = 0;  // leaks that will still make attempts after Now()
};

// The connection states pg_stat_activity shows that this model knows.
bool IsConnectionState(const std::string& state);

class DatabaseWorld {
 public:
  explicit DatabaseWorld(Epoch epoch) : epoch_(epoch) {}

  // Sets up every database at time 0 with its declared connections (opened `age` before
  // time 0, in their state since then). Rejects duplicate names, engines other than
  // postgresql, unknown states and more connections than max_connections. Call once.
  Status Build(const std::vector<model::DatabaseSpec>& specs);

  SimTime Now() const { return now_; }
  const Epoch& epoch() const { return epoch_; }

  // Leaks open their connections up to `t` (a `t` in the past is ignored). The result
  // depends only on `t`, not on the steps taken to reach it.
  void AdvanceTo(SimTime t);

  // ---- Operations. Each first advances to `now` (a `now` before Now() counts as Now()).
  // Unknown database ⇒ InvalidInput.

  // From `from` (not before Now()), opens a connection every 1/rate: the k-th attempt at
  // from + k/rate, while the time is before `until` (SimTime::max() for open-ended). An
  // attempt while the pool is full is refused and counted. Connections get user "app".
  Status StartLeak(const std::string& db, model::Rate rate, const std::string& state,
                   const std::string& application, SimTime from, SimTime until);
  // Ends every leak of the database at `now` (attempts at `now` itself have been made);
  // the connections they opened stay open. Returns how many leaks were still running.
  StatusOr<int> StopLeaks(const std::string& db, SimTime now);
  // pg_terminate_backend on every connection in `state` whose state began at least
  // `older_than` before `now`. Returns how many were terminated. An unknown state is
  // InvalidInput.
  StatusOr<int> TerminateIdle(const std::string& db, SimDuration older_than,
                              const std::string& state, SimTime now);
  // Drops every connection, as a restart of the database does. Leaks go on: the
  // applications that leak reconnect. Returns how many were dropped.
  StatusOr<int> TerminateAll(const std::string& db, SimTime now);

  // ---- Reads, at Now().
  const std::vector<Database>& databases() const { return databases_; }  // declaration order
  const Database* Find(const std::string& db) const;
  std::optional<DatabaseState> State(const std::string& db) const;

  // Every database keyed by name: counts, connections, leaks; times in virtual ms.
  nlohmann::json Snapshot() const;

 private:
  StatusOr<Database*> Mutable(const std::string& db, SimTime now);
  void Advance(Database& db, SimTime t) const;

  Epoch epoch_;
  SimTime now_{0};
  std::vector<Database> databases_;
};

}  // namespace rundrill::world
