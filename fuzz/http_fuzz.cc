// Arbitrary bytes as one HTTP request to the drill's loopback services: through a Beast
// request parser set up as the step runner sets up its own (simulator/exec/step_runner.cc,
// AcceptHttp and ServeHttp), then, when a request comes out, through the fake Slack and both
// PagerDuty backends, each with a fresh world. Whatever the bytes, the answer must be a
// response with a real status code, never a crash, a hang or a leak.

#include <boost/asio/buffer.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/http.hpp>
#include <cctype>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "fakes/backend.h"
#include "fakes/http_backend.h"
#include "fakes/pagerduty/pagerduty_events_backend.h"
#include "fakes/pagerduty/pagerduty_rest_backend.h"
#include "fakes/slack/slack_backend.h"
#include "simulator/model/pagerduty.h"
#include "simulator/model/slack.h"
#include "simulator/world/pagerduty/pagerduty_world.h"
#include "simulator/world/slack/slack_world.h"
#include "simulator/world/world.h"

namespace {

namespace http = boost::beast::http;
using namespace rundrill;

// The step runner's limits (kHttpBodyLimit and kHttpHeaderLimit in step_runner.cc, private
// to it): the parser must be fuzzed as the server configures it, since the limits decide
// which inputs reach the fakes at all. Keep in step.
constexpr uint64_t kHttpBodyLimit = 1 << 20;
constexpr uint32_t kHttpHeaderLimit = 16 * 1024;

// Time moves only when a backend spends it, with no step deadline in the way.
class FuzzContext : public fakes::SimContext {
 public:
  SimTime Now() const override { return now_; }
  bool AdvanceTo(SimTime t) override {
    if (t > now_) now_ = t;
    return true;
  }
  world::World& World() override { return world_; }
  Random& Rng() override { return rng_; }

 private:
  SimTime now_{0};
  world::World world_{7, Epoch{}};
  Random rng_{Random(7).Split("fuzz")};
};

// A small account with every kind of object the backends look up, so that well-formed
// requests get past "not found" into the code that acts on them.
model::SlackSpec SlackAccount() {
  model::SlackSpec spec;
  spec.channels = {{"incidents", "C0INC0001", false, false, {}},
                   {"old", "C0OLD0001", true, false, {}}};
  spec.webhook_channel = "incidents";
  return spec;
}

model::PagerDutySpec PagerDutyAccount() {
  model::PagerDutySpec spec;
  spec.users = {{"PPRIMRY", "Ada Primary", "ada@example.com", {}},
                {"PSECOND", "Bo Secondary", "bo@example.com", {}}};
  model::PagerDutyEscalationPolicySpec policy;
  policy.id = "PPOLICY";
  policy.name = "Checkout on-call";
  policy.rules = {{5, {"PPRIMRY"}}, {5, {"PSECOND"}}};
  spec.escalation_policies = {policy};
  model::PagerDutyServiceSpec service;
  service.id = "PWIXJZS";
  service.name = "checkout";
  service.escalation_policy = "PPOLICY";
  service.integration_keys = {"abcdefghijklmnopqrstuvwxyz012345"};
  spec.services = {service};
  spec.api_tokens = {"y_NbAkKc66ryYTWUXYEu"};
  return spec;
}

void CheckAnswer(const fakes::HttpResponse& response) {
  if (response.status < 100 || response.status > 599) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  http::request_parser<http::string_body> parser;
  parser.body_limit(kHttpBodyLimit);
  parser.header_limit(kHttpHeaderLimit);
  // As http::read does: the body is parsed from the same buffer as the header.
  parser.eager(true);
  boost::asio::const_buffer input(data, size);
  boost::beast::error_code ec;
  while (!parser.is_done()) {
    const size_t used = parser.put(input, ec);
    input += used;
    if (used > 0 && (!ec || ec == http::error::need_more)) {
      ec = {};
      continue;
    }
    if (ec && ec != http::error::need_more) break;
    // No progress on what is left: the client closed here. What was sent may still end a
    // message (a body without a length runs to the end of the stream). Nothing at all is
    // end_of_stream to http::read, which then never calls put_eof (Beast asserts that).
    if (!parser.got_some()) return 0;
    ec = {};
    parser.put_eof(ec);
    break;
  }
  // Errors are the server's to answer (400, 413, 431): nothing reaches a fake.
  if (ec || !parser.is_done()) return 0;

  // The request as ServeHttp hands it to a fake.
  const http::request<http::string_body>& in = parser.get();
  fakes::HttpRequest request;
  request.method = std::string(in.method_string());
  request.target = std::string(in.target());
  for (const auto& field : in) {
    std::string name(field.name_string());
    for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    std::string& value = request.headers[name];
    value = value.empty() ? std::string(field.value()) : value + "," + std::string(field.value());
  }
  request.body = in.body();
  request.step_id = "fuzz";
  request.sequence = 1;

  {
    world::SlackWorld slack(Epoch{});
    if (!slack.Build(SlackAccount()).ok()) std::abort();
    fakes::SlackBackend backend(slack);
    FuzzContext context;
    request.service = std::string(fakes::kSlackService);
    CheckAnswer(backend.Handle(request, context));
  }
  {
    world::PagerDutyWorld pagerduty(7, Epoch{});
    if (!pagerduty.Build(PagerDutyAccount()).ok()) std::abort();
    fakes::PagerDutyEventsBackend backend(pagerduty);
    FuzzContext context;
    request.service = std::string(fakes::kPagerDutyEventsService);
    CheckAnswer(backend.Handle(request, context));
  }
  {
    world::PagerDutyWorld pagerduty(7, Epoch{});
    if (!pagerduty.Build(PagerDutyAccount()).ok()) std::abort();
    fakes::PagerDutyRestBackend backend(pagerduty);
    FuzzContext context;
    request.service = std::string(fakes::kPagerDutyApiService);
    CheckAnswer(backend.Handle(request, context));
  }
  return 0;
}
