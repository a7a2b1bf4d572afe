// The drill's two servers against clients that send too much or nonsense: each such client
// gets its error, and a well-formed call on a new connection is still served.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "simulator/exec/sandbox.h"
#include "simulator/exec/step_runner.h"
#include "tests/exec/fake_dispatcher.h"

namespace rundrill::exec {
namespace {

using ::testing::HasSubstr;

class ExecLimitsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Sandbox::Options options;
    options.shim_path = RUNDRILL_SHIM_PATH;
    StatusOr<std::unique_ptr<Sandbox>> sandbox = Sandbox::Create(options);
    ASSERT_TRUE(sandbox.ok()) << sandbox.status().message();
    sandbox_ = std::move(*sandbox);
    runner_ = std::make_unique<StepRunner>(*sandbox_, std::vector<std::string>{"fake"});
  }

  StepProcessResult Run(const std::string& command) {
    StepProcessSpec spec;
    spec.command = command;
    spec.env = sandbox_->Environment();
    spec.env["FAKE_URL"] = runner_->HttpBaseUrl("fake");
    spec.step_id = "step-1";
    spec.wall_limit = std::chrono::milliseconds(10000);
    StatusOr<StepProcessResult> result = runner_->Run(spec, dispatcher_);
    EXPECT_TRUE(result.ok()) << result.status().message();
    return result.ok() ? *result : StepProcessResult{};
  }

  std::unique_ptr<Sandbox> sandbox_;
  std::unique_ptr<StepRunner> runner_;
  testing::FakeDispatcher dispatcher_;
};

// A header announcing more than the wire allows is refused from the header alone (nothing
// is allocated for it); garbage is refused as garbage; the shim's next call, on a new
// connection, is answered as usual.
TEST_F(ExecLimitsTest, OversizedAndGarbageFramesAreRefusedAndTheNextCallServed) {
  StepProcessResult result = Run(R"py(python3 -c '
import os, socket, subprocess
path = os.environ["RUNDRILL_SOCKET"]
def call(data):
    s = socket.socket(socket.AF_UNIX); s.connect(path); s.sendall(data)
    s.shutdown(socket.SHUT_WR)
    reply = b""
    while True:
        chunk = s.recv(65536)
        if not chunk: break
        reply += chunk
    return reply
big = call(b"RDSH\x00\x01\x00\x01\xff\xff\xff\xff")
assert big[:4] == b"RDSH", big
assert b"frame payload too large (4294967295 bytes)" in big, big
junk = call(bytes(range(256)) * 4)
assert b"bad magic" in junk, junk
r = subprocess.run(["kubectl", "get", "pods"], capture_output=True)
assert r.returncode == 0 and b"Running" in r.stdout, r
print("ok")
')py");
  EXPECT_EQ(result.exit_code, 0) << result.stderr_data;
  EXPECT_EQ(result.stdout_data, "ok\n");
  EXPECT_EQ(result.calls, 1);
}

// Headers past the server's limit get 431, garbage 400; a good request on a new connection
// then reaches the fake, and only it does.
TEST_F(ExecLimitsTest, OversizedHeadersAndGarbageGetHttpErrorsAndTheNextRequestIsServed) {
  StepProcessResult result = Run(R"(python3 - <<'PY'
import os, socket, urllib.request
host, port = "127.0.0.1", int(os.environ["FAKE_URL"].rsplit(":", 1)[1])
def status(data):
    s = socket.create_connection((host, port), timeout=5)
    s.sendall(data)
    return s.recv(4096).split(b"\r\n")[0].decode()
print(status(b"GET /big HTTP/1.1\r\nHost: x\r\nX-Filler: " + b"a" * (64 << 10) + b"\r\n\r\n"))
print(status(bytes(range(1, 256)) + b"\r\n\r\n"))
with urllib.request.urlopen(os.environ["FAKE_URL"] + "/ok", timeout=5) as resp:
    print(resp.status)
PY)");
  EXPECT_EQ(result.exit_code, 0) << result.stderr_data;
  EXPECT_EQ(result.stdout_data,
            "HTTP/1.1 431 Request Header Fields Too Large\nHTTP/1.1 400 Bad Request\n200\n");
  ASSERT_EQ(dispatcher_.http_calls.size(), 1u);
  EXPECT_EQ(dispatcher_.http_calls[0].target, "/ok");
}

}  // namespace
}  // namespace rundrill::exec
