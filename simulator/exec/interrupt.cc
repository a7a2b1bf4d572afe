#include "simulator/exec/interrupt.h"

#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <mutex>

namespace rundrill::exec {
namespace {

// Lock-free atomics are async-signal-safe; the static_assert keeps it that way.
std::atomic<bool> g_interrupted{false};
std::atomic<int> g_read_fd{-1};
std::atomic<int> g_write_fd{-1};
static_assert(std::atomic<bool>::is_always_lock_free && std::atomic<int>::is_always_lock_free);

void Raise() {
  g_interrupted.store(true);
  const int fd = g_write_fd.load();
  if (fd >= 0) {
    const int saved = errno;
    // One byte is enough: nobody drains the pipe, so it stays readable. A full pipe (more
    // signals than its capacity) changes nothing.
    [[maybe_unused]] ssize_t n = ::write(fd, "!", 1);
    errno = saved;
  }
}

void OnSignal(int) { Raise(); }

// Made before the handlers are installed (or on first use by a runner), never in a handler.
void EnsurePipe() {
  static std::once_flag once;
  std::call_once(once, [] {
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC | O_NONBLOCK) == 0) {
      g_write_fd.store(fds[1]);
      g_read_fd.store(fds[0]);
    }
  });
}

}  // namespace

void InstallInterruptHandlers() {
  EnsurePipe();
  struct sigaction action {};
  action.sa_handler = OnSignal;
  ::sigemptyset(&action.sa_mask);
  // SA_RESETHAND: a second Ctrl-C is for when the orderly stop itself hangs.
  action.sa_flags = SA_RESETHAND | SA_RESTART;
  ::sigaction(SIGINT, &action, nullptr);
  ::sigaction(SIGTERM, &action, nullptr);
}

bool Interrupted() { return g_interrupted.load(); }

int InterruptFd() {
  EnsurePipe();
  return g_read_fd.load();
}

void RequestInterrupt() {
  EnsurePipe();
  Raise();
}

}  // namespace rundrill::exec
