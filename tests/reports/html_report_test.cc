// The HTML report from hand-built drill results and from a scripted drill: what it must show,
// that it escapes what it shows, and that it loads nothing from anywhere.
#include "reports/html_report.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <regex>

#include "reports/coverage.h"
#include "tests/drill/drill_harness.h"

namespace rundrill::reports {
namespace {

using namespace std::chrono_literals;
using drill::AlertRecord;
using drill::DrillResult;
using drill::StepOutcome;
using drill::StepRecord;
using ::testing::HasSubstr;
using ::testing::Not;

size_t Count(const std::string& text, const std::string& needle) {
  size_t n = 0;
  for (size_t at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) {
    ++n;
  }
  return n;
}

// Written apart from the report's own decoder, so a mistake there cannot hide itself.
bool IsValidUtf8(const std::string& text) {
  for (size_t i = 0; i < text.size();) {
    const unsigned char c = static_cast<unsigned char>(text[i]);
    size_t n = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 0;
    if (n == 0 || i + n > text.size()) return false;
    uint32_t cp = n == 1 ? c : n == 2 ? c & 0x1F : n == 3 ? c & 0x0F : c & 0x07;
    for (size_t k = 1; k < n; ++k) {
      const unsigned char b = static_cast<unsigned char>(text[i + k]);
      if ((b & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (b & 0x3F);
    }
    static constexpr uint32_t kMin[] = {0, 0, 0x80, 0x800, 0x10000};
    if (cp < kMin[n] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
    i += n;
  }
  return true;
}

// The text between `<section id="ID"` and its end.
std::string Section(const std::string& html, const std::string& id) {
  const size_t begin = html.find("<section id=\"" + id + "\"");
  if (begin == std::string::npos) return "(no section " + id + ")";
  return html.substr(begin, html.find("</section>", begin) - begin);
}

std::string Svg(const std::string& html) {
  const size_t begin = html.find("<svg");
  if (begin == std::string::npos) return "(no svg)";
  return html.substr(begin, html.find("</svg>", begin) - begin);
}

StepRecord Step(std::string id, StepOutcome outcome, SimTime start, SimTime end,
                std::string command = "kubectl get pods") {
  StepRecord s;
  s.id = id;
  s.type = "check";
  s.name = std::move(id);
  s.command = std::move(command);
  s.outcome = outcome;
  s.started_at = start;
  s.ended_at = end;
  if (outcome != StepOutcome::kSkipped) {
    drill::Attempt a;
    a.started_at = start;
    a.ended_at = end;
    a.stop = "exited";
    a.exit_code = outcome == StepOutcome::kSucceeded ? 0 : 1;
    a.stdout_data = "NAME READY\napi-1 1/1\n";
    a.stderr_data = outcome == StepOutcome::kSucceeded ? "" : "error: connection refused\n";
    s.attempts.push_back(a);
  }
  return s;
}

// A bad deploy at 0s, a partition from 2m to 4m, the alert at 5m resolved at 19m, a runbook
// with a succeeded, a failed and a skipped step, one kubectl call and one Slack post.
DrillResult Result() {
  DrillResult r;
  r.scenario_name = "bad-deploy";
  r.scenario_path = "scenarios/bad-deploy.yaml";
  r.scenario_description = "A deploy that crash-loops.";
  r.seed = 7;
  r.horizon = 1h;
  r.start_time = "2026-01-01T00:00:00Z";
  r.timeline = {{0ms, "scenario.deploy", "deploy registry.example/api:1.5.0 to production/api"},
                {2min, "fault.partition",
                 "network partition (packets dropped) between the runner and host db-1 for 2m"},
                {4min, "fault.healed", "partition to host db-1 healed"},
                {5min, "alert.fired", "HighErrorRate firing"},
                {5min, "runbook.started", "high-error-rate for HighErrorRate"},
                {19min, "alert.resolved", "HighErrorRate resolved"},
                {1h, "drill.finished", "failed"}};
  AlertRecord a;
  a.alertname = "HighErrorRate";
  a.fingerprint = "904f2a94f7172f61";
  a.labels = {{"alertname", "HighErrorRate"}, {"service", "api"}};
  a.source = "timeline";
  a.active_at = 5min;
  a.fired_at = 5min;
  a.resolved_at = 19min;
  a.runbooks = {"high-error-rate"};
  r.alerts = {a};
  drill::RunbookRecord run;
  run.name = "high-error-rate";
  run.path = "runbooks/high-error-rate.yaml";
  run.alertname = "HighErrorRate";
  run.alert_fingerprint = a.fingerprint;
  run.outcome = "failed";
  run.started_at = 5min;
  run.ended_at = 5min + 3s;
  run.steps = {Step("health", StepOutcome::kSucceeded, 5min, 5min + 200ms),
               Step("rollback", StepOutcome::kFailed, 5min + 200ms, 5min + 3s,
                    "kubectl rollout undo deployment/api"),
               Step("restart", StepOutcome::kSkipped, 5min + 3s, 5min + 3s)};
  run.steps[1].reason = "exit code 1";
  run.steps[2].reason = "when: condition not met";
  r.runbooks = {run};
  drill::Interaction call;
  call.at = 5min;
  call.duration = 150ms;
  call.runbook = "high-error-rate";
  call.step = "health";
  call.sequence = 1;
  call.argv = {"kubectl", "get", "pods", "-n", "production"};
  call.stdout_data = "NAME READY\n";
  drill::Interaction post = call;
  post.at = 5min + 1s;
  post.step = "rollback";
  post.sequence = 2;
  post.argv = {"HTTP", "POST", "/api/chat.postMessage"};
  post.stdin_data = R"({"channel":"#incidents","text":"rolling back"})";
  post.stdout_data = "";
  r.transcript = {call, post};
  drill::NotificationRecord n;
  n.at = 5min;
  n.group_key = "{}:{alertname=\"HighErrorRate\"}";
  n.reason = "first notification";
  n.status = "firing";
  n.runbooks = {"high-error-rate"};
  r.notifications = {n};
  r.expectations = {{"deployment production/api image is registry.example/api:1.4.2", false,
                     "registry.example/api:1.5.0", "scenarios/bad-deploy.yaml:40:5"}};
  r.figures.time_to_detect = 5min;
  r.reproduce = "rundrill run scenarios/bad-deploy.yaml --seed 7";
  r.passed = false;
  return r;
}

verify::Finding FailedRollback() {
  verify::Finding f;
  f.check = "rollback";
  f.runbook = "high-error-rate";
  f.step = "scale-up";
  f.mark = "runbooks/high-error-rate.yaml:12:5";
  f.summary = "rolling back left the world changed";
  verify::DiffEntry replicas;
  replicas.path = "kubernetes.namespaces.production.deployments.api.replicas";
  replicas.before = 3;
  replicas.after = 4;
  verify::DiffEntry added;
  added.path = "kubernetes.namespaces.production.configmaps.flag";
  added.had_before = false;
  added.after = nlohmann::json{{"enabled", "<yes>"}};
  f.diff = {replicas, added};
  return f;
}

TEST(HtmlReportTest, IsOneHtml5DocumentWithTheVerdictFirst) {
  const std::string html = RenderHtml(Result());
  EXPECT_EQ(html.rfind("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">", 0),
            0u);
  EXPECT_THAT(html, HasSubstr("<title>Drill bad-deploy: FAILED</title>"));
  EXPECT_EQ(html.substr(html.size() - 8), "</html>\n");
  const size_t verdict = html.find("<header class=\"verdict failed\">");
  ASSERT_NE(verdict, std::string::npos);
  EXPECT_LT(verdict, html.find("<section"));
  EXPECT_THAT(html, HasSubstr("<span class=\"verdict-word\">FAILED</span> Drill bad-deploy"));
  EXPECT_THAT(html, HasSubstr("<dt>Seed</dt><dd>7</dd>"));
  EXPECT_THAT(html, HasSubstr("<dt>Time to detect</dt><dd>5m</dd>"));
  EXPECT_THAT(html, HasSubstr("<dt>Time to resolve</dt><dd>—</dd>"));
  // What failed comes before the picture, the picture before the runbooks.
  EXPECT_LT(html.find("id=\"failures\""), html.find("id=\"timeline\""));
  EXPECT_LT(html.find("id=\"timeline\""), html.find("id=\"runbooks\""));
  EXPECT_LT(html.find("id=\"runbooks\""), html.find("id=\"calls\""));
  EXPECT_LT(html.find("id=\"calls\""), html.find("id=\"expectations\""));
  EXPECT_LT(html.find("id=\"expectations\""), html.find("id=\"reproduce\""));
  EXPECT_THAT(Section(html, "reproduce"),
              HasSubstr("rundrill run scenarios/bad-deploy.yaml --seed 7"));

  DrillResult passed = Result();
  passed.passed = true;
  passed.expectations.clear();
  passed.runbooks[0].steps.pop_back();
  passed.runbooks[0].steps.pop_back();
  const std::string ok = RenderHtml(passed);
  EXPECT_THAT(ok, HasSubstr("<header class=\"verdict passed\">"));
  EXPECT_THAT(ok, Not(HasSubstr("id=\"failures\"")));
}

TEST(HtmlReportTest, FailuresListExpectationsStepsAndStderr) {
  const std::string failures = Section(RenderHtml(Result()), "failures");
  EXPECT_THAT(failures, HasSubstr("deployment production/api image is registry.example/api:1.4.2"));
  EXPECT_THAT(failures, HasSubstr("found registry.example/api:1.5.0"));
  EXPECT_THAT(failures, HasSubstr("<code>high-error-rate/rollback</code> at +00:05:00.200: exit "
                                  "code 1"));
  EXPECT_THAT(failures, HasSubstr("<pre class=\"stderr\">error: connection refused\n</pre>"));
  EXPECT_THAT(failures, Not(HasSubstr("health")));
}

TEST(HtmlReportTest, FailedCheckShowsItsDiffBeforeAndAfter) {
  DrillResult r = Result();
  r.verification.emplace();
  r.verification->findings = {FailedRollback()};
  verify::Finding skipped;
  skipped.check = "crash-consistency";
  skipped.runbook = "high-error-rate";
  skipped.skipped = true;
  skipped.passed = true;
  skipped.summary = "skipped: a scenario event fell inside the comparison";
  r.verification->findings.push_back(skipped);
  r.verification->ignored = {{"kubernetes.**.annotations", "set by the <controller>",
                              "runbooks/high-error-rate.yaml:9:5", "high-error-rate"}};
  const std::string html = RenderHtml(r);

  const std::string failures = Section(html, "failures");
  EXPECT_THAT(failures, HasSubstr("<h3>Checks that failed</h3>"));
  EXPECT_THAT(failures, HasSubstr("rolling back left the world changed"));
  EXPECT_THAT(failures,
              HasSubstr("<tr><td><code>kubernetes.namespaces.production.deployments.api.replicas"
                        "</code></td><td class=\"before\"><code>3</code></td>"
                        "<td class=\"after\"><code>4</code></td></tr>"));
  EXPECT_THAT(failures,
              HasSubstr("<td class=\"before\"><span class=\"absent\">(absent)</span></td>"
                        "<td class=\"after\"><code>{&quot;enabled&quot;:&quot;&lt;yes&gt;&quot;}"
                        "</code></td>"));
  EXPECT_THAT(failures, Not(HasSubstr("crash-consistency")));

  const std::string checks = Section(html, "checks");
  EXPECT_THAT(checks, HasSubstr("<span class=\"badge failed\">failed</span>"));
  EXPECT_THAT(checks, HasSubstr("<span class=\"badge skipped\">skipped</span>"));
  EXPECT_THAT(checks, HasSubstr("skipped: a scenario event fell inside the comparison"));
  EXPECT_THAT(checks, HasSubstr("<li><code>kubernetes.**.annotations</code> (high-error-rate, "
                                "<code>runbooks/high-error-rate.yaml:9:5</code>): set by the "
                                "&lt;controller&gt;</li>"));
  EXPECT_THAT(html, HasSubstr("<dt>Checks</dt><dd>1 of 2 passed</dd>"));

  EXPECT_THAT(RenderHtml(Result()), Not(HasSubstr("id=\"checks\"")));
}

TEST(HtmlReportTest, EveryStepIsFoldedWithCommandOutputAndOutcome) {
  const std::string runbooks = Section(RenderHtml(Result()), "runbooks");
  EXPECT_EQ(Count(runbooks, "<details class=\"step "), 3u);
  EXPECT_EQ(Count(runbooks, "</details>"), 3u);
  EXPECT_THAT(runbooks, Not(HasSubstr("<details open")));
  EXPECT_THAT(runbooks, HasSubstr("<details class=\"step failed\">\n<summary><span class=\"badge "
                                  "failed\">failed</span> <code>rollback</code>"));
  EXPECT_THAT(runbooks, HasSubstr("<pre class=\"command\">kubectl rollout undo deployment/api"
                                  "</pre>"));
  EXPECT_THAT(runbooks, HasSubstr("<pre>NAME READY\napi-1 1/1\n</pre>"));
  EXPECT_THAT(runbooks, HasSubstr("when: condition not met"));
  EXPECT_THAT(runbooks, HasSubstr("Attempt 1 at +00:05:00.200: exit 1, took 2s800ms"));
}

TEST(HtmlReportTest, TimelineHasEveryLaneAndATooltipOnEachMark) {
  const std::string svg = Svg(RenderHtml(Result()));
  for (const char* lane : {"Alerts", "Faults", "Steps", "Backend calls", "Notifications"}) {
    EXPECT_THAT(svg, HasSubstr("<text class=\"lane-name\" x=\"8\" y=\"")) << lane;
    EXPECT_THAT(svg, HasSubstr(">" + std::string(lane) + "</text>")) << lane;
  }
  EXPECT_THAT(svg, HasSubstr(">+00:10:00</text>"));
  EXPECT_THAT(svg, HasSubstr(">+01:00:00</text>"));
  EXPECT_THAT(svg, HasSubstr("<rect class=\"alert\""));
  EXPECT_THAT(svg, HasSubstr("HighErrorRate {service=api}: fired +00:05:00, resolved +00:19:00"));
  // The partition healed, so it is a bar that says both ends.
  EXPECT_THAT(svg, HasSubstr("<rect class=\"fault\""));
  EXPECT_THAT(svg, HasSubstr("+00:04:00 fault.healed: partition to host db-1 healed</title>"));
  EXPECT_THAT(svg, HasSubstr("<polygon class=\"event scenario\""));
  EXPECT_THAT(svg, HasSubstr("<rect class=\"step succeeded\""));
  EXPECT_THAT(svg, HasSubstr("<rect class=\"step failed\""));
  EXPECT_THAT(svg, HasSubstr("<rect class=\"call\""));
  EXPECT_THAT(svg, HasSubstr("<circle class=\"http\""));
  EXPECT_THAT(svg, HasSubstr("<rect class=\"notification firing\""));
  // Every mark, bar, tick and dot alike, carries a tooltip.
  const size_t marks = Count(svg, "<rect class=\"alert") + Count(svg, "<rect class=\"fault") +
                       Count(svg, "<polygon ") + Count(svg, "<rect class=\"run") +
                       Count(svg, "<rect class=\"step ") + Count(svg, "<rect class=\"call") +
                       Count(svg, "<circle ") + Count(svg, "<rect class=\"notification");
  EXPECT_EQ(Count(svg, "<title>"), marks);
  EXPECT_EQ(marks, 10u);
}

TEST(HtmlReportTest, RunbookMinutesOfALongHorizonGetTheirOwnPicture) {
  DrillResult r = Result();
  r.horizon = 24h;
  r.runbooks[0].steps[0].ended_at = 5min + 5ms;
  const std::string html = RenderHtml(r);
  EXPECT_EQ(Count(html, "<svg class=\"timeline\""), 2u);
  EXPECT_THAT(html, HasSubstr("<h3>While the runbooks ran: +00:04:58 to +00:05:05</h3>"));
  EXPECT_THAT(Svg(html), HasSubstr(">+24:00:00</text>"));
  // A 5ms step on a day-long axis still shows.
  EXPECT_THAT(Svg(html), HasSubstr("width=\"3.0\" height=\"12\"><title>high-error-rate/health"));
}

TEST(HtmlReportTest, EscapesHostileText) {
  DrillResult r = Result();
  const std::string hostile = "<script>alert(\"x\")</script> & 'q' <img src=x onerror=y>";
  r.scenario_name = hostile;
  r.scenario_description = hostile;
  r.runbooks[0].name = hostile;
  r.runbooks[0].steps[1].command = hostile;
  r.runbooks[0].steps[1].reason = hostile;
  r.runbooks[0].steps[1].attempts[0].stderr_data = hostile;
  r.alerts[0].labels["service"] = hostile;
  r.timeline[0].detail = hostile;
  r.transcript[0].argv.push_back(hostile);
  r.expectations[0].what = hostile;
  r.reproduce = hostile;
  const std::string html = RenderHtml(r);
  EXPECT_THAT(html, Not(HasSubstr("<script")));
  EXPECT_THAT(html, Not(HasSubstr("<img")));
  EXPECT_THAT(html, HasSubstr("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;q&#39; "
                              "&lt;img src=x onerror=y&gt;"));
  EXPECT_GE(Count(html, "&lt;script&gt;"), 10u);
}

TEST(HtmlReportTest, LoadsNothingFromOutside) {
  DrillResult r = Result();
  r.verification.emplace();
  r.verification->findings = {FailedRollback()};
  // A URL in the drill's own text stays text.
  r.runbooks[0].steps[0].attempts[0].stdout_data = "see https://example.com/x.js";
  RunbookCoverage coverage;
  const std::string html = RenderHtml(r, &coverage);
  EXPECT_THAT(html, Not(HasSubstr("<script")));
  EXPECT_THAT(html, Not(HasSubstr("<link")));
  EXPECT_THAT(html, Not(HasSubstr("<iframe")));
  EXPECT_THAT(html, Not(HasSubstr("@import")));
  EXPECT_THAT(html, Not(HasSubstr("url(")));
  EXPECT_THAT(html, Not(HasSubstr("@font-face")));
  EXPECT_THAT(html, Not(HasSubstr(" src=")));
  EXPECT_THAT(html, Not(HasSubstr("xmlns")));
  EXPECT_EQ(Count(html, "http://") + Count(html, "https://"), 1u);
  // Every link is to a place on the page itself.
  const std::regex href("href=\"([^\"]*)\"");
  size_t links = 0;
  for (auto it = std::sregex_iterator(html.begin(), html.end(), href); it != std::sregex_iterator();
       ++it, ++links) {
    EXPECT_EQ((*it)[1].str().substr(0, 1), "#") << (*it)[0];
  }
  EXPECT_GT(links, 5u);
}

TEST(HtmlReportTest, SameResultSameBytes) {
  DrillResult r = Result();
  r.verification.emplace();
  r.verification->findings = {FailedRollback()};
  const std::string first = RenderHtml(r);
  const DrillResult copy = r;
  EXPECT_EQ(RenderHtml(copy), first);
  EXPECT_EQ(RenderHtml(r), first);
}

TEST(HtmlReportTest, InvalidUtf8AndControlsBecomeVisibleCharacters) {
  DrillResult r = Result();
  // A stray continuation byte, an overlong '/', a surrogate, a cut sequence, NUL and ESC.
  r.runbooks[0].steps[0].attempts[0].stdout_data =
      std::string("ok \x80 \xC0\xAF \xED\xA0\x80 caf\xC3\xA9 ") + '\0' + "\x1b[31m \xE2\x82";
  r.scenario_name = "bad\xFFname";
  r.transcript[0].argv.push_back("\xFE");
  r.alerts[0].labels["service"] = "\xC3";
  const std::string html = RenderHtml(r);
  EXPECT_TRUE(IsValidUtf8(html));
  EXPECT_THAT(html, HasSubstr("ok \xEF\xBF\xBD \xEF\xBF\xBD\xEF\xBF\xBD "
                              "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD caf\xC3\xA9 "
                              "\xE2\x90\x80\xE2\x90\x9B[31m \xEF\xBF\xBD\xEF\xBF\xBD"));
  EXPECT_THAT(html, HasSubstr("Drill bad\xEF\xBF\xBDname"));
  EXPECT_EQ(html.find('\0'), std::string::npos);
}

TEST(HtmlReportTest, LongOutputIsCutWithAPointerToResultJson) {
  DrillResult r = Result();
  std::string lines;
  for (int i = 0; i < 1000; ++i) lines += "line " + std::to_string(i) + "\n";
  r.runbooks[0].steps[0].attempts[0].stdout_data = lines;
  const std::string html = RenderHtml(r);
  EXPECT_THAT(html, HasSubstr("line 399\n<span class=\"cut\">… (600 more lines in result.json)"));
  EXPECT_THAT(html, Not(HasSubstr("line 400\n")));
}

TEST(HtmlReportTest, CoverageShownOnlyWhenGiven) {
  EXPECT_THAT(RenderHtml(Result()), Not(HasSubstr("id=\"coverage\"")));

  RunbookCoverage coverage;
  RunbookCoverageEntry entry;
  entry.runbook = "high-error-rate";
  entry.path = "runbooks/high-error-rate.yaml";
  entry.runs = 1;
  entry.steps_total = 3;
  entry.steps_exercised = 2;
  entry.unexercised = {{"restart", "runbooks/high-error-rate.yaml:40:5", false}};
  entry.branches_total = 2;
  entry.branches_taken = 1;
  entry.missing_branches = {{"restart", "runbooks/high-error-rate.yaml:40:5", false, true}};
  coverage.runbooks = {entry};
  coverage.drills = {{"bad-deploy", "scenarios/bad-deploy.yaml", 7, false}};
  const std::string section = Section(RenderHtml(Result(), &coverage), "coverage");
  EXPECT_THAT(section, HasSubstr("1 run, 2 of 3 steps exercised, 1 of 2 when-branches taken."));
  EXPECT_THAT(section, HasSubstr("<li><code>restart</code> <span class=\"where\"><code>"
                                 "runbooks/high-error-rate.yaml:40:5</code></span></li>"));
  EXPECT_THAT(section, HasSubstr(entry.missing_branches[0].Text()));
  EXPECT_THAT(section, HasSubstr("1 drill counted"));
}

// A drill the engine ran: every record it makes renders, and the page says what ran.
TEST(HtmlReportTest, RendersAScriptedDrill) {
  const auto scenario = drill::testing::ScenarioFrom(R"(apiVersion: rundrill/v1
kind: Scenario
metadata: {name: scripted}
horizon: 30m
world:
  kubernetes:
    deployments:
      - name: api
        namespace: production
        replicas: 2
        history: [{image: registry.example/api:1.0.0}]
timeline:
  - at: 1m
    fire_alert:
      labels: {alertname: HighErrorRate, service: api, namespace: production}
)");
  const auto result = drill::testing::RunScriptedDrill(scenario, {drill::testing::RunbookFrom(R"(
  - id: ready
    type: check
    run: call kubectl get deployment api -n production
  - id: broken
    type: check
    run: out "<oops>"; exit 3
)")});
  const std::string html = RenderHtml(result);
  EXPECT_TRUE(IsValidUtf8(html));
  EXPECT_THAT(html, HasSubstr("<code>ready</code>"));
  EXPECT_THAT(html, HasSubstr("<details class=\"step failed\">"));
  EXPECT_THAT(html, HasSubstr("&quot;&lt;oops&gt;&quot;"));
  EXPECT_THAT(Svg(html), HasSubstr("<rect class=\"call\""));
  EXPECT_EQ(RenderHtml(result), html);
}

}  // namespace
}  // namespace rundrill::reports
