#pragma once

// A rough reading of a shell script into simple commands and words, enough for lint rules to
// ask "which program runs, with which arguments" instead of searching the text: so that
// `echo "kubectl delete deployment"` is one echo, and a comment is nothing at all. It is not
// a shell: expansions are left as written, and control structures are only split apart.

#include <string>
#include <string_view>
#include <vector>

namespace rundrill::lint {

struct ShellWord {
  std::string text;      // quotes removed; `$NAME`, `${...}` and `$(...)` kept as written
  size_t offset = 0;     // of the word's first character in the script
  bool expands = false;  // holds an unquoted or double-quoted `$` or backquote: not a literal
};

struct ShellCommand {
  std::vector<ShellWord> words;  // redirections and their targets are left out
};

// Splits on newlines, `;`, `&`, `&&`, `||`, `|` and parentheses, respecting quotes and
// backslashes, dropping comments and here-document bodies. Commands inside `$(...)` and
// backquotes are returned too (after the command holding them), with offsets into `script`.
std::vector<ShellCommand> SplitCommands(std::string_view script);

// The index of the word naming the program a command runs: after variable assignments,
// keywords (`if`, `then`, `!`, `{`…) and wrappers that run another program (`sudo`, `env`,
// `exec`, `nohup`, `command`, `time`, `timeout DURATION`, `xargs`). words.size() when none.
size_t ProgramIndex(const ShellCommand& command);

// The last path component: "/usr/bin/kubectl" -> "kubectl".
std::string_view BaseName(std::string_view program);

}  // namespace rundrill::lint
