// junit.xml: well formed and valid against the common JUnit schema (tests/reports/junit.xsd,
// checked with xmllint, which must be installed), counts that agree with the testcases,
// hostile text escaped, and the same bytes for the same drill.

#include "reports/junit.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <regex>
#include <string>

#include "tests/drill/drill_harness.h"

namespace rundrill::reports {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

const std::string kSchema = std::string(RUNDRILL_SOURCE_DIR) + "/tests/reports/junit.xsd";

struct Validation {
  int exit_code = -1;
  std::string output;
};

// xmllint's verdict on `xml` against the schema. Fails the test (never skips) without
// xmllint: the schema check is the point of these tests.
Validation Validate(const std::string& xml) {
  Validation v;
  if (std::system("command -v xmllint >/dev/null 2>&1") != 0) {
    ADD_FAILURE()
        << "xmllint is not installed (Debian: libxml2-utils); scripts/test.sh installs it";
    return v;
  }
  char name[] = "/tmp/rundrill-junit-XXXXXX";
  const int fd = mkstemp(name);
  if (fd < 0) {
    ADD_FAILURE() << "cannot create a temporary file";
    return v;
  }
  ::close(fd);
  {
    std::ofstream out(name, std::ios::binary);
    out << xml;
  }
  const std::string command =
      "xmllint --noout --schema '" + kSchema + "' '" + std::string(name) + "' 2>&1";
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe != nullptr) {
    std::array<char, 4096> buffer;
    size_t n;
    while ((n = fread(buffer.data(), 1, buffer.size(), pipe)) > 0)
      v.output.append(buffer.data(), n);
    const int status = pclose(pipe);
    v.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  }
  std::remove(name);
  return v;
}

size_t Occurrences(const std::string& text, const std::string& part) {
  size_t n = 0;
  for (size_t at = text.find(part); at != std::string::npos; at = text.find(part, at + 1)) ++n;
  return n;
}

// The totals on <testsuites> against the elements below it.
void ExpectConsistentCounts(const std::string& xml) {
  std::smatch m;
  ASSERT_TRUE(std::regex_search(
      xml, m,
      std::regex("<testsuites name=\"rundrill\" tests=\"(\\d+)\" failures=\"(\\d+)\" "
                 "errors=\"0\" skipped=\"(\\d+)\" time=\"0\">")))
      << xml;
  EXPECT_EQ(std::stoul(m[1]), Occurrences(xml, "<testcase "));
  EXPECT_EQ(std::stoul(m[2]), Occurrences(xml, "<failure "));
  EXPECT_EQ(std::stoul(m[3]), Occurrences(xml, "<skipped "));
}

constexpr char kScenario[] = R"(apiVersion: rundrill/v1
kind: Scenario
metadata: {name: junit}
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
      labels: {alertname: HighErrorRate, service: api}
)";

drill::DrillResult PassingDrill() {
  return drill::testing::RunScriptedDrill(
      drill::testing::ScenarioFrom(std::string(kScenario) + "expect:\n  runbooks_ran: [unit]\n"),
      {drill::testing::RunbookFrom(
          "  - {id: look, type: check, run: 'call kubectl get pods -n production'}\n")});
}

// A drill that failed a step, an expectation and two of three checks (one skipped).
drill::DrillResult FailingDrill() {
  drill::DrillResult d = drill::testing::RunScriptedDrill(
      drill::testing::ScenarioFrom(kScenario),
      {drill::testing::RunbookFrom(
          "  - {id: bad, type: check, run: 'call kubectl get pods --bogus'}\n")});
  d.passed = false;
  d.expectations.push_back({"deployment production/api has 3 ready replicas", false,
                            "2 ready <&> \"quoted\"", "unit.yaml:20:5"});
  verify::Verification v;
  verify::Finding failed;
  failed.check = "step-idempotence";
  failed.runbook = "unit";
  failed.step = "bad";
  failed.mark = "unit.yaml:7:5";
  failed.summary = "a second run changed slack.channels.ops.messages";
  verify::DiffEntry diff;
  diff.path = "slack.channels.ops.messages[1]";
  diff.had_before = false;
  diff.after = "posted <twice>";
  failed.diff.push_back(diff);
  verify::Finding skipped = failed;
  skipped.check = "rollback";
  skipped.skipped = true;
  skipped.summary = "a scenario event fell inside the comparison";
  verify::Finding passed = failed;
  passed.check = "runbook-idempotence";
  passed.step.clear();
  passed.passed = true;
  passed.summary = "a second run changed nothing";
  passed.diff.clear();
  v.findings = {failed, skipped, passed};
  d.verification = v;
  return d;
}

std::vector<lint::LintFinding> HostileLint() {
  lint::LintFinding error;
  error.rule = "RD002";
  error.severity = lint::Severity::kError;
  error.mark = {"runbooks/<evil>&.yaml", 12, 5};
  error.step_id = "drop\"db\"";
  error.message =
      std::string("kubectl delete ]]> <!-- & \x1b[31mred\x1b[0m \x01\x02 bad utf8 \xff\xc3 ") +
      "tab\there cr\rhere \xef\xbf\xbe end";
  lint::LintFinding warning;
  warning.rule = "RD005";
  warning.severity = lint::Severity::kWarning;
  warning.mark = {"runbooks/db.yaml", 3, 1};
  warning.message = "https://prod.example.com/</system-out>";
  lint::LintFinding silenced = error;
  silenced.silenced_reason = "approved by <ops> \x07";
  return {error, warning, silenced};
}

TEST(JUnitTest, PassingDrillIsSchemaValid) {
  const drill::DrillResult d = PassingDrill();
  const std::string xml = RenderJUnit({d}, {}, {contracts::CheckContracts(d)});
  const Validation v = Validate(xml);
  EXPECT_EQ(v.exit_code, 0) << v.output << xml;
  ExpectConsistentCounts(xml);
  EXPECT_THAT(xml, HasSubstr("<testsuite name=\"drills\" tests=\"1\" failures=\"0\""));
  EXPECT_THAT(xml,
              HasSubstr("<testcase name=\"junit (seed 5)\" classname=\"rundrill.drills.junit\""));
  EXPECT_THAT(xml, HasSubstr("<testcase name=\"unit--kubectl\""));
  EXPECT_THAT(xml, Not(HasSubstr("<failure")));
  EXPECT_THAT(xml, Not(HasSubstr("name=\"checks\"")));  // no verification: no suite
}

TEST(JUnitTest, FailingDrillWithChecksIsSchemaValid) {
  const drill::DrillResult d = FailingDrill();
  const std::string xml = RenderJUnit({d}, {}, {contracts::CheckContracts(d)});
  const Validation v = Validate(xml);
  EXPECT_EQ(v.exit_code, 0) << v.output << xml;
  ExpectConsistentCounts(xml);
  EXPECT_THAT(xml, HasSubstr("<testsuite name=\"checks\" tests=\"3\" failures=\"1\" errors=\"0\" "
                             "skipped=\"1\" time=\"0\">"));
  EXPECT_THAT(xml, HasSubstr("<failure message=\"2 expectations not met, 1 step failed, 1 check "
                             "failed\" type=\"drill\">"));
  EXPECT_THAT(xml, HasSubstr("reproduce: " + d.reproduce));
  EXPECT_THAT(xml, HasSubstr("<skipped message=\"a scenario event fell inside the comparison\"/>"));
  EXPECT_THAT(xml, HasSubstr("found 2 ready &lt;&amp;&gt; \"quoted\""));
  EXPECT_THAT(xml,
              HasSubstr("slack.channels.ops.messages[1]: (absent) -&gt; \"posted &lt;twice&gt;\""));
  EXPECT_THAT(xml, HasSubstr("<failure message=\"1 of 1 interactions violated the kubectl "
                             "contract\" type=\"contract\">"));
}

TEST(JUnitTest, HostileLintTextIsEscapedAndSchemaValid) {
  const std::string xml = RenderJUnit({}, HostileLint(), {});
  const Validation v = Validate(xml);
  EXPECT_EQ(v.exit_code, 0) << v.output << xml;
  ExpectConsistentCounts(xml);
  EXPECT_THAT(xml, HasSubstr("<testsuite name=\"lint\" tests=\"3\" failures=\"1\" errors=\"0\" "
                             "skipped=\"1\" time=\"0\">"));
  EXPECT_THAT(xml, HasSubstr("classname=\"rundrill.lint.runbooks/&lt;evil&gt;&amp;_yaml\""));
  EXPECT_THAT(xml, HasSubstr("]]&gt; &lt;!-- &amp; \\x1B[31mred\\x1B[0m \\x01\\x02 bad utf8 "
                             "\xEF\xBF\xBD\xEF\xBF\xBD tab&#9;here cr&#13;here \\uFFFE end"));
  EXPECT_THAT(xml, HasSubstr("<skipped message=\"silenced: approved by &lt;ops&gt; \\x07\"/>"));
  EXPECT_THAT(xml, HasSubstr("https://prod.example.com/&lt;/system-out&gt;"));
}

TEST(JUnitTest, SchemaRejectsWhatParsersWouldNot) {
  // Keeps the schema honest: a testcase without classname and a count that is not a number.
  const Validation v = Validate(
      "<?xml version=\"1.0\"?>\n<testsuites><testsuite name=\"x\" tests=\"many\" failures=\"0\" "
      "errors=\"0\"><testcase name=\"y\" time=\"0\"/></testsuite></testsuites>\n");
  EXPECT_NE(v.exit_code, 0) << v.output;
}

TEST(JUnitTest, EscapesEveryHostileCharacter) {
  EXPECT_EQ(XmlEscape("a<b>&\"c\"", true), "a&lt;b&gt;&amp;&quot;c&quot;");
  EXPECT_EQ(XmlEscape("a<b>&\"c\"", false), "a&lt;b&gt;&amp;\"c\"");
  EXPECT_EQ(XmlEscape("l1\nl2\tx\r", true), "l1&#10;l2&#9;x&#13;");
  EXPECT_EQ(XmlEscape("l1\nl2\tx\r", false), "l1\nl2\tx&#13;");
  EXPECT_EQ(XmlEscape(std::string("\0\x1f", 2), false), "\\x00\\x1F");
  EXPECT_EQ(XmlEscape("\xc0\xaf", false), "\xEF\xBF\xBD\xEF\xBF\xBD");  // overlong '/'
  EXPECT_EQ(XmlEscape("\xed\xa0\x80", false), "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");  // surrogate
  EXPECT_EQ(XmlEscape("caf\xc3\xa9 \xf0\x9f\x94\xa5", false), "caf\xc3\xa9 \xf0\x9f\x94\xa5");
  EXPECT_EQ(XmlEscape("trunc \xe2\x82", false), "trunc \xEF\xBF\xBD\xEF\xBF\xBD");
}

TEST(JUnitTest, EverythingTogetherIsDeterministic) {
  const drill::DrillResult a = FailingDrill();
  const drill::DrillResult b = FailingDrill();
  const std::string first =
      RenderJUnit({a, PassingDrill()}, HostileLint(), {contracts::CheckContracts(a), {}});
  const std::string second =
      RenderJUnit({b, PassingDrill()}, HostileLint(), {contracts::CheckContracts(b), {}});
  EXPECT_EQ(first, second);
  const Validation v = Validate(first);
  EXPECT_EQ(v.exit_code, 0) << v.output << first;
  ExpectConsistentCounts(first);
  EXPECT_THAT(first, HasSubstr("<testsuite name=\"drills\" tests=\"2\" failures=\"1\""));
}

}  // namespace
}  // namespace rundrill::reports
