#include "fakes/kubectl/kube_yaml.h"

#include <cstdio>
#include <set>

namespace rundrill::fakes::kubectl {
namespace {

using nlohmann::json;

constexpr size_t kBestWidth = 80;  // libyaml's default line width

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// Whether a plain scalar with this text would resolve to something other than a string in
// YAML 1.1 as go-yaml v2 resolves it (null, bool, int, float, timestamp).
bool ResolvesToNonString(const std::string& s) {
  static const std::set<std::string> kWords = {
      "",      "~",     "null",  "Null",  "NULL", "y",    "Y",    "yes",  "Yes",   "YES",
      "n",     "N",     "no",    "No",    "NO",   "true", "True", "TRUE", "false", "False",
      "FALSE", "on",    "On",    "ON",    "off",  "Off",  "OFF",  ".inf", ".Inf",  ".INF",
      "-.inf", "-.Inf", "-.INF", "+.inf", ".nan", ".NaN", ".NAN"};
  if (kWords.count(s)) return true;
  // Numbers: optional sign, digits/underscores, optional fraction and exponent; hex/octal/bin.
  size_t i = 0;
  if (s[0] == '+' || s[0] == '-') i = 1;
  if (i < s.size()) {
    const std::string rest = s.substr(i);
    if (rest.size() > 2 && rest[0] == '0' && (rest[1] == 'x' || rest[1] == 'b' || rest[1] == 'o')) {
      bool ok = true;
      for (size_t k = 2; k < rest.size(); ++k) {
        const char c = rest[k];
        if (!(IsDigit(c) || c == '_' || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')))
          ok = false;
      }
      if (ok) return true;
    }
    size_t k = 0;
    bool digits = false;
    while (k < rest.size() && (IsDigit(rest[k]) || rest[k] == '_')) {
      digits = digits || IsDigit(rest[k]);
      ++k;
    }
    if (k < rest.size() && rest[k] == '.') {
      ++k;
      while (k < rest.size() && (IsDigit(rest[k]) || rest[k] == '_')) {
        digits = true;
        ++k;
      }
    }
    if (digits && k < rest.size() && (rest[k] == 'e' || rest[k] == 'E')) {
      size_t e = k + 1;
      if (e < rest.size() && (rest[e] == '+' || rest[e] == '-')) ++e;
      const size_t start = e;
      while (e < rest.size() && IsDigit(rest[e])) ++e;
      if (e > start) k = e;
    }
    if (digits && k == rest.size()) return true;
    // Base-60 numbers ("1:20") are floats/ints in YAML 1.1.
    bool sexagesimal = IsDigit(rest[0]) && rest.find(':') != std::string::npos;
    for (char c : rest) {
      if (!(IsDigit(c) || c == ':' || c == '.' || c == '_')) sexagesimal = false;
    }
    if (sexagesimal) return true;
  }
  // Timestamps: YYYY-MM-DD, optionally followed by a time.
  if (s.size() >= 10 && IsDigit(s[0]) && IsDigit(s[1]) && IsDigit(s[2]) && IsDigit(s[3]) &&
      s[4] == '-' && IsDigit(s[5]) && IsDigit(s[6]) && s[7] == '-' && IsDigit(s[8]) &&
      IsDigit(s[9])) {
    return true;
  }
  return false;
}

bool PlainAllowed(const std::string& s) {
  if (s.empty() || s.front() == ' ' || s.back() == ' ') return false;
  static const std::string kLeading = "#,[]{}&*!|>'\"%@`";
  if (kLeading.find(s[0]) != std::string::npos) return false;
  if ((s[0] == '-' || s[0] == '?' || s[0] == ':') && (s.size() == 1 || s[1] == ' ')) return false;
  for (size_t i = 0; i < s.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    if (c < 0x20 || c == 0x7f) return false;
    if (s[i] == ':' && (i + 1 == s.size() || s[i + 1] == ' ')) return false;
    if (s[i] == '#' && i > 0 && s[i - 1] == ' ') return false;
  }
  return true;
}

size_t Column(const std::string& out) {
  const size_t nl = out.rfind('\n');
  return nl == std::string::npos ? out.size() : out.size() - nl - 1;
}

// Writes `text` folding at single spaces once the line is past the best width, as libyaml's
// write_plain / write_single_quoted do; a continuation line starts at `indent`.
void WriteFolding(std::string& out, const std::string& text, size_t indent, bool quoted) {
  bool spaces = false;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == ' ') {
      const bool next_space = i + 1 < text.size() && text[i + 1] == ' ';
      const bool inner = !quoted || (i != 0 && i + 1 != text.size());
      if (!spaces && Column(out) > kBestWidth && !next_space && inner) {
        out += '\n';
        out.append(indent, ' ');
      } else {
        out += c;
      }
      spaces = true;
      continue;
    }
    if (quoted && c == '\'') {
      out += "''";
    } else {
      out += c;
    }
    spaces = false;
  }
}

void WriteDoubleQuoted(std::string& out, const std::string& s) {
  out += '"';
  for (unsigned char c : s) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (c < 0x20 || c == 0x7f) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\x%02X", c);
          out += buf;
        } else {
          out += static_cast<char>(c);
        }
    }
  }
  out += '"';
}

// A scalar after "key: " or "- "; `indent` is where folded or block lines start.
void WriteScalar(std::string& out, const json& v, size_t indent) {
  if (v.is_null()) {
    out += "null";
  } else if (v.is_boolean()) {
    out += v.get<bool>() ? "true" : "false";
  } else if (v.is_number()) {
    out += v.dump();
  } else {
    const std::string s = v.get<std::string>();
    if (s.find('\n') != std::string::npos) {
      // Literal block: "|-" strips the absent final newline, "|" keeps one, "|+" keeps more.
      std::string indicator = "|-";
      if (s.back() == '\n') indicator = s.size() >= 2 && s[s.size() - 2] == '\n' ? "|+" : "|";
      if (s.front() == ' ') indicator.insert(1, "2");
      out += indicator;
      size_t start = 0;
      const std::string body = indicator == "|-" ? s : s.substr(0, s.size() - 1);
      while (start <= body.size()) {
        size_t end = body.find('\n', start);
        if (end == std::string::npos) end = body.size();
        out += '\n';
        if (end > start) out.append(indent, ' ');
        out += body.substr(start, end - start);
        start = end + 1;
      }
    } else if (ResolvesToNonString(s)) {
      WriteDoubleQuoted(out, s);
    } else if (PlainAllowed(s)) {
      WriteFolding(out, s, indent, false);
    } else {
      bool printable = true;
      for (unsigned char c : s) printable = printable && c >= 0x20 && c != 0x7f;
      if (!printable) {
        WriteDoubleQuoted(out, s);
      } else {
        out += '\'';
        WriteFolding(out, s, indent, true);
        out += '\'';
      }
    }
  }
  out += '\n';
}

void WriteSequence(std::string& out, const json& seq, size_t indent);

// Writes the entries of a non-empty mapping at `indent`; when `inline_first`, the cursor
// already stands after "- " at that column.
void WriteMapping(std::string& out, const json& map, size_t indent, bool inline_first) {
  bool first = true;
  for (auto it = map.begin(); it != map.end(); ++it) {
    if (!(first && inline_first)) out.append(indent, ' ');
    first = false;
    const std::string& key = it.key();
    if (ResolvesToNonString(key)) {
      WriteDoubleQuoted(out, key);
    } else if (PlainAllowed(key)) {
      out += key;
    } else {
      out += "'" + key + "'";
    }
    out += ':';
    const json& v = it.value();
    if (v.is_object() && !v.empty()) {
      out += '\n';
      WriteMapping(out, v, indent + 2, false);
    } else if (v.is_array() && !v.empty()) {
      out += '\n';
      WriteSequence(out, v, indent);
    } else if (v.is_object()) {
      out += " {}\n";
    } else if (v.is_array()) {
      out += " []\n";
    } else {
      out += ' ';
      WriteScalar(out, v, indent + 2);
    }
  }
}

void WriteSequence(std::string& out, const json& seq, size_t indent) {
  for (const json& item : seq) {
    out.append(indent, ' ');
    out += "- ";
    if (item.is_object() && !item.empty()) {
      WriteMapping(out, item, indent + 2, true);
    } else if (item.is_array() && !item.empty()) {
      out += '\n';
      WriteSequence(out, item, indent + 2);
    } else if (item.is_object()) {
      out += "{}\n";
    } else if (item.is_array()) {
      out += "[]\n";
    } else {
      WriteScalar(out, item, indent + 2);
    }
  }
}

}  // namespace

std::string ToYamlText(const json& value) {
  std::string out;
  if (value.is_object() && !value.empty()) {
    WriteMapping(out, value, 0, false);
  } else if (value.is_array() && !value.empty()) {
    WriteSequence(out, value, 0);
  } else if (value.is_object()) {
    out = "{}\n";
  } else if (value.is_array()) {
    out = "[]\n";
  } else {
    WriteScalar(out, value, 2);
  }
  return out;
}

}  // namespace rundrill::fakes::kubectl
