#pragma once

// `${NAME}` in the text of built-in steps (Slack posts, pages, approval requests): filled from
// the step's environment, as a shell would, but without running one. `$${` writes a literal
// `${`; any other `$` is itself, so prices and regexes need no escaping.

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace rundrill {

struct TemplateError {
  size_t offset = 0;  // byte of `text` the problem starts at
  std::string message;
};

// The first malformed reference (`${` without `}`, or a name that is not an identifier).
std::optional<TemplateError> CheckVariables(std::string_view text);

// `text` with every reference replaced by its value in `env`. Names `env` lacks are left as
// written and added, once each, to `missing`. Precondition: CheckVariables(text) found
// nothing (malformed references are copied as they are).
std::string ExpandVariables(std::string_view text, const std::map<std::string, std::string>& env,
                            std::vector<std::string>* missing);

}  // namespace rundrill
