// rundrill-shim: stands in for kubectl, ssh, sleep and every stubbed program inside a drill.
//
// The drill's bin/ folder holds symlinks named after each faked program, all pointing here.
// One invocation is one call: send {argv, stdin, cwd, selected env} to the drill's Unix
// socket (RUNDRILL_SOCKET), receive {stdout, stderr, exit code}, reproduce them, exit.
//
// Deliberately tiny: plain POSIX and the standard library, no Boost, started once per call.
// The step id and the call's sequence number are assigned by the server, not here: calls
// from background jobs of one step run concurrently, and no shim can know the order of its
// siblings, while the drill's single-threaded loop sees the requests one at a time. Arrival
// order at the server is therefore the only order anyone can observe; scripts that need a
// reproducible transcript must not race their own background calls.

#include <errno.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>

#include "wire.h"  // same folder: the shim target has no include paths

extern char** environ;

namespace {

constexpr int kShimFailure = 127;

void WriteStderr(std::string_view text) {
  while (!text.empty()) {
    ssize_t n = ::write(STDERR_FILENO, text.data(), text.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;
    text.remove_prefix(static_cast<size_t>(n));
  }
}

[[noreturn]] void Die(std::string_view what, int err = 0) {
  std::string message = "rundrill-shim: ";
  message += what;
  if (err != 0) {
    message += ": ";
    message += std::strerror(err);
  }
  message += '\n';
  WriteStderr(message);
  std::_Exit(kShimFailure);
}

// Writes everything, retrying partial writes and EINTR. Returns 0 or the errno.
int WriteAll(int fd, std::string_view data, bool is_socket) {
  while (!data.empty()) {
    ssize_t n = is_socket ? ::send(fd, data.data(), data.size(), MSG_NOSIGNAL)
                          : ::write(fd, data.data(), data.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return errno;
    }
    data.remove_prefix(static_cast<size_t>(n));
  }
  return 0;
}

// Reads exactly `size` bytes. Returns false on EOF or error (errno set, 0 for EOF).
bool ReadExactly(int fd, char* out, size_t size) {
  while (size > 0) {
    ssize_t n = ::read(fd, out, size);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      if (n == 0) errno = 0;
      return false;
    }
    out += n;
    size -= static_cast<size_t>(n);
  }
  return true;
}

// Reads stdin to EOF. A terminal is never read: a call typed at an interactive prompt must
// not wait for input nobody is going to give. A closed stdin reads as empty.
std::string ReadStdin() {
  std::string data;
  if (::isatty(STDIN_FILENO)) return data;
  char buffer[65536];
  for (;;) {
    ssize_t n = ::read(STDIN_FILENO, buffer, sizeof(buffer));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      if (errno == EBADF) return data;
      Die("cannot read stdin", errno);
    }
    if (n == 0) return data;
    data.append(buffer, static_cast<size_t>(n));
  }
}

std::string BaseName(std::string_view path) {
  size_t slash = path.rfind('/');
  return std::string(slash == std::string_view::npos ? path : path.substr(slash + 1));
}

bool StartsWith(std::string_view s, std::string_view prefix) {
  return s.substr(0, prefix.size()) == prefix;
}

// The variables a fake may look at: everything rundrill set (RUNDRILL_*), what kubectl
// reads (KUBECONFIG, KUBECTL_*), HOME, and any names listed in RUNDRILL_FORWARD_ENV
// (separated by commas, colons or spaces). Nothing else leaves the process.
std::map<std::string, std::string> SelectedEnvironment() {
  std::string forward;
  if (const char* names = std::getenv("RUNDRILL_FORWARD_ENV")) forward = names;
  auto listed = [&forward](std::string_view name) {
    size_t pos = 0;
    while (pos <= forward.size()) {
      size_t end = forward.find_first_of(",: ", pos);
      if (end == std::string::npos) end = forward.size();
      if (std::string_view(forward).substr(pos, end - pos) == name) return true;
      pos = end + 1;
    }
    return false;
  };

  std::map<std::string, std::string> selected;
  for (char** entry = environ; entry != nullptr && *entry != nullptr; ++entry) {
    std::string_view text(*entry);
    size_t eq = text.find('=');
    if (eq == std::string_view::npos || eq == 0) continue;
    std::string_view name = text.substr(0, eq);
    if (StartsWith(name, "RUNDRILL_") || StartsWith(name, "KUBECTL_") || name == "KUBECONFIG" ||
        name == "HOME" || listed(name)) {
      selected.emplace(std::string(name), std::string(text.substr(eq + 1)));
    }
  }
  return selected;
}

std::string CurrentDirectory() {
  std::string buffer(4096, '\0');
  for (;;) {
    if (::getcwd(buffer.data(), buffer.size()) != nullptr) {
      buffer.resize(std::strlen(buffer.c_str()));
      return buffer;
    }
    if (errno != ERANGE) break;
    buffer.resize(buffer.size() * 2);
  }
  // The folder may have been removed under us; the logical path is the best we have.
  const char* pwd = std::getenv("PWD");
  return pwd != nullptr ? pwd : "";
}

int Connect(const char* socket_path) {
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  size_t length = std::strlen(socket_path);
  if (length >= sizeof(address.sun_path)) {
    Die(std::string("RUNDRILL_SOCKET is longer than a Unix socket path may be: ") + socket_path);
  }
  std::memcpy(address.sun_path, socket_path, length + 1);

  int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) Die("cannot create a socket", errno);
  // No signal handlers are installed, so connect is not interrupted in practice; a retry
  // after EINTR would report EALREADY or EISCONN, which the loop accepts.
  for (;;) {
    if (::connect(fd, reinterpret_cast<const sockaddr*>(&address), sizeof(address)) == 0) break;
    if (errno == EINTR || errno == EALREADY) continue;
    if (errno == EISCONN) break;
    Die(std::string("cannot reach the drill at ") + socket_path, errno);
  }
  return fd;
}

// Reproduces one of the fake's output streams. A closed reader (`kubectl get pods | head
// -1`) ends the program by SIGPIPE, as it would the real tool.
void Reproduce(int fd, std::string_view data) {
  int err = WriteAll(fd, data, false);
  if (err == EPIPE) {
    ::signal(SIGPIPE, SIG_DFL);
    ::raise(SIGPIPE);
  }
  if (err != 0 && fd == STDOUT_FILENO) Die("cannot write stdout", err);
}

}  // namespace

int main(int argc, char** argv) {
  const char* socket_path = std::getenv("RUNDRILL_SOCKET");
  if (socket_path == nullptr || *socket_path == '\0') {
    WriteStderr(
        "rundrill-shim: RUNDRILL_SOCKET is not set; this program only works inside a rundrill "
        "drill\n");
    return kShimFailure;
  }

  rundrill::wire::Request request;
  for (int i = 0; i < argc; ++i) request.argv.emplace_back(argv[i]);
  // Invoked through a symlink named after the program it fakes: the fake wants "kubectl",
  // not "/tmp/rundrill-x/bin/kubectl".
  if (request.argv.empty()) request.argv.emplace_back("rundrill-shim");
  request.argv[0] = BaseName(request.argv[0]);
  request.stdin_data = ReadStdin();
  request.cwd = CurrentDirectory();
  request.env = SelectedEnvironment();

  int fd = Connect(socket_path);
  if (int err = WriteAll(fd, rundrill::wire::EncodeRequest(request), true); err != 0) {
    Die("cannot send the call to the drill", err);
  }

  char header[rundrill::wire::kHeaderSize];
  if (!ReadExactly(fd, header, sizeof(header))) {
    Die(errno == 0 ? "the drill closed the connection without answering (the step is being "
                     "stopped, or the simulator failed)"
                   : "cannot read the drill's answer",
        errno);
  }
  uint32_t payload_size = 0;
  std::string error;
  if (!rundrill::wire::ParseHeader(std::string_view(header, sizeof(header)),
                                   rundrill::wire::FrameKind::kResponse, &payload_size, &error)) {
    Die(error);
  }
  std::string payload(payload_size, '\0');
  if (!ReadExactly(fd, payload.data(), payload.size())) {
    Die(errno == 0 ? "the drill's answer was cut short" : "cannot read the drill's answer", errno);
  }
  ::close(fd);

  rundrill::wire::Response response;
  if (!rundrill::wire::DecodeResponsePayload(payload, &response, &error)) Die(error);

  Reproduce(STDOUT_FILENO, response.stdout_data);
  Reproduce(STDERR_FILENO, response.stderr_data);
  return response.exit_code & 0xff;
}
