#include "simulator/world/host/host_world.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "simulator/world/host/host_paths.h"

namespace rundrill::world {
namespace {

constexpr int64_t kMiB = int64_t{1} << 20;
constexpr int64_t kGiB = int64_t{1} << 30;
constexpr SimTime Seconds(int64_t s) { return SimTime(s * 1000); }
constexpr SimTime Hours(int64_t h) { return SimTime(h * 3600000); }
constexpr SimDuration kDay{86400000};

model::Rate PerHour(double amount) { return model::Rate{amount, SimDuration(3600000)}; }

model::HostSpec DbHost() {
  model::HostSpec h;
  h.name = "db-1";
  h.uptime = SimDuration(3 * 86400000LL);
  model::DiskSpec root;
  root.mount = "/";
  root.size_bytes = 10 * kGiB;
  root.used_bytes = 2 * kGiB;
  model::DiskSpec data;
  data.mount = "/var/lib/postgresql";
  data.size_bytes = 4 * kGiB;
  data.used_bytes = 1 * kGiB;
  data.fill = PerHour(static_cast<double>(kGiB));  // full 3 h after time 0
  h.disks = {root, data};
  model::FileSpec log;
  log.path = "/var/log/app/app.log";
  log.size_bytes = 100 * kMiB;
  log.growth = PerHour(static_cast<double>(100 * kMiB));
  model::FileSpec old;
  old.path = "/var/log/app/app.log.1.gz";
  old.size_bytes = 50 * kMiB;
  old.age = 3 * kDay + SimDuration(3600000);
  model::FileSpec wal;
  wal.path = "/var/lib/postgresql/15/main/pg_wal/000001";
  wal.size_bytes = 16 * kMiB;
  wal.age = 10 * kDay;
  model::FileSpec conf;
  conf.path = "/etc/app.conf";
  conf.content = "listen=5432\n";
  h.files = {log, old, wal, conf};
  model::HostServiceSpec pg;
  pg.name = "postgresql";
  pg.description = "PostgreSQL RDBMS";
  model::HostServiceSpec cron;
  cron.name = "cron.service";
  cron.state = "inactive";
  h.services = {pg, cron};
  h.journal_bytes = 1000 * kMiB;  // 8 files of up to 128 MiB
  h.journal_span = 10 * kDay;
  return h;
}

HostWorld Built(std::vector<model::HostSpec> hosts = {DbHost()}) {
  HostWorld w{Epoch{}};
  const Status s = w.Build(hosts);
  EXPECT_TRUE(s.ok()) << s.message();
  return w;
}

DiskUsage DiskAt(const HostWorld& w, const std::string& mount) {
  const auto disks = w.Disks("db-1");
  for (const DiskUsage& d : *disks) {
    if (d.mount == mount) return d;
  }
  ADD_FAILURE() << "no disk " << mount;
  return {};
}

TEST(HostWorldBuild, FillsInDefaultsDeterministically) {
  model::HostSpec bare;
  bare.name = "web-1";
  HostWorld w = Built({bare, DbHost()});
  EXPECT_EQ(w.HostNames(), (std::vector<std::string>{"web-1", "db-1"}));
  const HostInfo web = *w.Host("web-1");
  EXPECT_EQ(web.address.rfind("10.0.", 0), 0u) << web.address;
  EXPECT_EQ(web.address, Built({bare}).Host("web-1")->address);
  EXPECT_NE(web.address, w.Host("db-1")->address);
  EXPECT_EQ(web.uptime, SimDuration(30LL * 86400000));
  EXPECT_EQ(web.machine_id.size(), 32u);
  const auto disks = *w.Disks("web-1");
  ASSERT_EQ(disks.size(), 1u);
  EXPECT_EQ(disks[0].mount, "/");
  EXPECT_EQ(disks[0].device, "/dev/sda1");
  EXPECT_EQ(disks[0].size_bytes, 32 * kGiB);
  EXPECT_EQ(disks[0].used_bytes, 4 * kGiB);
  const auto db_disks = *w.Disks("db-1");
  EXPECT_EQ(db_disks[1].device, "/dev/sdb1");
  EXPECT_EQ(*w.HostByAddress(web.address), "web-1");
}

TEST(HostWorldBuild, RejectsBadInput) {
  HostWorld w{Epoch{}};
  EXPECT_EQ(w.Build({DbHost(), DbHost()}).message(), "host \"db-1\" is declared twice");
  model::HostSpec over = DbHost();
  over.disks[1].used_bytes = 5 * kGiB;
  EXPECT_EQ(w.Build({over}).code(), Status::Code::kInvalidInput);
  model::HostSpec bad_state = DbHost();
  bad_state.services[0].state = "running";
  EXPECT_EQ(w.Build({bad_state}).message(),
            "host \"db-1\" service \"postgresql\": state must be active, inactive or failed, not "
            "\"running\"");
  model::HostSpec relative = DbHost();
  relative.files[0].path = "var/log/x";
  EXPECT_EQ(w.Build({relative}).code(), Status::Code::kInvalidInput);
  model::HostSpec marked = DbHost();
  marked.mark = {"scenarios/disk.yaml", 4, 3};
  EXPECT_EQ(w.Build({marked, marked}).message(),
            "scenarios/disk.yaml:4:3: host \"db-1\" is declared twice");
}

TEST(HostWorldDisks, UseCountsFilesByLongestMountPrefixAndGrowsWithTime) {
  HostWorld w = Built();
  const int64_t journal = *w.JournalBytes("db-1");
  EXPECT_EQ(journal, 1000 * kMiB);
  // "/" holds the base use, the logs, the config and the journal; the WAL belongs to the
  // data disk although its path also starts with "/".
  EXPECT_EQ(DiskAt(w, "/").used_bytes, 2 * kGiB + 150 * kMiB + 12 + journal);
  EXPECT_EQ(DiskAt(w, "/var/lib/postgresql").used_bytes, 1 * kGiB + 16 * kMiB);

  w.AdvanceTo(Hours(1));
  EXPECT_EQ(DiskAt(w, "/").used_bytes, 2 * kGiB + 250 * kMiB + 12 + journal);
  EXPECT_EQ(DiskAt(w, "/var/lib/postgresql").used_bytes, 2 * kGiB + 16 * kMiB);
  EXPECT_EQ(w.Stat("db-1", "/var/log/app/app.log")->size_bytes, 200 * kMiB);
  EXPECT_EQ(w.Stat("db-1", "/var/log/app/app.log")->mtime, Hours(1));  // being written
  EXPECT_EQ(w.Stat("db-1", "/var/log/app/app.log.1.gz")->mtime,
            SimTime(0) - 3 * kDay - SimDuration(3600000));
}

TEST(HostWorldDisks, SmallStepsAccumulateNoRounding) {
  HostWorld a = Built();
  HostWorld b = Built();
  for (int i = 1; i <= 3600; ++i) a.AdvanceTo(Seconds(i));
  b.AdvanceTo(Hours(1));
  EXPECT_EQ(a.Snapshot(), b.Snapshot());
}

TEST(HostWorldDisks, AFullDiskStopsGrowingUntilSpaceIsFreed) {
  HostWorld w = Built();
  // 3 GiB free at 1 GiB/h of fill: full at 2h 57m 36s… less the WAL's 16 MiB.
  w.AdvanceTo(Hours(5));
  const DiskUsage data = DiskAt(w, "/var/lib/postgresql");
  EXPECT_EQ(data.used_bytes, data.size_bytes);
  EXPECT_EQ(data.avail_bytes, 0);
  w.AdvanceTo(Hours(6));
  EXPECT_EQ(DiskAt(w, "/var/lib/postgresql").used_bytes, 4 * kGiB);

  ASSERT_TRUE(w.DeleteFile("db-1", "/var/lib/postgresql/15/main/pg_wal/000001").ok());
  EXPECT_EQ(DiskAt(w, "/var/lib/postgresql").avail_bytes, 16 * kMiB);
  w.AdvanceTo(Hours(6) + SimDuration(30000));  // 30 s of 1 GiB/h ≈ 8.5 MiB
  const int64_t avail = DiskAt(w, "/var/lib/postgresql").avail_bytes;
  EXPECT_GT(avail, 7 * kMiB);
  EXPECT_LT(avail, 8 * kMiB);
  w.AdvanceTo(Hours(7));
  EXPECT_EQ(DiskAt(w, "/var/lib/postgresql").avail_bytes, 0);
}

TEST(HostWorldDisks, SaturationStopsAGrowingFileAtTheInstantTheDiskFills) {
  model::HostSpec h;
  h.name = "db-1";
  model::DiskSpec root;
  root.size_bytes = 1000 * kMiB;
  root.used_bytes = 900 * kMiB;
  h.disks = {root};
  model::FileSpec log;
  log.path = "/var/log/big.log";
  log.growth = PerHour(static_cast<double>(50 * kMiB));
  h.files = {log};
  HostWorld w = Built({h});
  w.AdvanceTo(Hours(10));
  const FileEntry f = *w.Stat("db-1", "/var/log/big.log");
  EXPECT_EQ(f.size_bytes, 100 * kMiB);
  EXPECT_EQ(f.mtime, Hours(2));  // stopped growing when the disk filled
  EXPECT_EQ(DiskAt(w, "/").used_bytes, 1000 * kMiB);
}

TEST(HostWorldFiles, WriteBurstsCreateDirectoriesAndStopAtAFullDisk) {
  HostWorld w = Built();
  w.AdvanceTo(Seconds(10));
  ASSERT_TRUE(w.WriteFile("db-1", "/var/lib/postgresql/dump/a.sql", 1 * kGiB).ok());
  const FileEntry f = *w.Stat("db-1", "/var/lib/postgresql/dump/a.sql");
  EXPECT_EQ(f.size_bytes, 1 * kGiB);
  EXPECT_EQ(f.mtime, Seconds(10));
  EXPECT_TRUE(w.Stat("db-1", "/var/lib/postgresql/dump")->directory);
  ASSERT_TRUE(w.WriteFile("db-1", "/var/lib/postgresql/dump/a.sql", 10 * kGiB).ok());
  EXPECT_EQ(DiskAt(w, "/var/lib/postgresql").avail_bytes, 0);
  EXPECT_LT(w.Stat("db-1", "/var/lib/postgresql/dump/a.sql")->size_bytes, 3 * kGiB);
  w.AdvanceTo(Hours(1));
  EXPECT_EQ(DiskAt(w, "/var/lib/postgresql").avail_bytes, 0);
  ASSERT_TRUE(w.DeleteFile("db-1", "/var/lib/postgresql/dump/a.sql").ok());
  EXPECT_GT(DiskAt(w, "/var/lib/postgresql").avail_bytes, 2 * kGiB);

  EXPECT_EQ(w.WriteFile("db-1", "/var/log", 1).code(), Status::Code::kInvalidInput);
  EXPECT_EQ(w.WriteFile("nope", "/x", 1).message(), "unknown host \"nope\"");
  EXPECT_EQ(w.DeleteFile("db-1", "/var/log/none").code(), Status::Code::kInvalidInput);
  EXPECT_EQ(w.DeleteFile("db-1", "/var/log/app").message(),
            "directory \"/var/log/app\" is not empty");
  EXPECT_EQ(w.DeleteFile("db-1", "/var/lib/postgresql/dump").ok(), true);
  EXPECT_EQ(w.DeleteFile("db-1", "/var/lib/postgresql").message(),
            "\"/var/lib/postgresql\" is a mount point");
}

TEST(HostWorldFiles, ReadFileGivesContentOrFillerOfTheFileSize) {
  model::HostSpec h = DbHost();
  model::FileSpec small;
  small.path = "/tmp/x";
  small.size_bytes = 70;
  h.files.push_back(small);
  HostWorld w = Built({h});
  EXPECT_EQ(*w.ReadFile("db-1", "/etc/app.conf"), "listen=5432\n");
  const std::string filler = *w.ReadFile("db-1", "/tmp/x");
  EXPECT_EQ(filler.size(), 70u);
  EXPECT_EQ(filler.substr(0, 41), "rundrill: no content declared for /tmp/x\n");
  EXPECT_EQ(w.ReadFile("db-1", "/tmp").status().code(), Status::Code::kInvalidInput);
}

TEST(HostWorldFiles, WalkIsDepthFirstWithSortedNames) {
  HostWorld w = Built();
  ASSERT_TRUE(w.WriteFile("db-1", "/var/log/app-old/x", 1).ok());
  ASSERT_TRUE(w.WriteFile("db-1", "/var/log/app/a.txt", 1).ok());
  std::vector<std::string> paths;
  const auto walk = w.Walk("db-1", "/var/log");
  for (const FileEntry& e : *walk) {
    if (!e.journal) paths.push_back(e.path);
  }
  EXPECT_EQ(paths, (std::vector<std::string>{
                       "/var/log", "/var/log/app", "/var/log/app/a.txt", "/var/log/app/app.log",
                       "/var/log/app/app.log.1.gz", "/var/log/app-old", "/var/log/app-old/x",
                       "/var/log/journal", "/var/log/journal/" + w.Host("db-1")->machine_id}));
}

TEST(HostWorldFiles, FindSelectsByTypeNameAgeSizeAndDepth) {
  HostWorld w = Built();
  auto find = [&](const FindQuery& q) {
    std::vector<std::string> out;
    const auto found = w.Find("db-1", "/var/log/app", q);
    for (const FileEntry& e : *found) out.push_back(e.path);
    return out;
  };
  FindQuery gz;
  gz.names = {"*.gz"};
  EXPECT_EQ(find(gz), std::vector<std::string>{"/var/log/app/app.log.1.gz"});
  FindQuery older;  // 3 days 1 hour old: 3 whole days
  older.type = FindQuery::Type::kFile;
  older.mtimes = {{FindQuery::Compare::kGreater, 2}};
  EXPECT_EQ(find(older), std::vector<std::string>{"/var/log/app/app.log.1.gz"});
  older.mtimes = {{FindQuery::Compare::kGreater, 3}};
  EXPECT_TRUE(find(older).empty());
  older.mtimes = {{FindQuery::Compare::kEqual, 3}};
  EXPECT_EQ(find(older).size(), 1u);
  FindQuery fresh;
  fresh.mtimes = {{FindQuery::Compare::kLess, 1}};
  EXPECT_EQ(find(fresh), (std::vector<std::string>{"/var/log/app", "/var/log/app/app.log"}));
  FindQuery big;
  big.sizes = {{FindQuery::Compare::kGreater, 60, kMiB}};
  EXPECT_EQ(find(big), std::vector<std::string>{"/var/log/app/app.log"});
  FindQuery top;
  top.max_depth = 0;
  EXPECT_EQ(find(top), std::vector<std::string>{"/var/log/app"});
  EXPECT_EQ(w.Find("db-1", "/nope", top).status().code(), Status::Code::kInvalidInput);
}

TEST(HostWorldJournal, IsSplitIntoArchivedFilesAndVacuumsByTimeAndSize) {
  HostWorld w = Built();
  const auto files = *w.JournalFiles("db-1");
  ASSERT_EQ(files.size(), 8u);
  EXPECT_FALSE(files.back().archived);
  EXPECT_EQ(world::BaseName(files.back().path), "system.journal");
  EXPECT_EQ(files.back().bytes, 1000 * kMiB - 7 * 128 * kMiB);
  EXPECT_EQ(files[0].head, SimTime(0) - 10 * kDay);
  EXPECT_EQ(world::BaseName(files[0].path).substr(0, 7), "system@");

  // Heads are 1.28 days apart; those older than 3 days go (heads at -10, -8.72 … -3.6 d).
  const JournalVacuum by_time = *w.VacuumJournalByTime("db-1", 3 * kDay);
  EXPECT_EQ(by_time.deleted.size(), 6u);
  EXPECT_EQ(by_time.freed_bytes, 6 * 128 * kMiB);
  EXPECT_EQ(*w.JournalBytes("db-1"), 1000 * kMiB - 6 * 128 * kMiB);
  EXPECT_EQ(w.VacuumJournalByTime("db-1", 3 * kDay)->deleted.size(), 0u);  // idempotent

  const JournalVacuum by_size = *w.VacuumJournalBySize("db-1", 0);
  EXPECT_EQ(by_size.deleted.size(), 1u);  // never the active file
  EXPECT_EQ(w.JournalFiles("db-1")->size(), 1u);
}

TEST(HostWorldJournal, VacuumBySizeCountsArchivedFilesOnly) {
  HostWorld w = Built();
  const JournalVacuum v = *w.VacuumJournalBySize("db-1", 500 * kMiB);
  // 7 × 128 MiB archived: three go to get to 4 × 128 = 512 MiB… which is still above 500.
  EXPECT_EQ(v.deleted.size(), 4u);
  EXPECT_EQ(v.freed_bytes, 4 * 128 * kMiB);
}

TEST(HostWorldHosts, CrashStopsGrowthAndBootResetsUptimeAndUnits) {
  HostWorld w = Built();
  w.AdvanceTo(Hours(1));
  ASSERT_TRUE(w.StopService("db-1", "postgresql").ok());
  ASSERT_TRUE(w.Crash("db-1").ok());
  EXPECT_FALSE(*w.IsUp("db-1"));
  EXPECT_EQ(w.Host("db-1")->uptime, SimDuration(0));
  const int64_t log_size = w.Stat("db-1", "/var/log/app/app.log")->size_bytes;
  w.AdvanceTo(Hours(3));
  EXPECT_EQ(w.Stat("db-1", "/var/log/app/app.log")->size_bytes, log_size);
  EXPECT_EQ(w.Stat("db-1", "/var/log/app/app.log")->mtime, Hours(1));

  ASSERT_TRUE(w.Boot("db-1").ok());
  w.AdvanceTo(Hours(3) + SimDuration(90000));
  const HostInfo info = *w.Host("db-1");
  EXPECT_TRUE(info.up);
  EXPECT_EQ(info.uptime, SimDuration(90000));
  EXPECT_EQ(info.boots, 1);
  const ServiceStatus pg = *w.Service("db-1", "postgresql.service");
  EXPECT_EQ(pg.state, ServiceState::kActive);
  EXPECT_EQ(pg.since, Hours(3));
  EXPECT_TRUE(pg.log.empty());
  EXPECT_EQ(w.Stat("db-1", "/var/log/app/app.log")->size_bytes, log_size + 2621440);
}

TEST(HostWorldServices, StartStopRestartChangeStateAndLog) {
  HostWorld w = Built();
  w.AdvanceTo(Seconds(60));
  ASSERT_TRUE(w.StopService("db-1", "postgresql", StopReason::kRequest).ok());
  EXPECT_EQ(w.Service("db-1", "postgresql")->state, ServiceState::kInactive);
  ASSERT_TRUE(w.StopService("db-1", "cron").ok());  // already inactive: nothing happens
  EXPECT_EQ(w.Service("db-1", "cron")->state, ServiceState::kInactive);
  EXPECT_FALSE(w.Service("db-1", "cron")->changed_since_boot);
  const int old_pid = w.Service("db-1", "postgresql")->main_pid;
  ASSERT_TRUE(w.RestartService("db-1", "postgresql").ok());
  const ServiceStatus pg = *w.Service("db-1", "postgresql");
  EXPECT_EQ(pg.state, ServiceState::kActive);
  EXPECT_NE(pg.main_pid, old_pid);
  std::vector<std::string> messages;
  for (const UnitLogLine& l : pg.log) messages.push_back(l.message);
  EXPECT_EQ(messages, (std::vector<std::string>{
                          "Stopping postgresql.service - PostgreSQL RDBMS...",
                          "postgresql.service: Deactivated successfully.",
                          "Stopped postgresql.service - PostgreSQL RDBMS.",
                          "Starting postgresql.service - PostgreSQL RDBMS...",
                          "Started postgresql.service - PostgreSQL RDBMS.",
                      }));
  ASSERT_TRUE(w.StopService("db-1", "postgresql").ok());
  EXPECT_EQ(w.Service("db-1", "postgresql")->state, ServiceState::kFailed);
  EXPECT_EQ(w.Service("db-1", "postgresql")->log.back().message,
            "postgresql.service: Failed with result 'exit-code'.");
  EXPECT_EQ(w.StartService("db-1", "nginx").message(), "unknown unit \"nginx\" on host \"db-1\"");
}

TEST(HostWorldSnapshot, IsSortedAndDeterministic) {
  HostWorld a = Built();
  HostWorld b = Built();
  a.AdvanceTo(Hours(2));
  b.AdvanceTo(Hours(2));
  EXPECT_EQ(a.Snapshot().dump(), b.Snapshot().dump());
  const nlohmann::json s = a.Snapshot();
  EXPECT_EQ(s["db-1"]["disks"]["/var/lib/postgresql"]["used_bytes"], 3 * kGiB + 16 * kMiB);
  EXPECT_EQ(s["db-1"]["services"]["cron"]["state"], "inactive");
  EXPECT_EQ(s["db-1"]["journal"]["files"], 8);
  EXPECT_EQ(s["db-1"]["files"]["/etc/app.conf"]["size_bytes"], 12);
  EXPECT_FALSE(s["db-1"]["files"].contains("/var/log/journal"));
}

TEST(HostPaths, NormalizeGlobAndPrefixes) {
  EXPECT_EQ(*NormalizePath("/var//log/./app/../x/"), "/var/log/x");
  EXPECT_EQ(*NormalizePath("/.."), "/");
  EXPECT_FALSE(NormalizePath("var/log"));
  EXPECT_TRUE(IsUnder("/var/log", "/var"));
  EXPECT_FALSE(IsUnder("/var-x", "/var"));
  EXPECT_TRUE(IsUnder("/anything", "/"));
  EXPECT_TRUE(GlobMatch("*.gz", "app.log.1.gz"));
  EXPECT_TRUE(GlobMatch("app.log.[0-9]*", "app.log.1.gz"));
  EXPECT_FALSE(GlobMatch("app.log.[!0-9]*", "app.log.1.gz"));
  EXPECT_TRUE(GlobMatch("?", "x"));
  EXPECT_FALSE(GlobMatch("\\*", "x"));
  EXPECT_TRUE(GlobMatch("\\*", "*"));
  EXPECT_TRUE(GlobMatch("*", ".hidden"));
  EXPECT_FALSE(GlobMatch("*", ".hidden", LeadingDot::kMustBeLiteral));
  EXPECT_TRUE(GlobMatch("[", "["));
}

}  // namespace
}  // namespace rundrill::world
