#include "simulator/world/host/host_paths.h"

#include <vector>

namespace rundrill::world {

std::optional<std::string> NormalizePath(std::string_view path) {
  if (path.empty() || path[0] != '/') return std::nullopt;
  std::vector<std::string_view> parts;
  size_t pos = 0;
  while (pos < path.size()) {
    size_t end = path.find('/', pos);
    if (end == std::string_view::npos) end = path.size();
    const std::string_view part = path.substr(pos, end - pos);
    if (part == "..") {
      if (!parts.empty()) parts.pop_back();
    } else if (!part.empty() && part != ".") {
      parts.push_back(part);
    }
    pos = end + 1;
  }
  if (parts.empty()) return std::string("/");
  std::string out;
  for (std::string_view part : parts) {
    out += '/';
    out += part;
  }
  return out;
}

bool IsUnder(std::string_view path, std::string_view ancestor) {
  if (ancestor == "/") return !path.empty() && path[0] == '/';
  if (path.size() < ancestor.size() || path.substr(0, ancestor.size()) != ancestor) return false;
  return path.size() == ancestor.size() || path[ancestor.size()] == '/';
}

std::string ParentPath(std::string_view path) {
  const size_t slash = path.rfind('/');
  if (slash == std::string_view::npos || slash == 0) return "/";
  return std::string(path.substr(0, slash));
}

std::string BaseName(std::string_view path) {
  if (path == "/") return "/";
  const size_t slash = path.rfind('/');
  return std::string(slash == std::string_view::npos ? path : path.substr(slash + 1));
}

namespace {

// Matches one bracket expression starting at pattern[p] == '['. Returns the index just past
// its ']' and sets `matched`, or npos when the expression is not closed (then '[' is literal).
size_t MatchBracket(std::string_view pattern, size_t p, char c, bool* matched) {
  size_t i = p + 1;
  bool negate = false;
  if (i < pattern.size() && (pattern[i] == '!' || pattern[i] == '^')) {
    negate = true;
    ++i;
  }
  bool found = false;
  bool first = true;
  while (i < pattern.size()) {
    char lo = pattern[i];
    // A ']' right after the opening (or its negation) is a member, not the end.
    if (lo == ']' && !first) {
      *matched = found != negate;
      return i + 1;
    }
    first = false;
    if (lo == '\\' && i + 1 < pattern.size()) lo = pattern[++i];
    char hi = lo;
    if (i + 2 < pattern.size() && pattern[i + 1] == '-' && pattern[i + 2] != ']') {
      hi = pattern[i + 2];
      if (hi == '\\' && i + 3 < pattern.size()) {
        hi = pattern[i + 3];
        ++i;
      }
      i += 2;
    }
    if (static_cast<unsigned char>(c) >= static_cast<unsigned char>(lo) &&
        static_cast<unsigned char>(c) <= static_cast<unsigned char>(hi)) {
      found = true;
    }
    ++i;
  }
  return std::string_view::npos;
}

bool MatchFrom(std::string_view pattern, size_t p, std::string_view name, size_t n,
               LeadingDot leading_dot) {
  while (p < pattern.size()) {
    const char pc = pattern[p];
    const bool at_dot =
        n == 0 && n < name.size() && name[0] == '.' && leading_dot == LeadingDot::kMustBeLiteral;
    if (pc == '*') {
      if (at_dot) return false;
      while (p < pattern.size() && pattern[p] == '*') ++p;
      if (p == pattern.size()) return true;
      for (size_t k = n; k <= name.size(); ++k) {
        if (MatchFrom(pattern, p, name, k, LeadingDot::kWildcardMatches)) return true;
      }
      return false;
    }
    if (n >= name.size()) return false;
    if (pc == '?') {
      if (at_dot) return false;
      ++p;
      ++n;
      continue;
    }
    if (pc == '[') {
      bool matched = false;
      const size_t next = MatchBracket(pattern, p, name[n], &matched);
      if (next != std::string_view::npos) {
        if (!matched || at_dot) return false;
        p = next;
        ++n;
        continue;
      }
    }
    char literal = pc;
    if (pc == '\\' && p + 1 < pattern.size()) literal = pattern[++p];
    if (literal != name[n]) return false;
    ++p;
    ++n;
  }
  return n == name.size();
}

}  // namespace

bool GlobMatch(std::string_view pattern, std::string_view name, LeadingDot leading_dot) {
  return MatchFrom(pattern, 0, name, 0, leading_dot);
}

bool HasGlobChars(std::string_view pattern) {
  for (size_t i = 0; i < pattern.size(); ++i) {
    if (pattern[i] == '\\') {
      ++i;
      continue;
    }
    if (pattern[i] == '*' || pattern[i] == '?' || pattern[i] == '[') return true;
  }
  return false;
}

}  // namespace rundrill::world
