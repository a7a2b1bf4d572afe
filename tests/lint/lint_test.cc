#include "simulator/lint/lint.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>

#include "simulator/cli/commands.h"
#include "simulator/lint/scalar_place.h"
#include "simulator/lint/secrets.h"
#include "simulator/lint/shell_words.h"
#include "simulator/load/loader.h"

namespace rundrill::lint {
namespace {

namespace fs = std::filesystem;
using ::testing::ElementsAre;
using ::testing::IsEmpty;

const std::string kSource = RUNDRILL_SOURCE_DIR;

std::string ReadText(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// "RULE line:col" for each finding that is not silenced.
std::vector<std::string> Brief(const std::vector<LintFinding>& findings) {
  std::vector<std::string> out;
  for (const LintFinding& f : findings) {
    if (f.silenced()) continue;
    out.push_back(f.rule + " " + std::to_string(f.mark.line) + ":" + std::to_string(f.mark.column));
  }
  return out;
}

model::Runbook Load(const std::string& text, const std::string& path = "rb.yaml") {
  std::vector<load::Diagnostic> errors;
  std::optional<model::Runbook> rb = load::ParseRunbook(text, path, &errors);
  for (const auto& e : errors) ADD_FAILURE() << e.ToString();
  return rb.value_or(model::Runbook{});
}

// A runbook of one step whose body is `step` (indented as a list entry's keys).
std::string OneStep(const std::string& step) {
  return "apiVersion: rundrill/v1\n"
         "kind: Runbook\n"
         "metadata: {name: demo}\n"
         "trigger: {alertname: X}\n"
         "params: {SERVICE: {label: service}, NAMESPACE: {label: namespace}}\n"
         "steps:\n"
         "  - id: s\n" +
         step;
}
constexpr int kFirstStepLine = 8;  // the line after "  - id: s"

std::vector<std::string> LintText(const std::string& text) {
  LintOptions options;
  options.source = text;
  return Brief(LintRunbook(Load(text), options));
}

std::string Words(const ShellCommand& c) {
  std::string out;
  for (const ShellWord& w : c.words) out += (out.empty() ? "" : " ") + w.text;
  return out;
}

std::vector<std::string> Commands(std::string_view script) {
  std::vector<std::string> out;
  for (const ShellCommand& c : SplitCommands(script)) out.push_back(Words(c));
  return out;
}

// --- The command splitter ---

TEST(ShellWordsTest, SplitsOnOperatorsAndNewlines) {
  EXPECT_THAT(Commands("a 1; b 2 && c || d | e & f\ng (h) `i`"),
              ElementsAre("a 1", "b 2", "c", "d", "e", "f", "g", "h", "`i`", "i"));
}

TEST(ShellWordsTest, RespectsQuotesAndBackslashes) {
  EXPECT_THAT(Commands(R"(echo "kubectl delete; deployment" 'a && b' c\ d "x\"y")"),
              ElementsAre("echo kubectl delete; deployment a && b c d x\"y"));
}

TEST(ShellWordsTest, DropsCommentsButNotHashesInWords) {
  EXPECT_THAT(Commands("# kubectl delete ns prod\nkubectl get pods # all of them\necho a#b"),
              ElementsAre("kubectl get pods", "echo a#b"));
}

TEST(ShellWordsTest, ReadsCommandSubstitutionsAsCommands) {
  const auto commands = SplitCommands(R"(pod=$(kubectl get pods -o name | head -1); echo "$pod")");
  EXPECT_THAT(Commands(R"(pod=$(kubectl get pods -o name | head -1); echo "$pod")"),
              ElementsAre("pod=$(kubectl get pods -o name | head -1)", "echo $pod",
                          "kubectl get pods -o name", "head -1"));
  EXPECT_EQ(commands[2].words[0].offset, 6u);
  EXPECT_TRUE(commands[0].words[0].expands);
}

TEST(ShellWordsTest, SkipsRedirectionsAndHereDocuments) {
  EXPECT_THAT(Commands("cat > /tmp/x <<EOF 2>&1\nrm -rf /\nEOF\necho done >&2"),
              ElementsAre("cat", "echo done"));
}

TEST(ShellWordsTest, FindsTheProgramBehindWrappers) {
  const auto commands = SplitCommands("FOO=1 sudo -u root timeout 5 /usr/bin/kubectl get pods");
  ASSERT_EQ(commands.size(), 1u);
  const size_t p = ProgramIndex(commands[0]);
  ASSERT_LT(p, commands[0].words.size());
  EXPECT_EQ(commands[0].words[p].text, "/usr/bin/kubectl");
  EXPECT_EQ(BaseName(commands[0].words[p].text), "kubectl");
}

// --- Secrets ---

TEST(SecretsTest, MasksAllButFourCharacters) {
  EXPECT_EQ(MaskSecret("xoxb-1234567890-abcdef"), "xoxb********");
  EXPECT_EQ(MaskSecret("AKIAABCDEFGHIJKLMNOP"), "AKIA********");
}

TEST(SecretsTest, FindsEachKindAndNothingElse) {
  auto kinds = [](std::string_view line) {
    std::vector<std::string> out;
    for (const SecretMatch& m : FindSecrets(line)) {
      out.push_back(m.kind + "@" + std::to_string(m.offset));
    }
    return out;
  };
  EXPECT_THAT(kinds("token: xoxp-1111111111-abcdefghij"), ElementsAre("Slack token@7"));
  EXPECT_THAT(kinds("url: https://hooks.slack.com/services/T000/B000/XXXXXXXXXXXX"),
              ElementsAre("Slack webhook URL@13"));
  EXPECT_THAT(kinds(R"({\"routing_key\": \"0123456789abcdef0123456789abcdef\"})"),
              ElementsAre("PagerDuty routing key@20"));
  EXPECT_THAT(kinds("-H 'Authorization: Token token=y_NbAkKc66ryYTWUXYEu'"),
              ElementsAre("PagerDuty API token@31"));
  EXPECT_THAT(kinds("AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE"), ElementsAre("AWS access key id@18"));
  EXPECT_THAT(kinds("key: -----BEGIN PRIVATE KEY-----"), ElementsAre("private key@5"));
  EXPECT_THAT(kinds("GITHUB_TOKEN=ghp_abcdefghijklmnopqrstuvwxyz0123456789"),
              ElementsAre("GitHub token@13"));
  // From the environment, or too short to be a key: nothing.
  EXPECT_THAT(kinds(R"(--data "{\"routing_key\": \"$PAGERDUTY_ROUTING_KEY\"}")"), IsEmpty());
  EXPECT_THAT(kinds("Authorization: Token token=$PAGERDUTY_API_TOKEN"), IsEmpty());
  EXPECT_THAT(kinds("routing_key: db-oncall-routing-key-0000000000"), IsEmpty());
}

TEST(SecretsTest, MessageNeverHoldsTheWholeSecret) {
  const std::string text = OneStep(
      "    type: check\n"
      "    run: echo ok\n"
      "    name: \"uses AKIAIOSFODNN7EXAMPLE\"\n");
  LintOptions options;
  options.source = text;
  const auto findings = LintRunbook(Load(text), options);
  ASSERT_EQ(findings.size(), 1u);
  EXPECT_EQ(findings[0].ToString(),
            "rb.yaml:10:17: error: [RD003] AWS access key id \"AKIA********\" is written into "
            "the runbook; keep it out of the file and have the environment provide it");
}

// --- Places inside scalars ---

TEST(ScalarPlaceTest, PlainAndQuotedOneLineScalars) {
  const std::string file =
      "run: kubectl get pods\n"
      "run: 'it''s kubectl'\n"
      "run: \"a\\\"b kubectl\"\n";
  const auto lines = SplitLines(file);
  auto col = [&](int line, model::ScalarStyle style, std::string_view text, size_t offset) {
    return PlaceInText(lines, model::SourceMark{"f", line, 6}, style, text, offset).column;
  };
  EXPECT_EQ(col(1, model::ScalarStyle::kPlain, "kubectl get pods", 8), 14);
  EXPECT_EQ(col(2, model::ScalarStyle::kSingleQuoted, "it's kubectl", 5), 13);
  EXPECT_EQ(col(3, model::ScalarStyle::kDoubleQuoted, "a\"b kubectl", 4), 12);
}

TEST(ScalarPlaceTest, LiteralBlockMapsLineByLine) {
  const std::string file = "    run: |\n      echo a\n        kubectl get pods\n";
  const auto lines = SplitLines(file);
  const std::string text = "echo a\n  kubectl get pods\n";
  const model::SourceMark m = PlaceInText(lines, model::SourceMark{"f", 1, 10},
                                          model::ScalarStyle::kLiteral, text, text.find("get"));
  EXPECT_EQ(m.line, 3);
  EXPECT_EQ(m.column, 17);
}

TEST(ScalarPlaceTest, FoldedBlockPointsAtItsStart) {
  const std::string file = "    run: >\n      echo a\n      kubectl get pods\n";
  const model::SourceMark m =
      PlaceInText(SplitLines(file), model::SourceMark{"f", 1, 10}, model::ScalarStyle::kFolded,
                  "echo a kubectl get pods\n", 7);
  EXPECT_EQ(m.line, 2);
  EXPECT_EQ(m.column, 7);
}

TEST(ScalarPlaceTest, LoaderRecordsWhereRunIsWritten) {
  const model::Runbook rb =
      Load(OneStep("    type: check\n"
                   "    run: |\n"
                   "      echo a\n"
                   "    rollback: \"echo b\"\n"));
  ASSERT_EQ(rb.steps.size(), 1u);
  EXPECT_EQ(rb.steps[0].run_mark.line, kFirstStepLine + 1);
  EXPECT_EQ(rb.steps[0].run_mark.column, 10);
  EXPECT_EQ(rb.steps[0].run_style, model::ScalarStyle::kLiteral);
  EXPECT_EQ(rb.steps[0].rollback_style, model::ScalarStyle::kDoubleQuoted);
  EXPECT_EQ(rb.steps[0].rollback_mark.column, 15);
}

// --- Rules, precisely ---

TEST(LintRulesTest, QuotedAndCommentedCommandsDoNotFire) {
  EXPECT_THAT(
      LintText(OneStep("    type: check\n"
                       "    run: |\n"
                       "      echo \"kubectl delete deployment api\"  # kubectl delete ns x\n"
                       "      # rm -rf /\n")),
      IsEmpty());
}

TEST(LintRulesTest, ActionStepThatOnlyPrintsIsNoRisk) {
  EXPECT_THAT(LintText(OneStep("    type: action\n"
                               "    run: echo \"manual intervention required\"\n")),
              IsEmpty());
  EXPECT_THAT(LintText(OneStep("    type: action\n"
                               "    run: python3 fix.py\n")),
              ElementsAre("RD001 9:10"));
}

TEST(LintRulesTest, DestructiveCommands) {
  auto action = [](const std::string& run) {
    return LintText(OneStep("    type: check\n    run: '" + run + "'\n"));
  };
  EXPECT_THAT(action("kubectl delete ns \"$NAMESPACE\""), ElementsAre("RD001 9:11", "RD002 9:26"));
  EXPECT_THAT(action("kubectl -n x delete deploy/api"), ElementsAre("RD001 9:11", "RD002 9:31"));
  EXPECT_THAT(action("kubectl delete pod api-0"), ElementsAre("RD001 9:11"));
  EXPECT_THAT(action("kubectl scale deploy/api --replicas 0"),
              ElementsAre("RD001 9:11", "RD002 9:47"));
  EXPECT_THAT(action("kubectl scale deploy/api --replicas=10"), ElementsAre("RD001 9:11"));
  EXPECT_THAT(action("rm -f -r \"$DIR\""), ElementsAre("RD002 9:14"));
  EXPECT_THAT(action("rm --force --recursive /var/x"), ElementsAre("RD002 9:14"));
  EXPECT_THAT(action("rm -Rf /var/x"), ElementsAre("RD002 9:14"));
  EXPECT_THAT(action("rm -f /var/x"), IsEmpty());
  EXPECT_THAT(action("ssh \"$HOST\" sudo rm -rf /var/log/old"),
              ElementsAre("RD001 9:23", "RD002 9:23"));
  EXPECT_THAT(action("psql -Atc \"DROP TABLE sessions\""), ElementsAre("RD001 9:11", "RD002 9:21"));
  EXPECT_THAT(action("psql -c \"TRUNCATE sessions\""), ElementsAre("RD001 9:11", "RD002 9:19"));
  EXPECT_THAT(action("psql -c \"SELECT pg_terminate_backend(pid) FROM pg_stat_activity\""),
              ElementsAre("RD001 9:11", "RD002 9:19"));
  EXPECT_THAT(action("psql -c \"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE "
                     "datname = current_database()\""),
              ElementsAre("RD001 9:11", "RD002 9:19"));
  EXPECT_THAT(action("psql -c \"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE "
                     "state = ''idle'' AND state_change < now() - interval ''1 hour''\""),
              ElementsAre("RD001 9:11"));
}

TEST(LintRulesTest, ApprovalAllowsDestructiveCommands) {
  EXPECT_THAT(LintText(OneStep("    type: action\n"
                               "    run: kubectl delete deployment api\n"
                               "    approval: true\n")),
              IsEmpty());
}

TEST(LintRulesTest, MutatingCommands) {
  auto check = [](const std::string& run) {
    return LintText(OneStep("    type: check\n    run: '" + run + "'\n"));
  };
  EXPECT_THAT(check("kubectl get pods -n x"), IsEmpty());
  EXPECT_THAT(check("kubectl rollout status deploy/api"), IsEmpty());
  EXPECT_THAT(check("kubectl --namespace x rollout restart deploy/api"), ElementsAre("RD001 9:11"));
  EXPECT_THAT(check("ssh -o BatchMode=yes \"$HOST\" systemctl restart nginx"),
              ElementsAre("RD001 9:40"));
  EXPECT_THAT(check("ssh \"$HOST\" systemctl status nginx"), IsEmpty());
  EXPECT_THAT(check("psql -Atc \"UPDATE jobs SET state = 1\""), ElementsAre("RD001 9:11"));
  EXPECT_THAT(check("curl -fsS -X POST --data x \"$SLACK_WEBHOOK_URL\""), IsEmpty());
  EXPECT_THAT(check("curl -fsS -d x \"$PAGERDUTY_EVENTS_URL\""), IsEmpty());
  EXPECT_THAT(check("curl -fsS -X DELETE https://api.internal/v1/jobs/1"),
              ElementsAre("RD001 9:11"));
  EXPECT_THAT(check("curl -fsS https://api.internal/v1/jobs"), IsEmpty());
}

TEST(LintRulesTest, ProductionEndpoints) {
  auto check = [](const std::string& run) {
    std::vector<LintFinding> out;
    const std::string text = OneStep("    type: check\n    run: '" + run + "'\n");
    LintOptions options;
    options.source = text;
    std::vector<std::string> brief;
    for (const LintFinding& f : LintRunbook(Load(text), options)) {
      brief.push_back(f.rule + " " + std::string(SeverityName(f.severity)) + " " +
                      std::to_string(f.mark.column));
    }
    return brief;
  };
  EXPECT_THAT(check("curl -fsS https://api.pagerduty.com/incidents"),
              ElementsAre("RD004 error 21"));
  EXPECT_THAT(check("curl -fsS \"https://slack.com/api/conversations.list\""),
              ElementsAre("RD004 error 21"));
  EXPECT_THAT(check("kubectl --server=https://k8s.prod.example:6443 get pods"),
              ElementsAre("RD004 warning 19"));
  EXPECT_THAT(check("kubectl --kubeconfig /home/ops/.kube/prod get pods"),
              ElementsAre("RD004 warning 32"));
  EXPECT_THAT(check("kubectl --kubeconfig \"$KUBECONFIG\" get pods"), IsEmpty());
  EXPECT_THAT(check("ssh admin@10.0.3.7 df -h"), ElementsAre("RD004 warning 15"));
  EXPECT_THAT(check("ssh db-1.prod.example.com df -h"), ElementsAre("RD004 warning 15"));
  EXPECT_THAT(check("ssh \"$HOST\" df -h"), IsEmpty());
  // A webhook URL with its secret path is reported once, as a secret.
  EXPECT_THAT(check("curl -d x https://hooks.slack.com/services/T0000/B0000/XXXXXXXXXXXXXXXX"),
              ElementsAre("RD003 error 29"));
}

TEST(LintRulesTest, AbsolutePathsOnlyForFakedPrograms) {
  auto check = [](const std::string& run) {
    return LintText(OneStep("    type: check\n    run: '" + run + "'\n"));
  };
  EXPECT_THAT(check("x=$(/usr/local/bin/helm list)"), ElementsAre("RD005 9:15"));
  EXPECT_THAT(check("sudo /bin/ssh \"$HOST\" uptime"), ElementsAre("RD005 9:16"));
  EXPECT_THAT(check("/usr/bin/python3 x.py | /usr/bin/jq ."), IsEmpty());
}

TEST(LintRulesTest, RollbackCommandsAreCheckedForFakesAndEndpoints) {
  EXPECT_THAT(LintText(OneStep("    type: action\n"
                               "    run: kubectl rollout undo deploy/api\n"
                               "    rollback: /usr/bin/kubectl rollout undo deploy/api\n")),
              ElementsAre("RD005 10:15"));
}

TEST(LintRulesTest, IgnoreSilencesOneRuleForOneStepWithItsReason) {
  const std::string text = OneStep(
      "    type: action\n"
      "    run: kubectl rollout restart deploy/api\n"
      "    lint: {ignore: [{rule: RD001, reason: \"nothing to undo\"}]}\n"
      "  - id: t\n"
      "    type: action\n"
      "    run: kubectl rollout restart deploy/web\n");
  LintOptions options;
  options.source = text;
  const auto findings = LintRunbook(Load(text), options);
  ASSERT_EQ(findings.size(), 2u);
  EXPECT_EQ(findings[0].silenced_reason, "nothing to undo");
  EXPECT_EQ(findings[0].ToString(),
            "rb.yaml:9:10: silenced: [RD001] step \"s\" changes things (kubectl rollout restart) "
            "but has neither \"rollback\" nor \"approval\" (reason: nothing to undo)");
  EXPECT_FALSE(findings[1].silenced());
  EXPECT_EQ(findings[1].step_id, "t");
}

// --- Broken lint blocks are load errors ---

TEST(LintIgnoreLoadTest, ReportsEachProblemAtItsPlace) {
  const std::string text = OneStep(
      "    type: check\n"
      "    run: echo a\n"
      "    lint:\n"
      "      ignore:\n"
      "        - {rule: RD01, reason: typo}\n"
      "        - {rule: RD003, reason: \"a test token\"}\n"
      "        - {rule: RD001}\n"
      "        - {rule: shellcheck/SC2086, reason: \"  \"}\n"
      "        - {rule: shellcheck/2086, reason: x}\n");
  std::vector<load::Diagnostic> errors;
  EXPECT_FALSE(load::ParseRunbook(text, "rb.yaml", &errors).has_value());
  std::vector<std::string> messages;
  for (const auto& e : errors) messages.push_back(e.ToString());
  EXPECT_THAT(
      messages,
      ElementsAre(
          "rb.yaml:12:18: unknown lint rule \"RD01\" (did you mean \"RD001\"?) (use RD001-RD005 "
          "or shellcheck/SCnnnn)",
          "rb.yaml:13:18: lint rule \"RD003\" cannot be silenced: take the value from the "
          "environment",
          "rb.yaml:14:11: lint ignore is missing required key \"reason\"",
          "rb.yaml:15:45: \"reason\" must not be empty",
          "rb.yaml:16:18: unknown lint rule \"shellcheck/2086\" (use RD001-RD005 or "
          "shellcheck/SCnnnn)"));
}

TEST(LintIgnoreLoadTest, ValidateExitsTwoOnABrokenLintBlock) {
  const fs::path dir = fs::path(::testing::TempDir()) / "lint-broken";
  fs::create_directories(dir);
  const fs::path file = dir / "rb.yaml";
  std::ofstream(file) << OneStep(
      "    type: check\n    run: echo a\n    lint: {ignore: [{rule: RD009, reason: x}]}\n");
  std::ostringstream out, err;
  const int code = cli::Validate(cli::ValidateOptions{{file.string()}}, cli::Io{out, err});
  EXPECT_EQ(code, cli::kExitBadInput);
  EXPECT_NE(err.str().find(file.string() + ":10:28: unknown lint rule \"RD009\""),
            std::string::npos)
      << err.str();
}

// --- The validate command ---

TEST(ValidateLintTest, ExitCodesFollowSeverityAndStrict) {
  const fs::path dir = fs::path(::testing::TempDir()) / "lint-validate";
  fs::create_directories(dir);
  const fs::path warn = dir / "warn.yaml";
  std::ofstream(warn) << OneStep("    type: action\n    run: kubectl rollout restart deploy/api\n");
  const fs::path error = dir / "error.yaml";
  std::ofstream(error) << OneStep("    type: check\n    run: /usr/bin/kubectl get pods\n");

  auto validate = [](const fs::path& path, bool strict, std::string* output) {
    std::ostringstream out, err;
    cli::ValidateOptions options{{path.string()}};
    options.strict = strict;
    options.shellcheck = false;
    const int code = cli::Validate(options, cli::Io{out, err});
    *output = out.str();
    return code;
  };
  std::string output;
  EXPECT_EQ(validate(warn, false, &output), cli::kExitPassed);
  EXPECT_EQ(output, warn.string() +
                        ":9:10: warning: [RD001] step \"s\" changes things (kubectl rollout "
                        "restart) but has neither \"rollback\" nor \"approval\"\n"
                        "lint: 0 errors, 1 warning in 1 runbook\n"
                        "ok: 1 runbook, 0 scenarios\n");
  EXPECT_EQ(validate(warn, true, &output), cli::kExitFailed);
  EXPECT_EQ(validate(error, false, &output), cli::kExitFailed);
  EXPECT_EQ(output, error.string() +
                        ":9:10: error: [RD005] \"/usr/bin/kubectl\" is called by absolute path, "
                        "which bypasses the drill's fake; call \"kubectl\" and let PATH find it\n"
                        "lint: 1 error, 0 warnings in 1 runbook\n");
}

// --- shellcheck, through a stand-in and for real ---

class FakeShellcheck : public ShellcheckRunner {
 public:
  StatusOr<std::vector<std::vector<ShellcheckComment>>> Check(
      const std::vector<std::string>& scripts) override {
    scripts_ = scripts;
    std::vector<std::vector<ShellcheckComment>> out(scripts.size());
    // One comment on the second line of each command (line 4 of the file: two header lines).
    for (auto& comments : out) {
      comments.push_back(ShellcheckComment{4, 3, "info", 2086, "Double quote"});
      comments.push_back(ShellcheckComment{3, 1, "error", 1009, "Parse error"});
    }
    return out;
  }
  std::vector<std::string> scripts_;
};

TEST(ShellcheckLintTest, MapsCommentsBackToTheRunbookAndDeclaresTheDrillEnvironment) {
  const std::string text = OneStep(
      "    type: check\n"
      "    capture: PODS\n"
      "    run: |\n"
      "      echo a\n"
      "      ls $x\n");
  FakeShellcheck fake;
  LintOptions options;
  options.source = text;
  options.shellcheck = &fake;
  const auto findings = LintRunbook(Load(text), options);
  ASSERT_EQ(fake.scripts_.size(), 1u);
  EXPECT_EQ(fake.scripts_[0].substr(0, 10), "#!/bin/sh\n");
  for (const char* name : {"NAMESPACE", "SERVICE", "PODS", "SLACK_WEBHOOK_URL", "RUNBOOK_DIR"}) {
    EXPECT_NE(fake.scripts_[0].find(std::string(" ") + name), std::string::npos) << name;
  }
  EXPECT_THAT(Brief(findings), ElementsAre("shellcheck/SC1009 11:7", "shellcheck/SC2086 12:9"));
  EXPECT_EQ(findings[0].severity, Severity::kError);
  EXPECT_EQ(findings[1].severity, Severity::kWarning);
}

TEST(ShellcheckLintTest, RealShellcheckOnAPlainScalar) {
  std::unique_ptr<ShellcheckRunner> shellcheck = FindShellcheck();
  if (!shellcheck) GTEST_SKIP() << "shellcheck is not on PATH; install it to run this test";
  const std::string text = OneStep(
      "    type: check\n"
      "    run: echo \"$SERVICE\" $NAMESPACE \"$ALERT_LABEL_POD\" \"$PAGERDUTY_API_URL\"\n");
  LintOptions options;
  options.source = text;
  options.shellcheck = shellcheck.get();
  std::string error;
  EXPECT_THAT(Brief(LintRunbook(Load(text), options, &error)),
              ElementsAre("shellcheck/SC2086 9:26"));
  EXPECT_EQ(error, "");
}

// --- The negative corpus and the bundled runbooks ---

TEST(LintCorpusTest, EachKnownBadRunbookBreaksExactlyItsRule) {
  std::unique_ptr<ShellcheckRunner> shellcheck = FindShellcheck();
  static const std::regex kExpect(R"(# expect: (\S+) (\d+:\d+))");
  int files = 0;
  for (const auto& entry : fs::directory_iterator(kSource + "/tests/corpus/lint")) {
    const std::string path = entry.path().string();
    const std::string text = ReadText(entry.path());
    std::smatch m;
    ASSERT_TRUE(std::regex_search(text, m, kExpect)) << path << " has no \"# expect:\" line";
    const bool needs_shellcheck = m.str(1).rfind("shellcheck/", 0) == 0;
    if (needs_shellcheck && !shellcheck) {
      std::cerr << "skipped " << path << ": shellcheck is not on PATH\n";
      continue;
    }
    std::vector<load::Diagnostic> errors;
    std::optional<model::Runbook> rb = load::LoadRunbookFile(path, &errors);
    ASSERT_TRUE(rb.has_value()) << path << ": " << (errors.empty() ? "" : errors[0].ToString());
    LintOptions options;
    options.shellcheck = shellcheck.get();
    EXPECT_THAT(Brief(LintRunbook(*rb, options)), ElementsAre(m.str(1) + " " + m.str(2))) << path;
    ++files;
  }
  EXPECT_GE(files, shellcheck ? 7 : 6);
}

TEST(LintCorpusTest, BundledRunbooksHaveNoUnsilencedFindings) {
  std::unique_ptr<ShellcheckRunner> shellcheck = FindShellcheck();
  if (!shellcheck) std::cerr << "shellcheck is not on PATH: shell checks skipped\n";
  std::vector<load::Diagnostic> errors;
  const load::Catalog catalog = load::LoadPaths({kSource + "/runbooks"}, &errors);
  ASSERT_THAT(errors, IsEmpty());
  ASSERT_FALSE(catalog.runbooks.empty());
  for (const model::Runbook& rb : catalog.runbooks) {
    LintOptions options;
    options.shellcheck = shellcheck.get();
    std::string shellcheck_error;
    for (const LintFinding& f : LintRunbook(rb, options, &shellcheck_error)) {
      // Every finding must be fixed, or silenced with a reason a reviewer can judge.
      EXPECT_TRUE(f.silenced()) << f.ToString();
      if (f.silenced()) {
        EXPECT_EQ(f.severity, Severity::kWarning) << "an error must be fixed: " << f.ToString();
      }
    }
    EXPECT_EQ(shellcheck_error, "") << rb.path;
  }
}

}  // namespace
}  // namespace rundrill::lint
