// world.hosts, world.databases, world.services and world.credentials.

#include <algorithm>
#include <map>
#include <set>

#include "simulator/load/quantity.h"
#include "simulator/load/scenario_reader.h"
#include "simulator/load/spelling.h"

namespace rundrill::load {
namespace {

constexpr int kMaxConnections = 100000;

// systemd accepts "postgresql" and "postgresql.service" for the same unit; so does the world.
std::string UnitName(const std::string& name) {
  constexpr std::string_view kSuffix = ".service";
  if (name.size() > kSuffix.size() &&
      name.compare(name.size() - kSuffix.size(), kSuffix.size(), kSuffix) == 0) {
    return name.substr(0, name.size() - kSuffix.size());
  }
  return name;
}

bool IsIpv4(std::string_view s) {
  int parts = 0;
  size_t i = 0;
  while (true) {
    size_t digits = 0;
    int value = 0;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9' && digits < 4) {
      value = value * 10 + (s[i] - '0');
      ++i;
      ++digits;
    }
    if (digits == 0 || digits > 3 || value > 255) return false;
    ++parts;
    if (i == s.size()) return parts == 4;
    if (s[i] != '.' || parts == 4) return false;
    ++i;
  }
}

const std::vector<std::string> kCredentialKinds = {"kubeconfig", "ssh_key", "slack_token",
                                                   "pagerduty_token"};

model::CredentialSpec::Kind CredentialKind(const std::string& kind) {
  if (kind == "ssh_key") return model::CredentialSpec::Kind::kSshKey;
  if (kind == "slack_token") return model::CredentialSpec::Kind::kSlackToken;
  if (kind == "pagerduty_token") return model::CredentialSpec::Kind::kPagerDutyToken;
  return model::CredentialSpec::Kind::kKubeconfig;
}

// The mount point among `mounts` that holds `path`: the longest one that is a prefix of it.
std::string DiskOf(const std::string& path, const std::vector<std::string>& mounts) {
  std::string best;
  for (const std::string& mount : mounts) {
    const bool holds = mount == "/" || path == mount ||
                       (path.size() > mount.size() && path.compare(0, mount.size(), mount) == 0 &&
                        path[mount.size()] == '/');
    if (holds && mount.size() >= best.size()) best = mount;
  }
  return best;
}

}  // namespace

bool IsCanonicalAbsolutePath(std::string_view path) {
  if (path.empty() || path[0] != '/') return false;
  if (path == "/") return true;
  size_t start = 1;
  while (true) {
    const size_t end = std::min(path.find('/', start), path.size());
    const std::string_view part = path.substr(start, end - start);
    if (part.empty() || part == "." || part == "..") return false;
    if (end == path.size()) return true;
    start = end + 1;
  }
}

bool ScenarioReader::CheckDeclared(const model::SourceMark& mark, std::string_view what,
                                   const std::string& name,
                                   const std::vector<std::string>& declared) {
  if (std::find(declared.begin(), declared.end(), name) != declared.end()) return true;
  r_.Error(mark, std::string(what) + " " + Quote(name) + " is not declared in world" +
                     DidYouMean(name, declared));
  return false;
}

bool ScenarioReader::CheckHost(const Field& f, const std::string& name) {
  return CheckDeclared(f.mark, "host", name, hosts_);
}

bool ScenarioReader::CheckDatabase(const Field& f, const std::string& name) {
  return CheckDeclared(f.mark, "database", name, databases_);
}

bool ScenarioReader::CheckCluster(const Field& f, const std::string& name) {
  if (name == cluster_) return true;
  r_.Error(f.mark, "cluster " + Quote(name) + " is not declared in world (the cluster is " +
                       Quote(cluster_) + ")");
  return false;
}

bool ScenarioReader::CheckHostService(const Field& f, const std::string& host,
                                      const std::string& service) {
  auto it = host_index_.find(host);
  if (it == host_index_.end()) return false;  // the host itself is reported
  const std::vector<std::string>& units = it->second.services;
  if (std::find(units.begin(), units.end(), UnitName(service)) != units.end()) return true;
  r_.Error(f.mark, "service " + Quote(service) + " is not declared on host " + Quote(host) +
                       DidYouMean(UnitName(service), units));
  return false;
}

// ---- hosts

void ScenarioReader::ReadHosts(const Field& f, std::vector<model::HostSpec>* out) {
  if (!CheckList(r_, f)) return;
  DuplicateFinder dups("host", r_.sink());
  for (const YAML::Node& item : f.node) {
    model::HostSpec host;
    ReadHost(ListEntry(r_, f, item), &host);
    if (!host.name.empty() && dups.Add(host.name, host.mark)) hosts_.push_back(host.name);
    out->push_back(std::move(host));
  }
}

void ScenarioReader::ReadHost(const Field& f, model::HostSpec* host) {
  if (!CheckMap(r_, f)) return;
  const size_t errors_before = r_.sink()->size();
  MapReader m(r_, f.node, "host",
              {"name", "address", "port", "users", "uptime", "load", "disks", "services", "files",
               "journal"});
  host->mark = m.mark();
  if (m.Require("name")) {
    if (std::optional<std::string> name = m.String("name")) {
      if (!IsLowerName(*name, "-.")) {
        r_.Error(m.Get("name").mark, "invalid host name " + Quote(*name) +
                                         " (use lower-case letters, digits, \"-\" and \".\")");
      }
      host->name = *name;
      host->mark = m.Get("name").mark;
    }
  }
  HostIndex& index = host_index_[host->name];
  if (std::optional<std::string> address = m.String("address")) {
    if (!IsIpv4(*address)) {
      r_.Error(m.Get("address").mark,
               "invalid address " + Quote(*address) + " (use an IPv4 address like 10.0.3.21)");
    }
    host->address = *address;
  }
  if (auto port = m.Int("port", 1, 65535)) host->port = static_cast<int>(*port);
  if (std::optional<YAML::Node> list = m.List("users")) {
    const Field lf = m.Get("users");
    if (list->size() == 0) r_.Error(lf.mark, lf.label + " must not be empty");
    DuplicateFinder dups("user", r_.sink());
    host->users.clear();
    for (const YAML::Node& item : *list) {
      const Field ef = ListEntry(r_, lf, item);
      std::optional<std::string> user = ReadString(r_, ef);
      if (!user) continue;
      if (!IsLowerName(*user, "-_")) {
        r_.Error(ef.mark, "invalid user name " + Quote(*user) +
                              " (use lower-case letters, digits, \"-\" and \"_\")");
      }
      if (dups.Add(*user, ef.mark)) host->users.push_back(*user);
    }
  }
  if (auto uptime = m.Duration("uptime")) host->uptime = *uptime;
  if (auto load = m.Number("load")) {
    if (*load < 0) {
      r_.Error(m.Get("load").mark,
               "\"load\" must be at least 0, got " + Describe(m.Get("load").node));
    } else {
      host->load = *load;
    }
  }
  if (std::optional<YAML::Node> list = m.List("disks")) {
    const Field lf = m.Get("disks");
    DuplicateFinder dups("mount point", r_.sink());
    for (const YAML::Node& item : *list) {
      model::DiskSpec disk;
      const Field ef = ListEntry(r_, lf, item);
      ReadDisk(ef, &disk);
      dups.Add(disk.mount, disk.mark);
      host->disks.push_back(std::move(disk));
    }
  }
  if (std::optional<YAML::Node> list = m.List("services")) {
    const Field lf = m.Get("services");
    DuplicateFinder dups("service", r_.sink());
    for (const YAML::Node& item : *list) {
      model::HostServiceSpec service;
      ReadHostService(ListEntry(r_, lf, item), &service);
      if (!service.name.empty() && dups.Add(UnitName(service.name), service.mark)) {
        index.services.push_back(UnitName(service.name));
      }
      host->services.push_back(std::move(service));
    }
  }
  if (std::optional<YAML::Node> list = m.List("files")) {
    const Field lf = m.Get("files");
    DuplicateFinder dups("file", r_.sink());
    for (const YAML::Node& item : *list) {
      model::FileSpec file;
      ReadFile(ListEntry(r_, lf, item), &file);
      if (!file.path.empty() && dups.Add(file.path, file.mark)) index.files.push_back(file.path);
      host->files.push_back(std::move(file));
    }
  }
  if (std::optional<YAML::Node> node = m.Map("journal")) {
    MapReader jm(r_, *node, "journal", {"size", "span"});
    if (jm.Has("size")) {
      if (auto bytes = ReadByteSize(r_, jm.Get("size"))) host->journal_bytes = *bytes;
    }
    if (auto span = PositiveDuration(jm, "span")) host->journal_span = *span;
  }
  // Space adds up only over values that all read well.
  if (r_.sink()->size() == errors_before) CheckDiskSpace(*host);
}

void ScenarioReader::ReadDisk(const Field& f, model::DiskSpec* disk) {
  if (!CheckMap(r_, f)) return;
  MapReader m(r_, f.node, "disk", {"mount", "device", "filesystem", "size", "used", "fill"});
  disk->mark = m.mark();
  if (std::optional<std::string> mount = m.String("mount")) {
    disk->mark = m.Get("mount").mark;
    if (!IsCanonicalAbsolutePath(*mount)) {
      r_.Error(disk->mark, "invalid mount point " + Quote(*mount) +
                               " (use an absolute path like /var/lib/postgresql)");
    }
    disk->mount = *mount;
  }
  if (std::optional<std::string> device = m.String("device")) {
    if (!IsCanonicalAbsolutePath(*device) || *device == "/") {
      r_.Error(m.Get("device").mark,
               "invalid device " + Quote(*device) + " (use a path like /dev/sdb1)");
    }
    disk->device = *device;
  }
  if (std::optional<std::string> fs = m.String("filesystem")) {
    if (fs->empty()) r_.Error(m.Get("filesystem").mark, "\"filesystem\" must not be empty");
    disk->filesystem = *fs;
  }
  std::optional<int64_t> size;
  if (m.Require("size")) size = ReadByteSize(r_, m.Get("size"));
  if (size && *size == 0) {
    r_.Error(m.Get("size").mark, "\"size\" must be more than 0");
    size.reset();
  }
  if (size) disk->size_bytes = *size;
  if (m.Has("used")) {
    if (std::optional<int64_t> used = ReadByteSize(r_, m.Get("used"))) {
      if (size && *used > *size) {
        r_.Error(m.Get("used").mark, "\"used\" (" + FormatBytes(*used) +
                                         ") is more than \"size\" (" + FormatBytes(*size) + ")");
      }
      disk->used_bytes = *used;
    }
  }
  if (m.Has("fill")) {
    if (auto fill = ReadByteRate(r_, m.Get("fill"))) disk->fill = *fill;
  }
}

void ScenarioReader::ReadHostService(const Field& f, model::HostServiceSpec* service) {
  if (!CheckMap(r_, f)) return;
  MapReader m(r_, f.node, "service", {"name", "state", "description", "restart_time"});
  service->mark = m.mark();
  if (m.Require("name")) {
    if (std::optional<std::string> name = m.String("name")) {
      if (!IsLowerName(*name, "-_.@")) {
        r_.Error(m.Get("name").mark,
                 "invalid service name " + Quote(*name) +
                     " (use lower-case letters, digits, \"-\", \"_\", \".\" and \"@\")");
      }
      service->name = *name;
      service->mark = m.Get("name").mark;
    }
  }
  if (auto state = m.Enum("state", {"active", "inactive", "failed"})) service->state = *state;
  if (auto description = m.String("description")) service->description = *description;
  if (auto d = m.Duration("restart_time")) service->restart_time = *d;
}

void ScenarioReader::ReadFile(const Field& f, model::FileSpec* file) {
  if (!CheckMap(r_, f)) return;
  MapReader m(r_, f.node, "file", {"path", "size", "age", "growth", "content"});
  file->mark = m.mark();
  if (m.Require("path")) {
    if (std::optional<std::string> path = m.String("path")) {
      file->mark = m.Get("path").mark;
      if (!IsCanonicalAbsolutePath(*path) || *path == "/") {
        r_.Error(file->mark, "invalid file path " + Quote(*path) +
                                 " (use an absolute path like /var/log/app/debug.log)");
      } else {
        file->path = *path;
      }
    }
  }
  if (auto content = m.String("content")) {
    file->content = *content;
    file->size_bytes = static_cast<int64_t>(content->size());
  }
  if (m.Has("size")) {
    if (auto size = ReadByteSize(r_, m.Get("size"))) file->size_bytes = *size;
  }
  if (auto age = m.Duration("age")) file->age = *age;
  if (m.Has("growth")) {
    if (auto growth = ReadByteRate(r_, m.Get("growth"))) file->growth = *growth;
  }
}

void ScenarioReader::CheckDiskSpace(const model::HostSpec& host) {
  // The world gives a host without a "/" disk one of 100G with 20G in use.
  std::vector<model::DiskSpec> disks = host.disks;
  if (std::none_of(disks.begin(), disks.end(),
                   [](const model::DiskSpec& d) { return d.mount == "/"; })) {
    model::DiskSpec root;
    root.size_bytes = int64_t{100} << 30;
    root.used_bytes = int64_t{20} << 30;
    root.mark = host.mark;
    disks.insert(disks.begin(), root);
  }
  std::vector<std::string> mounts;
  std::map<std::string, int64_t> held;
  for (const model::DiskSpec& d : disks) {
    mounts.push_back(d.mount);
    held[d.mount] = d.used_bytes;
  }
  for (const model::FileSpec& file : host.files) held[DiskOf(file.path, mounts)] += file.size_bytes;
  held[DiskOf("/var/log/journal", mounts)] += host.journal_bytes;
  for (const model::DiskSpec& d : disks) {
    if (held[d.mount] <= d.size_bytes) continue;
    r_.Error(d.mark, "disk " + Quote(d.mount) + " of host " + Quote(host.name) + " holds " +
                         FormatBytes(held[d.mount]) +
                         " at time 0 (\"used\", files and journal), more than its size (" +
                         FormatBytes(d.size_bytes) + ")");
  }

  // A path cannot be a file and hold files too.
  for (const model::FileSpec& a : host.files) {
    for (const model::FileSpec& b : host.files) {
      if (b.path.size() > a.path.size() && b.path.compare(0, a.path.size(), a.path) == 0 &&
          b.path[a.path.size()] == '/') {
        r_.Error(b.mark, "file " + Quote(b.path) + " is under " + Quote(a.path) +
                             ", which is a file (" + a.mark.ToString() + ")");
      }
    }
  }
}

// ---- databases

void ScenarioReader::ReadDatabases(const Field& f, std::vector<model::DatabaseSpec>* out) {
  if (!CheckList(r_, f)) return;
  DuplicateFinder dups("database", r_.sink());
  for (const YAML::Node& item : f.node) {
    model::DatabaseSpec db;
    ReadDatabase(ListEntry(r_, f, item), &db);
    if (!db.name.empty() && dups.Add(db.name, db.mark)) databases_.push_back(db.name);
    out->push_back(std::move(db));
  }
}

void ScenarioReader::ReadDatabase(const Field& f, model::DatabaseSpec* db) {
  if (!CheckMap(r_, f)) return;
  MapReader m(r_, f.node, "database", {"name", "host", "engine", "max_connections", "connections"});
  db->mark = m.mark();
  if (m.Require("name")) {
    if (std::optional<std::string> name = m.String("name")) {
      if (!IsLowerName(*name, "-_")) {
        r_.Error(m.Get("name").mark, "invalid database name " + Quote(*name) +
                                         " (use lower-case letters, digits, \"-\" and \"_\")");
      }
      db->name = *name;
      db->mark = m.Get("name").mark;
    }
  }
  if (std::optional<std::string> host = m.String("host")) {
    CheckHost(m.Get("host"), *host);
    db->host = *host;
  }
  if (auto engine = m.Enum("engine", {"postgresql"})) db->engine = *engine;
  if (auto max = m.Int("max_connections", 1, kMaxConnections)) {
    db->max_connections = static_cast<int>(*max);
  }
  std::optional<YAML::Node> list = m.List("connections");
  if (!list) return;
  const Field lf = m.Get("connections");
  int64_t total = 0;
  for (const YAML::Node& item : *list) {
    const Field ef = ListEntry(r_, lf, item);
    if (!CheckMap(r_, ef)) continue;
    MapReader cm(r_, item, "connections entry", {"count", "state", "age", "application", "user"});
    model::ConnectionSpec c;
    c.mark = cm.mark();
    if (auto count = cm.Int("count", 1, kMaxConnections)) c.count = static_cast<int>(*count);
    if (auto state = cm.Enum("state", {"active", "idle", "idle in transaction"})) c.state = *state;
    if (auto age = cm.Duration("age")) c.age = *age;
    if (auto application = cm.String("application")) c.application = *application;
    if (auto user = cm.String("user")) {
      if (user->empty()) r_.Error(cm.Get("user").mark, "\"user\" must not be empty");
      c.user = *user;
    }
    total += c.count;
    db->connections.push_back(std::move(c));
  }
  if (total > db->max_connections) {
    r_.Error(lf.mark, "connections add up to " + std::to_string(total) +
                          ", more than \"max_connections\" (" +
                          std::to_string(db->max_connections) + ")");
  }
}

// ---- services

void ScenarioReader::ReadServices(const Field& f, const std::vector<model::DatabaseSpec>& databases,
                                  std::vector<model::ServiceSpec>* out) {
  if (!CheckList(r_, f)) return;
  DuplicateFinder dups("service", r_.sink());
  std::vector<std::vector<model::SourceMark>> depends_on_marks;
  for (const YAML::Node& item : f.node) {
    model::ServiceSpec service;
    depends_on_marks.emplace_back();
    ReadService(ListEntry(r_, f, item), &service, &depends_on_marks.back());
    if (!service.name.empty() && dups.Add(service.name, service.mark)) {
      services_.push_back(service.name);
    }
    out->push_back(std::move(service));
  }

  // depends_on names services and databases alike, so one name must not mean both.
  for (const model::ServiceSpec& s : *out) {
    for (const model::DatabaseSpec& db : databases) {
      if (s.name.empty() || s.name != db.name) continue;
      r_.Error(s.mark, "service " + Quote(s.name) + " has the name of database " + Quote(db.name) +
                           " (defined at " + db.mark.ToString() + ")");
      r_.Error(db.mark, "database " + Quote(db.name) + " has the name of service " + Quote(s.name) +
                            " (defined at " + s.mark.ToString() + ")");
    }
  }

  std::vector<std::string> known = services_;
  known.insert(known.end(), databases_.begin(), databases_.end());
  bool deps_ok = true;
  for (size_t i = 0; i < out->size(); ++i) {
    const model::ServiceSpec& s = (*out)[i];
    for (size_t j = 0; j < s.depends_on.size(); ++j) {
      const std::string& dep = s.depends_on[j];
      const model::SourceMark& mark = depends_on_marks[i][j];
      if (dep == s.name) {
        r_.Error(mark, "service " + Quote(s.name) + " depends on itself");
        deps_ok = false;
      } else if (!CheckDeclared(mark, "service or database", dep, known)) {
        deps_ok = false;
      }
    }
  }
  if (deps_ok) CheckDependencyCycles(*out, depends_on_marks);
}

void ScenarioReader::ReadService(const Field& f, model::ServiceSpec* service,
                                 std::vector<model::SourceMark>* depends_on_marks) {
  if (!CheckMap(r_, f)) return;
  MapReader m(r_, f.node, "service", {"name", "deployment", "depends_on", "error_ratio", "p99"});
  service->mark = m.mark();
  if (m.Require("name")) {
    if (std::optional<std::string> name = m.String("name")) {
      if (!IsLowerName(*name, "-")) {
        r_.Error(m.Get("name").mark, "invalid service name " + Quote(*name) +
                                         " (use lower-case letters, digits and \"-\")");
      }
      service->name = *name;
      service->mark = m.Get("name").mark;
    }
  }
  if (m.Has("deployment")) {
    if (auto key = ReadDeploymentKey(m.Get("deployment"))) service->deployment = *key;
  }
  if (std::optional<YAML::Node> list = m.List("depends_on")) {
    const Field lf = m.Get("depends_on");
    std::set<std::string> seen;
    for (const YAML::Node& item : *list) {
      const Field ef = ListEntry(r_, lf, item);
      std::optional<std::string> dep = ReadString(r_, ef);
      if (!dep) continue;
      if (!seen.insert(*dep).second) {
        r_.Error(ef.mark, "duplicate entry " + Quote(*dep) + " in \"depends_on\"");
        continue;
      }
      service->depends_on.push_back(*dep);
      depends_on_marks->push_back(ef.mark);
    }
  }
  if (auto ratio = m.Number("error_ratio")) {
    if (*ratio < 0 || *ratio > 1) {
      r_.Error(m.Get("error_ratio").mark, "\"error_ratio\" must be between 0 and 1, got " +
                                              Describe(m.Get("error_ratio").node));
    } else {
      service->base_error_ratio = *ratio;
    }
  }
  if (auto p99 = PositiveDuration(m, "p99")) service->base_p99 = *p99;
}

void ScenarioReader::CheckDependencyCycles(
    const std::vector<model::ServiceSpec>& services,
    const std::vector<std::vector<model::SourceMark>>& marks) {
  std::map<std::string, size_t> index;  // first declaration wins, as for every name
  for (size_t i = 0; i < services.size(); ++i) index.emplace(services[i].name, i);

  enum class Color { kWhite, kGray, kBlack };
  std::vector<Color> color(services.size(), Color::kWhite);
  std::vector<size_t> stack;
  std::set<std::vector<size_t>> reported;

  // Depth first in file order, so which cycles are found, and where they are reported, does
  // not depend on anything but the file.
  auto visit = [&](auto&& self, size_t v) -> void {
    color[v] = Color::kGray;
    stack.push_back(v);
    for (const std::string& dep : services[v].depends_on) {
      auto it = index.find(dep);
      if (it == index.end()) continue;  // a database: depends on nothing
      const size_t w = it->second;
      if (color[w] == Color::kWhite) {
        self(self, w);
      } else if (color[w] == Color::kGray) {
        std::vector<size_t> cycle(std::find(stack.begin(), stack.end(), w), stack.end());
        // Told from the service declared first, whichever one the search entered by.
        std::rotate(cycle.begin(), std::min_element(cycle.begin(), cycle.end()), cycle.end());
        if (!reported.insert(cycle).second) continue;
        std::string text;
        for (size_t s : cycle) text += services[s].name + " → ";
        text += services[cycle[0]].name;
        const model::ServiceSpec& first = services[cycle[0]];
        const std::string& next = services[cycle.size() > 1 ? cycle[1] : cycle[0]].name;
        const size_t at =
            static_cast<size_t>(std::find(first.depends_on.begin(), first.depends_on.end(), next) -
                                first.depends_on.begin());
        r_.Error(marks[cycle[0]][at], "dependency cycle: " + text);
      }
    }
    stack.pop_back();
    color[v] = Color::kBlack;
  };
  for (size_t v = 0; v < services.size(); ++v) {
    if (color[v] == Color::kWhite) visit(visit, v);
  }
}

// ---- credentials

void ScenarioReader::ReadCredentials(const Field& f, std::vector<model::CredentialSpec>* out) {
  if (!CheckList(r_, f)) return;
  DuplicateFinder dups("credential", r_.sink());
  for (const YAML::Node& item : f.node) {
    const Field ef = ListEntry(r_, f, item);
    if (!CheckMap(r_, ef)) continue;
    MapReader m(r_, item, "credential", {"kind", "target", "expires"});
    model::CredentialSpec c;
    c.mark = m.mark();
    if (ReadCredentialKey(m, &c.kind, &c.target)) {
      const std::string kind = m.Get("kind").node.Scalar();
      dups.Add(c.target.empty() ? kind : kind + "/" + c.target, c.mark);
    }
    if (auto expires = m.Duration("expires")) c.expires_at = *expires;
    out->push_back(std::move(c));
  }
}

bool ScenarioReader::ReadCredentialKey(MapReader& m, model::CredentialSpec::Kind* kind,
                                       std::string* target) {
  if (!m.Require("kind")) return false;
  std::optional<std::string> name = m.Enum("kind", kCredentialKinds);
  if (!name) return false;
  *kind = CredentialKind(*name);
  const bool has_target = *kind == model::CredentialSpec::Kind::kKubeconfig ||
                          *kind == model::CredentialSpec::Kind::kSshKey;
  if (!has_target) {
    if (!m.Has("target")) return true;
    r_.Error(m.KeyMark("target"), "kind " + Quote(*name) + " takes no \"target\"");
    return false;
  }
  if (!m.Has("target")) {
    r_.Error(m.mark(),
             m.place() + " of kind " + Quote(*name) + " is missing required key \"target\"");
    return false;
  }
  std::optional<std::string> value = m.String("target");
  if (!value) return false;
  *target = *value;
  return *kind == model::CredentialSpec::Kind::kKubeconfig ? CheckCluster(m.Get("target"), *value)
                                                           : CheckHost(m.Get("target"), *value);
}

}  // namespace rundrill::load
