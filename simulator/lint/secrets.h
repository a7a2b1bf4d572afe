#pragma once

// Finding credentials written into a runbook's text.

#include <string>
#include <string_view>
#include <vector>

namespace rundrill::lint {

struct SecretMatch {
  size_t offset = 0;  // of the secret itself in the scanned text
  size_t length = 0;
  std::string kind;   // "Slack token", "AWS access key id", …
  std::string where;  // the environment variable a drill gives instead, or ""
};

// Every secret in `line` (one line of a file), left to right.
std::vector<SecretMatch> FindSecrets(std::string_view line);

// The secret with all but its first 4 characters hidden, so a report can say which one is
// meant without repeating it: "xoxb********".
std::string MaskSecret(std::string_view secret);

}  // namespace rundrill::lint
