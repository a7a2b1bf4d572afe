#include "simulator/suite/history.h"

#include <sqlite3.h>

#include <algorithm>

namespace rundrill::suite {
namespace {

// The layout this rundrill writes; a file with a later one was written by a newer rundrill.
constexpr int kLayout = 1;

class Statement {
 public:
  Statement(sqlite3* db, const char* sql) {
    ok_ = sqlite3_prepare_v2(db, sql, -1, &s_, nullptr) == SQLITE_OK;
  }
  ~Statement() { sqlite3_finalize(s_); }
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;
  bool ok() const { return ok_; }
  sqlite3_stmt* get() { return s_; }
  void Bind(int i, const std::string& text) {
    sqlite3_bind_text(s_, i, text.data(), static_cast<int>(text.size()), SQLITE_TRANSIENT);
  }
  void Bind(int i, int64_t v) { sqlite3_bind_int64(s_, i, v); }
  void BindNull(int i) { sqlite3_bind_null(s_, i); }
  std::string Text(int col) {
    const unsigned char* t = sqlite3_column_text(s_, col);
    return t == nullptr ? ""
                        : std::string(reinterpret_cast<const char*>(t),
                                      static_cast<size_t>(sqlite3_column_bytes(s_, col)));
  }
  std::optional<int64_t> OptionalInt(int col) {
    if (sqlite3_column_type(s_, col) == SQLITE_NULL) return std::nullopt;
    return sqlite3_column_int64(s_, col);
  }

 private:
  sqlite3_stmt* s_ = nullptr;
  bool ok_ = false;
};

std::optional<int64_t> Median(std::vector<int64_t> values) {
  if (values.empty()) return std::nullopt;
  std::sort(values.begin(), values.end());
  const size_t n = values.size();
  return n % 2 == 1 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
}

}  // namespace

int HistoryRun::passed() const {
  int n = 0;
  for (const auto& d : drills) n += d.passed;
  return n;
}

StatusOr<std::unique_ptr<History>> History::Open(const std::string& path) {
  sqlite3* db = nullptr;
  if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr) !=
      SQLITE_OK) {
    const std::string why = db != nullptr ? sqlite3_errmsg(db) : "out of memory";
    sqlite3_close(db);
    return Status::InvalidInput(path + ": cannot open the game-day history: " + why);
  }
  std::unique_ptr<History> history(new History(path, db));
  sqlite3_busy_timeout(db, 5000);
  int layout = 0;
  {
    Statement s(db, "PRAGMA user_version");
    if (!s.ok()) {
      return Status::InvalidInput(path + ": not a game-day history (" + sqlite3_errmsg(db) + ")");
    }
    if (sqlite3_step(s.get()) == SQLITE_ROW) layout = sqlite3_column_int(s.get(), 0);
  }
  if (layout > kLayout) {
    return Status::InvalidInput(path + ": game-day history of layout " + std::to_string(layout) +
                                ", newer than this rundrill reads (" + std::to_string(kLayout) +
                                ")");
  }
  if (layout == 0) {
    Status s = history->Exec(
        "BEGIN;"
        "CREATE TABLE IF NOT EXISTS runs (id INTEGER PRIMARY KEY, recorded_at TEXT NOT NULL,"
        " label TEXT NOT NULL, chaos_seed INTEGER);"
        "CREATE TABLE IF NOT EXISTS drills (run_id INTEGER NOT NULL REFERENCES runs(id),"
        " drill TEXT NOT NULL, scenario TEXT NOT NULL, seed INTEGER NOT NULL,"
        " passed INTEGER NOT NULL, time_to_resolve_ms INTEGER, failures TEXT NOT NULL,"
        " PRIMARY KEY (run_id, drill));"
        "PRAGMA user_version = 1;"
        "COMMIT;");
    if (!s.ok()) return s;
  }
  return history;
}

History::~History() { sqlite3_close(db_); }

Status History::Exec(const std::string& sql) const {
  char* message = nullptr;
  if (sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &message) != SQLITE_OK) {
    const std::string why = message != nullptr ? message : "unknown error";
    sqlite3_free(message);
    sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
    return Status::InvalidInput(path_ + ": game-day history: " + why);
  }
  return Status::Ok();
}

Status History::Error(const std::string& what) const {
  return Status::Internal(path_ + ": " + what + ": " + sqlite3_errmsg(db_));
}

StatusOr<int64_t> History::Record(const HistoryRun& run) {
  if (Status s = Exec("BEGIN IMMEDIATE"); !s.ok()) return s;
  int64_t id = 0;
  {
    Statement s(db_, "INSERT INTO runs (recorded_at, label, chaos_seed) VALUES (?, ?, ?)");
    if (!s.ok()) return Error("cannot record the run");
    s.Bind(1, run.recorded_at);
    s.Bind(2, run.label);
    if (run.chaos_seed) {
      s.Bind(3, static_cast<int64_t>(*run.chaos_seed));
    } else {
      s.BindNull(3);
    }
    if (sqlite3_step(s.get()) != SQLITE_DONE) {
      Exec("ROLLBACK");
      return Error("cannot record the run");
    }
    id = sqlite3_last_insert_rowid(db_);
  }
  for (const auto& d : run.drills) {
    Statement s(db_,
                "INSERT INTO drills (run_id, drill, scenario, seed, passed, time_to_resolve_ms,"
                " failures) VALUES (?, ?, ?, ?, ?, ?, ?)");
    if (!s.ok()) return Error("cannot record a drill");
    s.Bind(1, id);
    s.Bind(2, d.id);
    s.Bind(3, d.scenario);
    s.Bind(4, static_cast<int64_t>(d.seed));
    s.Bind(5, int64_t{d.passed ? 1 : 0});
    if (d.time_to_resolve_ms) {
      s.Bind(6, *d.time_to_resolve_ms);
    } else {
      s.BindNull(6);
    }
    s.Bind(7, d.failures);
    if (sqlite3_step(s.get()) != SQLITE_DONE) {
      Exec("ROLLBACK");
      return Error("cannot record drill " + d.id);
    }
  }
  if (Status s = Exec("COMMIT"); !s.ok()) return s;
  return id;
}

StatusOr<std::vector<HistoryRun>> History::Recent(int64_t before_id, int limit) const {
  std::vector<HistoryRun> runs;
  {
    Statement s(db_,
                "SELECT id, recorded_at, label, chaos_seed FROM runs WHERE (? = 0 OR id < ?)"
                " ORDER BY id DESC LIMIT ?");
    if (!s.ok()) return Error("cannot read the history");
    s.Bind(1, before_id);
    s.Bind(2, before_id);
    s.Bind(3, int64_t{limit});
    while (sqlite3_step(s.get()) == SQLITE_ROW) {
      HistoryRun run;
      run.id = sqlite3_column_int64(s.get(), 0);
      run.recorded_at = s.Text(1);
      run.label = s.Text(2);
      if (auto seed = s.OptionalInt(3)) run.chaos_seed = static_cast<uint64_t>(*seed);
      runs.push_back(std::move(run));
    }
  }
  for (HistoryRun& run : runs) {
    Statement s(db_,
                "SELECT drill, scenario, seed, passed, time_to_resolve_ms, failures FROM drills"
                " WHERE run_id = ? ORDER BY drill");
    if (!s.ok()) return Error("cannot read the history");
    s.Bind(1, run.id);
    while (sqlite3_step(s.get()) == SQLITE_ROW) {
      HistoryDrill d;
      d.id = s.Text(0);
      d.scenario = s.Text(1);
      d.seed = static_cast<uint64_t>(sqlite3_column_int64(s.get(), 2));
      d.passed = sqlite3_column_int(s.get(), 3) != 0;
      d.time_to_resolve_ms = s.OptionalInt(4);
      d.failures = s.Text(5);
      run.drills.push_back(std::move(d));
    }
  }
  return runs;
}

Trend CompareWithHistory(const HistoryRun& now, const std::vector<HistoryRun>& earlier) {
  Trend trend;
  std::map<std::string, const HistoryDrill*> previous;
  if (!earlier.empty()) {
    for (const auto& d : earlier.front().drills) previous[d.id] = &d;
  }
  trend.pass_rates.emplace_back(
      now.label, std::to_string(now.passed()) + "/" + std::to_string(now.drills.size()));
  for (const auto& run : earlier) {
    trend.pass_rates.emplace_back(
        run.label, std::to_string(run.passed()) + "/" + std::to_string(run.drills.size()));
  }
  std::vector<HistoryDrill> drills = now.drills;
  std::sort(drills.begin(), drills.end(), [](const auto& a, const auto& b) { return a.id < b.id; });
  for (const auto& d : drills) {
    auto it = previous.find(d.id);
    const bool was_known = it != previous.end();
    if (!d.passed && was_known && it->second->passed) trend.new_failures.push_back(d.id);
    if (!d.passed && !was_known && !earlier.empty()) trend.new_failures.push_back(d.id);
    if (d.passed && was_known && !it->second->passed) trend.fixed.push_back(d.id);
    if (!d.passed && was_known && !it->second->passed) trend.still_failing.push_back(d.id);
    Trend::Resolve r;
    r.scenario = d.id;
    r.now_ms = d.time_to_resolve_ms;
    if (was_known) r.previous_ms = it->second->time_to_resolve_ms;
    std::vector<int64_t> past;
    for (const auto& run : earlier) {
      for (const auto& e : run.drills) {
        if (e.id == d.id && e.time_to_resolve_ms) past.push_back(*e.time_to_resolve_ms);
      }
    }
    r.median_ms = Median(past);
    trend.resolve.push_back(std::move(r));
  }
  return trend;
}

}  // namespace rundrill::suite
