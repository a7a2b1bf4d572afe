// The fake ssh end to end: connection outcomes with their exact bytes, exit codes and
// virtual time, and each modelled remote command against a small world.

#include "fakes/ssh/ssh_backend.h"

#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <vector>

#include "fakes/ssh/ssh_args.h"
#include "simulator/world/world.h"

namespace rundrill::fakes {
namespace {

constexpr int64_t kMiB = int64_t{1} << 20;
constexpr int64_t kGiB = int64_t{1} << 30;
constexpr SimTime Seconds(int64_t s) { return SimTime(s * 1000); }
constexpr SimDuration kHandshake{300};
constexpr SimDuration kCommand{5};
const model::FaultTarget kDb{model::FaultTarget::Kind::kHost, "db-1", {}};

model::WorldSpec TestWorld() {
  model::HostSpec db;
  db.name = "db-1";
  db.users = {"root", "postgres"};
  db.uptime = SimDuration((3 * 86400 + 4 * 3600 + 5 * 60) * 1000LL);
  db.load = 0.42;
  model::DiskSpec root;
  root.size_bytes = 20 * kGiB;
  root.used_bytes = 5 * kGiB;
  model::DiskSpec data;
  data.mount = "/var/lib/postgresql";
  data.size_bytes = 100 * kGiB;
  data.used_bytes = 91 * kGiB;
  db.disks = {root, data};
  model::FileSpec log;
  log.path = "/var/log/postgresql/postgresql-15-main.log";
  log.size_bytes = 300 * kMiB;
  // Grows by 1 MiB/h: a few hundred bytes per test, within the last 4 KiB block.
  log.growth = model::Rate{static_cast<double>(kMiB), SimDuration(3600000)};
  model::FileSpec log1;
  log1.path = "/var/log/postgresql/postgresql-15-main.log.1";
  log1.size_bytes = 200 * kMiB;
  log1.age = SimDuration(86400000LL + 3600000);
  model::FileSpec log2;
  log2.path = "/var/log/postgresql/postgresql-15-main.log.2.gz";
  log2.size_bytes = 40 * kMiB;
  log2.age = SimDuration(8 * 86400000LL);
  model::FileSpec motd;
  motd.path = "/etc/motd";
  motd.content = "welcome\n";
  db.files = {log, log1, log2, motd};
  model::HostServiceSpec pg;
  pg.name = "postgresql";
  pg.description = "PostgreSQL RDBMS";
  pg.restart_time = SimDuration(3000);
  model::HostServiceSpec nginx;
  nginx.name = "nginx";
  nginx.state = "inactive";
  db.services = {pg, nginx};
  db.journal_bytes = 256 * kMiB;  // one archived file and the active one
  db.journal_span = SimDuration(14 * 86400000LL);

  model::HostSpec web;
  web.name = "web-1";
  web.address = "10.0.5.20";
  web.port = 2222;

  model::WorldSpec spec;
  spec.hosts = {db, web};
  return spec;
}

// A drill's context in miniature: owns the world, refuses to go past `horizon` (as a step's
// deadline would) and can crash a host on the way, as a timeline event would.
class TestContext : public SimContext {
 public:
  explicit TestContext(uint64_t seed = 7, const model::WorldSpec& spec = TestWorld())
      : world_(seed, Epoch{}), rng_(Random(seed).Split("ssh")) {
    const Status s = world_.Build(spec);
    EXPECT_TRUE(s.ok()) << s.message();
  }

  SimTime Now() const override { return world_.hosts().Now(); }
  bool AdvanceTo(SimTime t) override {
    if (crash_at && *crash_at > Now() && *crash_at <= std::min(t, horizon)) {
      world_.AdvanceTo(*crash_at);
      EXPECT_TRUE(world_.hosts().Crash(crash_host).ok());
    }
    if (t > horizon) {
      world_.AdvanceTo(horizon);
      return false;
    }
    world_.AdvanceTo(t);
    return true;
  }
  world::World& World() override { return world_; }
  Random& Rng() override { return rng_; }

  SimTime horizon = Seconds(86400);
  std::optional<SimTime> crash_at;
  std::string crash_host = "db-1";

 private:
  world::World world_;
  Random rng_;
};

class SshTest : public ::testing::Test {
 protected:
  SshTest() {
    SshOptions options;
    options.min_handshake = options.max_handshake = kHandshake;
    backend_ = SshBackend(options);
  }

  CommandResponse Run(const std::vector<std::string>& args, const std::string& stdin_data = "") {
    CommandRequest request;
    request.argv = {"ssh"};
    request.argv.insert(request.argv.end(), args.begin(), args.end());
    request.stdin_data = stdin_data;
    const SimTime before = context_.Now();
    CommandResponse r = backend_.Handle(request, context_);
    took_ = context_.Now() - before;
    return r;
  }
  // The remote command's output, asserting that the session itself went well.
  std::string Out(const std::string& command, int rc = 0) {
    const CommandResponse r = Run({"db-1", command});
    EXPECT_EQ(r.exit_code, rc) << command << "\n" << r.stderr_data;
    EXPECT_EQ(r.stderr_data, "") << command;
    return r.stdout_data;
  }
  std::string Address(const std::string& host = "db-1") {
    return context_.World().hosts().Host(host)->address;
  }
  world::HostWorld& Hosts() { return context_.World().hosts(); }
  world::AccessWorld& Access() { return context_.World().access(); }

  TestContext context_;
  SshBackend backend_;
  SimDuration took_{0};
};

// ------------------------------------------------------------------ connection outcomes

TEST_F(SshTest, UnknownHostFailsAtOnce) {
  const CommandResponse r = Run({"-o", "BatchMode=yes", "nope.example", "true"});
  EXPECT_EQ(r.stderr_data,
            "ssh: Could not resolve hostname nope.example: Name or service not known\r\n");
  EXPECT_EQ(r.stdout_data, "");
  EXPECT_EQ(r.exit_code, 255);
  EXPECT_EQ(took_, SimDuration(0));
}

TEST_F(SshTest, DownHostTimesOutAfterTheKernelsConnectTimeout) {
  ASSERT_TRUE(Hosts().Crash("db-1").ok());
  const CommandResponse r = Run({"db-1", "true"});
  EXPECT_EQ(r.stderr_data,
            "ssh: connect to host " + Address() + " port 22: Connection timed out\r\n");
  EXPECT_EQ(r.exit_code, 255);
  EXPECT_EQ(took_, SimDuration(127000));
}

TEST_F(SshTest, ConnectTimeoutBoundsTheWait) {
  Access().Partition(kDb, model::PartitionMode::kDrop, SimTime(0), SimTime::max());
  const CommandResponse r = Run({"-o", "ConnectTimeout=5", "db-1", "true"});
  EXPECT_EQ(r.stderr_data,
            "ssh: connect to host " + Address() + " port 22: Connection timed out\r\n");
  EXPECT_EQ(took_, SimDuration(5000));
}

TEST_F(SshTest, StepDeadlineCutsAConnectTimeoutShort) {
  ASSERT_TRUE(Hosts().Crash("db-1").ok());
  context_.horizon = Seconds(10);
  const CommandResponse r = Run({"db-1", "true"});
  EXPECT_EQ(r.stderr_data, "");
  EXPECT_EQ(r.exit_code, 255);
  EXPECT_EQ(context_.Now(), Seconds(10));
}

TEST_F(SshTest, RejectingPartitionIsRefusedAtOnce) {
  Access().Partition(kDb, model::PartitionMode::kReject, SimTime(0), SimTime::max());
  const CommandResponse r = Run({"db-1", "true"});
  EXPECT_EQ(r.stderr_data,
            "ssh: connect to host " + Address() + " port 22: Connection refused\r\n");
  EXPECT_EQ(r.exit_code, 255);
  EXPECT_EQ(took_, SimDuration(0));
}

TEST_F(SshTest, APortNobodyListensOnIsRefused) {
  const CommandResponse r = Run({"-p", "2222", "db-1", "true"});
  EXPECT_EQ(r.stderr_data,
            "ssh: connect to host " + Address() + " port 2222: Connection refused\r\n");
  EXPECT_EQ(Run({"-p", "2222", "web-1", "hostname"}).stdout_data, "web-1\n");
  EXPECT_EQ(Run({"10.0.5.20", "-p2222", "hostname"}).stdout_data, "web-1\n");
}

TEST_F(SshTest, InjectedErrors) {
  Access().InjectErrors(kDb, 1.0, model::InjectedError::kServerError, SimTime(0), Seconds(10));
  CommandResponse r = Run({"db-1", "true"});
  EXPECT_EQ(r.stderr_data,
            "kex_exchange_identification: Connection closed by remote host\r\n"
            "Connection closed by " +
                Address() + " port 22\r\n");
  EXPECT_EQ(r.exit_code, 255);
  context_.AdvanceTo(Seconds(10));
  Access().InjectErrors(kDb, 1.0, model::InjectedError::kRefused, Seconds(10), Seconds(20));
  EXPECT_EQ(Run({"db-1", "true"}).stderr_data,
            "ssh: connect to host " + Address() + " port 22: Connection refused\r\n");
  context_.AdvanceTo(Seconds(20));
  Access().InjectErrors(kDb, 1.0, model::InjectedError::kTimeout, Seconds(20), Seconds(30));
  r = Run({"-o", "ConnectTimeout=3", "db-1", "true"});
  EXPECT_EQ(r.stderr_data,
            "ssh: connect to host " + Address() + " port 22: Connection timed out\r\n");
  EXPECT_EQ(took_, SimDuration(3000));
}

TEST_F(SshTest, ExpiredRevokedKeysAndUnknownUsersAreDenied) {
  CommandResponse r = Run({"deploy@db-1", "true"});
  EXPECT_EQ(r.stderr_data, "deploy@db-1: Permission denied (publickey).\r\n");
  EXPECT_EQ(r.exit_code, 255);
  EXPECT_EQ(took_, kHandshake);
  EXPECT_EQ(Run({"-l", "postgres", "db-1", "true"}).exit_code, 0);

  Access().Expire(model::CredentialSpec::Kind::kSshKey, "db-1", context_.Now());
  r = Run({"db-1", "true"});
  EXPECT_EQ(r.stderr_data, "root@db-1: Permission denied (publickey).\r\n");
  Access().Revoke(model::CredentialSpec::Kind::kSshKey, "web-1", context_.Now());
  EXPECT_EQ(Run({"-o", "BatchMode=no", "-p", "2222", "web-1", "true"}).stderr_data,
            "root@web-1: Permission denied (publickey).\r\n");
}

TEST_F(SshTest, QuietSilencesSshButNotTheExitCode) {
  CommandResponse r = Run({"-q", "nope", "true"});
  EXPECT_EQ(r.stderr_data, "");
  EXPECT_EQ(r.exit_code, 255);
  Access().Partition(kDb, model::PartitionMode::kReject, SimTime(0), SimTime::max());
  r = Run({"-o", "LogLevel=QUIET", "db-1", "true"});
  EXPECT_EQ(r.stderr_data, "");
  EXPECT_EQ(r.exit_code, 255);
}

TEST_F(SshTest, ExtraLatencyIsPaidAndCanExceedConnectTimeout) {
  Access().AddLatency(kDb, SimDuration(2000), SimTime(0), SimTime::max());
  EXPECT_EQ(Run({"db-1", "true"}).exit_code, 0);
  EXPECT_EQ(took_, kHandshake + SimDuration(2000) + kCommand);
  const CommandResponse r = Run({"-o", "ConnectTimeout=1", "db-1", "true"});
  EXPECT_EQ(r.stderr_data,
            "Connection timed out during banner exchange\r\n"
            "Connection to " +
                Address() + " port 22 timed out\r\n");
  EXPECT_EQ(r.exit_code, 255);
  EXPECT_EQ(took_, SimDuration(1000));
}

TEST_F(SshTest, DrawsTheSameNumberOfTimesWhateverTheOutcome) {
  TestContext up(11), down(11), unknown(11);
  for (TestContext* c : {&up, &down, &unknown}) {
    c->World().access().InjectErrors(kDb, 0.5, model::InjectedError::kTimeout, SimTime(0),
                                     SimTime::max());
  }
  ASSERT_TRUE(down.World().hosts().Crash("db-1").ok());
  SshBackend backend;  // default options: the handshake is drawn
  CommandRequest request;
  request.argv = {"ssh", "-o", "ConnectTimeout=1", "db-1", "true"};
  backend.Handle(request, up);
  backend.Handle(request, down);
  request.argv = {"ssh", "nope", "true"};
  backend.Handle(request, unknown);
  const uint32_t next = up.Rng().Next();
  EXPECT_EQ(down.Rng().Next(), next);
  Random fresh = Random(11).Split("ssh");
  fresh.Next();  // the handshake; no error fault on an unknown target
  EXPECT_EQ(unknown.Rng().Next(), fresh.Next());
}

TEST_F(SshTest, PseudoTerminalRequestsAreRefusedWithSshsWarning) {
  const CommandResponse r = Run({"-t", "db-1", "true"});
  EXPECT_EQ(r.stderr_data,
            "Pseudo-terminal will not be allocated because stdin is not a terminal.\r\n");
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(Run({"-tt", "db-1", "true"}).stderr_data,
            "rundrill: ssh '-tt' (a forced pseudo-terminal) is not modelled; add a stub in the "
            "scenario\n");
}

TEST_F(SshTest, InteractiveLoginIsNotModelled) {
  const CommandResponse r = Run({"db-1"});
  EXPECT_EQ(r.stderr_data,
            "Pseudo-terminal will not be allocated because stdin is not a terminal.\r\n"
            "rundrill: ssh interactive login to db-1 (no remote command) is not modelled; add a "
            "stub in the scenario\n");
  EXPECT_EQ(r.exit_code, 255);
}

TEST_F(SshTest, UsageAndConfigErrorsComeFirst) {
  CommandResponse r = Run({});
  EXPECT_EQ(r.stderr_data, ssh::kSshUsage);
  EXPECT_EQ(r.exit_code, 255);
  r = Run({"-o", "Foo=bar", "db-1", "true"});
  EXPECT_EQ(r.stderr_data, "command-line: line 0: Bad configuration option: foo\r\n");
  EXPECT_EQ(took_, SimDuration(0));
}

TEST_F(SshTest, AHostCrashDuringTheSessionEndsItThroughKeepalives) {
  context_.crash_at = Seconds(1);
  CommandResponse r = Run({"-o", "BatchMode=yes", "db-1", "systemctl restart postgresql"});
  EXPECT_EQ(r.stderr_data, "Timeout, server db-1 not responding.\r\n");
  EXPECT_EQ(r.exit_code, 255);
  // Debian's BatchMode keepalive: 300 s, given up after 3 + 1 unanswered probes.
  EXPECT_EQ(took_, kHandshake + kCommand + SimDuration(3000) + SimDuration(1200000));
  EXPECT_EQ(Hosts().Service("db-1", "postgresql")->log.size(), 0u);  // never restarted
}

TEST_F(SshTest, AHostCrashWithoutKeepalivesIsNotModelled) {
  context_.crash_at = Seconds(1);
  const CommandResponse r = Run({"db-1", "systemctl restart postgresql"});
  EXPECT_EQ(r.stderr_data,
            "rundrill: ssh db-1: the host went down during the session; without "
            "ServerAliveInterval ssh waits for TCP keepalive, which is not modelled\n");
  EXPECT_EQ(r.exit_code, 255);
}

// ---------------------------------------------------------------------- the remote shell

TEST_F(SshTest, ArgumentsAreJoinedThenParsedByTheRemoteShell) {
  EXPECT_EQ(Out("echo hello   world"), "hello world\n");
  CommandResponse r = Run({"db-1", "echo", "'a  b'", "\"c;d\""});
  EXPECT_EQ(r.stdout_data, "a  b c;d\n");
  r = Run({"db-1", "echo", "a;", "echo", "b"});  // the ";" reaches the remote shell
  EXPECT_EQ(r.stdout_data, "a\nb\n");
  EXPECT_EQ(Out("echo -n x"), "x");
}

TEST_F(SshTest, ChainsFollowExitStatuses) {
  EXPECT_EQ(Out("false && echo no; echo yes"), "yes\n");
  EXPECT_EQ(Out("false || echo fallback"), "fallback\n");
  EXPECT_EQ(Out("true && false", 1), "");
  EXPECT_EQ(Out("true || echo skipped"), "");
  EXPECT_EQ(Out("exit 3", 3), "");
  EXPECT_EQ(Out("echo one; exit 4; echo never", 4), "one\n");
  const CommandResponse r = Run({"db-1", "cat /nope; echo after"});
  EXPECT_EQ(r.stdout_data, "after\n");
  EXPECT_EQ(r.stderr_data, "cat: /nope: No such file or directory\n");
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(Run({"db-1", "cat /nope"}).exit_code, 1);
}

TEST_F(SshTest, UnmodelledCommandsFailLoudlyAndStopTheSession) {
  CommandResponse r = Run({"db-1", "echo ok; grep x /etc/motd; echo never"});
  EXPECT_EQ(r.stdout_data, "ok\n");
  EXPECT_EQ(r.stderr_data,
            "rundrill: ssh db-1: 'grep' is not modelled on hosts; add a stub in the scenario\n");
  EXPECT_EQ(r.exit_code, 127);
  r = Run({"db-1", "df -h | tail -1"});
  EXPECT_EQ(r.stderr_data,
            "rundrill: ssh db-1: pipes ('|') is not modelled on hosts; add a stub in the "
            "scenario\n");
  EXPECT_EQ(r.exit_code, 127);
  EXPECT_EQ(r.stdout_data, "");
  r = Run({"db-1", "df -i"});
  EXPECT_EQ(r.stderr_data,
            "rundrill: ssh db-1: 'df -i' is not modelled on hosts; add a stub in the scenario\n");
  EXPECT_EQ(Run({"db-1", "false || sudo true"}).exit_code, 127);
  EXPECT_EQ(Run({"postgres@db-1", "systemctl restart postgresql"}).stderr_data,
            "rundrill: ssh db-1: 'systemctl restart' as user 'postgres' (permissions) is not "
            "modelled on hosts; add a stub in the scenario\n");
}

TEST_F(SshTest, PathnameExpansionUsesTheHostsFiles) {
  EXPECT_EQ(Out("echo /var/log/postgresql/*.gz /etc/*.none"),
            "/var/log/postgresql/postgresql-15-main.log.2.gz /etc/*.none\n");
  EXPECT_EQ(Out("echo '/var/log/postgresql/*.gz'"), "/var/log/postgresql/*.gz\n");
  EXPECT_EQ(Out("echo /var/log/postgresql/postgresql-15-main.log.?"),
            "/var/log/postgresql/postgresql-15-main.log.1\n");
}

// --------------------------------------------------------------------------- commands

TEST_F(SshTest, DfLayouts) {
  EXPECT_EQ(Out("df"),
            "Filesystem     1K-blocks     Used Available Use% Mounted on\n"
            "/dev/sda1       20971520  6057988  14913532  29% /\n"
            "/dev/sdb1      104857600 95420416   9437184  91% /var/lib/postgresql\n");
  EXPECT_EQ(Out("df -h"),
            "Filesystem      Size  Used Avail Use% Mounted on\n"
            "/dev/sda1        20G  5.8G   15G  29% /\n"
            "/dev/sdb1       100G   91G  9.0G  91% /var/lib/postgresql\n");
  EXPECT_EQ(Out("df -P"),
            "Filesystem     1024-blocks     Used Available Capacity Mounted on\n"
            "/dev/sda1         20971520  6057988  14913532      29% /\n"
            "/dev/sdb1        104857600 95420416   9437184      91% /var/lib/postgresql\n");
  EXPECT_EQ(Out("df -hT"),
            "Filesystem     Type  Size  Used Avail Use% Mounted on\n"
            "/dev/sda1      ext4   20G  5.8G   15G  29% /\n"
            "/dev/sdb1      ext4  100G   91G  9.0G  91% /var/lib/postgresql\n");
  EXPECT_EQ(Out("df -h /var/lib/postgresql/"),
            "Filesystem      Size  Used Avail Use% Mounted on\n"
            "/dev/sdb1       100G   91G  9.0G  91% /var/lib/postgresql\n");
  const CommandResponse r = Run({"db-1", "df -h /nope /"});
  EXPECT_EQ(r.stdout_data,
            "Filesystem      Size  Used Avail Use% Mounted on\n"
            "/dev/sda1        20G  5.8G   15G  29% /\n");
  EXPECT_EQ(r.stderr_data, "df: /nope: No such file or directory\n");
  EXPECT_EQ(r.exit_code, 1);
}

TEST_F(SshTest, DuSummaries) {
  EXPECT_EQ(Out("du -sh /var/log/postgresql"), "541M\t/var/log/postgresql\n");
  // The growing log has started a new 4 KiB block: 540 MiB + 4 KiB + the directory's 4 KiB.
  EXPECT_EQ(Out("du -s /var/log/postgresql/"), "552968\t/var/log/postgresql/\n");
  // An entry already counted under an earlier argument is not counted again.
  EXPECT_EQ(Out("du -sh /var/log/postgresql /var/log/postgresql/*.gz"),
            "541M\t/var/log/postgresql\n");
  EXPECT_EQ(Out("du -sh /var/log/postgresql/*.gz"),
            "40M\t/var/log/postgresql/postgresql-15-main.log.2.gz\n");
  const CommandResponse r = Run({"db-1", "du -sh /nope"});
  EXPECT_EQ(r.stderr_data, "du: cannot access '/nope': No such file or directory\n");
  EXPECT_EQ(r.exit_code, 1);
}

TEST_F(SshTest, FindSelectsPrintsAndDeletes) {
  EXPECT_EQ(Out("find /var/log/postgresql -type f -name '*.log*' -mtime +0"),
            "/var/log/postgresql/postgresql-15-main.log.1\n"
            "/var/log/postgresql/postgresql-15-main.log.2.gz\n");
  EXPECT_EQ(Out("find /var/log/postgresql/ -maxdepth 1 -size +100M"),
            "/var/log/postgresql/postgresql-15-main.log\n"
            "/var/log/postgresql/postgresql-15-main.log.1\n");
  EXPECT_EQ(Out("find /var/log/postgresql -mtime -1"),
            "/var/log/postgresql\n/var/log/postgresql/postgresql-15-main.log\n");
  CommandResponse r = Run({"db-1", "find /nope /etc -name motd"});
  EXPECT_EQ(r.stdout_data, "/etc/motd\n");
  EXPECT_EQ(r.stderr_data, "find: \u2018/nope\u2019: No such file or directory\n");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(Run({"db-1", "find /etc -mtime x"}).stderr_data,
            "find: invalid argument `x' to `-mtime'\n");
  EXPECT_EQ(Run({"db-1", "find /etc -name"}).stderr_data, "find: missing argument to `-name'\n");

  const int64_t before = Hosts().Disks("db-1")->front().used_bytes;
  EXPECT_EQ(Out("find /var/log/postgresql -name '*.gz' -mtime +7 -delete"), "");
  const int64_t after = Hosts().Disks("db-1")->front().used_bytes;
  EXPECT_GT(after, before - 40 * kMiB);  // the log kept growing meanwhile
  EXPECT_LT(after, before - 40 * kMiB + 4096);
  EXPECT_EQ(Out("find /var/log/postgresql -name '*.gz' -mtime +7 -print -delete"), "");

  r = Run({"db-1", "find /var/log/postgresql -delete"});
  EXPECT_EQ(r.stderr_data, "");
  EXPECT_FALSE(Hosts().Stat("db-1", "/var/log/postgresql").ok());
  r = Run({"db-1", "find /var/lib/postgresql -delete"});
  EXPECT_EQ(r.stderr_data,
            "find: cannot delete \u2018/var/lib/postgresql\u2019: Device or resource busy\n");
  EXPECT_EQ(r.exit_code, 1);
}

TEST_F(SshTest, JournalctlDiskUsageAndVacuum) {
  EXPECT_EQ(Out("journalctl --disk-usage"),
            "Archived and active journals take up 256.0M in the file system.\n");
  const auto files = *Hosts().JournalFiles("db-1");
  ASSERT_EQ(files.size(), 2u);
  const std::string dir = "/var/log/journal/" + Hosts().Host("db-1")->machine_id;
  CommandResponse r = Run({"db-1", "journalctl", "--vacuum-time=3d"});
  EXPECT_EQ(r.stdout_data, "");
  EXPECT_EQ(r.stderr_data, "Deleted archived journal " + files[0].path +
                               " (128.0M).\n"
                               "Vacuuming done, freed 128.0M of archived journals from " +
                               dir +
                               ".\n"
                               "Vacuuming done, freed 0B of archived journals from "
                               "/var/log/journal.\n"
                               "Vacuuming done, freed 0B of archived journals from "
                               "/run/log/journal.\n");
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(took_, kHandshake + kCommand + SimDuration(20) + SimDuration(10));
  EXPECT_EQ(*Hosts().JournalBytes("db-1"), 128 * kMiB);
  r = Run({"db-1", "journalctl --vacuum-size=500M"});
  EXPECT_EQ(r.stderr_data,
            "Vacuuming done, freed 0B of archived journals from " + dir +
                ".\n"
                "Vacuuming done, freed 0B of archived journals from /var/log/journal.\n"
                "Vacuuming done, freed 0B of archived journals from /run/log/journal.\n");
  r = Run({"db-1", "journalctl --vacuum-time=3x"});
  EXPECT_EQ(r.stderr_data, "Failed to parse vacuum time: 3x\n");
  EXPECT_EQ(r.exit_code, 1);
}

TEST_F(SshTest, SystemctlStatusIsActiveAndRestart) {
  const int pid = Hosts().Service("db-1", "postgresql")->main_pid;
  EXPECT_EQ(Out("systemctl status postgresql"),
            "\u25cf postgresql.service - PostgreSQL RDBMS\n"
            "     Loaded: loaded (/lib/systemd/system/postgresql.service; enabled; preset: "
            "enabled)\n"
            "     Active: active (running) since Sun 2025-12-28 19:55:00 UTC; 3 days ago\n"
            "   Main PID: " +
                std::to_string(pid) + " (postgresql)\n");
  EXPECT_EQ(Out("systemctl is-active postgresql.service"), "active\n");
  EXPECT_EQ(Out("systemctl is-active nginx", 3), "inactive\n");
  EXPECT_EQ(Out("systemctl is-active --quiet nginx", 3), "");
  EXPECT_EQ(Out("systemctl is-active nope", 3), "inactive\n");
  EXPECT_EQ(Out("systemctl status nginx", 3),
            "\u25cb nginx.service\n"
            "     Loaded: loaded (/lib/systemd/system/nginx.service; enabled; preset: enabled)\n"
            "     Active: inactive (dead)\n");
  CommandResponse r = Run({"db-1", "systemctl status nope"});
  EXPECT_EQ(r.stderr_data, "Unit nope.service could not be found.\n");
  EXPECT_EQ(r.exit_code, 4);
  r = Run({"db-1", "systemctl restart nope"});
  EXPECT_EQ(r.stderr_data, "Failed to restart nope.service: Unit nope.service not found.\n");
  EXPECT_EQ(r.exit_code, 5);
  EXPECT_EQ(Run({"db-1", "systemctl stop nope"}).stderr_data,
            "Failed to stop nope.service: Unit nope.service not loaded.\n");

  context_.AdvanceTo(Seconds(60));
  ASSERT_TRUE(Hosts().StopService("db-1", "postgresql").ok());  // a fault
  const std::string failed = Out("systemctl status postgresql", 3);
  EXPECT_NE(failed.find("\u00d7 postgresql.service - PostgreSQL RDBMS\n"), std::string::npos);
  EXPECT_NE(failed.find("     Active: failed (Result: exit-code) since Thu 2026-01-01 00:01:00 "
                        "UTC; 305ms ago\n"),
            std::string::npos)
      << failed;
  EXPECT_NE(failed.find("\nJan 01 00:01:00 db-1 systemd[1]: postgresql.service: Failed with "
                        "result 'exit-code'.\n"),
            std::string::npos);

  r = Run({"db-1", "systemctl restart postgresql && systemctl is-active postgresql"});
  EXPECT_EQ(r.stdout_data, "active\n");
  EXPECT_EQ(r.exit_code, 0);
  // A restart of a failed unit is a start: half the restart time.
  EXPECT_EQ(took_, kHandshake + kCommand + SimDuration(1500) + kCommand);
  EXPECT_EQ(Hosts().Service("db-1", "postgresql")->since,
            Seconds(60) + SimDuration(305) + kHandshake + kCommand + SimDuration(1500));

  ASSERT_TRUE(Run({"db-1", "systemctl stop postgresql"}).exit_code == 0);
  EXPECT_EQ(took_, kHandshake + kCommand + SimDuration(1500));
  EXPECT_EQ(Hosts().Service("db-1", "postgresql")->state, world::ServiceState::kInactive);
}

TEST_F(SshTest, UptimeCatEchoHostname) {
  EXPECT_EQ(Out("uptime"),
            " 00:00:00 up 3 days,  4:05,  0 user,  load average: 0.42, 0.42, 0.42\n");
  EXPECT_EQ(Out("cat /etc/motd /etc/motd"), "welcome\nwelcome\n");
  CommandResponse r = Run({"db-1", "cat /etc"});
  EXPECT_EQ(r.stderr_data, "cat: /etc: Is a directory\n");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(Run({"db-1", "cat"}, "piped\n").stdout_data, "piped\n");
  EXPECT_EQ(Run({"-n", "db-1", "cat"}, "piped\n").stdout_data, "");
  r = Run({"db-1", "cat /var/log/postgresql/postgresql-15-main.log"});
  EXPECT_EQ(r.exit_code, 127);
  EXPECT_NE(r.stderr_data.find("bytes with no declared content) is not modelled"),
            std::string::npos);
  EXPECT_EQ(Out("hostname"), "db-1\n");
  EXPECT_EQ(Out("hostname -I"), Address() + " \n");
  EXPECT_EQ(Out("/usr/bin/true"), "");
}

// The clean-ups of runbooks/scripts/disk_space.py against a crowded root disk.
TEST_F(SshTest, DiskSpaceRunbookCleanupsFreeTheDisk) {
  model::HostSpec h;
  h.name = "db-2";
  model::DiskSpec root;
  root.size_bytes = 100 * kGiB;
  root.used_bytes = 52 * kGiB;
  h.disks = {root};
  auto file = [](std::string path, int64_t size, int64_t age_days) {
    model::FileSpec f;
    f.path = std::move(path);
    f.size_bytes = size;
    f.age = SimDuration(age_days * 86400000);
    return f;
  };
  h.files = {file("/tmp/orders-1.dump", 8 * kGiB, 22), file("/tmp/orders-2.dump", 8 * kGiB, 15),
             file("/tmp/pgbench.log", 300 * kMiB, 2),
             file("/var/log/postgresql/p-09.log.gz", 6 * kGiB, 52),
             file("/var/log/postgresql/p-10.log.gz", 5 * kGiB, 21)};
  h.journal_bytes = 6 * kGiB;
  h.journal_span = SimDuration(30 * 86400000LL);
  model::WorldSpec spec;
  spec.hosts = {h};
  TestContext context(7, spec);
  world::HostWorld& hosts = context.World().hosts();
  ASSERT_TRUE(hosts.WriteFile("db-2", "/var/lib/postgresql/pgsql_tmp.0", 9 * kGiB).ok());
  auto run = [&](const std::string& command) {
    CommandRequest request;
    request.argv = {"ssh", "-o", "BatchMode=yes", "-o", "ConnectTimeout=10", "db-2", command};
    return backend_.Handle(request, context);
  };
  EXPECT_EQ(run("df -P /").stdout_data,
            "Filesystem     1024-blocks     Used Available Capacity Mounted on\n"
            "/dev/sda1        104857600 98873344   5984256      95% /\n");
  for (const char* cleanup : {"find /tmp -type f -mtime +7 -delete", "journalctl --vacuum-time=3d",
                              "find /var/log -name '*.gz' -mtime +30 -delete"}) {
    const CommandResponse r = run(cleanup);
    EXPECT_EQ(r.exit_code, 0) << cleanup << ": " << r.stderr_data;
  }
  EXPECT_EQ(hosts.Stat("db-2", "/tmp/pgbench.log")->size_bytes, 300 * kMiB);
  EXPECT_FALSE(hosts.Stat("db-2", "/tmp/orders-2.dump").ok());
  EXPECT_TRUE(hosts.Stat("db-2", "/var/log/postgresql/p-10.log.gz").ok());
  // 48 files with heads 0.625 days apart: the 44 whose head is older than 3 days go.
  EXPECT_EQ(*hosts.JournalBytes("db-2"), 4 * 128 * kMiB);
  EXPECT_EQ(run("df -P /").stdout_data,
            "Filesystem     1024-blocks     Used Available Capacity Mounted on\n"
            "/dev/sda1        104857600 70037504  34820096      67% /\n");
}

TEST_F(SshTest, RemoteCommandsTakeTheirModelledTime) {
  EXPECT_EQ(Out("true; true; true"), "");
  EXPECT_EQ(took_, kHandshake + 3 * kCommand);
}

}  // namespace
}  // namespace rundrill::fakes
