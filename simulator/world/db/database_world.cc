#include "simulator/world/db/database_world.h"

#include <algorithm>
#include <numeric>

namespace rundrill::world {
namespace {

// Each database is its own server, so each numbers its backends from the same start.
constexpr int64_t kFirstPid = 1001;
constexpr char kLeakUser[] = "app";

std::string Place(const model::SourceMark& mark) {
  const std::string where = mark.ToString();
  return where.empty() ? "" : where + ": ";
}

}  // namespace

bool IsConnectionState(const std::string& state) {
  return state == "active" || state == "idle" || state == "idle in transaction";
}

Status DatabaseWorld::Build(const std::vector<model::DatabaseSpec>& specs) {
  for (const model::DatabaseSpec& spec : specs) {
    if (Find(spec.name)) {
      return Status::InvalidInput(Place(spec.mark) + "database \"" + spec.name +
                                  "\" is declared twice");
    }
    if (spec.engine != "postgresql") {
      return Status::InvalidInput(Place(spec.mark) + "database \"" + spec.name + "\": engine \"" +
                                  spec.engine + "\" is not modelled (only postgresql)");
    }
    if (spec.max_connections < 1) {
      return Status::InvalidInput(Place(spec.mark) + "database \"" + spec.name +
                                  "\": max_connections must be at least 1");
    }
    Database db;
    db.name = spec.name;
    db.host = spec.host;
    db.engine = spec.engine;
    db.max_connections = spec.max_connections;
    db.next_pid = kFirstPid;
    // Oldest first, so pids grow with backend_start as a real server's do; groups of the
    // same age keep their declaration order.
    std::vector<size_t> order(spec.connections.size());
    std::iota(order.begin(), order.end(), size_t{0});
    std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
      return spec.connections[a].age > spec.connections[b].age;
    });
    int64_t declared = 0;
    for (size_t i : order) {
      const model::ConnectionSpec& c = spec.connections[i];
      if (c.count < 0) {
        return Status::InvalidInput(Place(c.mark) + "connection count must not be negative");
      }
      if (!IsConnectionState(c.state)) {
        return Status::InvalidInput(Place(c.mark) + "unknown connection state \"" + c.state +
                                    "\" (active, idle or idle in transaction)");
      }
      declared += c.count;
      for (int k = 0; k < c.count; ++k) {
        const SimTime opened = SimTime(0) - c.age;
        db.connections.push_back({db.next_pid++, c.state, c.application, c.user, opened, opened});
      }
    }
    if (declared > spec.max_connections) {
      return Status::InvalidInput(Place(spec.mark) + "database \"" + spec.name + "\" has " +
                                  std::to_string(declared) +
                                  " connections, more than its max_connections (" +
                                  std::to_string(spec.max_connections) + ")");
    }
    databases_.push_back(std::move(db));
  }
  return Status::Ok();
}

void DatabaseWorld::AdvanceTo(SimTime t) {
  if (t <= now_) return;
  for (Database& db : databases_) Advance(db, t);
  now_ = t;
}

void DatabaseWorld::Advance(Database& db, SimTime t) const {
  for (;;) {
    // The earliest pending attempt at or before `t`; ties go to the leak that started first
    // so that pids do not depend on anything but the leaks' own order.
    ConnectionLeak* next = nullptr;
    SimTime next_at = SimTime::max();
    for (ConnectionLeak& leak : db.leaks) {
      const SimTime at = leak.AttemptTime(leak.attempts + 1);
      if (at <= t && at < leak.until && at < next_at) {
        next = &leak;
        next_at = at;
      }
    }
    if (!next) return;
    if (static_cast<int>(db.connections.size()) >= db.max_connections) {
      // Only operations free a slot, and none happens before `t`: every remaining attempt
      // up to `t` is refused. Counting them at once keeps a fast leak over hours cheap.
      for (ConnectionLeak& leak : db.leaks) {
        const int64_t by_t = leak.AttemptsBy(t);
        if (by_t > leak.attempts) {
          db.refused += by_t - leak.attempts;
          leak.attempts = by_t;
        }
      }
      return;
    }
    ++next->attempts;
    db.connections.push_back(
        {db.next_pid++, next->state, next->application, kLeakUser, next_at, next_at});
  }
}

const Database* DatabaseWorld::Find(const std::string& db) const {
  for (const Database& d : databases_) {
    if (d.name == db) return &d;
  }
  return nullptr;
}

StatusOr<Database*> DatabaseWorld::Mutable(const std::string& db, SimTime now) {
  AdvanceTo(now);
  for (Database& d : databases_) {
    if (d.name == db) return &d;
  }
  return Status::InvalidInput("database \"" + db + "\" is not declared in the scenario");
}

Status DatabaseWorld::StartLeak(const std::string& db, model::Rate rate, const std::string& state,
                                const std::string& application, SimTime from, SimTime until) {
  if (from < now_) {
    // Attempts before Now() would come after operations already applied at later times,
    // and the result would depend on when the leak was registered.
    return Status::InvalidInput("a connection leak cannot start in the past (" + FormatClock(from) +
                                " < " + FormatClock(now_) + ")");
  }
  if (!IsConnectionState(state)) {
    return Status::InvalidInput("unknown connection state \"" + state +
                                "\" (active, idle or idle in transaction)");
  }
  if (rate.amount < 0) return Status::InvalidInput("a connection leak's rate must not be negative");
  StatusOr<Database*> d = Mutable(db, from);
  if (!d.ok()) return d.status();
  ConnectionLeak leak;
  leak.rate = rate;
  leak.state = state;
  leak.application = application;
  leak.from = from;
  leak.until = until;
  (*d)->leaks.push_back(std::move(leak));
  return Status::Ok();
}

StatusOr<int> DatabaseWorld::StopLeaks(const std::string& db, SimTime now) {
  StatusOr<Database*> d = Mutable(db, now);
  if (!d.ok()) return d.status();
  // The attempts at now_ itself were made by Mutable's AdvanceTo, so the leak ends just
  // after them.
  const SimTime end = now_ + SimDuration(1);
  int running = 0;
  for (ConnectionLeak& leak : (*d)->leaks) {
    if (leak.until > end && leak.AttemptTime(leak.attempts + 1) < leak.until) ++running;
    leak.until = std::min(leak.until, end);
  }
  return running;
}

StatusOr<int> DatabaseWorld::TerminateIdle(const std::string& db, SimDuration older_than,
                                           const std::string& state, SimTime now) {
  if (!IsConnectionState(state)) {
    return Status::InvalidInput("unknown connection state \"" + state +
                                "\" (active, idle or idle in transaction)");
  }
  StatusOr<Database*> d = Mutable(db, now);
  if (!d.ok()) return d.status();
  std::vector<DbConnection>& connections = (*d)->connections;
  const auto before = connections.size();
  std::erase_if(connections, [&](const DbConnection& c) {
    return c.state == state && now_ - c.state_change >= older_than;
  });
  return static_cast<int>(before - connections.size());
}

StatusOr<int> DatabaseWorld::TerminateAll(const std::string& db, SimTime now) {
  StatusOr<Database*> d = Mutable(db, now);
  if (!d.ok()) return d.status();
  const auto dropped = static_cast<int>((*d)->connections.size());
  (*d)->connections.clear();
  return dropped;
}

std::optional<DatabaseState> DatabaseWorld::State(const std::string& db) const {
  const Database* d = Find(db);
  if (!d) return std::nullopt;
  DatabaseState s;
  s.max_connections = d->max_connections;
  s.total = static_cast<int>(d->connections.size());
  for (const DbConnection& c : d->connections) {
    if (c.state == "active") {
      ++s.active;
    } else if (c.state == "idle") {
      ++s.idle;
    } else {
      ++s.idle_in_transaction;
    }
  }
  s.refused = d->refused;
  for (const ConnectionLeak& leak : d->leaks) {
    if (leak.AttemptTime(leak.attempts + 1) < leak.until) ++s.running_leaks;
  }
  return s;
}

nlohmann::json DatabaseWorld::Snapshot() const {
  using nlohmann::json;
  json out = json::object();
  for (const Database& d : databases_) {
    const DatabaseState s = *State(d.name);
    json connections = json::array();
    for (const DbConnection& c : d.connections) {
      connections.push_back({{"pid", c.pid},
                             {"state", c.state},
                             {"application", c.application},
                             {"user", c.user},
                             {"backend_start_ms", c.backend_start.count()},
                             {"state_change_ms", c.state_change.count()}});
    }
    json leaks = json::array();
    for (const ConnectionLeak& leak : d.leaks) {
      leaks.push_back(
          {{"state", leak.state},
           {"application", leak.application},
           {"amount", leak.rate.amount},
           {"per_ms", leak.rate.per.count()},
           {"from_ms", leak.from.count()},
           {"until_ms", leak.until == SimTime::max() ? json(nullptr) : json(leak.until.count())},
           {"attempts", leak.attempts}});
    }
    out[d.name] = {{"engine", d.engine},
                   {"host", d.host},
                   {"max_connections", d.max_connections},
                   {"total", s.total},
                   {"active", s.active},
                   {"idle", s.idle},
                   {"idle_in_transaction", s.idle_in_transaction},
                   {"refused", s.refused},
                   {"connections", connections},
                   {"leaks", leaks}};
  }
  return out;
}

}  // namespace rundrill::world
