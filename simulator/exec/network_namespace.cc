#include "simulator/exec/network_namespace.h"

#include <fcntl.h>
#include <net/if.h>
#include <sched.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <mutex>
#include <thread>

namespace rundrill::exec {
namespace {

std::string Errno(const char* what) { return std::string(what) + ": " + std::strerror(errno); }

// Brings `lo` up in the calling thread's namespace: a new namespace has it, but down.
bool LoopbackUp(std::string* why) {
  const int s = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (s < 0) {
    *why = Errno("socket");
    return false;
  }
  struct ifreq request {};
  std::strncpy(request.ifr_name, "lo", IFNAMSIZ - 1);
  bool ok = ::ioctl(s, SIOCGIFFLAGS, &request) == 0;
  if (ok) {
    request.ifr_flags = static_cast<short>(request.ifr_flags | IFF_UP | IFF_RUNNING);
    ok = ::ioctl(s, SIOCSIFFLAGS, &request) == 0;
  }
  if (!ok) *why = Errno("bringing up lo");
  ::close(s);
  return ok;
}

}  // namespace

std::unique_ptr<NetworkNamespace> NetworkNamespace::Create(std::string* why) {
  // A network namespace belongs to a thread: a short-lived one moves into the new namespace
  // and opens a handle to it, and the drill's own threads never leave the machine's network.
  int fd = -1;
  std::string error;
  std::thread maker([&] {
    if (::unshare(CLONE_NEWNET) != 0) {
      error = Errno("unshare(CLONE_NEWNET)");
      return;
    }
    if (!LoopbackUp(&error)) return;
    fd = ::open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
    if (fd < 0) error = Errno("opening /proc/thread-self/ns/net");
  });
  maker.join();
  if (fd < 0) {
    *why = error;
    return nullptr;
  }
  return std::unique_ptr<NetworkNamespace>(new NetworkNamespace(fd));
}

NetworkNamespace::~NetworkNamespace() { ::close(fd_); }

int NetworkNamespace::Socket(int domain, int type, int protocol, std::string* error) const {
  int s = -1;
  std::thread maker([&] {
    if (::setns(fd_, CLONE_NEWNET) != 0) {
      *error = Errno("setns");
      return;
    }
    s = ::socket(domain, type | SOCK_CLOEXEC, protocol);
    if (s < 0) *error = Errno("socket");
  });
  maker.join();
  return s;
}

const std::string& NetworkIsolationUnavailable() {
  static std::once_flag once;
  static std::string why;
  std::call_once(once, [] {
    std::string reason;
    if (!NetworkNamespace::Create(&reason)) why = reason.empty() ? "unknown reason" : reason;
  });
  return why;
}

}  // namespace rundrill::exec
