#include "simulator/exec/sandbox.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <system_error>

namespace rundrill::exec {
namespace {

namespace fs = std::filesystem;

constexpr std::string_view kSocketName = "rundrill.sock";

bool ValidProgramName(std::string_view name) {
  return !name.empty() && name != "." && name != ".." && name.find('/') == std::string_view::npos &&
         name.find('\0') == std::string_view::npos;
}

std::string Kubeconfig(const std::string& context) {
  // rundrill.invalid can never resolve (RFC 2606): even a real kubectl that somehow ran
  // with this config could not reach a cluster.
  std::string text =
      R"(# Written by rundrill for one drill. The server below is a placeholder that does
# not resolve; kubectl inside the drill is rundrill's fake.
apiVersion: v1
kind: Config
clusters:
- name: @
  cluster:
    server: https://rundrill.invalid
contexts:
- name: @
  context:
    cluster: @
    user: @
    namespace: default
current-context: @
users:
- name: @
  user: {}
)";
  for (size_t at = text.find('@'); at != std::string::npos; at = text.find('@', at)) {
    text.replace(at, 1, context);
    at += context.size();
  }
  return text;
}

Status WriteWholeFile(const std::string& path, std::string_view contents) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return Status::Environment("cannot write " + path + ": " + std::strerror(errno));
  while (!contents.empty()) {
    ssize_t n = ::write(fd, contents.data(), contents.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      int err = errno;
      ::close(fd);
      return Status::Environment("cannot write " + path + ": " + std::strerror(err));
    }
    contents.remove_prefix(static_cast<size_t>(n));
  }
  if (::close(fd) != 0) {
    return Status::Environment("cannot write " + path + ": " + std::strerror(errno));
  }
  return Status::Ok();
}

std::string ChooseParent(const std::string& requested) {
  std::string parent = requested;
  if (parent.empty()) {
    const char* tmpdir = std::getenv("TMPDIR");
    parent = (tmpdir != nullptr && *tmpdir != '\0') ? tmpdir : "/tmp";
  }
  while (parent.size() > 1 && parent.back() == '/') parent.pop_back();
  // sun_path holds 108 bytes including the terminating NUL.
  size_t socket_length = parent.size() + std::strlen("/rundrill-XXXXXX/") + kSocketName.size();
  if (socket_length >= sizeof(sockaddr_un{}.sun_path)) parent = "/tmp";
  return parent;
}

}  // namespace

StatusOr<std::unique_ptr<Sandbox>> Sandbox::Create(const Options& options) {
  if (options.shim_path.empty() || options.shim_path.front() != '/') {
    return Status::Internal("Sandbox needs the absolute path of rundrill-shim, got '" +
                            options.shim_path + "'");
  }
  if (::access(options.shim_path.c_str(), X_OK) != 0) {
    return Status::Environment("rundrill-shim is not executable at " + options.shim_path + ": " +
                               std::strerror(errno));
  }
  for (const std::string& program : options.programs) {
    if (!ValidProgramName(program)) {
      return Status::InvalidInput("'" + program + "' cannot be faked: not a plain program name");
    }
  }

  std::string templ = ChooseParent(options.parent_dir) + "/rundrill-XXXXXX";
  if (::mkdtemp(templ.data()) == nullptr) {
    return Status::Environment("cannot create a drill folder at " + templ + ": " +
                               std::strerror(errno));
  }
  // From here on the destructor cleans up whatever was made.
  std::unique_ptr<Sandbox> sandbox(new Sandbox(templ, options.shim_path));

  std::error_code ec;
  for (const std::string& dir :
       {sandbox->bin_dir(), sandbox->home_dir() + "/.kube", sandbox->tmp_dir()}) {
    fs::create_directories(dir, ec);
    if (ec) return Status::Environment("cannot create " + dir + ": " + ec.message());
  }
  for (const std::string& program : options.programs) {
    if (Status status = sandbox->AddProgram(program); !status.ok()) return status;
  }
  if (Status status = WriteWholeFile(sandbox->kubeconfig_path(), Kubeconfig(options.kube_context));
      !status.ok()) {
    return status;
  }
  return sandbox;
}

Sandbox::~Sandbox() {
  std::error_code ec;
  // Steps may leave read-only folders behind; make them writable so removal can proceed.
  for (auto it = fs::recursive_directory_iterator(root_, ec);
       !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    if (it->is_directory(ec) && !it->is_symlink(ec)) {
      fs::permissions(it->path(), fs::perms::owner_all, fs::perm_options::add, ec);
    }
  }
  fs::remove_all(root_, ec);
}

Status Sandbox::AddProgram(std::string_view name) {
  if (!ValidProgramName(name)) {
    std::string message = "'";
    message.append(name).append("' cannot be faked: not a plain program name");
    return Status::InvalidInput(std::move(message));
  }
  std::string link = bin_dir() + "/" + std::string(name);
  if (::symlink(shim_path_.c_str(), link.c_str()) != 0 && errno != EEXIST) {
    return Status::Environment("cannot link " + link + " to the shim: " + std::strerror(errno));
  }
  return Status::Ok();
}

std::map<std::string, std::string> Sandbox::Environment(
    const std::map<std::string, std::string>& extra) const {
  std::map<std::string, std::string> env = extra;
  env["PATH"] = bin_dir() + ":/usr/local/bin:/usr/bin:/bin";
  env["HOME"] = home_dir();
  env["TMPDIR"] = tmp_dir();
  env["KUBECONFIG"] = kubeconfig_path();
  env["RUNDRILL_SOCKET"] = socket_path();
  env["LANG"] = "C.UTF-8";
  env["LC_ALL"] = "C.UTF-8";
  // Python writes byte-code caches beside the scripts it imports; in a drill that would be
  // the runbook's own folder, which a drill must leave as it found it.
  env["PYTHONPYCACHEPREFIX"] = tmp_dir() + "/pycache";
  return env;
}

StatusOr<std::string> Sandbox::WriteFile(std::string_view relative_path,
                                         std::string_view contents) const {
  fs::path relative(relative_path);
  bool escapes = relative.empty() || relative.is_absolute();
  for (const fs::path& part : relative) escapes = escapes || part == "..";
  if (escapes) {
    return Status::Internal("sandbox file path must be relative and stay inside: '" +
                            std::string(relative_path) + "'");
  }
  fs::path full = fs::path(root_) / relative;
  std::error_code ec;
  fs::create_directories(full.parent_path(), ec);
  if (ec)
    return Status::Environment("cannot create " + full.parent_path().string() + ": " +
                               ec.message());
  if (Status status = WriteWholeFile(full.string(), contents); !status.ok()) return status;
  return full.string();
}

}  // namespace rundrill::exec
