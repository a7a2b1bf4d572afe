#pragma once

#include <algorithm>
#include <string>
#include <string_view>
#include <vector>

namespace rundrill::model {

// Programs every drill puts on PATH as links to rundrill-shim. Those without a backend answer
// that they are not modelled: linking them still matters, so a runbook can never reach the
// real ssh, cloud CLI or database client. (curl stays real: it is how runbooks reach the
// loopback HTTP fakes.) Lint refuses absolute paths to them, which would bypass the link.
inline const std::vector<std::string>& ShimmedPrograms() {
  static const std::vector<std::string> programs = {
      "kubectl", "sleep", "ssh",   "scp",       "sftp",      "rsync",  "helm", "aws", "gcloud",
      "az",      "psql",  "mysql", "redis-cli", "terraform", "docker", "wget", "nc"};
  return programs;
}

inline bool IsShimmedProgram(std::string_view name) {
  const auto& programs = ShimmedPrograms();
  return std::find(programs.begin(), programs.end(), name) != programs.end();
}

}  // namespace rundrill::model
