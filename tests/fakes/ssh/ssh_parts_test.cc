// The pieces of the fake ssh on their own: its command line, the remote shell subset, and
// the number, size and time formats of the host's programs. Expected texts were checked
// against OpenSSH 9.2p1, coreutils 9.1, procps 4.0.2 and systemd 252 on Debian 12.

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "fakes/ssh/remote_formats.h"
#include "fakes/ssh/remote_shell.h"
#include "fakes/ssh/ssh_args.h"

namespace rundrill::fakes::ssh {
namespace {

SshArgs Parse(std::vector<std::string> args) { return ParseSshArgs(args); }

TEST(SshArgs, DestinationUserPortAndCommand) {
  const SshArgs a = Parse({"-q", "-o", "BatchMode=yes", "-oConnectTimeout=5", "-p", "2222",
                           "Deploy@DB-1", "-T", "df", "-h", "-q"});
  ASSERT_TRUE(a.invocation) << a.stderr_data;
  const SshInvocation& inv = *a.invocation;
  EXPECT_EQ(inv.destination, "db-1");
  EXPECT_EQ(*inv.user, "Deploy");
  EXPECT_EQ(*inv.port, 2222);
  EXPECT_TRUE(inv.quiet);
  EXPECT_TRUE(inv.no_tty);  // options right after the destination are ssh's
  EXPECT_EQ(*inv.batch_mode, true);
  EXPECT_EQ(*inv.connect_timeout, SimDuration(5000));
  EXPECT_EQ(inv.command, (std::vector<std::string>{"df", "-h", "-q"}));
}

TEST(SshArgs, FirstUserAndPortWin) {
  const SshArgs a = Parse(
      {"-l", "alice", "-o", "User bob", "-p", "22", "-o", "Port=2200", "carol@web-1", "true"});
  ASSERT_TRUE(a.invocation);
  EXPECT_EQ(*a.invocation->user, "alice");
  EXPECT_EQ(*a.invocation->port, 22);
}

TEST(SshArgs, DoubleDashEndsOptionsForGood) {
  const SshArgs a = Parse({"--", "web-1", "-q"});
  ASSERT_TRUE(a.invocation);
  EXPECT_FALSE(a.invocation->quiet);
  EXPECT_EQ(a.invocation->command, std::vector<std::string>{"-q"});
}

TEST(SshArgs, ErrorsAreSshsOwnWords) {
  EXPECT_EQ(Parse({}).stderr_data, kSshUsage);
  EXPECT_EQ(Parse({}).exit_code, 255);
  EXPECT_EQ(Parse({"-Z", "h"}).stderr_data, std::string("unknown option -- Z\r\n") + kSshUsage);
  EXPECT_EQ(Parse({"-p"}).stderr_data,
            std::string("option requires an argument -- p\r\n") + kSshUsage);
  EXPECT_EQ(Parse({"@h"}).stderr_data, kSshUsage);
  EXPECT_EQ(Parse({"-o", "Foo=bar", "h"}).stderr_data,
            "command-line: line 0: Bad configuration option: foo\r\n");
  EXPECT_EQ(Parse({"-o", "BatchMode", "h"}).stderr_data,
            "command-line line 0: no argument after keyword \"batchmode\"\r\n");
  EXPECT_EQ(Parse({"-o", "BatchMode=maybe", "h"}).stderr_data,
            "command-line line 0: unsupported option \"maybe\".\r\n");
  EXPECT_EQ(Parse({"-o", "ConnectTimeout=x", "h"}).stderr_data,
            "command-line line 0: invalid time value.\r\n");
  EXPECT_EQ(Parse({"-o", "LogLevel=foo", "h"}).stderr_data,
            "command-line line 0: unsupported log level 'foo'\r\n");
  EXPECT_EQ(Parse({"-o", "ServerAliveCountMax=x", "h"}).stderr_data,
            "command-line line 0: integer value invalid.\r\n");
  EXPECT_EQ(Parse({"-o", "Port=99999", "h"}).stderr_data,
            "command-line line 0: Bad port '99999'.\r\n");
  EXPECT_EQ(Parse({"-p", "x", "h"}).stderr_data, "Bad port 'x'\n");
  const SshArgs forward = Parse({"-L", "80:localhost:80", "h"});
  EXPECT_EQ(forward.stderr_data,
            "rundrill: ssh '-L' is not modelled; add a stub in the scenario\n");
  EXPECT_EQ(forward.exit_code, 255);
  EXPECT_EQ(Parse({"-o", "ControlMaster=auto", "h"}).stderr_data,
            "rundrill: ssh option '-o ControlMaster=auto' is not modelled; add a stub in the "
            "scenario\n");
}

TEST(SshArgs, AcceptedOptions) {
  const SshArgs a = Parse({"-o",  "StrictHostKeyChecking=accept-new",
                           "-o",  "UserKnownHostsFile=/dev/null",
                           "-o",  "ServerAliveInterval=10",
                           "-o",  "ServerAliveCountMax=2",
                           "-o",  "LogLevel=QUIET",
                           "-o",  "IdentitiesOnly=yes",
                           "-o",  "PasswordAuthentication=no",
                           "-i",  "~/.ssh/id_ed25519",
                           "-n",  "-x",
                           "-4",  "-v",
                           "-t",  "h",
                           "true"});
  ASSERT_TRUE(a.invocation) << a.stderr_data;
  EXPECT_TRUE(a.invocation->quiet);
  EXPECT_EQ(*a.invocation->server_alive_interval, SimDuration(10000));
  EXPECT_EQ(a.invocation->server_alive_count_max, 2);
  EXPECT_EQ(a.invocation->tty_requests, 1);
  EXPECT_TRUE(a.invocation->stdin_null);
  EXPECT_EQ(*a.invocation->strict_host_key_checking, "accept-new");
  EXPECT_EQ(*Parse({"-o", "ConnectTimeout=1m30s", "h"}).invocation->connect_timeout,
            SimDuration(90000));
  EXPECT_FALSE(Parse({"-o", "ConnectTimeout=0", "h"}).invocation->connect_timeout);
}

std::vector<std::string> Words(const ShellCommand& c) {
  std::vector<std::string> out;
  for (const ShellWord& w : c.words) out.push_back(w.text);
  return out;
}

TEST(SshShell, QuotesBackslashesAndConnectors) {
  const ShellScript s = ParseShell(
      "echo 'a  b' \"c;d\" e\\ f && false || echo x;echo \"q\\\"\\$\" # comment\necho last");
  ASSERT_EQ(s.not_modelled, "");
  ASSERT_EQ(s.commands.size(), 5u);
  EXPECT_EQ(Words(s.commands[0]), (std::vector<std::string>{"echo", "a  b", "c;d", "e f"}));
  EXPECT_EQ(s.commands[1].connector, Connector::kIfSuccess);
  EXPECT_EQ(s.commands[2].connector, Connector::kIfFailure);
  EXPECT_EQ(s.commands[3].connector, Connector::kAlways);
  EXPECT_EQ(Words(s.commands[3]), (std::vector<std::string>{"echo", "q\"$"}));
  EXPECT_EQ(Words(s.commands[4]), (std::vector<std::string>{"echo", "last"}));
  EXPECT_EQ(Words(ParseShell("echo ''").commands[0]), (std::vector<std::string>{"echo", ""}));
}

TEST(SshShell, GlobsRememberWhatWasQuoted) {
  const ShellScript s = ParseShell("ls /var/log/*.gz '/tmp/*' \"a?\"b*");
  ASSERT_EQ(s.not_modelled, "");
  const auto& w = s.commands[0].words;
  EXPECT_TRUE(w[1].HasGlob());
  EXPECT_FALSE(w[2].HasGlob());
  EXPECT_EQ(w[2].AsPattern(), "/tmp/\\*");
  EXPECT_TRUE(w[3].HasGlob());
  EXPECT_EQ(w[3].AsPattern(), "a\\?b*");
}

TEST(SshShell, ReportsWhatItDoesNotModel) {
  EXPECT_EQ(ParseShell("df | tail -1").not_modelled, "pipes ('|')");
  EXPECT_EQ(ParseShell("df > /tmp/x").not_modelled, "redirections ('>')");
  EXPECT_EQ(ParseShell("sleep 1 &").not_modelled, "background jobs ('&')");
  EXPECT_EQ(ParseShell("echo $HOME").not_modelled, "expansions ('$')");
  EXPECT_EQ(ParseShell("echo \"$(date)\"").not_modelled, "expansions ('$')");
  EXPECT_EQ(ParseShell("echo `date`").not_modelled, "command substitution ('`')");
  EXPECT_EQ(ParseShell("cd ~").not_modelled, "tilde expansion ('~')");
  EXPECT_EQ(ParseShell("if true; then echo; fi").not_modelled, "the shell keyword 'if'");
  EXPECT_EQ(ParseShell("X=1 env").not_modelled, "variable assignments ('X=')");
  EXPECT_EQ(ParseShell("echo 'open").not_modelled, "an unterminated quote (\"'\")");
  EXPECT_EQ(ParseShell("true &&").not_modelled,
            "a command line ending in '&&' or '||' (a syntax error)");
  EXPECT_EQ(ParseShell("; true").not_modelled,
            "an empty command before a separator (a syntax error)");
  EXPECT_EQ(ParseShell("echo $").not_modelled, "");  // a lone $ is literal
  EXPECT_EQ(ParseShell("echo a=b").not_modelled, "");
}

TEST(SshFormats, HumanReadableRoundsUpLikeGnulib) {
  EXPECT_EQ(HumanReadable(0, 4096, 1, Scale::kAuto), "0");
  EXPECT_EQ(HumanReadable(1, 4096, 1, Scale::kAuto), "4.0K");
  EXPECT_EQ(HumanReadable(5242880, 4096, 1, Scale::kAuto), "20G");
  EXPECT_EQ(HumanReadable(1514497, 4096, 1, Scale::kAuto), "5.8G");
  EXPECT_EQ(HumanReadable(3728383, 4096, 1, Scale::kAuto), "15G");
  EXPECT_EQ(HumanReadable(1023, 1, 1, Scale::kAuto), "1023");
  EXPECT_EQ(HumanReadable(1025, 1, 1, Scale::kAuto), "1.1K");
  EXPECT_EQ(HumanReadable(1048575, 1, 1, Scale::kAuto), "1.0M");  // 1023.99K rounds to 1.0M
  EXPECT_EQ(HumanReadable(5242880, 4096, 1024, Scale::kFixed), "20971520");
  EXPECT_EQ(HumanReadable(1025, 1, 1024, Scale::kFixed), "2");
}

TEST(SshFormats, SystemdBytesAndTimes) {
  EXPECT_EQ(SystemdBytes(0), "0B");
  EXPECT_EQ(SystemdBytes(1023), "1023B");
  EXPECT_EQ(SystemdBytes(8388608), "8.0M");
  EXPECT_EQ(SystemdBytes(4046848), "3.8M");  // observed on systemd 252
  EXPECT_EQ(SystemdBytes(16191488), "15.4M");
  const Epoch epoch;  // 2026-01-01T00:00:00Z, a Thursday
  EXPECT_EQ(SystemdTimestamp(epoch, SimTime(65000)), "Thu 2026-01-01 00:01:05 UTC");
  EXPECT_EQ(SystemdTimestamp(epoch, SimTime(-1000)), "Wed 2025-12-31 23:59:59 UTC");
  EXPECT_EQ(JournalTimestamp(epoch, SimTime(65000)), "Jan 01 00:01:05");
  // Observed with systemd-analyze timestamp on systemd 252.
  const std::vector<std::pair<int64_t, std::string>> relative = {
      {1, "1s ago"},
      {61, "1min 1s ago"},
      {301, "5min ago"},
      {3661, "1h 1min ago"},
      {21601, "6h ago"},
      {90000, "1 day 1h ago"},
      {172801, "2 days ago"},
      {8 * 86400, "1 week 1 day ago"},
      {40 * 86400, "1 month 9 days ago"},
      {400 * 86400, "1 year 1 month ago"}};
  for (const auto& [secs, text] : relative) {
    EXPECT_EQ(SystemdRelative(SimDuration(secs * 1000)), text) << secs;
  }
  EXPECT_EQ(SystemdRelative(SimDuration(5)), "5ms ago");
}

TEST(SshFormats, UptimeAsProcps402PrintsIt) {
  // Observed with procps 4.0.2 reading a planted /proc/uptime.
  const Epoch epoch;
  auto up = [&](int64_t secs) {
    return UptimeLine(epoch, SimTime(0), SimDuration(secs * 1000), 0, 0.2);
  };
  EXPECT_EQ(up(59), " 00:00:00 up 0 min,  0 user,  load average: 0.20, 0.20, 0.20");
  EXPECT_EQ(up(3600), " 00:00:00 up  1:00,  0 user,  load average: 0.20, 0.20, 0.20");
  EXPECT_EQ(up(86460), " 00:00:00 up 1 day, 1 min,  0 user,  load average: 0.20, 0.20, 0.20");
  EXPECT_EQ(up(176400), " 00:00:00 up 2 days,  1:00,  0 user,  load average: 0.20, 0.20, 0.20");
  EXPECT_EQ(UptimeLine(epoch, SimTime(3723000), SimDuration(0), 2, 1.5),
            " 01:02:03 up 0 min,  2 users,  load average: 1.50, 1.50, 1.50");
}

TEST(SshFormats, Quoting) {
  EXPECT_EQ(QuoteIfNeeded("/var/log/x.log"), "/var/log/x.log");
  EXPECT_EQ(QuoteIfNeeded("/tmp/a b"), "'/tmp/a b'");
  EXPECT_EQ(QuoteAlways("/x"), "'/x'");
  EXPECT_EQ(QuoteAlways("it's"), "'it'\\''s'");
  EXPECT_EQ(QuoteLocale("/x"), "\u2018/x\u2019");
}

}  // namespace
}  // namespace rundrill::fakes::ssh
