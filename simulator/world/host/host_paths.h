#pragma once

// Path and pattern rules shared by the host world and the programs that read it (find, du,
// the remote shell's pathname expansion). Pure functions: no file system is touched.

#include <optional>
#include <string>
#include <string_view>

namespace rundrill::world {

// An absolute path in canonical form: "/" separated, no empty, "." or ".." components, no
// trailing "/" (except the root itself). ".." above the root stays at the root, as the
// kernel resolves it. nullopt for a relative or empty path.
std::optional<std::string> NormalizePath(std::string_view path);

// Whether `path` is `ancestor` or lies below it (both canonical).
bool IsUnder(std::string_view path, std::string_view ancestor);

// The canonical parent ("/" for "/x" and for "/").
std::string ParentPath(std::string_view path);

// The last component ("x" for "/a/x", "/" for "/").
std::string BaseName(std::string_view path);

// Whether a leading "." in the name must be matched by a literal "." (the shell's pathname
// expansion) or may be matched by a wildcard (find -name, which uses fnmatch without
// FNM_PERIOD).
enum class LeadingDot { kWildcardMatches, kMustBeLiteral };

// fnmatch(3)-style matching of one name: `*`, `?`, bracket expressions `[abc]`, `[a-z]`,
// `[!x]` and `[^x]`, backslash escapes. A `[` without its `]` matches itself.
bool GlobMatch(std::string_view pattern, std::string_view name,
               LeadingDot leading_dot = LeadingDot::kWildcardMatches);

// Whether a word holds an unescaped glob character (`*`, `?` or `[`).
bool HasGlobChars(std::string_view pattern);

}  // namespace rundrill::world
