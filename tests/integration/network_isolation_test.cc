// A drill's steps run in a network of their own, where only loopback exists: a runbook that
// dials a real address fails at once as a partitioned client does, while the drill's fakes
// (the shim's socket, the HTTP fakes on loopback) answer as always.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sched.h>
#include <sys/socket.h>
#include <unistd.h>

#include <thread>

#include "simulator/exec/network_namespace.h"
#include "tests/integration/integration_harness.h"

namespace rundrill {
namespace {

using ::testing::HasSubstr;

// Whether this process may make network namespaces: root may (and CI runs as root); elsewhere
// the drill says so and carries on, which these tests cannot check.
bool Isolated() {
  if (exec::NetworkIsolationUnavailable().empty()) return true;
  EXPECT_NE(::geteuid(), 0u) << "root but no network namespace: "
                             << exec::NetworkIsolationUnavailable();
  return false;
}

TEST(NetworkNamespaceTest, ASocketMadeInsideListensOnlyInside) {
  if (!Isolated())
    GTEST_SKIP() << "no network namespaces here: " << exec::NetworkIsolationUnavailable();
  std::string why;
  auto netns = exec::NetworkNamespace::Create(&why);
  ASSERT_NE(netns, nullptr) << why;
  std::string error;
  const int listener = netns->Socket(AF_INET, SOCK_STREAM, 0, &error);
  ASSERT_GE(listener, 0) << error;
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(::bind(listener, reinterpret_cast<sockaddr*>(&address), sizeof address), 0);
  ASSERT_EQ(::listen(listener, 4), 0);
  socklen_t length = sizeof address;
  ASSERT_EQ(::getsockname(listener, reinterpret_cast<sockaddr*>(&address), &length), 0);

  const auto connect_from = [&](bool inside) {
    int result = -1;
    std::thread t([&] {
      if (inside && ::setns(netns->fd(), CLONE_NEWNET) != 0) return;
      const int s = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
      result = ::connect(s, reinterpret_cast<sockaddr*>(&address), sizeof address);
      ::close(s);
    });
    t.join();
    return result;
  };
  EXPECT_EQ(connect_from(true), 0);
  // The machine's own loopback is another network: nothing listens there on that port.
  EXPECT_NE(connect_from(false), 0);
  ::close(listener);
}

TEST(NetworkIsolationTest, RealAddressesAreUnreachableAndTheFakesStillAnswer) {
  if (!Isolated())
    GTEST_SKIP() << "no network namespaces here: " << exec::NetworkIsolationUnavailable();
  const model::Runbook runbook = integration::InlineRunbook("net", R"(
  - id: dial-out
    type: check
    run: |
      curl -sS --max-time 20 http://10.255.255.1/ 2>&1; echo "curl exit $?"
      python3 -c 'import socket; socket.create_connection(("1.1.1.1", 53), 20)' 2>&1 | tail -n 1
    timeout: 1m
  - id: fakes
    type: notify
    run: |
      kubectl get deployment api -n production -o name
      curl -fsS --max-time 5 -X POST -H 'Content-Type: application/json' --data '{"text":"hello"}' "$SLACK_WEBHOOK_URL"
)");
  const auto started = std::chrono::steady_clock::now();
  auto result = drill::RunDrill(integration::AlertAfter("net", ""), {runbook},
                                integration::RealProcessOptions(3));
  ASSERT_TRUE(result.ok()) << result.status().message();
  // No connect timeout was waited for: the address is unreachable at once.
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(15));
  const std::string out = drill::testing::LastAttempt(*result, "dial-out").stdout_data;
  EXPECT_THAT(out, HasSubstr("curl exit 7"));
  EXPECT_THAT(out, HasSubstr("Network is unreachable"));
  const auto& fakes = drill::testing::FindStep(*result, "fakes");
  EXPECT_EQ(fakes.outcome, drill::StepOutcome::kSucceeded)
      << drill::testing::LastAttempt(*result, "fakes").stderr_data;
  EXPECT_THAT(drill::testing::LastAttempt(*result, "fakes").stdout_data,
              HasSubstr("deployment.apps/api\nok"));
}

}  // namespace
}  // namespace rundrill
