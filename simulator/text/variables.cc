#include "simulator/text/variables.h"

#include <algorithm>

namespace rundrill {
namespace {

bool IsNameStart(char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_'; }
bool IsNameChar(char c) { return IsNameStart(c) || (c >= '0' && c <= '9'); }

struct Reference {
  enum class Kind { kNone, kEscape, kVariable, kMalformed } kind = Kind::kNone;
  size_t end = 0;  // one past the reference
  std::string_view name;
  std::string message;
};

// What starts at `text[at]`, which is a '$'.
Reference ReadReference(std::string_view text, size_t at) {
  Reference ref;
  if (text.substr(at, 3) == "$${") {
    ref.kind = Reference::Kind::kEscape;
    ref.end = at + 3;
    return ref;
  }
  if (text.substr(at, 2) != "${") return ref;
  const size_t close = text.find('}', at + 2);
  if (close == std::string_view::npos) {
    ref.kind = Reference::Kind::kMalformed;
    ref.message = "\"${\" without a closing \"}\" (write \"$${\" for a literal \"${\")";
    return ref;
  }
  ref.name = text.substr(at + 2, close - at - 2);
  ref.end = close + 1;
  if (ref.name.empty() || !IsNameStart(ref.name[0]) ||
      !std::all_of(ref.name.begin(), ref.name.end(), IsNameChar)) {
    ref.kind = Reference::Kind::kMalformed;
    ref.message = "\"${" + std::string(ref.name) +
                  "}\" is not a variable (names are letters, digits and \"_\", not starting "
                  "with a digit)";
    return ref;
  }
  ref.kind = Reference::Kind::kVariable;
  return ref;
}

}  // namespace

std::optional<TemplateError> CheckVariables(std::string_view text) {
  for (size_t at = text.find('$'); at != std::string_view::npos; at = text.find('$', at)) {
    Reference ref = ReadReference(text, at);
    if (ref.kind == Reference::Kind::kMalformed) return TemplateError{at, std::move(ref.message)};
    at = ref.kind == Reference::Kind::kNone ? at + 1 : ref.end;
  }
  return std::nullopt;
}

std::string ExpandVariables(std::string_view text, const std::map<std::string, std::string>& env,
                            std::vector<std::string>* missing) {
  std::string out;
  size_t copied = 0;
  for (size_t at = text.find('$'); at != std::string_view::npos; at = text.find('$', at)) {
    const Reference ref = ReadReference(text, at);
    if (ref.kind == Reference::Kind::kEscape) {
      out.append(text.substr(copied, at - copied)).append("${");
    } else if (ref.kind == Reference::Kind::kVariable) {
      out.append(text.substr(copied, at - copied));
      auto it = env.find(std::string(ref.name));
      if (it != env.end()) {
        out += it->second;
      } else {
        out.append(text.substr(at, ref.end - at));
        const std::string name(ref.name);
        if (missing != nullptr &&
            std::find(missing->begin(), missing->end(), name) == missing->end()) {
          missing->push_back(name);
        }
      }
    } else {
      ++at;
      continue;
    }
    at = copied = ref.end;
  }
  out.append(text.substr(copied));
  return out;
}

}  // namespace rundrill
