// Every HTTP request in the fuzzers' corpus (tests/corpus/fuzz/http/: requests as curl sends
// them, and each input a fuzzer once crashed on) through a Beast parser and then the fake
// Slack and PagerDuty backends, as fuzz/http_fuzz.cc does: every answer is a real status with
// a body that is valid UTF-8, and nothing throws.

#include <gtest/gtest.h>

#include <boost/asio/buffer.hpp>
#include <boost/beast/http.hpp>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>

#include "fakes/pagerduty/pagerduty_events_backend.h"
#include "fakes/pagerduty/pagerduty_rest_backend.h"
#include "fakes/slack/slack_backend.h"
#include "simulator/world/world.h"

namespace rundrill::fakes {
namespace {

namespace fs = std::filesystem;
namespace http = boost::beast::http;

class Context : public SimContext {
 public:
  SimTime Now() const override { return now_; }
  bool AdvanceTo(SimTime t) override {
    now_ = std::max(now_, t);
    return true;
  }
  world::World& World() override { return world_; }
  Random& Rng() override { return rng_; }

 private:
  SimTime now_{0};
  world::World world_{7, Epoch{}};
  Random rng_{Random(7).Split("corpus")};
};

std::optional<HttpRequest> Parse(const std::string& bytes) {
  http::request_parser<http::string_body> parser;
  parser.eager(true);
  boost::beast::error_code ec;
  boost::asio::const_buffer input(bytes.data(), bytes.size());
  while (!parser.is_done()) {
    const size_t used = parser.put(input, ec);
    input += used;
    if (used > 0 && (!ec || ec == http::error::need_more)) continue;
    if (ec && ec != http::error::need_more) return std::nullopt;
    if (!parser.got_some()) return std::nullopt;
    ec = {};
    parser.put_eof(ec);
    break;
  }
  if (ec || !parser.is_done()) return std::nullopt;
  const auto& in = parser.get();
  HttpRequest request;
  request.method = std::string(in.method_string());
  request.target = std::string(in.target());
  for (const auto& field : in) {
    std::string name(field.name_string());
    for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    request.headers[name] = std::string(field.value());
  }
  request.body = in.body();
  request.step_id = "corpus";
  return request;
}

void ExpectSound(const HttpResponse& response, const fs::path& path) {
  EXPECT_GE(response.status, 100) << path;
  EXPECT_LE(response.status, 599) << path;
  // nlohmann rejects invalid UTF-8 while parsing; bodies that are not JSON are plain text.
  if (!response.body.empty() && response.body[0] == '{') {
    EXPECT_TRUE(nlohmann::json::accept(response.body)) << path << ": " << response.body;
  }
}

TEST(HttpFuzzCorpusTest, EveryRequestIsAnsweredSoundly) {
  std::set<fs::path> corpus;  // sorted, so failures read the same everywhere
  for (const auto& entry :
       fs::directory_iterator(fs::path(RUNDRILL_SOURCE_DIR) / "tests/corpus/fuzz/http")) {
    corpus.insert(entry.path());
  }
  ASSERT_FALSE(corpus.empty());
  for (const fs::path& path : corpus) {
    std::ifstream in(path, std::ios::binary);
    const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    const std::optional<HttpRequest> request = Parse(bytes);
    if (!request) continue;  // the server answers 400 itself
    {
      world::SlackWorld world(Epoch{});
      model::SlackSpec spec;
      spec.channels = {{"incidents", "C0INC0001", false, false, {}}};
      spec.webhook_channel = "incidents";
      ASSERT_TRUE(world.Build(spec).ok());
      SlackBackend backend(world);
      Context context;
      EXPECT_NO_THROW(ExpectSound(backend.Handle(*request, context), path));
    }
    {
      world::PagerDutyWorld world(7, Epoch{});
      ASSERT_TRUE(world.Build(model::PagerDutySpec{}).ok());
      PagerDutyEventsBackend events(world);
      PagerDutyRestBackend rest(world);
      Context context;
      EXPECT_NO_THROW(ExpectSound(events.Handle(*request, context), path));
      EXPECT_NO_THROW(ExpectSound(rest.Handle(*request, context), path));
    }
  }
}

// Found by fuzz/http_fuzz.cc: a Web API method name that is not UTF-8 is echoed in the
// error, and the JSON encoder threw on it, which failed the drill as an internal error.
TEST(HttpFuzzCorpusTest, MethodNameThatIsNotUtf8IsAnsweredNotThrown) {
  world::SlackWorld world(Epoch{});
  ASSERT_TRUE(world.Build(model::SlackSpec{}).ok());
  SlackBackend backend(world);
  Context context;
  HttpRequest request;
  request.method = "POST";
  request.target = "/api/chat.po\xff\xffssage";
  request.headers = {{"authorization", "Bearer xoxb-rundrill-bot-token"}};
  HttpResponse response;
  ASSERT_NO_THROW(response = backend.Handle(request, context));
  EXPECT_TRUE(nlohmann::json::accept(response.body)) << response.body;
  EXPECT_NE(response.body.find("chat.po\xef\xbf\xbd\xef\xbf\xbdssage"), std::string::npos)
      << response.body;
}

}  // namespace
}  // namespace rundrill::fakes
