#pragma once

// kubectl's command line, as cobra/pflag would split it: the command path ("get",
// "rollout status"), positional arguments, and flags, which may come before or after the
// command (`kubectl -n prod get pods`), as `--flag=value`, `--flag value`, `-n value`,
// `-nvalue` or `-n=value`.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace rundrill::fakes::kubectl {

struct ParsedArgs {
  std::vector<std::string> command;          // e.g. {"rollout", "status"}; empty if none
  std::vector<std::string> positionals;      // after the command path
  std::map<std::string, std::string> flags;  // by long name; bool flags hold "true"/"false"
  std::vector<std::string> raw;              // the arguments as given (for --record)
  // Set when the line is not valid for the command: the full stderr text kubectl prints.
  std::optional<std::string> error;
  // Set when a flag kubectl knows is used but rundrill does not model (the flag's text).
  std::optional<std::string> unmodelled_flag;

  bool Has(const std::string& name) const { return flags.count(name) != 0; }
  std::string Get(const std::string& name, const std::string& fallback = "") const;
  bool Bool(const std::string& name) const;  // absent ⇒ false
  // An integer flag's value. ParseArgs has already checked it as pflag does (Go's
  // strconv.ParseInt with base 0 and the flag's width) and rejected the line otherwise, so
  // this never fails on user input; absent (or, defensively, unparsable) ⇒ fallback.
  int64_t Int(const std::string& name, int64_t fallback = 0) const;
};

// Go's strconv.ParseInt(text, 0, bits), which pflag uses for every integer flag: optional
// sign, then decimal, 0x/0o/0b or leading-0 octal, with `_` separators. On failure returns
// nullopt and sets `error` to Go's NumError reason: "invalid syntax" or "value out of range".
std::optional<int64_t> ParseGoInt(const std::string& text, int bits, std::string* error);

// Whether the first word names a kubectl command that exists (modelled or not).
bool IsKubectlCommand(const std::string& word);

// Parses argv without argv[0].
ParsedArgs ParseArgs(const std::vector<std::string>& args);

}  // namespace rundrill::fakes::kubectl
