#pragma once

// The simulated hosts reached over ssh: disks that fill, files that grow, systemd units, the
// systemd journal, boots and crashes. Plain data plus the operations that change it; every
// figure is a function of virtual time (the wall clock is never read).
//
// Disk use = the disk's unattributed use (DiskSpec::used_bytes + fill rate × time the host
// was up) + the sizes of the files whose longest mount-point prefix is the disk's mount
// (journal files included). Growth (fill, file growth) happens only while the host is up and
// the disk has room: a full disk stops every grower on it at the instant it fills, and they
// resume when space is freed. Files keep an mtime: `now - age` at time 0, "now" for a file
// that is growing, the instant of the last write otherwise.
//
// The journal is modelled as journald stores it: archived files of at most 128 MiB plus the
// active system.journal, under /var/log/journal/<machine-id>/, entries spread evenly over
// `journal_span` before time 0. It does not grow during the drill.
//
// Not modelled: open file handles (a deleted file frees its space at once, even while
// "written"), reserved blocks (avail = size - used), inodes, permissions and owners, links,
// the link between a unit and the files it writes (a stopped unit's log keeps growing).

#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "simulator/core/sim_time.h"
#include "simulator/core/status.h"
#include "simulator/model/infra.h"

namespace rundrill::world {

enum class ServiceState { kActive, kInactive, kFailed };
std::string_view ServiceStateName(ServiceState state);  // "active", "inactive", "failed"

// How a running unit stopped: a failure (a fault, its process dying) leaves it `failed`; a
// request (`systemctl stop`) leaves it `inactive`.
enum class StopReason { kFailure, kRequest };

// One mounted file system, at Now().
struct DiskUsage {
  std::string mount;       // "/var/lib/postgresql"
  std::string device;      // "/dev/sdb1"
  std::string filesystem;  // "ext4"
  int64_t size_bytes = 0;
  int64_t used_bytes = 0;   // never above size_bytes
  int64_t avail_bytes = 0;  // size_bytes - used_bytes: reserved blocks are not modelled
};

// A line systemd wrote to the journal about a unit (what `systemctl status` shows under it).
struct UnitLogLine {
  SimTime at{0};
  std::string message;  // "Started nginx.service - nginx web server."
};

struct ServiceStatus {
  std::string name;  // "postgresql", without ".service"
  std::string description;
  ServiceState state = ServiceState::kActive;
  SimTime since{0};                 // when `state` began (the boot time for untouched units)
  bool changed_since_boot = false;  // false: still in the state the host booted it into
  int main_pid = 0;                 // of the running process, or of the last one that exited
  SimDuration restart_time{0};
  std::vector<UnitLogLine> log;  // since the last boot, oldest first
};

struct HostInfo {
  std::string name;
  std::string address;  // IPv4, as ssh prints it in its errors
  int port = 22;
  std::vector<std::string> users;  // who may log in with the host's key
  bool up = true;
  SimTime boot_time{0};    // negative: booted before the drill began
  SimDuration uptime{0};   // 0 while down
  int boots = 0;           // boots since time 0: a session notices a reboot by this changing
  double load = 0;         // load average, all three figures
  std::string machine_id;  // 32 hex digits, names the journal's directory
};

// A file or directory as find, du and cat see it at Now().
struct FileEntry {
  std::string path;
  bool directory = false;
  bool mount_point = false;
  int64_t size_bytes = 0;       // apparent size; 4096 for a directory
  int64_t allocated_bytes = 0;  // whole 4 KiB blocks: what du counts
  SimTime mtime{0};
  bool has_content = false;  // declared content (else cat prints filler)
  bool journal = false;      // a systemd journal file
};

struct JournalFile {
  std::string path;
  int64_t bytes = 0;     // allocated, as journalctl reports it
  SimTime head{0};       // time of its first entry
  bool archived = true;  // false: the active system.journal, which vacuuming never removes
};

struct JournalVacuum {
  std::vector<JournalFile> deleted;  // oldest first
  int64_t freed_bytes = 0;
};

// What `find` selects; every listed test must hold (find's implicit -a).
struct FindQuery {
  enum class Type { kAny, kFile, kDirectory };
  enum class Compare { kLess, kEqual, kGreater };  // find's -N, N, +N
  struct Mtime {
    Compare compare = Compare::kEqual;
    int64_t days = 0;  // whole days of age, fractions dropped
  };
  struct Size {
    Compare compare = Compare::kEqual;
    int64_t units = 0;
    int64_t unit_bytes = 512;  // the size is rounded up to whole units first
  };
  Type type = Type::kAny;
  std::vector<std::string> names;  // -name globs on the last component
  std::vector<Mtime> mtimes;
  std::vector<Size> sizes;
  std::optional<int> max_depth;
  std::optional<int> min_depth;
};

class HostWorld {
 public:
  explicit HostWorld(Epoch epoch);

  // Sets up the hosts at time 0. Fills in defaults: the address (10.0.x.y derived from the
  // name), a root disk when "/" is not declared (32 GiB, 4 GiB used), devices /dev/sda1,
  // /dev/sdb1… in declaration order. Fails with InvalidInput on duplicate names, mounts or
  // addresses, relative paths, and disks holding more than their size.
  Status Build(const std::vector<model::HostSpec>& hosts);
  // Lets disks fill and files grow up to `t` (never moves backwards).
  void AdvanceTo(SimTime t);
  SimTime Now() const { return now_; }
  const Epoch& epoch() const { return epoch_; }
  // Every host at Now(), keys sorted, times in ms (`*_ms`).
  nlohmann::json Snapshot() const;

  // ---- Queries, at Now(). Unknown hosts, units and paths give Status::InvalidInput.
  // Host names in declaration order.
  std::vector<std::string> HostNames() const;
  bool HasHost(const std::string& host) const;
  // The host whose address is `address`, if any.
  std::optional<std::string> HostByAddress(const std::string& address) const;
  StatusOr<HostInfo> Host(const std::string& host) const;
  StatusOr<bool> IsUp(const std::string& host) const;
  // Mounted file systems in declaration order (the made-up root first when there is one).
  StatusOr<std::vector<DiskUsage>> Disks(const std::string& host) const;
  // The file system holding `path` (its longest mount-point prefix).
  StatusOr<DiskUsage> DiskOf(const std::string& host, const std::string& path) const;
  // Units in declaration order.
  StatusOr<std::vector<ServiceStatus>> Services(const std::string& host) const;
  // `unit` may be "nginx" or "nginx.service".
  StatusOr<ServiceStatus> Service(const std::string& host, const std::string& unit) const;
  StatusOr<int64_t> JournalBytes(const std::string& host) const;
  // Oldest first; the active file last.
  StatusOr<std::vector<JournalFile>> JournalFiles(const std::string& host) const;
  // A file or directory. Directories exist where a declared file, the journal or a mount
  // point implies them.
  StatusOr<FileEntry> Stat(const std::string& host, const std::string& path) const;
  // `root` and everything below it, depth first, each directory's entries sorted by name
  // (real file systems list them in no particular order; sorting keeps drills reproducible).
  StatusOr<std::vector<FileEntry>> Walk(const std::string& host, const std::string& root) const;
  // The entries of Walk(root) that `query` selects (min/max depth counted from `root`).
  StatusOr<std::vector<FileEntry>> Find(const std::string& host, const std::string& root,
                                        const FindQuery& query) const;
  // A regular file's declared content, or `size_bytes` of filler text when it has none.
  StatusOr<std::string> ReadFile(const std::string& host, const std::string& path) const;

  // ---- Operations, at Now().
  // Host down: nothing answers, nothing grows. Crashing a down host changes nothing.
  Status Crash(const std::string& host);
  // Host up (a reboot when it was up): uptime from 0, units back in the state they were
  // declared with, their logs cleared.
  Status Boot(const std::string& host);
  Status StopService(const std::string& host, const std::string& unit,
                     StopReason reason = StopReason::kFailure);
  Status StartService(const std::string& host, const std::string& unit);
  Status RestartService(const std::string& host, const std::string& unit);
  // A burst of writes: creates the file (and its directories) or appends to it; mtime now.
  // Writes stop when the disk is full, as write(2) stops at ENOSPC.
  Status WriteFile(const std::string& host, const std::string& path, int64_t bytes);
  // Removes a file, or an empty directory that is not a mount point.
  Status DeleteFile(const std::string& host, const std::string& path);
  // journalctl --vacuum-time: removes archived files, oldest first, while their first entry
  // is older than `keep` (journald's rule: a file goes when its head is too old, whatever
  // else it holds).
  StatusOr<JournalVacuum> VacuumJournalByTime(const std::string& host, SimDuration keep);
  // journalctl --vacuum-size: removes archived files, oldest first, until the archived
  // files (the active one is not counted) take at most `max_bytes`.
  StatusOr<JournalVacuum> VacuumJournalBySize(const std::string& host, int64_t max_bytes);

 private:
  // Bytes that grow linearly from `anchor` while active; re-anchored whenever activity
  // changes, so rounding never accumulates across many small steps.
  struct Grower {
    int64_t base = 0;
    SimTime anchor{0};
    model::Rate rate;
    bool grows() const { return rate.amount > 0 && rate.per.count() > 0; }
    int64_t At(SimTime t, bool active) const;
  };
  enum class JournalRole { kNone, kArchived, kActive };
  struct File {
    size_t disk = 0;
    Grower size;
    SimTime mtime{0};  // of the last write (growing files report their anchor or now)
    std::optional<std::string> content;
    JournalRole journal = JournalRole::kNone;
    SimTime journal_head{0};
  };
  struct Disk {
    std::string mount, device, filesystem;
    int64_t size_bytes = 0;
    Grower fill;
    bool full = false;
  };
  struct Unit {
    model::HostServiceSpec spec;
    ServiceState state = ServiceState::kActive;
    SimTime since{0};
    bool changed = false;
    int main_pid = 0;
    int starts = 0;
    std::vector<UnitLogLine> log;
  };
  struct HostState {
    model::HostSpec spec;  // address filled in
    std::string machine_id;
    bool up = true;
    SimTime boot_time{0};
    int boots = 0;
    std::vector<Disk> disks;
    std::vector<Unit> units;              // declaration order
    std::map<std::string, File> files;    // by path
    std::map<std::string, SimTime> dirs;  // by path, with their mtime
  };

  HostState* Find(const std::string& host);
  const HostState* Find(const std::string& host) const;
  static Status UnknownHost(const std::string& host);
  static Unit* FindUnit(HostState& h, const std::string& unit);
  static const Unit* FindUnit(const HostState& h, const std::string& unit);
  static size_t DiskIndexFor(const HostState& h, const std::string& path);
  static bool GrowsOn(const HostState& h, const Disk& d) { return h.up && !d.full; }
  int64_t UsedAt(const HostState& h, size_t disk, SimTime t) const;
  // Re-anchors every grower on `disk` at now_ (call before changing what makes it grow).
  void Reanchor(HostState& h, size_t disk);
  // Space was freed on `disk`: a full disk starts growing again.
  void Freed(HostState& h, size_t disk);
  void AddDirs(HostState& h, const std::string& path, SimTime mtime);
  void BuildJournal(HostState& h, int64_t bytes, SimDuration span);
  FileEntry EntryFor(const HostState& h, const std::string& path) const;
  StatusOr<JournalVacuum> RemoveJournalFiles(HostState& h, const std::vector<std::string>& paths);
  int NextPid(const HostState& h, const Unit& u) const;
  void Log(HostState& h, Unit& u, const std::string& message);
  ServiceStatus StatusOf(const HostState& h, const Unit& u) const;

  Epoch epoch_;
  SimTime now_{0};
  std::vector<HostState> hosts_;  // declaration order
};

}  // namespace rundrill::world
