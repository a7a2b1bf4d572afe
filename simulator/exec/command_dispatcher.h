#pragma once

#include "fakes/backend.h"
#include "fakes/http_backend.h"

namespace rundrill::exec {

struct DispatchResult {
  fakes::CommandResponse response;
  // The step's virtual deadline passed while answering: the runner sends `response`, then
  // kills the step's whole process group and reports StepProcessResult::Stop::kVirtualDeadline.
  bool stop_step = false;
};

struct HttpDispatchResult {
  // What the client sees of its request.
  enum class Disposition {
    kAnswer,  // `response` is sent, then the connection is closed
    // Nothing is sent: the connection stays open, unanswered, until the client gives up
    // (its own timeout) or the step ends, as when a network drops the packets.
    kHold,
    // The connection is reset at once, without an answer.
    kReset,
  };

  fakes::HttpResponse response;  // sent only with kAnswer
  Disposition disposition = Disposition::kAnswer;
  // As DispatchResult::stop_step. With kHold or kReset the step is stopped at once, since
  // there is no answer to wait for.
  bool stop_step = false;
};

// Answers the calls a running step makes to faked programs. Implemented by the drill
// (which routes to the backends and advances virtual time); tests implement it directly.
//
// The runner calls Dispatch on its own thread, strictly one call at a time, in the order the
// requests arrived; `request.step_id` and `request.sequence` (1, 2, 3... within one
// StepRunner::Run) are filled in by the runner. Dispatch must not block on the step's
// process (it is waiting for the answer). An exception thrown here stops the step and makes
// Run return Status::Internal.
//
// Virtual time moves while a call is answered, so a partition may begin or heal mid-step:
// Dispatch and DispatchHttp may open and close the runner's HTTP services
// (StepRunner::SetHttpServiceOpen), which takes effect for the next connection.
class CommandDispatcher {
 public:
  virtual ~CommandDispatcher() = default;
  virtual DispatchResult Dispatch(const fakes::CommandRequest& request) = 0;
  // A request to one of the runner's loopback HTTP services (`request.service` says which),
  // under the same rules as Dispatch (one at a time, in arrival order, numbered in the same
  // sequence as program calls). A dispatcher that serves no HTTP fake answers 501, saying
  // so.
  virtual HttpDispatchResult DispatchHttp(const fakes::HttpRequest& request) {
    (void)request;
    HttpDispatchResult result;
    result.response.status = 501;
    result.response.headers = {{"Content-Type", "text/plain; charset=utf-8"}};
    result.response.body = "rundrill: this drill serves no HTTP fake\n";
    return result;
  }
};

}  // namespace rundrill::exec
