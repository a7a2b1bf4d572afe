#include "simulator/world/host/host_world.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <set>

#include "simulator/core/random.h"
#include "simulator/world/host/host_paths.h"

namespace rundrill::world {
namespace {

constexpr int64_t kBlock = 4096;
constexpr int64_t kDirectoryBytes = 4096;
// journald's default SystemMaxFileSize ceiling: the journal rotates into files this big.
constexpr int64_t kJournalFileBytes = int64_t{128} << 20;
constexpr int64_t kDefaultRootBytes = int64_t{32} << 30;
constexpr int64_t kDefaultRootUsed = int64_t{4} << 30;

int64_t RoundUpToBlock(int64_t bytes) { return (bytes + kBlock - 1) / kBlock * kBlock; }

std::string Where(const model::SourceMark& mark) {
  return mark.file.empty() ? std::string() : mark.ToString() + ": ";
}

std::string Hex(uint64_t value, int digits) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%0*llx", digits, static_cast<unsigned long long>(value));
  return std::string(buf).substr(0, static_cast<size_t>(digits));
}

// Linux names disks sda, sdb, … sdz, sdaa, sdab, …
std::string DeviceName(size_t index) {
  std::string letters;
  size_t n = index + 1;
  while (n > 0) {
    --n;
    letters.insert(letters.begin(), static_cast<char>('a' + n % 26));
    n /= 26;
  }
  return "/dev/sd" + letters + "1";
}

std::string DerivedAddress(const std::string& name, int attempt) {
  const uint64_t h = StableHash(attempt == 0 ? name : name + "#" + std::to_string(attempt));
  return "10.0." + std::to_string(h % 256) + "." + std::to_string(1 + (h >> 8) % 254);
}

std::optional<ServiceState> ParseState(const std::string& text) {
  if (text == "active") return ServiceState::kActive;
  if (text == "inactive") return ServiceState::kInactive;
  if (text == "failed") return ServiceState::kFailed;
  return std::nullopt;
}

std::string UnitName(const std::string& unit) {
  constexpr std::string_view kSuffix = ".service";
  if (unit.size() > kSuffix.size() &&
      unit.compare(unit.size() - kSuffix.size(), kSuffix.size(), kSuffix) == 0) {
    return unit.substr(0, unit.size() - kSuffix.size());
  }
  return unit;
}

// systemd 252 names a unit in its messages as "id - description".
std::string UnitTitle(const model::HostServiceSpec& spec) {
  const std::string id = spec.name + ".service";
  return spec.description.empty() ? id : id + " - " + spec.description;
}

int64_t FloorDiv(int64_t a, int64_t b) {
  const int64_t q = a / b;
  return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

bool Compare(FindQuery::Compare how, int64_t value, int64_t against) {
  switch (how) {
    case FindQuery::Compare::kLess:
      return value < against;
    case FindQuery::Compare::kEqual:
      return value == against;
    case FindQuery::Compare::kGreater:
      return value > against;
  }
  return false;
}

// Component-wise order, so a directory's entries follow it directly (a plain string order
// would put "/a-b" between "/a" and "/a/x").
bool PathLess(const std::string& a, const std::string& b) {
  size_t i = 0, j = 0;
  while (i < a.size() && j < b.size()) {
    size_t ei = a.find('/', i + 1);
    size_t ej = b.find('/', j + 1);
    if (ei == std::string::npos) ei = a.size();
    if (ej == std::string::npos) ej = b.size();
    const int c = a.compare(i, ei - i, b, j, ej - j);
    if (c != 0) return c < 0;
    i = ei;
    j = ej;
  }
  return a.size() - i < b.size() - j;
}

int Depth(const std::string& path, const std::string& root) {
  if (path == root) return 0;
  const std::string_view rest = std::string_view(path).substr(root == "/" ? 0 : root.size());
  return static_cast<int>(std::count(rest.begin(), rest.end(), '/'));
}

}  // namespace

std::string_view ServiceStateName(ServiceState state) {
  switch (state) {
    case ServiceState::kActive:
      return "active";
    case ServiceState::kInactive:
      return "inactive";
    case ServiceState::kFailed:
      return "failed";
  }
  return "active";
}

int64_t HostWorld::Grower::At(SimTime t, bool active) const {
  if (!active || !grows() || t <= anchor) return base;
  // amount × elapsed first: exact in a double for whole-byte rates over any drill's span.
  const double grown = rate.amount * static_cast<double>((t - anchor).count()) /
                       static_cast<double>(rate.per.count());
  return base + static_cast<int64_t>(std::floor(grown));
}

HostWorld::HostWorld(Epoch epoch) : epoch_(epoch) {}

Status HostWorld::Build(const std::vector<model::HostSpec>& specs) {
  hosts_.clear();
  now_ = SimTime(0);
  std::set<std::string> addresses;
  for (const model::HostSpec& spec : specs) {
    const std::string where = Where(spec.mark) + "host \"" + spec.name + "\"";
    if (spec.name.empty()) return Status::InvalidInput(Where(spec.mark) + "a host needs a name");
    if (Find(spec.name) != nullptr) return Status::InvalidInput(where + " is declared twice");
    if (spec.port <= 0 || spec.port > 65535) {
      return Status::InvalidInput(where + ": port must be in 1..65535");
    }
    if (spec.uptime < SimDuration(0)) return Status::InvalidInput(where + ": negative uptime");
    HostState h;
    h.spec = spec;
    if (h.spec.address.empty()) {
      for (int attempt = 0;; ++attempt) {
        h.spec.address = DerivedAddress(spec.name, attempt);
        if (addresses.count(h.spec.address) == 0) break;
      }
    } else if (addresses.count(h.spec.address) != 0) {
      return Status::InvalidInput(where + ": address " + h.spec.address + " is used twice");
    }
    addresses.insert(h.spec.address);
    h.machine_id = Hex(StableHash(spec.name, 0x6d616368696e6531ULL), 16) +
                   Hex(StableHash(spec.name, 0x6d616368696e6532ULL), 16);
    h.boot_time = SimTime(0) - spec.uptime;
    h.dirs["/"] = h.boot_time;

    bool has_root = false;
    for (const model::DiskSpec& d : spec.disks) has_root |= NormalizePath(d.mount) == "/";
    std::vector<model::DiskSpec> disks = spec.disks;
    if (!has_root) {
      model::DiskSpec root;
      root.size_bytes = kDefaultRootBytes;
      root.used_bytes = kDefaultRootUsed;
      disks.insert(disks.begin(), root);
    }
    for (size_t i = 0; i < disks.size(); ++i) {
      const model::DiskSpec& ds = disks[i];
      const std::string dwhere =
          Where(ds.mark) + "host \"" + spec.name + "\" disk \"" + ds.mount + "\"";
      const auto mount = NormalizePath(ds.mount);
      if (!mount) return Status::InvalidInput(dwhere + ": the mount point must be absolute");
      for (const Disk& other : h.disks) {
        if (other.mount == *mount) return Status::InvalidInput(dwhere + " is declared twice");
      }
      if (ds.size_bytes <= 0) return Status::InvalidInput(dwhere + " needs a positive size");
      if (ds.used_bytes < 0) return Status::InvalidInput(dwhere + ": negative used bytes");
      Disk disk;
      disk.mount = *mount;
      disk.device = ds.device.empty() ? DeviceName(i) : ds.device;
      disk.filesystem = ds.filesystem;
      disk.size_bytes = ds.size_bytes;
      disk.fill = Grower{ds.used_bytes, SimTime(0), ds.fill};
      h.disks.push_back(disk);
      AddDirs(h, disk.mount, h.boot_time);
    }

    for (const model::HostServiceSpec& us : spec.services) {
      const std::string uwhere =
          Where(us.mark) + "host \"" + spec.name + "\" service \"" + us.name + "\"";
      Unit u;
      u.spec = us;
      u.spec.name = UnitName(us.name);
      if (u.spec.name.empty()) return Status::InvalidInput(uwhere + " needs a name");
      if (FindUnit(h, u.spec.name) != nullptr) {
        return Status::InvalidInput(uwhere + " is declared twice");
      }
      const auto state = ParseState(us.state);
      if (!state) {
        return Status::InvalidInput(uwhere + ": state must be active, inactive or failed, not \"" +
                                    us.state + "\"");
      }
      u.state = *state;
      u.since = h.boot_time;
      u.main_pid = NextPid(h, u);
      h.units.push_back(std::move(u));
    }

    for (const model::FileSpec& fs : spec.files) {
      const std::string fwhere =
          Where(fs.mark) + "host \"" + spec.name + "\" file \"" + fs.path + "\"";
      const auto path = NormalizePath(fs.path);
      if (!path || *path == "/")
        return Status::InvalidInput(fwhere + ": the path must be absolute");
      if (h.files.count(*path) != 0) return Status::InvalidInput(fwhere + " is declared twice");
      if (fs.size_bytes < 0) return Status::InvalidInput(fwhere + ": negative size");
      File f;
      f.disk = DiskIndexFor(h, *path);
      int64_t size = fs.size_bytes;
      if (fs.content && size == 0) size = static_cast<int64_t>(fs.content->size());
      f.size = Grower{size, SimTime(0), fs.growth};
      f.mtime = SimTime(0) - fs.age;
      f.content = fs.content;
      h.files[*path] = f;
      AddDirs(h, ParentPath(*path), h.boot_time);
    }
    BuildJournal(h, spec.journal_bytes, spec.journal_span);

    // A directory's mtime is that of its newest entry (written last), else the boot.
    std::map<std::string, SimTime> newest;
    for (const auto& [path, file] : h.files) {
      if (h.dirs.count(path) != 0) {
        return Status::InvalidInput(Where(spec.mark) + "host \"" + spec.name + "\": \"" + path +
                                    "\" is both a file and a directory");
      }
      auto [it, fresh] = newest.emplace(ParentPath(path), file.mtime);
      if (!fresh) it->second = std::max(it->second, file.mtime);
    }
    for (const auto& [dir, mtime] : newest) h.dirs[dir] = mtime;
    for (size_t i = 0; i < h.disks.size(); ++i) {
      const int64_t used = UsedAt(h, i, SimTime(0));
      if (used > h.disks[i].size_bytes) {
        return Status::InvalidInput(where + ": disk \"" + h.disks[i].mount + "\" holds " +
                                    std::to_string(used) + " bytes, more than its size " +
                                    std::to_string(h.disks[i].size_bytes));
      }
      h.disks[i].full = used == h.disks[i].size_bytes;
    }
    hosts_.push_back(std::move(h));
  }
  return Status::Ok();
}

void HostWorld::BuildJournal(HostState& h, int64_t bytes, SimDuration span) {
  const std::string dir = "/var/log/journal/" + h.machine_id;
  AddDirs(h, dir, h.boot_time);
  if (bytes <= 0) return;
  const int64_t count = (bytes + kJournalFileBytes - 1) / kJournalFileBytes;
  const std::string seqnum_id = Hex(StableHash(h.spec.name, 0x7365716e756d3161ULL), 16) +
                                Hex(StableHash(h.spec.name, 0x7365716e756d3262ULL), 16);
  auto time_at = [&](int64_t offset) {
    const double fraction = static_cast<double>(offset) / static_cast<double>(bytes);
    return SimTime(0) - span +
           SimDuration(
               static_cast<int64_t>(std::floor(fraction * static_cast<double>(span.count()))));
  };
  for (int64_t i = 0; i < count; ++i) {
    const int64_t start = i * kJournalFileBytes;
    const int64_t size = std::min(kJournalFileBytes, bytes - start);
    File f;
    f.journal_head = time_at(start);
    f.mtime = time_at(start + size);
    f.size = Grower{size, SimTime(0), {}};
    std::string name;
    if (i + 1 < count) {
      f.journal = JournalRole::kArchived;
      // Entries average about 1 KiB, which sets the head sequence numbers.
      const uint64_t head_seqnum = 1 + static_cast<uint64_t>(start / 1024);
      const int64_t realtime_us = (epoch_.unix_seconds * 1000 + f.journal_head.count()) * 1000;
      name = "system@" + seqnum_id + "-" + Hex(head_seqnum, 16) + "-" +
             Hex(static_cast<uint64_t>(realtime_us), 16) + ".journal";
    } else {
      f.journal = JournalRole::kActive;
      name = "system.journal";
    }
    const std::string path = dir + "/" + name;
    f.disk = DiskIndexFor(h, path);
    h.files[path] = f;
  }
}

void HostWorld::AddDirs(HostState& h, const std::string& path, SimTime mtime) {
  std::string p = path;
  while (true) {
    if (!h.dirs.emplace(p, mtime).second) break;
    if (p == "/") break;
    p = ParentPath(p);
  }
}

HostWorld::HostState* HostWorld::Find(const std::string& host) {
  for (HostState& h : hosts_) {
    if (h.spec.name == host) return &h;
  }
  return nullptr;
}

const HostWorld::HostState* HostWorld::Find(const std::string& host) const {
  return const_cast<HostWorld*>(this)->Find(host);
}

Status HostWorld::UnknownHost(const std::string& host) {
  return Status::InvalidInput("unknown host \"" + host + "\"");
}

HostWorld::Unit* HostWorld::FindUnit(HostState& h, const std::string& unit) {
  const std::string name = UnitName(unit);
  for (Unit& u : h.units) {
    if (u.spec.name == name) return &u;
  }
  return nullptr;
}

const HostWorld::Unit* HostWorld::FindUnit(const HostState& h, const std::string& unit) {
  return FindUnit(const_cast<HostState&>(h), unit);
}

size_t HostWorld::DiskIndexFor(const HostState& h, const std::string& path) {
  size_t best = 0;
  size_t best_len = 0;
  for (size_t i = 0; i < h.disks.size(); ++i) {
    const std::string& mount = h.disks[i].mount;
    if (IsUnder(path, mount) && mount.size() >= best_len) {
      best = i;
      best_len = mount.size();
    }
  }
  return best;
}

int64_t HostWorld::UsedAt(const HostState& h, size_t disk, SimTime t) const {
  const Disk& d = h.disks[disk];
  const bool active = GrowsOn(h, d);
  int64_t used = d.fill.At(t, active);
  for (const auto& [path, f] : h.files) {
    if (f.disk == disk) used += f.size.At(t, active);
  }
  return used;
}

void HostWorld::Reanchor(HostState& h, size_t disk) {
  Disk& d = h.disks[disk];
  const bool active = GrowsOn(h, d);
  d.fill = Grower{d.fill.At(now_, active), now_, d.fill.rate};
  for (auto& [path, f] : h.files) {
    if (f.disk != disk) continue;
    // A file that was growing was written up to this instant.
    if (active && f.size.grows()) f.mtime = std::max(f.mtime, now_);
    f.size = Grower{f.size.At(now_, active), now_, f.size.rate};
  }
}

void HostWorld::Freed(HostState& h, size_t disk) {
  Disk& d = h.disks[disk];
  if (!d.full) return;
  if (UsedAt(h, disk, now_) >= d.size_bytes) return;
  Reanchor(h, disk);
  d.full = false;
}

void HostWorld::AdvanceTo(SimTime t) {
  if (t <= now_) return;
  for (HostState& h : hosts_) {
    if (!h.up) continue;
    for (size_t i = 0; i < h.disks.size(); ++i) {
      Disk& d = h.disks[i];
      if (d.full || UsedAt(h, i, t) < d.size_bytes) continue;
      // Use is non-decreasing in time: bisect for the first millisecond the disk is full.
      SimTime lo = now_;
      SimTime hi = t;
      while ((hi - lo).count() > 1) {
        const SimTime mid = lo + (hi - lo) / 2;
        if (UsedAt(h, i, mid) >= d.size_bytes) {
          hi = mid;
        } else {
          lo = mid;
        }
      }
      int64_t overflow = UsedAt(h, i, hi) - d.size_bytes;
      d.fill = Grower{d.fill.At(hi, true), hi, d.fill.rate};
      for (auto& [path, f] : h.files) {
        if (f.disk != i) continue;
        if (f.size.grows()) f.mtime = std::max(f.mtime, hi);
        f.size = Grower{f.size.At(hi, true), hi, f.size.rate};
      }
      // The last millisecond overshoots by a few bytes; a full disk holds exactly its size.
      const int64_t from_fill = std::min(overflow, std::max<int64_t>(0, d.fill.base));
      d.fill.base -= from_fill;
      overflow -= from_fill;
      for (auto& [path, f] : h.files) {
        if (overflow == 0) break;
        if (f.disk != i || !f.size.grows()) continue;
        const int64_t take = std::min(overflow, f.size.base);
        f.size.base -= take;
        overflow -= take;
      }
      d.full = true;
    }
  }
  now_ = t;
}

// ---------------------------------------------------------------------------- queries

std::vector<std::string> HostWorld::HostNames() const {
  std::vector<std::string> names;
  for (const HostState& h : hosts_) names.push_back(h.spec.name);
  return names;
}

bool HostWorld::HasHost(const std::string& host) const { return Find(host) != nullptr; }

std::optional<std::string> HostWorld::HostByAddress(const std::string& address) const {
  for (const HostState& h : hosts_) {
    if (h.spec.address == address) return h.spec.name;
  }
  return std::nullopt;
}

StatusOr<HostInfo> HostWorld::Host(const std::string& host) const {
  const HostState* h = Find(host);
  if (h == nullptr) return UnknownHost(host);
  HostInfo info;
  info.name = h->spec.name;
  info.address = h->spec.address;
  info.port = h->spec.port;
  info.users = h->spec.users;
  info.up = h->up;
  info.boot_time = h->boot_time;
  info.uptime = h->up ? now_ - h->boot_time : SimDuration(0);
  info.boots = h->boots;
  info.load = h->spec.load;
  info.machine_id = h->machine_id;
  return info;
}

StatusOr<bool> HostWorld::IsUp(const std::string& host) const {
  const HostState* h = Find(host);
  if (h == nullptr) return UnknownHost(host);
  return h->up;
}

StatusOr<std::vector<DiskUsage>> HostWorld::Disks(const std::string& host) const {
  const HostState* h = Find(host);
  if (h == nullptr) return UnknownHost(host);
  std::vector<DiskUsage> out;
  for (size_t i = 0; i < h->disks.size(); ++i) {
    const Disk& d = h->disks[i];
    const int64_t used = std::min(UsedAt(*h, i, now_), d.size_bytes);
    out.push_back(
        DiskUsage{d.mount, d.device, d.filesystem, d.size_bytes, used, d.size_bytes - used});
  }
  return out;
}

StatusOr<DiskUsage> HostWorld::DiskOf(const std::string& host, const std::string& path) const {
  const HostState* h = Find(host);
  if (h == nullptr) return UnknownHost(host);
  const auto norm = NormalizePath(path);
  if (!norm) return Status::InvalidInput("not an absolute path: \"" + path + "\"");
  auto disks = Disks(host);
  return (*disks)[DiskIndexFor(*h, *norm)];
}

ServiceStatus HostWorld::StatusOf(const HostState&, const Unit& u) const {
  ServiceStatus s;
  s.name = u.spec.name;
  s.description = u.spec.description;
  s.state = u.state;
  s.since = u.since;
  s.changed_since_boot = u.changed;
  s.main_pid = u.main_pid;
  s.restart_time = u.spec.restart_time;
  s.log = u.log;
  return s;
}

StatusOr<std::vector<ServiceStatus>> HostWorld::Services(const std::string& host) const {
  const HostState* h = Find(host);
  if (h == nullptr) return UnknownHost(host);
  std::vector<ServiceStatus> out;
  for (const Unit& u : h->units) out.push_back(StatusOf(*h, u));
  return out;
}

StatusOr<ServiceStatus> HostWorld::Service(const std::string& host, const std::string& unit) const {
  const HostState* h = Find(host);
  if (h == nullptr) return UnknownHost(host);
  const Unit* u = FindUnit(*h, unit);
  if (u == nullptr) {
    return Status::InvalidInput("unknown unit \"" + unit + "\" on host \"" + host + "\"");
  }
  return StatusOf(*h, *u);
}

StatusOr<std::vector<JournalFile>> HostWorld::JournalFiles(const std::string& host) const {
  const HostState* h = Find(host);
  if (h == nullptr) return UnknownHost(host);
  std::vector<JournalFile> out;
  for (const auto& [path, f] : h->files) {
    if (f.journal == JournalRole::kNone) continue;
    out.push_back(JournalFile{path, RoundUpToBlock(f.size.base), f.journal_head,
                              f.journal == JournalRole::kArchived});
  }
  // Oldest first, the active file (being written) last.
  std::stable_sort(out.begin(), out.end(), [](const JournalFile& a, const JournalFile& b) {
    if (a.archived != b.archived) return a.archived;
    return a.head < b.head;
  });
  return out;
}

StatusOr<int64_t> HostWorld::JournalBytes(const std::string& host) const {
  auto files = JournalFiles(host);
  if (!files.ok()) return files.status();
  int64_t total = 0;
  for (const JournalFile& f : *files) total += f.bytes;
  return total;
}

FileEntry HostWorld::EntryFor(const HostState& h, const std::string& path) const {
  FileEntry e;
  e.path = path;
  if (auto dir = h.dirs.find(path); dir != h.dirs.end()) {
    e.directory = true;
    for (const Disk& d : h.disks) e.mount_point |= d.mount == path;
    e.size_bytes = e.allocated_bytes = kDirectoryBytes;
    e.mtime = dir->second;
    return e;
  }
  const File& f = h.files.at(path);
  const bool grows = GrowsOn(h, h.disks[f.disk]);
  e.size_bytes = f.size.At(now_, grows);
  e.allocated_bytes = RoundUpToBlock(e.size_bytes);
  const bool written_now = (f.size.grows() && grows) || (f.journal == JournalRole::kActive && h.up);
  e.mtime = written_now ? now_ : f.mtime;
  e.has_content = f.content.has_value();
  e.journal = f.journal != JournalRole::kNone;
  return e;
}

StatusOr<FileEntry> HostWorld::Stat(const std::string& host, const std::string& path) const {
  const HostState* h = Find(host);
  if (h == nullptr) return UnknownHost(host);
  const auto norm = NormalizePath(path);
  if (!norm || (h->files.count(*norm) == 0 && h->dirs.count(*norm) == 0)) {
    return Status::InvalidInput("no such file or directory on host \"" + host + "\": \"" + path +
                                "\"");
  }
  return EntryFor(*h, *norm);
}

StatusOr<std::vector<FileEntry>> HostWorld::Walk(const std::string& host,
                                                 const std::string& root) const {
  auto top = Stat(host, root);
  if (!top.ok()) return top.status();
  const HostState& h = *Find(host);
  std::vector<FileEntry> out;
  if (!top->directory) {
    out.push_back(*top);
    return out;
  }
  std::vector<std::string> paths;
  const std::string prefix = top->path == "/" ? "/" : top->path + "/";
  for (auto it = h.dirs.lower_bound(prefix); it != h.dirs.end() && IsUnder(it->first, top->path);
       ++it) {
    if (it->first != top->path) paths.push_back(it->first);
  }
  for (auto it = h.files.lower_bound(prefix); it != h.files.end() && IsUnder(it->first, top->path);
       ++it) {
    paths.push_back(it->first);
  }
  std::sort(paths.begin(), paths.end(), PathLess);
  out.push_back(*top);
  for (const std::string& p : paths) out.push_back(EntryFor(h, p));
  return out;
}

StatusOr<std::vector<FileEntry>> HostWorld::Find(const std::string& host, const std::string& root,
                                                 const FindQuery& query) const {
  auto walk = Walk(host, root);
  if (!walk.ok()) return walk.status();
  const std::string top = walk->front().path;
  std::vector<FileEntry> out;
  for (const FileEntry& e : *walk) {
    const int depth = Depth(e.path, top);
    if (query.max_depth && depth > *query.max_depth) continue;
    if (query.min_depth && depth < *query.min_depth) continue;
    if (query.type == FindQuery::Type::kFile && e.directory) continue;
    if (query.type == FindQuery::Type::kDirectory && !e.directory) continue;
    bool ok = true;
    for (const std::string& pattern : query.names) ok = ok && GlobMatch(pattern, BaseName(e.path));
    const int64_t age_days = FloorDiv((now_ - e.mtime).count(), 86400000);
    for (const FindQuery::Mtime& m : query.mtimes) ok = ok && Compare(m.compare, age_days, m.days);
    for (const FindQuery::Size& s : query.sizes) {
      const int64_t units = (e.size_bytes + s.unit_bytes - 1) / s.unit_bytes;
      ok = ok && Compare(s.compare, units, s.units);
    }
    if (ok) out.push_back(e);
  }
  return out;
}

StatusOr<std::string> HostWorld::ReadFile(const std::string& host, const std::string& path) const {
  auto entry = Stat(host, path);
  if (!entry.ok()) return entry.status();
  if (entry->directory) return Status::InvalidInput("\"" + path + "\" is a directory");
  const File& f = Find(host)->files.at(entry->path);
  std::string out = f.content.value_or("");
  if (static_cast<int64_t>(out.size()) >= entry->size_bytes) return out;
  // Bytes nobody declared: an obviously synthetic line, repeated to the file's size.
  const std::string line = "rundrill: no content declared for " + entry->path + "\n";
  out.reserve(static_cast<size_t>(entry->size_bytes));
  while (static_cast<int64_t>(out.size()) < entry->size_bytes) {
    out.append(line, 0, std::min(line.size(), static_cast<size_t>(entry->size_bytes) - out.size()));
  }
  return out;
}

// ------------------------------------------------------------------------- operations

Status HostWorld::Crash(const std::string& host) {
  HostState* h = Find(host);
  if (h == nullptr) return UnknownHost(host);
  if (!h->up) return Status::Ok();
  for (size_t i = 0; i < h->disks.size(); ++i) Reanchor(*h, i);
  for (auto& [path, f] : h->files) {
    if (f.journal == JournalRole::kActive) f.mtime = now_;
  }
  h->up = false;
  return Status::Ok();
}

Status HostWorld::Boot(const std::string& host) {
  HostState* h = Find(host);
  if (h == nullptr) return UnknownHost(host);
  for (size_t i = 0; i < h->disks.size(); ++i) Reanchor(*h, i);
  h->up = true;
  h->boot_time = now_;
  ++h->boots;
  for (Unit& u : h->units) {
    u.state = *ParseState(u.spec.state);
    u.since = now_;
    u.changed = false;
    u.starts = 0;
    u.log.clear();
    u.main_pid = NextPid(*h, u);
  }
  return Status::Ok();
}

int HostWorld::NextPid(const HostState& h, const Unit& u) const {
  const std::string key = h.spec.name + "/" + u.spec.name + "/" + std::to_string(h.boots) + "/" +
                          std::to_string(u.starts);
  return 300 + static_cast<int>(StableHash(key) % 60000);
}

void HostWorld::Log(HostState&, Unit& u, const std::string& message) {
  u.log.push_back(UnitLogLine{now_, message});
}

Status HostWorld::StopService(const std::string& host, const std::string& unit, StopReason reason) {
  HostState* h = Find(host);
  if (h == nullptr) return UnknownHost(host);
  Unit* u = FindUnit(*h, unit);
  if (u == nullptr) {
    return Status::InvalidInput("unknown unit \"" + unit + "\" on host \"" + host + "\"");
  }
  if (u->state != ServiceState::kActive) return Status::Ok();
  const std::string id = u->spec.name + ".service";
  if (reason == StopReason::kFailure) {
    Log(*h, *u, id + ": Main process exited, code=exited, status=1/FAILURE");
    Log(*h, *u, id + ": Failed with result 'exit-code'.");
    u->state = ServiceState::kFailed;
  } else {
    Log(*h, *u, "Stopping " + UnitTitle(u->spec) + "...");
    Log(*h, *u, id + ": Deactivated successfully.");
    Log(*h, *u, "Stopped " + UnitTitle(u->spec) + ".");
    u->state = ServiceState::kInactive;
  }
  u->since = now_;
  u->changed = true;
  return Status::Ok();
}

Status HostWorld::StartService(const std::string& host, const std::string& unit) {
  HostState* h = Find(host);
  if (h == nullptr) return UnknownHost(host);
  Unit* u = FindUnit(*h, unit);
  if (u == nullptr) {
    return Status::InvalidInput("unknown unit \"" + unit + "\" on host \"" + host + "\"");
  }
  if (u->state == ServiceState::kActive) return Status::Ok();
  Log(*h, *u, "Starting " + UnitTitle(u->spec) + "...");
  Log(*h, *u, "Started " + UnitTitle(u->spec) + ".");
  ++u->starts;
  u->main_pid = NextPid(*h, *u);
  u->state = ServiceState::kActive;
  u->since = now_;
  u->changed = true;
  return Status::Ok();
}

Status HostWorld::RestartService(const std::string& host, const std::string& unit) {
  HostState* h = Find(host);
  if (h == nullptr) return UnknownHost(host);
  Unit* u = FindUnit(*h, unit);
  if (u == nullptr) {
    return Status::InvalidInput("unknown unit \"" + unit + "\" on host \"" + host + "\"");
  }
  if (u->state == ServiceState::kActive) {
    Log(*h, *u, "Stopping " + UnitTitle(u->spec) + "...");
    Log(*h, *u, u->spec.name + ".service: Deactivated successfully.");
    Log(*h, *u, "Stopped " + UnitTitle(u->spec) + ".");
    u->state = ServiceState::kInactive;
  }
  return StartService(host, unit);
}

Status HostWorld::WriteFile(const std::string& host, const std::string& path, int64_t bytes) {
  HostState* h = Find(host);
  if (h == nullptr) return UnknownHost(host);
  const auto norm = NormalizePath(path);
  if (!norm || *norm == "/") return Status::InvalidInput("not a file path: \"" + path + "\"");
  if (bytes < 0) return Status::InvalidInput("negative write size");
  if (h->dirs.count(*norm) != 0) return Status::InvalidInput("\"" + *norm + "\" is a directory");
  for (std::string p = ParentPath(*norm); p != "/"; p = ParentPath(p)) {
    if (h->files.count(p) != 0) return Status::InvalidInput("\"" + p + "\" is not a directory");
  }
  const size_t disk = DiskIndexFor(*h, *norm);
  Disk& d = h->disks[disk];
  const int64_t room = std::max<int64_t>(0, d.size_bytes - UsedAt(*h, disk, now_));
  const int64_t written = std::min(bytes, room);
  auto it = h->files.find(*norm);
  if (it == h->files.end()) {
    File f;
    f.disk = disk;
    f.size = Grower{written, now_, {}};
    f.mtime = now_;
    h->files[*norm] = f;
    AddDirs(*h, ParentPath(*norm), now_);
    h->dirs[ParentPath(*norm)] = now_;
  } else {
    it->second.size.base += written;
    it->second.mtime = now_;
  }
  if (!d.full && UsedAt(*h, disk, now_) >= d.size_bytes) {
    Reanchor(*h, disk);
    d.full = true;
  }
  return Status::Ok();
}

Status HostWorld::DeleteFile(const std::string& host, const std::string& path) {
  HostState* h = Find(host);
  if (h == nullptr) return UnknownHost(host);
  const auto norm = NormalizePath(path);
  if (norm) {
    if (auto it = h->files.find(*norm); it != h->files.end()) {
      const size_t disk = it->second.disk;
      h->files.erase(it);
      h->dirs[ParentPath(*norm)] = now_;
      Freed(*h, disk);
      return Status::Ok();
    }
    if (h->dirs.count(*norm) != 0) {
      for (const Disk& d : h->disks) {
        if (d.mount == *norm) return Status::InvalidInput("\"" + *norm + "\" is a mount point");
      }
      const std::string prefix = *norm + "/";
      auto file = h->files.lower_bound(prefix);
      auto dir = h->dirs.lower_bound(prefix);
      if ((file != h->files.end() && IsUnder(file->first, *norm)) ||
          (dir != h->dirs.end() && IsUnder(dir->first, *norm))) {
        return Status::InvalidInput("directory \"" + *norm + "\" is not empty");
      }
      h->dirs.erase(*norm);
      h->dirs[ParentPath(*norm)] = now_;
      return Status::Ok();
    }
  }
  return Status::InvalidInput("no such file or directory on host \"" + host + "\": \"" + path +
                              "\"");
}

StatusOr<JournalVacuum> HostWorld::RemoveJournalFiles(HostState& h,
                                                      const std::vector<std::string>& paths) {
  JournalVacuum result;
  for (const std::string& path : paths) {
    const File& f = h.files.at(path);
    result.deleted.push_back(JournalFile{path, RoundUpToBlock(f.size.base), f.journal_head, true});
    result.freed_bytes += RoundUpToBlock(f.size.base);
    const size_t disk = f.disk;
    h.files.erase(path);
    h.dirs[ParentPath(path)] = now_;
    Freed(h, disk);
  }
  return result;
}

StatusOr<JournalVacuum> HostWorld::VacuumJournalByTime(const std::string& host, SimDuration keep) {
  auto files = JournalFiles(host);
  if (!files.ok()) return files.status();
  std::vector<std::string> doomed;
  for (const JournalFile& f : *files) {
    if (!f.archived || f.head >= now_ - keep) break;
    doomed.push_back(f.path);
  }
  return RemoveJournalFiles(*Find(host), doomed);
}

StatusOr<JournalVacuum> HostWorld::VacuumJournalBySize(const std::string& host, int64_t max_bytes) {
  auto files = JournalFiles(host);
  if (!files.ok()) return files.status();
  int64_t archived = 0;
  for (const JournalFile& f : *files) archived += f.archived ? f.bytes : 0;
  std::vector<std::string> doomed;
  for (const JournalFile& f : *files) {
    if (!f.archived || archived <= max_bytes) break;
    doomed.push_back(f.path);
    archived -= f.bytes;
  }
  return RemoveJournalFiles(*Find(host), doomed);
}

// --------------------------------------------------------------------------- snapshot

nlohmann::json HostWorld::Snapshot() const {
  using nlohmann::json;
  json out = json::object();
  for (const HostState& h : hosts_) {
    json disks = json::object();
    const auto usage = Disks(h.spec.name);  // named: a range-for over *temp() would dangle
    for (const DiskUsage& d : *usage) {
      disks[d.mount] = {{"device", d.device},
                        {"filesystem", d.filesystem},
                        {"size_bytes", d.size_bytes},
                        {"used_bytes", d.used_bytes},
                        {"avail_bytes", d.avail_bytes}};
    }
    json services = json::object();
    for (const Unit& u : h.units) {
      services[u.spec.name] = {{"state", ServiceStateName(u.state)}, {"since_ms", u.since.count()}};
    }
    json files = json::object();
    int journal_files = 0;
    for (const auto& [path, f] : h.files) {
      if (f.journal != JournalRole::kNone) {
        ++journal_files;
        continue;
      }
      const FileEntry e = EntryFor(h, path);
      files[path] = {{"size_bytes", e.size_bytes}, {"mtime_ms", e.mtime.count()}};
    }
    out[h.spec.name] = {
        {"address", h.spec.address},
        {"port", h.spec.port},
        {"up", h.up},
        {"boot_ms", h.boot_time.count()},
        {"boots", h.boots},
        {"disks", disks},
        {"services", services},
        {"files", files},
        {"journal", {{"bytes", *JournalBytes(h.spec.name)}, {"files", journal_files}}},
    };
  }
  return out;
}

}  // namespace rundrill::world
