#include "fakes/kubectl/jsonpath.h"

#include <memory>
#include <optional>
#include <vector>

namespace rundrill::fakes::kubectl {
namespace {

using nlohmann::json;

struct Segment;
using Path = std::vector<Segment>;

struct Filter {
  Path left;
  std::string op;  // "" = existence test
  bool right_is_path = false;
  Path right_path;
  json right_literal;
};

struct Segment {
  enum class Kind { kField, kWildcard, kIndex, kSlice, kFilter };
  Kind kind = Kind::kField;
  std::string name;               // kField; "*" means every value
  int index = 0;                  // kIndex
  std::optional<int> start, end;  // kSlice
  std::shared_ptr<Filter> filter;
};

struct Node {
  enum class Kind { kText, kPath, kLiteral, kRange };
  Kind kind = Kind::kText;
  std::string text;            // kText / kLiteral
  Path path;                   // kPath / kRange
  std::vector<Node> children;  // kRange
};

struct Failure {
  std::string message;
};

class Parser {
 public:
  explicit Parser(const std::string& text) : text_(text) {}

  std::vector<Node> ParseAll() {
    std::vector<Node> nodes;
    ParseNodes(nodes, /*in_range=*/false);
    return nodes;
  }

 private:
  // Returns true when it stopped at an {end}.
  bool ParseNodes(std::vector<Node>& nodes, bool in_range) {
    while (pos_ < text_.size()) {
      const size_t open = text_.find('{', pos_);
      if (open != pos_) {
        Node n;
        n.kind = Node::Kind::kText;
        n.text = text_.substr(pos_, open == std::string::npos ? std::string::npos : open - pos_);
        nodes.push_back(n);
        if (open == std::string::npos) {
          pos_ = text_.size();
          break;
        }
      }
      pos_ = open + 1;
      const size_t close = FindClose(pos_);
      if (close == std::string::npos) throw Failure{"unclosed action"};
      std::string inside = Trim(text_.substr(pos_, close - pos_));
      pos_ = close + 1;
      if (inside == "end") {
        if (!in_range) throw Failure{"not in range, nothing to end"};
        return true;
      }
      if (inside.rfind("range", 0) == 0 && inside.size() > 5 &&
          (inside[5] == ' ' || inside[5] == '.')) {
        Node n;
        n.kind = Node::Kind::kRange;
        n.path = ParsePath(Trim(inside.substr(5)));
        if (!ParseNodes(n.children, true)) throw Failure{"unclosed range"};
        nodes.push_back(std::move(n));
        continue;
      }
      if (!inside.empty() && (inside[0] == '"' || inside[0] == '\'')) {
        Node n;
        n.kind = Node::Kind::kLiteral;
        n.text = Unquote(inside);
        nodes.push_back(n);
        continue;
      }
      Node n;
      n.kind = Node::Kind::kPath;
      n.path = ParsePath(inside);
      nodes.push_back(std::move(n));
    }
    return false;
  }

  // The '}' closing an action, skipping quoted strings and brackets.
  size_t FindClose(size_t from) const {
    char quote = 0;
    int depth = 0;
    for (size_t i = from; i < text_.size(); ++i) {
      const char c = text_[i];
      if (quote) {
        if (c == '\\') {
          ++i;
        } else if (c == quote) {
          quote = 0;
        }
        continue;
      }
      if (c == '"' || c == '\'') quote = c;
      if (c == '[') ++depth;
      if (c == ']') --depth;
      if (c == '}' && depth <= 0) return i;
    }
    return std::string::npos;
  }

  static std::string Trim(const std::string& s) {
    size_t b = s.find_first_not_of(' ');
    if (b == std::string::npos) return "";
    size_t e = s.find_last_not_of(' ');
    return s.substr(b, e - b + 1);
  }

  static std::string Unquote(const std::string& s) {
    if (s.size() < 2 || s.back() != s.front()) throw Failure{"unterminated string " + s};
    std::string out;
    for (size_t i = 1; i + 1 < s.size(); ++i) {
      char c = s[i];
      if (c == '\\' && i + 2 < s.size()) {
        c = s[++i];
        switch (c) {
          case 't':
            out += '\t';
            break;
          case 'n':
            out += '\n';
            break;
          case 'r':
            out += '\r';
            break;
          default:
            out += c;
        }
      } else {
        out += c;
      }
    }
    return out;
  }

 public:
  static Path ParsePath(const std::string& s) {
    Path path;
    size_t i = 0;
    if (i < s.size() && (s[i] == '@' || s[i] == '$')) ++i;
    while (i < s.size()) {
      if (s[i] == '.') {
        ++i;
        if (i < s.size() && s[i] == '.') throw Failure{"recursive descent is not modelled"};
        std::string name;
        while (i < s.size() && s[i] != '.' && s[i] != '[') {
          if (s[i] == '\\' && i + 1 < s.size()) ++i;
          name += s[i++];
        }
        if (name.empty()) continue;  // "{.}" is the current object
        Segment seg;
        seg.kind = Segment::Kind::kField;
        seg.name = name;
        path.push_back(seg);
      } else if (s[i] == '[') {
        size_t depth = 0, j = i;
        char quote = 0;
        for (; j < s.size(); ++j) {
          if (quote) {
            if (s[j] == quote) quote = 0;
            continue;
          }
          if (s[j] == '"' || s[j] == '\'') quote = s[j];
          if (s[j] == '[') ++depth;
          if (s[j] == ']' && --depth == 0) break;
        }
        if (j >= s.size()) throw Failure{"unterminated array"};
        path.push_back(ParseBracket(s.substr(i + 1, j - i - 1)));
        i = j + 1;
      } else {
        // A bare name at the start ("items[0]" is not valid jsonpath, kubectl errors too).
        throw Failure{"unrecognized character in action: " + s.substr(i, 1)};
      }
    }
    return path;
  }

 private:
  static Segment ParseBracket(const std::string& inner) {
    Segment seg;
    const std::string t = Trim(inner);
    if (t == "*") {
      seg.kind = Segment::Kind::kWildcard;
      return seg;
    }
    if (!t.empty() && (t[0] == '\'' || t[0] == '"')) {
      seg.kind = Segment::Kind::kField;
      seg.name = t.substr(1, t.size() - 2);
      return seg;
    }
    if (t.size() > 3 && t[0] == '?' && t[1] == '(' && t.back() == ')') {
      seg.kind = Segment::Kind::kFilter;
      seg.filter = std::make_shared<Filter>(ParseFilter(Trim(t.substr(2, t.size() - 3))));
      return seg;
    }
    const size_t colon = t.find(':');
    if (colon != std::string::npos) {
      seg.kind = Segment::Kind::kSlice;
      const std::string a = Trim(t.substr(0, colon));
      std::string b = Trim(t.substr(colon + 1));
      if (b.find(':') != std::string::npos) b = b.substr(0, b.find(':'));
      if (!a.empty()) seg.start = ParseInt(a);
      if (!b.empty()) seg.end = ParseInt(b);
      return seg;
    }
    seg.kind = Segment::Kind::kIndex;
    seg.index = ParseInt(t);
    return seg;
  }

  static int ParseInt(const std::string& s) {
    size_t used = 0;
    int v = 0;
    try {
      v = std::stoi(s, &used);
    } catch (...) {
      used = 0;
    }
    if (used != s.size() || s.empty()) throw Failure{"invalid array index " + s};
    return v;
  }

  static Filter ParseFilter(const std::string& t) {
    Filter f;
    static const char* kOps[] = {"==", "!=", "<=", ">=", "<", ">"};
    size_t at = std::string::npos;
    std::string op;
    for (const char* candidate : kOps) {
      const size_t p = t.find(candidate);
      if (p != std::string::npos && (at == std::string::npos || p < at)) {
        at = p;
        op = candidate;
      }
    }
    if (at == std::string::npos) {
      f.left = ParsePath(t);
      return f;
    }
    f.op = op;
    f.left = ParsePath(Trim(t.substr(0, at)));
    const std::string right = Trim(t.substr(at + op.size()));
    if (!right.empty() && (right[0] == '@' || right[0] == '.' || right[0] == '$')) {
      f.right_is_path = true;
      f.right_path = ParsePath(right);
    } else if (!right.empty() && (right[0] == '"' || right[0] == '\'')) {
      f.right_literal = right.substr(1, right.size() - 2);
    } else {
      try {
        f.right_literal = json::parse(right);
      } catch (...) {
        throw Failure{"unrecognized filter value " + right};
      }
    }
    return f;
  }

  const std::string& text_;
  size_t pos_ = 0;
};

std::vector<json> Eval(const Path& path, const json& current);

bool Compare(const json& a, const std::string& op, const json& b) {
  if (op == "==") return a == b;
  if (op == "!=") return a != b;
  if (a.is_number() && b.is_number()) {
    const double x = a.get<double>(), y = b.get<double>();
    if (op == "<") return x < y;
    if (op == ">") return x > y;
    if (op == "<=") return x <= y;
    if (op == ">=") return x >= y;
  }
  return false;
}

bool Matches(const Filter& f, const json& item) {
  const std::vector<json> left = Eval(f.left, item);
  if (f.op.empty()) return !left.empty();
  std::vector<json> right;
  if (f.right_is_path) {
    right = Eval(f.right_path, item);
  } else {
    right.push_back(f.right_literal);
  }
  for (const json& l : left) {
    for (const json& r : right) {
      if (Compare(l, f.op, r)) return true;
    }
  }
  return false;
}

std::vector<json> Eval(const Path& path, const json& current) {
  std::vector<json> values = {current};
  for (const Segment& seg : path) {
    std::vector<json> next;
    for (const json& v : values) {
      switch (seg.kind) {
        case Segment::Kind::kField:
          if (!v.is_object()) break;
          if (seg.name == "*") {
            for (const auto& [k, item] : v.items()) next.push_back(item);
          } else if (v.contains(seg.name)) {
            next.push_back(v.at(seg.name));
          }
          break;
        case Segment::Kind::kWildcard:
          if (v.is_array() || v.is_object()) {
            for (const json& item : v) next.push_back(item);
          }
          break;
        case Segment::Kind::kIndex: {
          if (!v.is_array()) break;
          const int n = static_cast<int>(v.size());
          int i = seg.index < 0 ? seg.index + n : seg.index;
          if (i < 0 || i >= n) {
            throw Failure{"array index out of bounds: index " + std::to_string(seg.index) +
                          ", length " + std::to_string(n)};
          }
          next.push_back(v[static_cast<size_t>(i)]);
          break;
        }
        case Segment::Kind::kSlice: {
          if (!v.is_array()) break;
          const int n = static_cast<int>(v.size());
          int a = seg.start.value_or(0), b = seg.end.value_or(n);
          if (a < 0) a += n;
          if (b < 0) b += n;
          a = std::max(0, std::min(a, n));
          b = std::max(0, std::min(b, n));
          for (int i = a; i < b; ++i) next.push_back(v[static_cast<size_t>(i)]);
          break;
        }
        case Segment::Kind::kFilter:
          if (!v.is_array()) break;
          for (const json& item : v) {
            if (Matches(*seg.filter, item)) next.push_back(item);
          }
          break;
      }
    }
    values = std::move(next);
  }
  return values;
}

std::string Text(const json& v) {
  if (v.is_string()) return v.get<std::string>();
  if (v.is_null()) return "";
  // Maps and lists print as compact JSON, scalars as Go prints them.
  return v.dump(-1, ' ', false, json::error_handler_t::replace);
}

void Run(const std::vector<Node>& nodes, const json& current, std::string& out) {
  for (const Node& n : nodes) {
    switch (n.kind) {
      case Node::Kind::kText:
      case Node::Kind::kLiteral:
        out += n.text;
        break;
      case Node::Kind::kPath: {
        const std::vector<json> results = Eval(n.path, current);
        for (size_t i = 0; i < results.size(); ++i) {
          if (i > 0) out += ' ';
          out += Text(results[i]);
        }
        break;
      }
      case Node::Kind::kRange:
        for (const json& item : Eval(n.path, current)) {
          // A range over one array ranges over its elements.
          if (n.path.empty() && item.is_array()) {
            for (const json& element : item) Run(n.children, element, out);
          } else {
            Run(n.children, item, out);
          }
        }
        break;
    }
  }
}

}  // namespace

JsonPathResult ExecuteJsonPath(const std::string& template_text, const json& data) {
  JsonPathResult result;
  std::vector<Node> nodes;
  try {
    nodes = Parser(template_text).ParseAll();
  } catch (const Failure& f) {
    result.error = "error parsing jsonpath " + template_text + ", " + f.message;
    return result;
  }
  try {
    Run(nodes, data, result.output);
  } catch (const Failure& f) {
    result.output.clear();
    result.error = "error executing jsonpath \"" + template_text +
                   "\": Error executing template: " + f.message +
                   ". Printing more information for debugging the template:\n"
                   "\ttemplate was:\n\t\t" +
                   template_text + "\n\tobject given to jsonpath engine was:\n\t\t" +
                   data.dump(-1, ' ', false, json::error_handler_t::replace) + "\n\n";
  }
  return result;
}

JsonPathValues FindJsonPathValues(const std::string& template_text, const json& data) {
  JsonPathValues result;
  std::vector<Node> nodes;
  try {
    nodes = Parser(template_text).ParseAll();
  } catch (const Failure& f) {
    result.parse_error = f.message;
    return result;
  }
  // kubectl's relaxed --sort-by expressions always start with an action.
  if (nodes.empty() || nodes[0].kind != Node::Kind::kPath) return result;
  try {
    result.values = Eval(nodes[0].path, data);
  } catch (const Failure& f) {
    result.error = f.message;
  }
  return result;
}

}  // namespace rundrill::fakes::kubectl
