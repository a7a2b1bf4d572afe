// Real processes, through the real rundrill-shim, against a test dispatcher.

#include <errno.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <signal.h>

#include <chrono>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include "simulator/exec/sandbox.h"
#include "simulator/exec/step_runner.h"
#include "tests/exec/fake_dispatcher.h"

namespace rundrill::exec {
namespace {

using ::testing::HasSubstr;
using Stop = StepProcessResult::Stop;
using Clock = std::chrono::steady_clock;

class ExecIntegration : public ::testing::Test {
 protected:
  void SetUp() override {
    Sandbox::Options options;
    options.shim_path = RUNDRILL_SHIM_PATH;
    StatusOr<std::unique_ptr<Sandbox>> sandbox = Sandbox::Create(options);
    ASSERT_TRUE(sandbox.ok()) << sandbox.status().message();
    sandbox_ = std::move(*sandbox);
    runner_ = std::make_unique<StepRunner>(*sandbox_);
  }

  StepProcessSpec Spec(std::string command) {
    StepProcessSpec spec;
    spec.command = std::move(command);
    spec.env = sandbox_->Environment();
    spec.step_id = "step-1";
    spec.wall_limit = std::chrono::milliseconds(5000);
    return spec;
  }

  StepProcessResult Run(const StepProcessSpec& spec) {
    StatusOr<StepProcessResult> result = runner_->Run(spec, dispatcher_);
    EXPECT_TRUE(result.ok()) << result.status().message();
    return result.ok() ? *result : StepProcessResult{};
  }

  StepProcessResult Run(std::string command) { return Run(Spec(std::move(command))); }

  // True when no process of the group is left (not even a zombie).
  static bool GroupGone(int pgid) { return pgid > 0 && ::kill(-pgid, 0) != 0 && errno == ESRCH; }

  std::unique_ptr<Sandbox> sandbox_;
  std::unique_ptr<StepRunner> runner_;
  testing::FakeDispatcher dispatcher_;
};

TEST_F(ExecIntegration, ShellStepCallsKubectlThroughPath) {
  StepProcessResult result = Run("kubectl get pods");
  EXPECT_EQ(result.stop, Stop::kExited);
  EXPECT_EQ(result.exit_code, 0) << result.stderr_data;
  EXPECT_THAT(result.stdout_data, HasSubstr("api-7d9f8b6c5d-x2x4k   1/1     Running"));
  EXPECT_EQ(result.calls, 1);
  ASSERT_EQ(dispatcher_.calls.size(), 1u);
  const fakes::CommandRequest& call = dispatcher_.calls[0];
  EXPECT_EQ(call.argv, (std::vector<std::string>{"kubectl", "get", "pods"}));
  EXPECT_EQ(call.step_id, "step-1");
  EXPECT_EQ(call.sequence, 1u);
  EXPECT_EQ(call.cwd, sandbox_->home_dir());
  EXPECT_EQ(call.stdin_data, "");
  EXPECT_EQ(call.env.at("RUNDRILL_STEP_ID"), "step-1");
  EXPECT_EQ(call.env.at("KUBECONFIG"), sandbox_->kubeconfig_path());
  EXPECT_EQ(call.env.at("HOME"), sandbox_->home_dir());
  EXPECT_EQ(call.env.count("PATH"), 0u);  // only the selected variables travel
  EXPECT_TRUE(GroupGone(result.process_group));
}

TEST_F(ExecIntegration, PythonSubprocessCallsFake) {
  StepProcessResult result = Run(R"(python3 -c '
import subprocess, sys
r = subprocess.run(["kubectl", "get", "pods"], capture_output=True)
assert r.returncode == 0, r
assert b"Running" in r.stdout, r.stdout
e = subprocess.run(["kubectl", "exit", "3", "boom"], capture_output=True)
assert e.returncode == 3, e
assert e.stdout == b"" and e.stderr == b"boom\n", e
print("python ok")
')");
  EXPECT_EQ(result.exit_code, 0) << result.stderr_data;
  EXPECT_EQ(result.stdout_data, "python ok\n");
  EXPECT_EQ(result.calls, 2);
}

TEST_F(ExecIntegration, BinaryMebibyteThroughStdinAndStdout) {
  std::string data(1 << 20, '\0');
  for (size_t i = 0; i < data.size(); ++i) data[i] = static_cast<char>((i * 7 + i / 256) % 256);
  StepProcessSpec spec = Spec("kubectl cat");
  spec.stdin_data = data;
  StepProcessResult result = Run(spec);
  EXPECT_EQ(result.exit_code, 0) << result.stderr_data;
  ASSERT_EQ(dispatcher_.calls.size(), 1u);
  EXPECT_TRUE(dispatcher_.calls[0].stdin_data == data);
  EXPECT_EQ(result.stdout_data.size(), data.size());
  EXPECT_TRUE(result.stdout_data == data);
}

TEST_F(ExecIntegration, BinaryMebibyteFromFakeThroughPipeline) {
  StepProcessResult result = Run("kubectl big 1048576 | kubectl cat | wc -c");
  EXPECT_EQ(result.exit_code, 0) << result.stderr_data;
  EXPECT_EQ(result.stdout_data, "1048576\n");
  ASSERT_EQ(dispatcher_.calls.size(), 2u);
  EXPECT_EQ(dispatcher_.calls[1].stdin_data.size(), 1048576u);
  EXPECT_EQ(dispatcher_.calls[1].stdin_data[255], '\xff');
}

TEST_F(ExecIntegration, EndlessOutputIsCappedNotHoarded) {
  StepProcessSpec spec = Spec("head -c 3000000 /dev/zero | tr '\\0' x; echo done >&2");
  spec.output_limit = 1 << 20;
  StepProcessResult result = Run(spec);
  EXPECT_EQ(result.exit_code, 0);
  const std::string marker = "\n[rundrill: output truncated after 1048576 bytes]\n";
  ASSERT_EQ(result.stdout_data.size(), (1u << 20) + marker.size());
  EXPECT_EQ(result.stdout_data.substr(0, 3), "xxx");
  EXPECT_EQ(result.stdout_data.substr(1 << 20), marker);
  EXPECT_EQ(result.stderr_data, "done\n");  // the other stream is untouched
}

TEST_F(ExecIntegration, ExitCodesPropagate) {
  for (int code : {0, 1, 3, 255}) {
    SCOPED_TRACE(code);
    StepProcessResult seen = Run("kubectl exit " + std::to_string(code) + "; echo $?");
    EXPECT_EQ(seen.stdout_data, std::to_string(code) + "\n");
    StepProcessResult last = Run("kubectl exit " + std::to_string(code));
    EXPECT_EQ(last.exit_code, code);
    EXPECT_EQ(last.stop, Stop::kExited);
  }
}

TEST_F(ExecIntegration, StderrStaysSeparate) {
  StepProcessResult result = Run("kubectl exit 1 'Error from server (NotFound)'; kubectl get pods");
  EXPECT_EQ(result.stderr_data, "Error from server (NotFound)\n");
  EXPECT_THAT(result.stdout_data, HasSubstr("Running"));
  EXPECT_THAT(result.stdout_data, ::testing::Not(HasSubstr("Error")));

  StepProcessResult redirected = Run("kubectl exit 2 hidden 2>/dev/null; echo rc=$?");
  EXPECT_EQ(redirected.stderr_data, "");
  EXPECT_EQ(redirected.stdout_data, "rc=2\n");
}

TEST_F(ExecIntegration, ClosedReaderEndsShimBySigpipe) {
  // As with the real kubectl, a reader that stops early ends the writer by SIGPIPE.
  StepProcessResult result = Run("kubectl big 4000000 | head -c 3 | wc -c");
  EXPECT_EQ(result.exit_code, 0) << result.stderr_data;
  EXPECT_EQ(result.stdout_data, "3\n");
  EXPECT_EQ(result.stderr_data, "");
}

TEST_F(ExecIntegration, BackgroundCommandCallsFake) {
  StepProcessResult result =
      Run("kubectl echo-argv background > \"$TMPDIR/bg.out\" &\n"
          "kubectl echo-argv foreground\n"
          "wait\n"
          "cat \"$TMPDIR/bg.out\"");
  EXPECT_EQ(result.exit_code, 0) << result.stderr_data;
  EXPECT_THAT(result.stdout_data, HasSubstr("foreground\n"));
  EXPECT_THAT(result.stdout_data, HasSubstr("background\n"));
  ASSERT_EQ(dispatcher_.calls.size(), 2u);
  // Both orders are possible; the numbers follow arrival.
  EXPECT_EQ(dispatcher_.calls[0].sequence, 1u);
  EXPECT_EQ(dispatcher_.calls[1].sequence, 2u);
}

TEST_F(ExecIntegration, WallGuardKillsBusyLoop) {
  StepProcessSpec spec = Spec("while true; do :; done");
  spec.wall_limit = std::chrono::milliseconds(300);
  Clock::time_point start = Clock::now();
  StepProcessResult result = Run(spec);
  EXPECT_LT(Clock::now() - start, std::chrono::seconds(3));
  EXPECT_EQ(result.stop, Stop::kWallGuard);
  // Asked to stop first (TERM), as a runner stopping a job does; the shell takes it.
  EXPECT_EQ(result.signal, SIGTERM);
  EXPECT_EQ(result.exit_code, 128 + SIGTERM);
  EXPECT_TRUE(GroupGone(result.process_group));
}

// A loop that ignores TERM is killed after the grace period.
TEST_F(ExecIntegration, WallGuardKillsALoopThatIgnoresTerm) {
  StepProcessSpec spec = Spec("trap '' TERM; while true; do :; done");
  spec.wall_limit = std::chrono::milliseconds(300);
  Clock::time_point start = Clock::now();
  StepProcessResult result = Run(spec);
  EXPECT_LT(Clock::now() - start, std::chrono::seconds(5));
  EXPECT_EQ(result.stop, Stop::kWallGuard);
  EXPECT_EQ(result.signal, SIGKILL);
  EXPECT_EQ(result.exit_code, 128 + SIGKILL);
  EXPECT_TRUE(GroupGone(result.process_group));
}

TEST_F(ExecIntegration, WallGuardKillsBackgroundedLoop) {
  StepProcessSpec spec = Spec("sh -c 'while :; do :; done' &\necho started\nwait");
  spec.wall_limit = std::chrono::milliseconds(300);
  Clock::time_point start = Clock::now();
  StepProcessResult result = Run(spec);
  EXPECT_LT(Clock::now() - start, std::chrono::seconds(3));
  EXPECT_EQ(result.stop, Stop::kWallGuard);
  EXPECT_EQ(result.stdout_data, "started\n");
  EXPECT_TRUE(GroupGone(result.process_group));
}

TEST_F(ExecIntegration, LeftoverBackgroundJobsDieWithTheShell) {
  StepProcessSpec spec =
      Spec("sh -c 'while :; do :; done' &\n/bin/sh -c 'while :; do :; done' &\necho done");
  spec.wall_limit = std::chrono::milliseconds(2000);
  Clock::time_point start = Clock::now();
  StepProcessResult result = Run(spec);
  // The shell's own exit ends the step, well before the guard.
  EXPECT_LT(Clock::now() - start, std::chrono::milliseconds(1500));
  EXPECT_EQ(result.stop, Stop::kExited);
  EXPECT_EQ(result.exit_code, 0);
  EXPECT_EQ(result.stdout_data, "done\n");
  EXPECT_TRUE(GroupGone(result.process_group));
}

TEST_F(ExecIntegration, ShellKilledByOtherSignal) {
  StepProcessResult result = Run("echo before; kill -TERM $$; echo after");
  EXPECT_EQ(result.stop, Stop::kSignal);
  EXPECT_EQ(result.signal, SIGTERM);
  EXPECT_EQ(result.exit_code, 128 + SIGTERM);
  EXPECT_EQ(result.stdout_data, "before\n");
}

TEST_F(ExecIntegration, CallsKeepTheWallGuardAway) {
  // 6 calls 100ms apart: 600ms in all, but never 300ms without a call.
  StepProcessSpec spec =
      Spec("for i in 1 2 3 4 5 6; do /bin/sleep 0.1; kubectl get pods >/dev/null; done; echo ok");
  spec.wall_limit = std::chrono::milliseconds(300);
  StepProcessResult result = Run(spec);
  EXPECT_EQ(result.stop, Stop::kExited);
  EXPECT_EQ(result.stdout_data, "ok\n");
  EXPECT_EQ(result.calls, 6);
}

TEST_F(ExecIntegration, VirtualDeadlineStopsStep) {
  StepProcessSpec spec = Spec("kubectl get pods; kubectl deadline; sleep 600; kubectl get pods");
  StepProcessResult result = Run(spec);
  EXPECT_EQ(result.stop, Stop::kVirtualDeadline);
  // Nothing after the deadline is answered.
  EXPECT_EQ(result.calls, 2);
  ASSERT_EQ(dispatcher_.calls.size(), 2u);
  EXPECT_EQ(dispatcher_.calls[1].argv[1], "deadline");
  EXPECT_TRUE(GroupGone(result.process_group));
}

TEST_F(ExecIntegration, TwoHundredSequentialCallsNumberedInArrivalOrder) {
  StepProcessResult result =
      Run("i=1; while [ $i -le 200 ]; do kubectl echo-argv $i; i=$((i+1)); done");
  EXPECT_EQ(result.exit_code, 0) << result.stderr_data;
  EXPECT_EQ(result.calls, 200);
  ASSERT_EQ(dispatcher_.calls.size(), 200u);
  std::string expected;
  for (int i = 1; i <= 200; ++i) {
    EXPECT_EQ(dispatcher_.calls[i - 1].sequence, static_cast<uint64_t>(i));
    EXPECT_EQ(dispatcher_.calls[i - 1].argv[2], std::to_string(i));
    expected += std::to_string(i) + "\n";
  }
  EXPECT_EQ(result.stdout_data, expected);
}

TEST_F(ExecIntegration, RunnerServesSuccessiveSteps) {
  StepProcessSpec first = Spec("kubectl get pods >/dev/null");
  first.step_id = "first";
  StepProcessSpec second = Spec("ssh db-1 uptime; sleep 5");
  second.step_id = "second";
  Run(first);
  StepProcessResult result = Run(second);
  EXPECT_EQ(result.stdout_data, "called: ssh db-1 uptime\ncalled: sleep 5\n");
  ASSERT_EQ(dispatcher_.calls.size(), 3u);
  EXPECT_EQ(dispatcher_.calls[1].step_id, "second");
  EXPECT_EQ(dispatcher_.calls[1].sequence, 1u);  // numbering restarts per step
  EXPECT_EQ(dispatcher_.calls[2].sequence, 2u);
}

TEST_F(ExecIntegration, CwdAndForwardedEnvironment) {
  StepProcessSpec spec = Spec("kubectl env ALERT_SERVICE; kubectl env NOT_FORWARDED");
  spec.env = sandbox_->Environment({{"ALERT_SERVICE", "payments"},
                                    {"NOT_FORWARDED", "x"},
                                    {"RUNDRILL_FORWARD_ENV", "ALERT_SERVICE"}});
  spec.cwd = sandbox_->tmp_dir();
  StepProcessResult result = Run(spec);
  EXPECT_EQ(result.stdout_data, "payments\n<unset>\n");
  ASSERT_EQ(dispatcher_.calls.size(), 2u);
  EXPECT_EQ(dispatcher_.calls[0].cwd, sandbox_->tmp_dir());
}

TEST_F(ExecIntegration, ShimOutsideDrillFailsLoudly) {
  StepProcessResult result = Run("env -u RUNDRILL_SOCKET kubectl get pods; echo rc=$?");
  EXPECT_EQ(result.stdout_data, "rc=127\n");
  EXPECT_EQ(result.stderr_data,
            "rundrill-shim: RUNDRILL_SOCKET is not set; this program only works inside a "
            "rundrill drill\n");
  EXPECT_EQ(result.calls, 0);
}

TEST_F(ExecIntegration, GarbledAndPartialFramesDoNotDisturbTheStep) {
  StepProcessResult result = Run(R"(python3 -c '
import os, socket, subprocess
path = os.environ["RUNDRILL_SOCKET"]
# Garbage: answered with an error frame.
s = socket.socket(socket.AF_UNIX); s.connect(path)
s.sendall(b"GARBAGE-GARBAGE!"); s.shutdown(socket.SHUT_WR)
reply = b""
while True:
    chunk = s.recv(65536)
    if not chunk: break
    reply += chunk
assert reply[:4] == b"RDSH", reply
assert b"bad magic" in reply, reply
# A frame from a future shim: told which versions met.
v = socket.socket(socket.AF_UNIX); v.connect(path)
v.sendall(b"RDSH\x00\x09\x00\x01\x00\x00\x00\x00")
assert b"peer speaks version 9" in v.recv(65536)
# A partial header, then an early disconnect.
p = socket.socket(socket.AF_UNIX); p.connect(path); p.sendall(b"RDS"); p.close()
# A partial payload left hanging while the step goes on (and ends).
h = socket.socket(socket.AF_UNIX); h.connect(path)
h.sendall(b"RDSH\x00\x01\x00\x01\x00\x00\x01\x00abc")
r = subprocess.run(["kubectl", "get", "pods"], capture_output=True)
assert r.returncode == 0 and b"Running" in r.stdout, r
print("ok")
')");
  EXPECT_EQ(result.exit_code, 0) << result.stderr_data;
  EXPECT_EQ(result.stdout_data, "ok\n");
  EXPECT_EQ(result.calls, 1);
}

TEST_F(ExecIntegration, ShimConnectedWhenStepIsKilled) {
  // A background job holds a connection with half a frame while the guard fires.
  StepProcessSpec spec = Spec(R"(python3 -c '
import os, socket, time
s = socket.socket(socket.AF_UNIX); s.connect(os.environ["RUNDRILL_SOCKET"])
s.sendall(b"RDSH")
while True: pass
' & wait)");
  spec.wall_limit = std::chrono::milliseconds(300);
  StepProcessResult result = Run(spec);
  EXPECT_EQ(result.stop, Stop::kWallGuard);
  EXPECT_TRUE(GroupGone(result.process_group));
  // The runner is still usable afterwards.
  StepProcessResult next = Run("kubectl get pods");
  EXPECT_EQ(next.exit_code, 0) << next.stderr_data;
}

TEST_F(ExecIntegration, ShimRejectsAnswerFromAnotherBuild) {
  // A server speaking version 2 answers the shim: the shim must say so and fail.
  StepProcessResult result = Run(R"(python3 -c '
import os, socket, subprocess, threading
path = os.path.join(os.environ["TMPDIR"], "future.sock")
server = socket.socket(socket.AF_UNIX); server.bind(path); server.listen(1)
def serve():
    c, _ = server.accept()
    header = b""
    while len(header) < 12: header += c.recv(12 - len(header))
    size = int.from_bytes(header[8:12], "big"); got = 0
    while got < size: got += len(c.recv(size - got))
    c.sendall(b"RDSH\x00\x02\x00\x02\x00\x00\x00\x00"); c.close()
t = threading.Thread(target=serve); t.start()
r = subprocess.run(["kubectl", "get", "pods"], capture_output=True,
                   env=dict(os.environ, RUNDRILL_SOCKET=path))
t.join()
print(r.returncode)
print(r.stderr.decode(), end="")
')");
  EXPECT_EQ(result.exit_code, 0) << result.stderr_data;
  EXPECT_EQ(result.stdout_data,
            "127\n"
            "rundrill-shim: wire protocol version mismatch: peer speaks version 2, this side "
            "speaks version 1; rundrill and rundrill-shim come from different builds\n");
  EXPECT_EQ(result.calls, 0);
}

TEST_F(ExecIntegration, NoDescriptorLeakAcrossSteps) {
  auto count_fds = [] {
    int n = 0;
    for ([[maybe_unused]] const auto& entry : std::filesystem::directory_iterator("/proc/self/fd"))
      ++n;
    return n;
  };
  Run("kubectl get pods");  // warm up lazily created resources
  int before = count_fds();
  for (int i = 0; i < 20; ++i) {
    StepProcessSpec spec = Spec("kubectl cat >/dev/null; sh -c 'while :; do :; done' & echo");
    spec.stdin_data = "input";
    Run(spec);
  }
  EXPECT_EQ(count_fds(), before);
}

TEST_F(ExecIntegration, DispatcherExceptionIsInternalError) {
  StatusOr<StepProcessResult> result = runner_->Run(Spec("kubectl throw; echo after"), dispatcher_);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.status().code(), Status::Code::kInternal);
  EXPECT_THAT(result.status().message(), HasSubstr("backend exploded"));
}

TEST_F(ExecIntegration, ParallelDrillsDoNotCrossTalk) {
  // Two drills in two threads: each sees only its own calls, and neither waits on pipes
  // leaked into the other's children.
  auto drill = [](std::string name, std::string* out, int* calls) {
    Sandbox::Options options;
    options.shim_path = RUNDRILL_SHIM_PATH;
    StatusOr<std::unique_ptr<Sandbox>> sandbox = Sandbox::Create(options);
    if (!sandbox.ok()) return;
    StepRunner runner(**sandbox);
    testing::FakeDispatcher dispatcher;
    StepProcessSpec spec;
    spec.command = "i=0; while [ $i -lt 40 ]; do kubectl echo-argv " + name + "; i=$((i+1)); done";
    spec.env = (*sandbox)->Environment();
    spec.step_id = name;
    StatusOr<StepProcessResult> result = runner.Run(spec, dispatcher);
    if (!result.ok()) return;
    *out = result->stdout_data;
    *calls = static_cast<int>(dispatcher.calls.size());
  };
  std::string out_a, out_b;
  int calls_a = 0, calls_b = 0;
  std::thread a(drill, "alpha", &out_a, &calls_a);
  std::thread b(drill, "beta", &out_b, &calls_b);
  a.join();
  b.join();
  std::string expected_a, expected_b;
  for (int i = 0; i < 40; ++i) {
    expected_a += "alpha\n";
    expected_b += "beta\n";
  }
  EXPECT_EQ(out_a, expected_a);
  EXPECT_EQ(out_b, expected_b);
  EXPECT_EQ(calls_a, 40);
  EXPECT_EQ(calls_b, 40);
}

}  // namespace
}  // namespace rundrill::exec

namespace rundrill::exec {
namespace {

// The loopback HTTP server, driven by real clients (curl, python3's urllib and raw sockets).
class HttpServerIntegration : public ExecIntegration {
 protected:
  void SetUp() override {
    ExecIntegration::SetUp();
    // The old runner goes first: it removes the socket file the new one binds.
    runner_.reset();
    runner_ = std::make_unique<StepRunner>(*sandbox_, std::vector<std::string>{"fake"});
  }

  StepProcessSpec HttpSpec(const std::string& command) {
    StepProcessSpec spec = Spec(command);
    spec.env["FAKE_URL"] = runner_->HttpBaseUrl("fake");
    return spec;
  }
};

TEST_F(HttpServerIntegration, ListensOnLoopbackOnly) {
  EXPECT_THAT(runner_->HttpBaseUrl("fake"), ::testing::StartsWith("http://127.0.0.1:"));
}

TEST_F(HttpServerIntegration, CurlAndProgramCallsShareOneSequence) {
  StepProcessResult result = Run(
      HttpSpec("kubectl get pods >/dev/null && "
               "curl -sS -X POST -H 'Content-Type: application/json' --data '{\"text\":\"hi\"}' "
               "\"$FAKE_URL/slack/services/T1/B1/x?y=1\" && echo && kubectl echo-argv done"));
  EXPECT_EQ(result.exit_code, 0) << result.stderr_data;
  EXPECT_EQ(result.stdout_data, "POST /slack/services/T1/B1/x?y=1 #2\n{\"text\":\"hi\"}\ndone\n");
  ASSERT_EQ(dispatcher_.http_calls.size(), 1u);
  const fakes::HttpRequest& call = dispatcher_.http_calls[0];
  EXPECT_EQ(call.Header("content-type"), "application/json");
  EXPECT_EQ(call.Path(), "/slack/services/T1/B1/x");
  EXPECT_EQ(call.step_id, "step-1");
  EXPECT_EQ(call.service, "fake");
  EXPECT_EQ(result.calls, 3);
}

TEST_F(HttpServerIntegration, StatusAndHeadersReachTheClient) {
  StepProcessResult result = Run(HttpSpec(
      "curl -s -o /dev/null -w '%{http_code} %header{x-fake}' -H 'X-Status: 429' \"$FAKE_URL/x\";"
      " curl -sf -H 'X-Status: 404' \"$FAKE_URL/x\" >/dev/null; echo \" rc=$?\""));
  EXPECT_EQ(result.stdout_data, "429 yes rc=22\n") << result.stderr_data;
}

TEST_F(HttpServerIntegration, PythonUrllibPostsJson) {
  StepProcessResult result = Run(HttpSpec(R"(python3 - <<'PY'
import json, os, urllib.request
req = urllib.request.Request(os.environ["FAKE_URL"] + "/pagerduty-events/v2/enqueue",
                             data=json.dumps({"event_action": "trigger"}).encode(),
                             headers={"Content-Type": "application/json"}, method="POST")
with urllib.request.urlopen(req, timeout=5) as resp:
    print(resp.status, resp.read().decode().splitlines()[0])
PY)"));
  EXPECT_EQ(result.exit_code, 0) << result.stderr_data;
  EXPECT_EQ(result.stdout_data, "200 POST /pagerduty-events/v2/enqueue #1\n");
}

// Garbage, an oversized body and a client that never finishes its request: each gets its
// own answer (or none), and a well-formed request made meanwhile is served.
TEST_F(HttpServerIntegration, BadClientsGetHttpErrorsAndTheStepGoesOn) {
  StepProcessResult result = Run(HttpSpec(R"(python3 - <<'PY'
import os, socket, urllib.request, urllib.error
host, port = "127.0.0.1", int(os.environ["FAKE_URL"].rsplit(":", 1)[1])
garbage = socket.create_connection((host, port), timeout=5)
garbage.sendall(b"THIS IS NOT HTTP\r\n\r\n")
print(garbage.recv(4096).split(b"\r\n")[0].decode())
slow = socket.create_connection((host, port), timeout=5)
slow.sendall(b"POST /never HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\nonly a part")
try:
    urllib.request.urlopen(urllib.request.Request(os.environ["FAKE_URL"] + "/big",
                           data=b"x" * (2 << 20), method="POST"), timeout=5)
except urllib.error.HTTPError as e:
    print(e.code)
except (ConnectionError, urllib.error.URLError) as e:
    print("reset before the answer was read:", type(e).__name__)
with urllib.request.urlopen(os.environ["FAKE_URL"] + "/ok", timeout=5) as resp:
    print(resp.read().decode().splitlines()[0])
PY)"));
  EXPECT_EQ(result.exit_code, 0) << result.stderr_data;
  EXPECT_THAT(result.stdout_data, ::testing::StartsWith("HTTP/1.1 400 Bad Request\n"));
  EXPECT_THAT(result.stdout_data, HasSubstr("GET /ok #"));
  ASSERT_EQ(dispatcher_.http_calls.size(), 1u);  // only the well-formed one reached the fake
  EXPECT_EQ(dispatcher_.http_calls[0].target, "/ok");
}

}  // namespace
}  // namespace rundrill::exec
