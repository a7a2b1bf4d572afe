#pragma once

// What a scenario's world holds besides Kubernetes: hosts reached over ssh, databases and
// their connections, services with their dependencies, credentials with expiry.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "simulator/core/sim_time.h"
#include "simulator/model/source_mark.h"

namespace rundrill::model {

// An amount per span of virtual time: `1G/h`, `5/m`.
struct Rate {
  double amount = 0;
  SimDuration per{SimDuration(3600000)};

  double PerMs() const { return per.count() > 0 ? amount / static_cast<double>(per.count()) : 0; }
  bool zero() const { return amount == 0; }
};

// A file on a host. Files count towards the use of the disk whose mount point is the
// longest prefix of their path.
struct FileSpec {
  std::string path;  // absolute, no trailing '/'
  int64_t size_bytes = 0;
  SimDuration age{SimDuration(0)};     // time since last modification, at time 0 (for -mtime)
  std::optional<std::string> content;  // what `cat` prints; absent: size_bytes of filler
  Rate growth;                         // bytes appended per span (a log being written)
  SourceMark mark;
};

struct DiskSpec {
  std::string mount = "/";
  std::string device;  // default "/dev/sda1", "/dev/sdb1", … in declaration order
  std::string filesystem = "ext4";
  int64_t size_bytes = 0;
  // Bytes in use at time 0 that belong to no declared file (the OS, the database's data).
  int64_t used_bytes = 0;
  Rate fill;  // growth of that unattributed use (data written that no cleanup can remove)
  SourceMark mark;
};

// A systemd unit on a host.
struct HostServiceSpec {
  std::string name;                             // "postgresql" (unit "postgresql.service")
  std::string state = "active";                 // active | inactive | failed
  std::string description;                      // systemctl status's first line
  SimDuration restart_time{SimDuration(2000)};  // how long `systemctl restart` takes
  SourceMark mark;
};

struct HostSpec {
  std::string name;     // what runbooks pass to ssh ("db-1")
  std::string address;  // shown in ssh's errors; default: a 10.0.x.y address derived from the name
  int port = 22;
  std::vector<std::string> users = {"root"};         // who may log in with the host's key
  SimDuration uptime{SimDuration(30LL * 86400000)};  // at time 0
  double load = 0.2;                                 // load average (all three figures)
  std::vector<DiskSpec> disks;                       // at least "/" (one is made if none)
  std::vector<HostServiceSpec> services;
  std::vector<FileSpec> files;
  int64_t journal_bytes = 0;                               // systemd journal under /var/log/journal
  SimDuration journal_span{SimDuration(30LL * 86400000)};  // age of its oldest entry
  SourceMark mark;
};

// A group of identical connections at time 0.
struct ConnectionSpec {
  int count = 1;
  std::string state = "idle";       // active | idle | idle in transaction
  SimDuration age{SimDuration(0)};  // since the connection was opened (and since its state began)
  std::string application;          // application_name
  std::string user = "app";
  SourceMark mark;
};

struct DatabaseSpec {
  std::string name;  // "orders"
  std::string host;  // a declared host, or "" when the database is not reached over ssh
  std::string engine = "postgresql";
  int max_connections = 100;
  std::vector<ConnectionSpec> connections;
  SourceMark mark;
};

// A service the metrics speak of: its health follows from the pods that serve it and from
// what it depends on.
struct ServiceSpec {
  std::string name;
  std::string deployment;               // "namespace/name" of the pods that serve it; "" if none
  std::vector<std::string> depends_on;  // names of services or databases
  double base_error_ratio = 0.001;      // when everything is healthy
  SimDuration base_p99{SimDuration(120)};
  SourceMark mark;
};

// Something a runbook proves who it is with. Undeclared credentials are valid forever.
struct CredentialSpec {
  enum class Kind { kKubeconfig, kSshKey, kSlackToken, kPagerDutyToken };
  Kind kind = Kind::kKubeconfig;
  std::string target;  // cluster name, host name, or "" for the Slack/PagerDuty token
  std::optional<SimTime> expires_at;
  SourceMark mark;
};

}  // namespace rundrill::model
