#pragma once

// A network namespace with only loopback up, for a drill's steps: a step that tries any real
// address fails at once, as a client cut off by a partition does ("Network is unreachable",
// curl's exit code 7), and nothing in a drill can reach real infrastructure whatever the
// runbook does. The drill's own fakes stay reachable: the shim's Unix socket is a path in the
// file system, which every namespace sees, and the HTTP fakes listen on loopback inside the
// namespace (their sockets are made there, then served from the drill's event loop as any
// other socket).
//
// Creating one needs CAP_SYS_ADMIN (root, or a container that grants it). Without it,
// Create() says why and the drill carries on with the scrubbed environment alone.

#include <memory>
#include <string>

namespace rundrill::exec {

class NetworkNamespace {
 public:
  // A new namespace with `lo` up; nullptr with `*why` set when this process may not make one.
  static std::unique_ptr<NetworkNamespace> Create(std::string* why);
  ~NetworkNamespace();
  NetworkNamespace(const NetworkNamespace&) = delete;
  NetworkNamespace& operator=(const NetworkNamespace&) = delete;

  // A handle to the namespace (/proc/thread-self/ns/net as opened inside it) for setns(2) in
  // a step's child between fork and exec. Close-on-exec.
  int fd() const { return fd_; }

  // socket(2) inside the namespace: a listener bound from it listens there. -1 with `*error`
  // set on failure. The descriptor is close-on-exec.
  int Socket(int domain, int type, int protocol, std::string* error) const;

 private:
  explicit NetworkNamespace(int fd) : fd_(fd) {}
  int fd_;
};

// Create() once per process, to learn whether drills get their own network: the reason they
// do not, or "" when they do. The first caller pays for the probe.
const std::string& NetworkIsolationUnavailable();

}  // namespace rundrill::exec
