// The runner's per-service HTTP listeners, driven by real clients (curl in a real step, and
// raw sockets from the test): closing one refuses connections, reopening it serves the same
// port again, and a dispatcher can hold or reset a connection instead of answering.

#include <arpa/inet.h>
#include <errno.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "simulator/exec/sandbox.h"
#include "simulator/exec/step_runner.h"
#include "tests/exec/fake_dispatcher.h"

namespace rundrill::exec {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

int PortOf(const std::string& base_url) {
  return std::stoi(base_url.substr(base_url.rfind(':') + 1));
}

sockaddr_in Loopback(int port) {
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<uint16_t>(port));
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  return address;
}

// 0 when a plain connect() to the URL's port succeeds, else its errno.
int ConnectError(const std::string& base_url) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  const sockaddr_in address = Loopback(PortOf(base_url));
  const int rc = ::connect(fd, reinterpret_cast<const sockaddr*>(&address), sizeof(address));
  const int error = rc == 0 ? 0 : errno;
  ::close(fd);
  return error;
}

class HttpListenerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Sandbox::Options options;
    options.shim_path = RUNDRILL_SHIM_PATH;
    StatusOr<std::unique_ptr<Sandbox>> sandbox = Sandbox::Create(options);
    ASSERT_TRUE(sandbox.ok()) << sandbox.status().message();
    sandbox_ = std::move(*sandbox);
    // The test reaches the listeners from its own network, so the steps share it.
    runner_ = std::make_unique<StepRunner>(*sandbox_, std::vector<std::string>{"a", "b"},
                                           StepRunner::Network::kShared);
    // Requests carrying `X-Close: b` or `X-Open: b` change service b while the step runs.
    dispatcher_.on_http = [this](const fakes::HttpRequest& request) {
      if (!request.Header("x-close").empty()) {
        runner_->SetHttpServiceOpen(request.Header("x-close"), false);
      }
      if (!request.Header("x-open").empty()) {
        runner_->SetHttpServiceOpen(request.Header("x-open"), true);
      }
    };
  }

  StepProcessSpec Spec(const std::string& command) {
    StepProcessSpec spec;
    spec.command = command;
    spec.env =
        sandbox_->Environment({{"A", runner_->HttpBaseUrl("a")}, {"B", runner_->HttpBaseUrl("b")}});
    spec.step_id = "step-1";
    spec.wall_limit = std::chrono::milliseconds(10000);
    return spec;
  }

  StepProcessResult Run(const std::string& command) {
    StatusOr<StepProcessResult> result = runner_->Run(Spec(command), dispatcher_);
    EXPECT_TRUE(result.ok()) << result.status().message();
    return result.ok() ? *result : StepProcessResult{};
  }

  std::unique_ptr<Sandbox> sandbox_;
  std::unique_ptr<StepRunner> runner_;
  testing::FakeDispatcher dispatcher_;
};

TEST_F(HttpListenerTest, EachServiceHasItsOwnLoopbackPort) {
  const std::string a = runner_->HttpBaseUrl("a");
  const std::string b = runner_->HttpBaseUrl("b");
  EXPECT_THAT(a, StartsWith("http://127.0.0.1:"));
  EXPECT_THAT(b, StartsWith("http://127.0.0.1:"));
  EXPECT_NE(PortOf(a), PortOf(b));
  EXPECT_EQ(runner_->HttpBaseUrl("c"), "");

  StepProcessResult result = Run("curl -sS -m 5 \"$A/x\" && curl -sS -m 5 \"$B/y\"");
  EXPECT_EQ(result.exit_code, 0) << result.stderr_data;
  ASSERT_EQ(dispatcher_.http_calls.size(), 2u);
  EXPECT_EQ(dispatcher_.http_calls[0].service, "a");
  EXPECT_EQ(dispatcher_.http_calls[0].target, "/x");
  EXPECT_EQ(dispatcher_.http_calls[1].service, "b");
  EXPECT_EQ(dispatcher_.http_calls[1].target, "/y");
}

TEST_F(HttpListenerTest, ClosedServiceRefusesAndReopensOnTheSamePort) {
  const std::string b = runner_->HttpBaseUrl("b");
  runner_->SetHttpServiceOpen("b", false);
  runner_->SetHttpServiceOpen("b", false);  // idempotent
  EXPECT_EQ(ConnectError(b), ECONNREFUSED);
  EXPECT_EQ(runner_->HttpBaseUrl("b"), b);  // the URL outlives the closing

  StepProcessResult refused = Run("curl -sS -m 5 \"$B/x\"; echo \"rc=$?\"; curl -sS \"$A/y\"");
  EXPECT_THAT(refused.stdout_data, StartsWith("rc=7\n")) << refused.stderr_data;
  EXPECT_THAT(refused.stderr_data, HasSubstr("Failed to connect to 127.0.0.1 port"));
  EXPECT_THAT(refused.stdout_data, HasSubstr("GET /y #1"));  // service a is still up
  ASSERT_EQ(dispatcher_.http_calls.size(), 1u);

  runner_->SetHttpServiceOpen("b", true);
  EXPECT_EQ(runner_->HttpBaseUrl("b"), b);
  EXPECT_EQ(ConnectError(b), 0);
  StepProcessResult served = Run("curl -sS -m 5 \"$B/z\"");
  EXPECT_EQ(served.exit_code, 0) << served.stderr_data;
  EXPECT_EQ(served.stdout_data, "GET /z #1\n");
}

// A dispatch closes service b and a later one reopens it, within one step: each change
// holds for the step's very next connection.
TEST_F(HttpListenerTest, ServicesChangeFromInsideADispatchMidStep) {
  StepProcessResult result =
      Run("curl -sS -m 5 -H 'X-Close: b' \"$A/1\" >/dev/null;"
          " curl -sS -m 5 \"$B/2\"; echo \"rc=$?\";"
          " curl -sS -m 5 -H 'X-Open: b' \"$A/3\" >/dev/null;"
          " curl -sS -m 5 \"$B/4\"");
  EXPECT_EQ(result.exit_code, 0) << result.stderr_data;
  EXPECT_EQ(result.stdout_data, "rc=7\nGET /4 #3\n") << result.stderr_data;
  ASSERT_EQ(dispatcher_.http_calls.size(), 3u);
  EXPECT_EQ(dispatcher_.http_calls[2].service, "b");
}

TEST_F(HttpListenerTest, AClosingRequestedMidStepOutlastsTheStep) {
  Run("curl -sS -m 5 -H 'X-Close: b' \"$A/1\" >/dev/null");
  EXPECT_EQ(ConnectError(runner_->HttpBaseUrl("b")), ECONNREFUSED);
}

// The one test that waits in real time: the client gives up after its own --max-time.
TEST_F(HttpListenerTest, HeldConnectionWaitsForTheClientsOwnTimeout) {
  const auto start = std::chrono::steady_clock::now();
  StepProcessResult result =
      Run("curl -sS -m 1 -H 'X-Disposition: hold' \"$A/held\"; echo \"rc=$?\"");
  const auto waited = std::chrono::steady_clock::now() - start;
  EXPECT_EQ(result.stdout_data, "rc=28\n") << result.stderr_data;
  EXPECT_THAT(result.stderr_data, HasSubstr("Operation timed out"));
  EXPECT_EQ(result.stop, StepProcessResult::Stop::kExited);
  EXPECT_GE(waited, std::chrono::milliseconds(900));
  ASSERT_EQ(dispatcher_.http_calls.size(), 1u);
}

TEST_F(HttpListenerTest, ResetConnectionIsAnErrorForTheClient) {
  StepProcessResult result =
      Run("curl -sS -m 5 -H 'X-Disposition: reset' \"$A/reset\"; echo \"rc=$?\"");
  EXPECT_EQ(result.stdout_data, "rc=56\n") << result.stderr_data;
  EXPECT_THAT(result.stderr_data, HasSubstr("reset"));
}

// Another socket takes the port while the service is closed: reopening cannot bind it, and
// Run says so rather than serving a drill whose service silently vanished.
TEST_F(HttpListenerTest, ReopeningOnATakenPortFailsTheNextRun) {
  const std::string b = runner_->HttpBaseUrl("b");
  runner_->SetHttpServiceOpen("b", false);
  const int intruder = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  const sockaddr_in address = Loopback(PortOf(b));
  ASSERT_EQ(::bind(intruder, reinterpret_cast<const sockaddr*>(&address), sizeof(address)), 0);
  ASSERT_EQ(::listen(intruder, 1), 0);

  runner_->SetHttpServiceOpen("b", true);
  StatusOr<StepProcessResult> failed = runner_->Run(Spec("true"), dispatcher_);
  ASSERT_FALSE(failed.ok());
  EXPECT_EQ(failed.status().code(), Status::Code::kEnvironment);
  EXPECT_THAT(failed.status().message(),
              StartsWith("cannot reopen the HTTP service 'b' on 127.0.0.1:" +
                         std::to_string(PortOf(b)) + ": "));

  ::close(intruder);
  runner_->SetHttpServiceOpen("b", true);
  StepProcessResult served = Run("curl -sS -m 5 \"$B/back\"");
  EXPECT_EQ(served.stdout_data, "GET /back #1\n") << served.stderr_data;
}

}  // namespace
}  // namespace rundrill::exec
