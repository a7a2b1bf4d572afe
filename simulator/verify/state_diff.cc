#include "simulator/verify/state_diff.h"

#include <algorithm>

namespace rundrill::verify {
namespace {

using nlohmann::json;

constexpr size_t kMaxShown = 120;

// "a.b[3].c" → {"a", "b", "[3]", "c"}
std::vector<std::string_view> Segments(std::string_view path) {
  std::vector<std::string_view> out;
  size_t i = 0;
  while (i < path.size()) {
    if (path[i] == '.') {
      ++i;
    } else if (path[i] == '[') {
      const size_t close = path.find(']', i);
      const size_t end = close == std::string_view::npos ? path.size() : close + 1;
      out.push_back(path.substr(i, end - i));
      i = end;
    } else {
      const size_t end = std::min(path.find_first_of(".[", i), path.size());
      out.push_back(path.substr(i, end - i));
      i = end;
    }
  }
  return out;
}

bool SegmentMatches(std::string_view pattern, std::string_view segment) {
  if (pattern == "*") return true;
  if (pattern == "[*]") return !segment.empty() && segment.front() == '[';
  return pattern == segment;
}

bool Match(const std::vector<std::string_view>& p, size_t pi,
           const std::vector<std::string_view>& s, size_t si) {
  if (pi == p.size()) return si == s.size();
  if (p[pi] == "**") {
    for (size_t k = si; k <= s.size(); ++k) {
      if (Match(p, pi + 1, s, k)) return true;
    }
    return false;
  }
  return si < s.size() && SegmentMatches(p[pi], s[si]) && Match(p, pi + 1, s, si + 1);
}

bool Ignored(const std::string& path, const std::vector<IgnoreRule>& ignore) {
  return std::any_of(ignore.begin(), ignore.end(),
                     [&](const IgnoreRule& rule) { return PathMatches(rule.pattern, path); });
}

std::string Child(const std::string& path, const std::string& key) {
  return path.empty() ? key : path + "." + key;
}

void Walk(const json& a, const json& b, const std::string& path,
          const std::vector<IgnoreRule>& ignore, std::vector<DiffEntry>* out) {
  if (!path.empty() && Ignored(path, ignore)) return;
  if (a.is_object() && b.is_object()) {
    std::vector<std::string> keys;
    for (const auto& [k, v] : a.items()) keys.push_back(k);
    for (const auto& [k, v] : b.items()) {
      if (!a.contains(k)) keys.push_back(k);
    }
    std::sort(keys.begin(), keys.end());
    for (const auto& key : keys) {
      const std::string child = Child(path, key);
      if (Ignored(child, ignore)) continue;
      if (!a.contains(key)) {
        out->push_back(DiffEntry{child, false, true, nullptr, b.at(key)});
      } else if (!b.contains(key)) {
        out->push_back(DiffEntry{child, true, false, a.at(key), nullptr});
      } else {
        Walk(a.at(key), b.at(key), child, ignore, out);
      }
    }
    return;
  }
  if (a.is_array() && b.is_array()) {
    const size_t n = std::max(a.size(), b.size());
    for (size_t i = 0; i < n; ++i) {
      const std::string child = path + "[" + std::to_string(i) + "]";
      if (Ignored(child, ignore)) continue;
      if (i >= a.size()) {
        out->push_back(DiffEntry{child, false, true, nullptr, b.at(i)});
      } else if (i >= b.size()) {
        out->push_back(DiffEntry{child, true, false, a.at(i), nullptr});
      } else {
        Walk(a.at(i), b.at(i), child, ignore, out);
      }
    }
    return;
  }
  if (a != b) out->push_back(DiffEntry{path, true, true, a, b});
}

std::string Shown(const json& value) {
  std::string text = value.dump(-1, ' ', false, json::error_handler_t::replace);
  if (text.size() > kMaxShown) text = text.substr(0, kMaxShown - 3) + "...";
  return text;
}

}  // namespace

const std::vector<IgnoreRule>& VolatileFields() {
  static const std::vector<IgnoreRule> rules = {
      {"kubernetes.namespaces.*.events", "event records count how often something was reported"},
      {"kubernetes.namespaces.*.deployments.*.generation",
       "metadata.generation counts spec writes, even ones that restore the spec"},
      {"slack.*.messages[*].ts", "message ids"},
      {"slack.*.messages[*].posted_at_ms", "when a message was posted"},
      {"slack.*.messages[*].edited_ts", "when a message was last edited"},
      {"pagerduty.incidents[*].log", "an incident's log records every event, folded or not"},
      {"pagerduty.incidents[*].deduplicated_events",
       "events folded into an open incident by their dedup key change nothing"},
  };
  return rules;
}

bool PathMatches(std::string_view pattern, std::string_view path) {
  return Match(Segments(pattern), 0, Segments(path), 0);
}

std::vector<DiffEntry> DiffSnapshots(const json& before, const json& after,
                                     const std::vector<IgnoreRule>& ignore) {
  std::vector<DiffEntry> out;
  Walk(before, after, "", ignore, &out);
  return out;
}

std::string FormatDiffEntry(const DiffEntry& entry) {
  return entry.path + ": " + (entry.had_before ? Shown(entry.before) : "(absent)") + " → " +
         (entry.has_after ? Shown(entry.after) : "(absent)");
}

}  // namespace rundrill::verify
