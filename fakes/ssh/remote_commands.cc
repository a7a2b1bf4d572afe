// The programs a simulated host runs for ssh: df, du, find, journalctl, systemctl, uptime,
// cat, echo, hostname, true, false and the `exit` builtin, with the output of their Debian 12
// versions. Each spends its modelled time first and then answers from the state at that
// moment; mutations go through HostWorld operations only.

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdlib>
#include <functional>
#include <map>
#include <optional>
#include <set>

#include "fakes/ssh/remote_formats.h"
#include "fakes/ssh/remote_session.h"
#include "fakes/ssh/remote_shell.h"
#include "simulator/world/host/host_paths.h"
#include "simulator/world/world.h"

namespace rundrill::fakes::ssh {

using world::FileEntry;

RemoteSession::RemoteSession(SimContext& context, const SshOptions& options,
                             const SshInvocation& invocation, std::string host, std::string user,
                             std::string stdin_data, CommandResponse& response)
    : context_(context),
      options_(options),
      invocation_(invocation),
      host_(std::move(host)),
      user_(std::move(user)),
      stdin_(std::move(stdin_data)),
      response_(response) {
  boots_ = hosts().Host(host_)->boots;
}

world::HostWorld& RemoteSession::hosts() { return context_.World().hosts(); }

std::string RemoteSession::TakeStdin() {
  std::string out;
  out.swap(stdin_);
  return out;
}

int RemoteSession::NotModelled(const std::string& what) {
  Err("rundrill: ssh " + host_ + ": " + what +
      " is not modelled on hosts; add a stub in the scenario\n");
  Stop(127);
  return 127;
}

bool RemoteSession::Spend(SimDuration d) {
  if (stopped_) return false;
  if (!context_.AdvanceTo(context_.Now() + d)) {
    Stop(255);
    return false;
  }
  const auto info = hosts().Host(host_);
  if (info->up && info->boots == boots_) return true;
  // The host vanished under the session; ssh notices only through its keepalives (Debian
  // turns them on at 300 s with BatchMode). clientloop.c gives up when the count of
  // unanswered probes exceeds ServerAliveCountMax, i.e. after (count + 1) intervals.
  const SimDuration interval = invocation_.server_alive_interval.value_or(
      invocation_.batch_mode.value_or(false) ? SimDuration(300000) : SimDuration(0));
  if (interval > SimDuration(0)) {
    if (context_.AdvanceTo(context_.Now() + interval * (invocation_.server_alive_count_max + 1)) &&
        !invocation_.quiet) {
      Err("Timeout, server " + invocation_.destination + " not responding.\r\n");
    }
  } else {
    Err("rundrill: ssh " + host_ +
        ": the host went down during the session; without ServerAliveInterval ssh waits for "
        "TCP keepalive, which is not modelled\n");
  }
  Stop(255);
  return false;
}

namespace {

using Args = std::vector<std::string>;

std::string Resolve(const RemoteSession& s, const std::string& path) {
  return path.empty() || path[0] != '/' ? s.Home() + "/" + path : path;
}

bool Starts(const std::string& s, std::string_view prefix) {
  return s.size() >= prefix.size() && s.compare(0, prefix.size(), prefix) == 0;
}

// Cost of visiting `entries` file system entries.
SimDuration WalkCost(const RemoteSession& s, size_t entries) {
  const auto per = static_cast<size_t>(std::max(1, s.options().entries_per_ms));
  return s.options().command_cost + SimDuration(static_cast<int64_t>((entries + per - 1) / per));
}

size_t CountEntries(RemoteSession& s, const std::string& path) {
  auto walk = s.hosts().Walk(s.host(), path);
  return walk.ok() ? walk->size() : 1;
}

// Boolean flags as GNU tools take them (`-hP`, `--human-readable`, `--` ends options);
// other arguments go to `operands`. Returns the first flag not listed (`--inodes`, `-i`).
struct BoolFlag {
  char short_name;
  const char* long_name;
  bool* value;
};

std::optional<std::string> ParseFlags(const Args& a, const std::vector<BoolFlag>& flags,
                                      Args* operands) {
  bool options_done = false;
  for (size_t i = 1; i < a.size(); ++i) {
    const std::string& arg = a[i];
    if (!options_done && arg == "--") {
      options_done = true;
    } else if (!options_done && arg.size() > 1 && arg[0] == '-') {
      if (arg[1] == '-') {
        auto it = std::find_if(flags.begin(), flags.end(),
                               [&](const BoolFlag& f) { return arg == f.long_name; });
        if (it == flags.end()) return arg;
        *it->value = true;
        continue;
      }
      for (size_t j = 1; j < arg.size(); ++j) {
        auto it = std::find_if(flags.begin(), flags.end(),
                               [&](const BoolFlag& f) { return arg[j] == f.short_name; });
        if (it == flags.end()) return std::string("-") + arg[j];
        *it->value = true;
      }
    } else {
      operands->push_back(arg);
    }
  }
  return std::nullopt;
}

// ------------------------------------------------------------------------------- df

int RunDf(RemoteSession& s, const Args& a) {
  bool human = false, posix = false, type = false;
  Args paths;
  if (std::optional<std::string> unknown = ParseFlags(a,
                                                      {{'h', "--human-readable", &human},
                                                       {'P', "--portability", &posix},
                                                       {'T', "--print-type", &type}},
                                                      &paths)) {
    return s.NotModelled("'df " + *unknown + "'");
  }
  if (!s.Spend(s.options().command_cost)) return s.stop_code();
  int rc = 0;
  std::vector<world::DiskUsage> rows;
  if (paths.empty()) {
    rows = *s.hosts().Disks(s.host());
  } else {
    for (const std::string& p : paths) {
      if (!s.hosts().Stat(s.host(), Resolve(s, p)).ok()) {
        s.Err("df: " + QuoteIfNeeded(p) + ": No such file or directory\n");
        rc = 1;
        continue;
      }
      rows.push_back(*s.hosts().DiskOf(s.host(), Resolve(s, p)));
    }
  }
  if (rows.empty()) return rc;

  // coreutils df: each column as wide as its widest cell (with a minimum), one space apart,
  // the last column unpadded.
  struct Column {
    std::string header;
    size_t width;
    bool left;
  };
  std::vector<Column> columns = {{"Filesystem", 14, true}};
  if (type) columns.push_back({"Type", 4, true});
  columns.push_back({human ? "Size" : posix ? "1024-blocks" : "1K-blocks", 5, false});
  columns.push_back({"Used", 5, false});
  columns.push_back({human ? "Avail" : "Available", 5, false});
  columns.push_back({posix && !human ? "Capacity" : "Use%", 4, false});
  columns.push_back({"Mounted on", 0, true});
  std::vector<std::vector<std::string>> table;
  table.emplace_back();
  for (const Column& c : columns) table.back().push_back(c.header);
  constexpr uint64_t kFsBlock = 4096;
  for (const world::DiskUsage& d : rows) {
    const uint64_t total = static_cast<uint64_t>(d.size_bytes) / kFsBlock;
    const uint64_t used =
        std::min(total, (static_cast<uint64_t>(d.used_bytes) + kFsBlock - 1) / kFsBlock);
    const uint64_t avail = total - used;
    auto cell = [&](uint64_t blocks) {
      return human ? HumanReadable(blocks, kFsBlock, 1, Scale::kAuto)
                   : HumanReadable(blocks, kFsBlock, 1024, Scale::kFixed);
    };
    std::string pct = "-";
    if (used + avail != 0) {
      pct = std::to_string((used * 100 + used + avail - 1) / (used + avail)) + "%";
    }
    std::vector<std::string> row = {d.device};
    if (type) row.push_back(d.filesystem);
    row.push_back(cell(total));
    row.push_back(cell(used));
    row.push_back(cell(avail));
    row.push_back(pct);
    row.push_back(d.mount);
    table.push_back(row);
  }
  for (const auto& row : table) {
    for (size_t c = 0; c < columns.size(); ++c)
      columns[c].width = std::max(columns[c].width, row[c].size());
  }
  for (const auto& row : table) {
    std::string line;
    for (size_t c = 0; c < columns.size(); ++c) {
      if (c > 0) line += ' ';
      const std::string pad(columns[c].width - row[c].size(), ' ');
      if (!columns[c].left) line += pad;
      line += row[c];
      if (columns[c].left && c + 1 < columns.size()) line += pad;
    }
    s.Out(line + "\n");
  }
  return rc;
}

// ------------------------------------------------------------------------------- du

int RunDu(RemoteSession& s, const Args& a) {
  bool human = false, summarize = false;
  Args paths;
  if (std::optional<std::string> unknown = ParseFlags(
          a, {{'h', "--human-readable", &human}, {'s', "--summarize", &summarize}}, &paths)) {
    return s.NotModelled("'du " + *unknown + "'");
  }
  if (!summarize) return s.NotModelled("'du' without -s");
  if (paths.empty()) return s.NotModelled("'du -s' without a path (the login directory)");
  size_t entries = 0;
  for (const std::string& p : paths) entries += CountEntries(s, Resolve(s, p));
  if (!s.Spend(WalkCost(s, entries))) return s.stop_code();
  int rc = 0;
  // du counts each entry once across all its arguments, like the inodes it remembers.
  std::set<std::string> seen;
  for (const std::string& p : paths) {
    auto walk = s.hosts().Walk(s.host(), Resolve(s, p));
    if (!walk.ok()) {
      s.Err("du: cannot access " + QuoteAlways(p) + ": No such file or directory\n");
      rc = 1;
      continue;
    }
    if (seen.count(walk->front().path) != 0) continue;
    uint64_t bytes = 0;
    for (const FileEntry& e : *walk) {
      if (seen.insert(e.path).second) bytes += static_cast<uint64_t>(e.allocated_bytes);
    }
    const std::string size = human ? HumanReadable(bytes, 1, 1, Scale::kAuto)
                                   : HumanReadable(bytes, 1, 1024, Scale::kFixed);
    s.Out(size + "\t" + p + "\n");
  }
  return rc;
}

// ----------------------------------------------------------------------------- find

std::optional<std::pair<world::FindQuery::Compare, int64_t>> ParseNumber(const std::string& text,
                                                                         size_t* used) {
  world::FindQuery::Compare compare = world::FindQuery::Compare::kEqual;
  size_t i = 0;
  if (!text.empty() && (text[0] == '+' || text[0] == '-')) {
    compare =
        text[0] == '+' ? world::FindQuery::Compare::kGreater : world::FindQuery::Compare::kLess;
    i = 1;
  }
  const size_t start = i;
  int64_t value = 0;
  while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i])) != 0 &&
         value < (int64_t{1} << 50)) {
    value = value * 10 + (text[i] - '0');
    ++i;
  }
  if (i == start) return std::nullopt;
  *used = i;
  return std::make_pair(compare, value);
}

// Children before their parent, as find's -depth (implied by -delete) visits them; `pre`
// is in pre-order.
std::vector<FileEntry> PostOrder(const std::vector<FileEntry>& pre) {
  std::vector<FileEntry> out;
  std::vector<const FileEntry*> open;
  for (const FileEntry& e : pre) {
    while (!open.empty() && !world::IsUnder(e.path, open.back()->path)) {
      out.push_back(*open.back());
      open.pop_back();
    }
    open.push_back(&e);
  }
  while (!open.empty()) {
    out.push_back(*open.back());
    open.pop_back();
  }
  return out;
}

int RunFind(RemoteSession& s, const Args& a) {
  Args roots;
  size_t i = 1;
  while (i < a.size() && !a[i].empty() && a[i][0] != '-' && a[i] != "!" && a[i] != "(") {
    roots.push_back(a[i++]);
  }
  world::FindQuery query;
  bool print = false, remove = false;
  auto missing = [&](const std::string& what) {
    s.Err("find: missing argument to `" + what + "'\n");
    return 1;
  };
  for (; i < a.size(); ++i) {
    const std::string& arg = a[i];
    const bool has_value = i + 1 < a.size();
    if (arg == "-type") {
      if (!has_value) return missing(arg);
      const std::string& t = a[++i];
      if (t == "f") {
        query.type = world::FindQuery::Type::kFile;
      } else if (t == "d") {
        query.type = world::FindQuery::Type::kDirectory;
      } else if (t.size() == 1 && std::string_view("bcplsD").find(t[0]) != std::string_view::npos) {
        return s.NotModelled("'find -type " + t + "'");
      } else {
        s.Err("find: Unknown argument to -type: " + t + "\n");
        return 1;
      }
    } else if (arg == "-name") {
      if (!has_value) return missing(arg);
      query.names.push_back(a[++i]);
    } else if (arg == "-mtime") {
      if (!has_value) return missing(arg);
      const std::string& v = a[++i];
      size_t used = 0;
      const auto number = ParseNumber(v, &used);
      if (!number || used != v.size()) {
        s.Err("find: invalid argument `" + v + "' to `-mtime'\n");
        return 1;
      }
      query.mtimes.push_back({number->first, number->second});
    } else if (arg == "-size") {
      if (!has_value) return missing(arg);
      const std::string& v = a[++i];
      size_t used = 0;
      const auto number = ParseNumber(v, &used);
      static const std::map<char, int64_t> kUnits = {
          {'c', 1}, {'w', 2}, {'b', 512}, {'k', 1024}, {'M', 1 << 20}, {'G', int64_t{1} << 30}};
      int64_t unit = 512;
      if (number && used + 1 == v.size() && kUnits.count(v.back()) != 0) {
        unit = kUnits.at(v.back());
        ++used;
      }
      if (!number || used != v.size()) return s.NotModelled("'find -size " + v + "'");
      query.sizes.push_back({number->first, number->second, unit});
    } else if (arg == "-maxdepth" || arg == "-mindepth") {
      if (!has_value) return missing(arg);
      const std::string& v = a[++i];
      if (v.empty() ||
          !std::all_of(v.begin(), v.end(), [](unsigned char c) { return std::isdigit(c); })) {
        return s.NotModelled("'find " + arg + " " + v + "'");
      }
      (arg == "-maxdepth" ? query.max_depth : query.min_depth) = std::atoi(v.c_str());
    } else if (arg == "-print") {
      print = true;
    } else if (arg == "-delete") {
      remove = true;
    } else {
      return s.NotModelled("'find " + arg + "'");
    }
  }
  if (roots.empty()) return s.NotModelled("'find' without a starting point (the login directory)");
  if (remove && !s.root()) {
    return s.NotModelled("'find -delete' as user '" + s.user() + "' (permissions)");
  }
  size_t entries = 0;
  for (const std::string& r : roots) entries += CountEntries(s, Resolve(s, r));
  if (!s.Spend(WalkCost(s, entries))) return s.stop_code();

  int rc = 0;
  for (const std::string& root : roots) {
    const std::string full = Resolve(s, root);
    auto found = s.hosts().Find(s.host(), full, query);
    if (!found.ok()) {
      s.Err("find: " + QuoteLocale(root) + ": No such file or directory\n");
      rc = 1;
      continue;
    }
    const std::string top = *world::NormalizePath(full);
    std::string shown_root = root;
    while (shown_root.size() > 1 && shown_root.back() == '/') shown_root.pop_back();
    if (shown_root == "/") shown_root.clear();
    auto shown = [&](const FileEntry& e) {
      if (e.path == top) return root;
      return shown_root + "/" + e.path.substr(top == "/" ? 1 : top.size() + 1);
    };
    const std::vector<FileEntry> entries_found = remove ? PostOrder(*found) : *found;
    for (const FileEntry& e : entries_found) {
      if (print || !remove) s.Out(shown(e) + "\n");
      if (!remove) continue;
      const auto now = s.hosts().Stat(s.host(), e.path);
      if (!now.ok()) continue;
      if (!s.hosts().DeleteFile(s.host(), e.path).ok()) {
        s.Err("find: cannot delete " + QuoteLocale(shown(e)) + ": " +
              (now->mount_point ? "Device or resource busy" : "Directory not empty") + "\n");
        rc = 1;
      }
    }
  }
  return rc;
}

// ----------------------------------------------------------------------- journalctl

// systemd parse_sec(): "3d", "12h", "2weeks", "1h 30min", "90" (seconds).
std::optional<SimDuration> ParseSystemdTime(const std::string& text) {
  static const std::vector<std::pair<std::string, double>> kUnits = {
      {"seconds", 1e3},     {"second", 1e3},   {"sec", 1e3},    {"s", 1e3},
      {"minutes", 6e4},     {"minute", 6e4},   {"min", 6e4},    {"months", 2629800e3},
      {"month", 2629800e3}, {"M", 2629800e3},  {"msec", 1},     {"ms", 1},
      {"m", 6e4},           {"hours", 3.6e6},  {"hour", 3.6e6}, {"hr", 3.6e6},
      {"h", 3.6e6},         {"days", 8.64e7},  {"day", 8.64e7}, {"d", 8.64e7},
      {"weeks", 6.048e8},   {"week", 6.048e8}, {"w", 6.048e8},  {"years", 31557600e3},
      {"year", 31557600e3}, {"y", 31557600e3}};
  size_t i = 0;
  double total = 0;
  bool any = false;
  while (i < text.size()) {
    while (i < text.size() && text[i] == ' ') ++i;
    if (i == text.size()) break;
    const size_t start = i;
    while (i < text.size() &&
           (std::isdigit(static_cast<unsigned char>(text[i])) != 0 || text[i] == '.'))
      ++i;
    if (i == start) return std::nullopt;
    const double value = std::atof(text.substr(start, i - start).c_str());
    while (i < text.size() && text[i] == ' ') ++i;
    double unit = 1e3;
    for (const auto& [name, ms] : kUnits) {
      if (text.compare(i, name.size(), name) == 0 &&
          (i + name.size() == text.size() ||
           std::isalpha(static_cast<unsigned char>(text[i + name.size()])) == 0)) {
        unit = ms;
        i += name.size();
        break;
      }
    }
    if (i < text.size() && std::isalpha(static_cast<unsigned char>(text[i])) != 0)
      return std::nullopt;
    total += value * unit;
    any = true;
  }
  if (!any) return std::nullopt;
  return SimDuration(static_cast<int64_t>(std::llround(total)));
}

// systemd parse_size() with base 1024: "500M", "1G", "1.5G", "4096".
std::optional<int64_t> ParseSystemdSize(const std::string& text) {
  static const std::map<char, double> kUnits = {{'B', 1.0},
                                                {'K', 1024.0},
                                                {'M', 1048576.0},
                                                {'G', 1073741824.0},
                                                {'T', 1099511627776.0},
                                                {'P', 1125899906842624.0},
                                                {'E', 1152921504606846976.0}};
  size_t i = 0;
  while (i < text.size() &&
         (std::isdigit(static_cast<unsigned char>(text[i])) != 0 || text[i] == '.'))
    ++i;
  if (i == 0) return std::nullopt;
  double unit = 1;
  if (i + 1 == text.size() && kUnits.count(text[i]) != 0) {
    unit = kUnits.at(text[i]);
  } else if (i != text.size()) {
    return std::nullopt;
  }
  return static_cast<int64_t>(std::atof(text.substr(0, i).c_str()) * unit);
}

int RunJournalctl(RemoteSession& s, const Args& a) {
  if (!s.root()) return s.NotModelled("'journalctl' as user '" + s.user() + "' (permissions)");
  std::string action, value;
  for (size_t i = 1; i < a.size(); ++i) {
    const std::string& word = a[i];
    std::string arg = word;
    std::string v;
    const size_t eq = arg.find('=');
    const bool takes_value = Starts(arg, "--vacuum-");
    if (Starts(arg, "--") && eq != std::string::npos) {
      v = arg.substr(eq + 1);
      arg = arg.substr(0, eq);
    } else if (takes_value && i + 1 < a.size()) {
      v = a[++i];
    } else if (takes_value) {
      return s.NotModelled("'journalctl " + word + "' without a value");
    }
    if ((arg != "--vacuum-time" && arg != "--vacuum-size" && arg != "--disk-usage") ||
        !action.empty()) {
      return s.NotModelled("'journalctl " + word + "'");
    }
    action = arg;
    value = v;
  }
  if (action.empty())
    return s.NotModelled("'journalctl' without --vacuum-time, --vacuum-size or --disk-usage");
  std::optional<SimDuration> keep;
  std::optional<int64_t> max_bytes;
  if (action == "--vacuum-time") {
    keep = ParseSystemdTime(value);
    if (!keep) {
      s.Err("Failed to parse vacuum time: " + value + "\n");
      return 1;
    }
  } else if (action == "--vacuum-size") {
    max_bytes = ParseSystemdSize(value);
    if (!max_bytes) {
      s.Err("Failed to parse vacuum size: " + value + "\n");
      return 1;
    }
  }
  if (!s.Spend(s.options().command_cost)) return s.stop_code();
  const auto files = *s.hosts().JournalFiles(s.host());
  // journalctl reports on stderr that it found nothing, and carries on.
  if (files.empty()) s.Err("No journal files were found.\n");
  if (action == "--disk-usage") {
    uint64_t total = 0;
    for (const world::JournalFile& f : files) total += static_cast<uint64_t>(f.bytes);
    s.Out("Archived and active journals take up " + SystemdBytes(total) + " in the file system.\n");
    return 0;
  }
  if (!s.Spend(s.options().vacuum_cost)) return s.stop_code();
  const auto result = keep ? s.hosts().VacuumJournalByTime(s.host(), *keep)
                           : s.hosts().VacuumJournalBySize(s.host(), *max_bytes);
  // Each unlink costs time; when the deadline cuts this short the files are already gone,
  // as they would be after a journalctl killed midway.
  if (!s.Spend(s.options().vacuum_file_cost * static_cast<int64_t>(result->deleted.size()))) {
    return s.stop_code();
  }
  const std::string dir = "/var/log/journal/" + s.hosts().Host(s.host())->machine_id;
  for (const world::JournalFile& f : result->deleted) {
    s.Err("Deleted archived journal " + f.path + " (" +
          SystemdBytes(static_cast<uint64_t>(f.bytes)) + ").\n");
  }
  // journalctl walks its directories in hash-table order, which varies from run to run on
  // a real host; this order is one that was observed.
  s.Err("Vacuuming done, freed " + SystemdBytes(static_cast<uint64_t>(result->freed_bytes)) +
        " of archived journals from " + dir + ".\n");
  s.Err("Vacuuming done, freed 0B of archived journals from /var/log/journal.\n");
  s.Err("Vacuuming done, freed 0B of archived journals from /run/log/journal.\n");
  return 0;
}

// ------------------------------------------------------------------------ systemctl

std::string StatusText(RemoteSession& s, const world::ServiceStatus& u) {
  const Epoch& epoch = s.hosts().epoch();
  const SimTime now = s.Now();
  const std::string id = u.name + ".service";
  const std::string since =
      " since " + SystemdTimestamp(epoch, u.since) + "; " + SystemdRelative(now - u.since);
  std::string out;
  // systemd 252's glyphs under a UTF-8 locale: ● active, ○ inactive, × failed.
  switch (u.state) {
    case world::ServiceState::kActive:
      out += "\u25cf ";
      break;
    case world::ServiceState::kInactive:
      out += "\u25cb ";
      break;
    case world::ServiceState::kFailed:
      out += "\u00d7 ";
      break;
  }
  out += id;
  if (!u.description.empty()) out += " - " + u.description;
  out += "\n     Loaded: loaded (/lib/systemd/system/" + id + "; enabled; preset: enabled)\n";
  out += "     Active: ";
  switch (u.state) {
    case world::ServiceState::kActive:
      out += "active (running)" + since + "\n";
      out += "   Main PID: " + std::to_string(u.main_pid) + " (" + u.name + ")\n";
      break;
    case world::ServiceState::kInactive:
      out += std::string("inactive (dead)") + (u.changed_since_boot ? since : "") + "\n";
      break;
    case world::ServiceState::kFailed:
      out += "failed (Result: exit-code)" + since + "\n";
      out += "   Main PID: " + std::to_string(u.main_pid) + " (code=exited, status=1/FAILURE)\n";
      break;
  }
  if (!u.log.empty()) {
    out += "\n";
    const size_t first = u.log.size() > 10 ? u.log.size() - 10 : 0;
    for (size_t i = first; i < u.log.size(); ++i) {
      out += JournalTimestamp(epoch, u.log[i].at) + " " + s.host() +
             " systemd[1]: " + u.log[i].message + "\n";
    }
  }
  return out;
}

int RunSystemctl(RemoteSession& s, const Args& a) {
  bool quiet = false;
  Args words;
  for (size_t i = 1; i < a.size(); ++i) {
    const std::string& arg = a[i];
    if (arg == "--no-pager" || arg == "-l" || arg == "--full") continue;
    if (arg == "-q" || arg == "--quiet") {
      quiet = true;
    } else if (arg.size() > 1 && arg[0] == '-') {
      return s.NotModelled("'systemctl " + arg + "'");
    } else {
      words.push_back(arg);
    }
  }
  if (words.empty()) return s.NotModelled("'systemctl' without a command");
  const std::string& verb = words[0];
  static const std::set<std::string> kVerbs = {"status", "start", "stop", "restart", "is-active"};
  if (kVerbs.count(verb) == 0) return s.NotModelled("'systemctl " + verb + "'");
  if (words.size() != 2) {
    return s.NotModelled("'systemctl " + verb + "' with " + std::to_string(words.size() - 1) +
                         " units");
  }
  const bool mutates = verb == "start" || verb == "stop" || verb == "restart";
  if (mutates && !s.root()) {
    return s.NotModelled("'systemctl " + verb + "' as user '" + s.user() + "' (permissions)");
  }
  // systemctl appends ".service" unless the name already ends in a unit type.
  const std::string& unit = words[1];
  static const std::set<std::string> kTypes = {".service", ".socket",    ".target", ".device",
                                               ".mount",   ".automount", ".swap",   ".timer",
                                               ".path",    ".slice",     ".scope"};
  const size_t dot = unit.rfind('.');
  const std::string suffix = dot == std::string::npos ? "" : unit.substr(dot);
  const bool typed = kTypes.count(suffix) != 0;
  const std::string id = typed ? unit : unit + ".service";
  if (!s.Spend(s.options().command_cost)) return s.stop_code();
  auto status = typed && suffix != ".service"
                    ? StatusOr<world::ServiceStatus>(Status::InvalidInput("not a service"))
                    : s.hosts().Service(s.host(), id);
  if (verb == "is-active") {
    const std::string state =
        status.ok() ? std::string(world::ServiceStateName(status->state)) : "inactive";
    if (!quiet) s.Out(state + "\n");
    return status.ok() && status->state == world::ServiceState::kActive ? 0 : 3;
  }
  if (verb == "status") {
    if (!status.ok()) {
      s.Err("Unit " + id + " could not be found.\n");
      return 4;
    }
    s.Out(StatusText(s, *status));
    return status->state == world::ServiceState::kActive ? 0 : 3;
  }
  if (!status.ok()) {
    s.Err("Failed to " + verb + " " + id + ": Unit " + id +
          (verb == "stop" ? " not loaded.\n" : " not found.\n"));
    return 5;
  }
  // systemctl waits for the job: a restart is a stop then a start, each half the unit's
  // restart_time.
  const SimDuration restart = status->restart_time;
  const SimDuration stop_part = restart / 2;
  const SimDuration start_part = restart - stop_part;
  const bool active = status->state == world::ServiceState::kActive;
  SimDuration job{0};
  if (verb == "restart") job = active ? restart : start_part;
  if (verb == "start" && !active) job = start_part;
  if (verb == "stop" && active) job = stop_part;
  if (!s.Spend(job)) return s.stop_code();
  if (verb == "restart") {
    s.hosts().RestartService(s.host(), id);
  } else if (verb == "start") {
    s.hosts().StartService(s.host(), id);
  } else {
    s.hosts().StopService(s.host(), id, world::StopReason::kRequest);
  }
  return 0;
}

// ---------------------------------------------------------------------------- small

int RunUptime(RemoteSession& s, const Args& a) {
  if (a.size() > 1) return s.NotModelled("'uptime " + a[1] + "'");
  if (!s.Spend(s.options().command_cost)) return s.stop_code();
  const auto info = *s.hosts().Host(s.host());
  // Commands run over ssh without a terminal write no utmp record, so only interactive
  // logins would count, and none are modelled.
  s.Out(UptimeLine(s.hosts().epoch(), s.Now(), info.uptime, 0, info.load) + "\n");
  return 0;
}

int RunCat(RemoteSession& s, const Args& a) {
  Args files;
  for (size_t i = 1; i < a.size(); ++i) {
    if (a[i].size() > 1 && a[i][0] == '-') return s.NotModelled("'cat " + a[i] + "'");
    files.push_back(a[i]);
  }
  if (files.empty()) files.push_back("-");
  if (!s.Spend(s.options().command_cost)) return s.stop_code();
  int rc = 0;
  for (const std::string& f : files) {
    if (f == "-") {
      s.Out(s.TakeStdin());
      continue;
    }
    auto entry = s.hosts().Stat(s.host(), Resolve(s, f));
    if (!entry.ok()) {
      s.Err("cat: " + QuoteIfNeeded(f) + ": No such file or directory\n");
      rc = 1;
      continue;
    }
    if (entry->directory) {
      s.Err("cat: " + QuoteIfNeeded(f) + ": Is a directory\n");
      rc = 1;
      continue;
    }
    if (!entry->has_content && entry->size_bytes > s.options().max_filler_bytes) {
      return s.NotModelled("'cat " + f + "' (" + std::to_string(entry->size_bytes) +
                           " bytes with no declared content)");
    }
    s.Out(*s.hosts().ReadFile(s.host(), entry->path));
  }
  return rc;
}

int RunEcho(RemoteSession& s, const Args& a) {
  // bash's builtin: leading words made only of -n, -e, -E letters are options.
  size_t i = 1;
  bool newline = true, escapes = false;
  for (; i < a.size(); ++i) {
    const std::string& w = a[i];
    if (w.size() < 2 || w[0] != '-' || w.find_first_not_of("neE", 1) != std::string::npos) break;
    for (size_t j = 1; j < w.size(); ++j) {
      if (w[j] == 'n') newline = false;
      if (w[j] == 'e') escapes = true;
      if (w[j] == 'E') escapes = false;
    }
  }
  std::string text;
  for (size_t k = i; k < a.size(); ++k) text += (k > i ? " " : "") + a[k];
  if (escapes && text.find('\\') != std::string::npos) return s.NotModelled("'echo -e' escapes");
  if (!s.Spend(s.options().command_cost)) return s.stop_code();
  s.Out(text + (newline ? "\n" : ""));
  return 0;
}

int RunHostname(RemoteSession& s, const Args& a) {
  if (a.size() > 2 || (a.size() == 2 && a[1] != "-I"))
    return s.NotModelled("'hostname " + a[1] + "'");
  if (!s.Spend(s.options().command_cost)) return s.stop_code();
  // hostname -I ends every address with a space.
  s.Out(a.size() == 2 ? s.hosts().Host(s.host())->address + " \n" : s.host() + "\n");
  return 0;
}

// ------------------------------------------------------------------------- dispatch

std::vector<std::string> Glob(RemoteSession& s, const std::string& pattern) {
  const bool relative = pattern.empty() || pattern[0] != '/';
  const std::string full = relative ? s.Home() + "/" + pattern : pattern;
  std::vector<std::string> components;
  for (size_t pos = 0; pos < full.size();) {
    size_t end = full.find('/', pos);
    if (end == std::string::npos) end = full.size();
    if (end > pos) components.push_back(full.substr(pos, end - pos));
    pos = end + 1;
  }
  auto unescape = [](const std::string& c) {
    std::string out;
    for (size_t i = 0; i < c.size(); ++i) {
      if (c[i] == '\\' && i + 1 < c.size()) ++i;
      out += c[i];
    }
    return out;
  };
  std::vector<std::string> candidates = {"/"};
  for (const std::string& comp : components) {
    std::vector<std::string> next;
    for (const std::string& base : candidates) {
      const std::string prefix = base == "/" ? "/" : base + "/";
      if (!world::HasGlobChars(comp)) {
        const std::string p = prefix + unescape(comp);
        if (s.hosts().Stat(s.host(), p).ok()) next.push_back(p);
        continue;
      }
      auto walk = s.hosts().Walk(s.host(), base);
      if (!walk.ok() || !walk->front().directory) continue;
      for (const FileEntry& e : *walk) {
        if (e.path == walk->front().path || world::ParentPath(e.path) != walk->front().path)
          continue;
        if (world::GlobMatch(comp, world::BaseName(e.path), world::LeadingDot::kMustBeLiteral)) {
          next.push_back(e.path);
        }
      }
    }
    candidates = next;
  }
  if (components.empty()) candidates.clear();
  std::sort(candidates.begin(), candidates.end());
  if (relative) {
    for (std::string& c : candidates) c = c.substr(s.Home().size() + 1);
  }
  return candidates;
}

using Program = std::function<int(RemoteSession&, const Args&)>;

const std::map<std::string, Program>& Programs() {
  static const auto* programs = new std::map<std::string, Program>{
      {"df", RunDf},
      {"du", RunDu},
      {"find", RunFind},
      {"journalctl", RunJournalctl},
      {"systemctl", RunSystemctl},
      {"uptime", RunUptime},
      {"cat", RunCat},
      {"echo", RunEcho},
      {"hostname", RunHostname},
      {"true", [](RemoteSession& s,
                  const Args&) { return s.Spend(s.options().command_cost) ? 0 : s.stop_code(); }},
      {"false", [](RemoteSession& s,
                   const Args&) { return s.Spend(s.options().command_cost) ? 1 : s.stop_code(); }},
  };
  return *programs;
}

}  // namespace

int RunRemoteCommand(RemoteSession& s, const std::string& command_line) {
  const ShellScript script = ParseShell(command_line);
  if (!script.not_modelled.empty()) return s.NotModelled(script.not_modelled);
  int status = 0;
  for (const ShellCommand& command : script.commands) {
    if (command.connector == Connector::kIfSuccess && status != 0) continue;
    if (command.connector == Connector::kIfFailure && status == 0) continue;
    Args argv;
    for (const ShellWord& word : command.words) {
      const std::vector<std::string> matches =
          word.HasGlob() ? Glob(s, word.AsPattern()) : std::vector<std::string>();
      if (matches.empty()) {
        argv.push_back(word.text);  // no match: bash keeps the word as written
      } else {
        argv.insert(argv.end(), matches.begin(), matches.end());
      }
    }
    std::string name = argv[0];
    for (std::string_view dir : {"/usr/bin/", "/bin/", "/usr/sbin/", "/sbin/"}) {
      if (Starts(name, dir) && name.find('/', dir.size()) == std::string::npos) {
        name = name.substr(dir.size());
      }
    }
    if (name == "exit") {
      if (argv.size() == 1) return status;
      const std::string& n = argv[1];
      if (argv.size() > 2 || n.empty() ||
          !std::all_of(n.begin(), n.end(), [](unsigned char c) { return std::isdigit(c); })) {
        return s.NotModelled("'exit " + n + "' (not one number)");
      }
      return std::atoi(n.substr(0, 9).c_str()) & 255;
    }
    const auto& programs = Programs();
    auto it = programs.find(name);
    if (it == programs.end()) return s.NotModelled("'" + argv[0] + "'");
    status = it->second(s, argv);
    if (s.stopped()) return s.stop_code();
  }
  return status;
}

}  // namespace rundrill::fakes::ssh
