#pragma once

#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "simulator/core/status.h"

namespace rundrill::exec {

// A drill's private folder, which every step of the drill runs inside:
//
//   <root>/                  mkdtemp "rundrill-XXXXXX" under $TMPDIR (or /tmp)
//     bin/<program>          symlinks to rundrill-shim, one per faked program
//     home/                  HOME
//     home/.kube/config      KUBECONFIG: a harmless config naming https://rundrill.invalid
//     tmp/                   TMPDIR
//     rundrill.sock          the drill's Unix socket (created by StepRunner, not here)
//
// The destructor removes the whole folder. Not copyable; owned by the drill, and must
// outlive every StepRunner built on it.
class Sandbox {
 public:
  struct Options {
    // Absolute path of the built rundrill-shim; every faked program links to it.
    std::string shim_path;
    // Names of the faked programs (plain file names: no '/').
    std::vector<std::string> programs = {"kubectl", "ssh", "sleep"};
    // Folder to create the sandbox in; empty means $TMPDIR, or /tmp when that is unset. When
    // the socket path would not fit a Unix socket address (107 bytes), /tmp is used instead.
    std::string parent_dir;
    // Names used in the generated kubeconfig (cluster, context and user).
    std::string kube_context = "rundrill";
  };

  // Creates the folder and everything in it. Fails with Status::Environment when the
  // shim is missing or the folder cannot be made; nothing is left behind on failure.
  static StatusOr<std::unique_ptr<Sandbox>> Create(const Options& options);

  ~Sandbox();
  Sandbox(const Sandbox&) = delete;
  Sandbox& operator=(const Sandbox&) = delete;

  const std::string& root() const { return root_; }
  std::string bin_dir() const { return root_ + "/bin"; }
  std::string home_dir() const { return root_ + "/home"; }
  std::string tmp_dir() const { return root_ + "/tmp"; }
  std::string kubeconfig_path() const { return root_ + "/home/.kube/config"; }
  std::string socket_path() const { return root_ + "/rundrill.sock"; }

  // Links one more faked program (a scenario stub) to the shim. Idempotent.
  Status AddProgram(std::string_view name);

  // The complete environment of a step, built from nothing (no variable of the parent
  // process leaks in: no SSH_AUTH_SOCK, AWS_*, tokens):
  //   PATH=<root>/bin:/usr/local/bin:/usr/bin:/bin, HOME, TMPDIR, KUBECONFIG,
  //   RUNDRILL_SOCKET, LANG=C.UTF-8, LC_ALL=C.UTF-8
  // plus `extra` (alert labels, params, fake URLs...). The sandbox's own variables win over
  // `extra`, so no caller can route a step around the fakes by overriding PATH.
  std::map<std::string, std::string> Environment(
      const std::map<std::string, std::string>& extra = {}) const;

  // Writes `contents` to `relative_path` under the root (parent folders are created),
  // replacing any previous file, and returns the absolute path. The path must stay inside
  // the sandbox: no absolute paths, no "..".
  StatusOr<std::string> WriteFile(std::string_view relative_path, std::string_view contents) const;

 private:
  Sandbox(std::string root, std::string shim_path)
      : root_(std::move(root)), shim_path_(std::move(shim_path)) {}

  std::string root_;
  std::string shim_path_;
};

}  // namespace rundrill::exec
