#pragma once

#include <optional>
#include <string>

namespace rundrill::load {

// Reads a whole file. On failure returns nullopt and sets `*error` to strerror's text
// ("No such file or directory", "Is a directory", ...). The one place the loader touches
// the file system for contents.
std::optional<std::string> ReadWholeFile(const std::string& path, std::string* error);

}  // namespace rundrill::load
