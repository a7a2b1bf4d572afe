#pragma once

// A private folder (mode 0700, from mkdtemp) for files a tool run needs, removed with
// everything in it on destruction.

#include <stdlib.h>

#include <filesystem>
#include <string>
#include <system_error>

namespace rundrill {

class TempDir {
 public:
  // `prefix` names the folder ("rundrill-lint" → /tmp/rundrill-lint-XXXXXX). path() is empty
  // when it could not be made.
  explicit TempDir(const std::string& prefix) {
    std::error_code ec;
    std::filesystem::path base = std::filesystem::temp_directory_path(ec);
    if (ec) base = "/tmp";
    std::string pattern = (base / (prefix + "-XXXXXX")).string();
    if (mkdtemp(pattern.data()) != nullptr) path_ = pattern;
  }
  ~TempDir() {
    std::error_code ec;
    if (!path_.empty()) std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

}  // namespace rundrill
