#pragma once

// The part of a POSIX shell that the remote side of ssh applies to the joined command
// string: words with single quotes, double quotes and backslashes; `;` and newlines; `&&`
// and `||` (left to right, as and-or lists run); `#` comments; pathname expansion (done at
// run time, against the host's files). Everything else — pipes, redirections, `&`,
// substitutions, variables, `~`, braces, subshells, keywords, assignments — is reported as
// not modelled instead of being guessed at.

#include <string>
#include <string_view>
#include <vector>

namespace rundrill::fakes::ssh {

// One word after quote removal. `quoted[i]` says whether text[i] came from quotes or a
// backslash, so a quoted `*` stays literal during pathname expansion.
struct ShellWord {
  std::string text;
  std::vector<bool> quoted;

  // Whether an unquoted `*`, `?` or `[` asks for pathname expansion.
  bool HasGlob() const;
  // The word as a glob pattern: quoted glob characters and backslashes escaped.
  std::string AsPattern() const;
};

enum class Connector {
  kAlways,     // first command, or after `;` / newline
  kIfSuccess,  // after `&&`
  kIfFailure,  // after `||`
};

struct ShellCommand {
  Connector connector = Connector::kAlways;
  std::vector<ShellWord> words;
};

struct ShellScript {
  std::vector<ShellCommand> commands;
  // Non-empty when the text uses something outside the subset: what it is, for the
  // "is not modelled" message ("pipes ('|')").
  std::string not_modelled;
};

ShellScript ParseShell(std::string_view text);

}  // namespace rundrill::fakes::ssh
