// Broken input files (tests/corpus/broken/, and the ones too big or too binary to keep in the
// repository, made here): each must fail to load with errors that name their place, leave
// nothing half-loaded, and take little time and memory however the file is built.

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <optional>
#include <random>
#include <regex>
#include <string>
#include <vector>

#include "simulator/core/temp_dir.h"
#include "simulator/load/loader.h"
#include "tests/load/load_test_util.h"

namespace rundrill::load {
namespace {

namespace fs = std::filesystem;
using ::rundrill::load::testing::Strings;

const std::string kBroken = std::string(RUNDRILL_SOURCE_DIR) + "/tests/corpus/broken/";

// Generous for a shared machine; what it guards against is seconds turning into hours.
constexpr std::chrono::seconds kTimeLimit(30);

struct Outcome {
  bool loaded = false;
  std::vector<std::string> errors;
};

enum class Kind { kRunbook, kScenario };

Outcome Load(Kind kind, const std::string& path) {
  std::vector<Diagnostic> diagnostics;
  const auto start = std::chrono::steady_clock::now();
  Outcome out;
  if (kind == Kind::kRunbook) {
    out.loaded = LoadRunbookFile(path, &diagnostics).has_value();
  } else {
    out.loaded = LoadScenarioFile(path, &diagnostics).has_value();
  }
  EXPECT_LT(std::chrono::steady_clock::now() - start, kTimeLimit) << path;
  out.errors = Strings(diagnostics);
  return out;
}

// "path:line:col: message", or "path: message" where there is no position; one line each.
void ExpectCleanErrors(const Outcome& outcome, const std::string& path) {
  EXPECT_FALSE(outcome.loaded) << path;
  ASSERT_FALSE(outcome.errors.empty()) << path;
  const std::regex with_place(
      std::regex_replace(path, std::regex(R"([.^$|()\[\]{}*+?\\])"), R"(\$&)") +
      R"((:[0-9]+:[0-9]+)?: [^\n]+)");
  for (const std::string& e : outcome.errors) {
    EXPECT_TRUE(std::regex_match(e, with_place)) << e;
    EXPECT_LT(e.size(), 1000u) << "an error quotes too much of the file";
  }
}

std::string First(const Outcome& outcome) {
  return outcome.errors.empty() ? "" : outcome.errors.front();
}

const std::string kTooManyAliases =
    "too many alias expansions: the aliases expand this document by more than 100000 values";
const std::string kCycle = "an alias refers to a collection that contains it";

struct Case {
  std::string file;
  std::string first_error;  // the whole first error, after "path:"
};

class BrokenCorpusTest : public ::testing::TestWithParam<Case> {};

TEST_P(BrokenCorpusTest, FailsCleanly) {
  const Case& c = GetParam();
  const std::string path = kBroken + c.file;
  const Kind kind = c.file.rfind("runbook-", 0) == 0 ? Kind::kRunbook : Kind::kScenario;
  const Outcome outcome = Load(kind, path);
  ExpectCleanErrors(outcome, path);
  EXPECT_EQ(First(outcome), path + ":" + c.first_error);
}

INSTANTIATE_TEST_SUITE_P(
    Files, BrokenCorpusTest,
    ::testing::Values(
        // Found by fuzz/runbook_fuzz.cc: yaml-cpp 0.7's LoadAll never returned on it.
        Case{"runbook-lone-comma.yaml", "2:1: invalid YAML: unexpected \",\""},
        Case{"scenario-lone-comma.yaml", "2:1: invalid YAML: unexpected \",\""},
        Case{"runbook-truncated.yaml", "6:6: invalid YAML: end of map flow not found"},
        Case{"runbook-wrong-types.yaml", "4:9: \"name\" must be a string, got a list"},
        Case{"runbook-alias-bomb.yaml", "6:32: " + kTooManyAliases},
        Case{"runbook-alias-cycle.yaml", "6:5: " + kCycle},
        Case{"scenario-truncated.yaml", "7:1: invalid YAML: end of sequence flow not found"},
        Case{"scenario-wrong-types.yaml", "4:8: \"world\" must be a map, got a list"},
        Case{"scenario-alias-bomb.yaml", "6:52: " + kTooManyAliases},
        Case{"scenario-alias-cycle.yaml", "5:12: " + kCycle}),
    [](const ::testing::TestParamInfo<Case>& info) {
      std::string name = info.param.file.substr(0, info.param.file.find('.'));
      for (char& c : name) c = c == '-' ? '_' : c;
      return name;
    });

// Files made at run time: too big, too binary or not files at all.
class GeneratedBrokenTest : public ::testing::Test {
 protected:
  std::string Write(const std::string& name, const std::string& contents) {
    const std::string path = dir_.path().string() + "/" + name;
    std::ofstream(path, std::ios::binary) << contents;
    return path;
  }
  void ExpectBoth(const std::string& path, const std::string& first_error) {
    for (Kind kind : {Kind::kRunbook, Kind::kScenario}) {
      const Outcome outcome = Load(kind, path);
      ExpectCleanErrors(outcome, path);
      EXPECT_EQ(First(outcome), path + first_error);
    }
  }

  TempDir dir_{"rundrill-broken"};
};

TEST_F(GeneratedBrokenTest, EmptyFile) {
  ExpectBoth(Write("empty.yaml", ""), ":1:1: file is empty");
}

TEST_F(GeneratedBrokenTest, FileThatIsADirectory) {
  const std::string path = dir_.path().string() + "/dir.yaml";
  ASSERT_TRUE(fs::create_directory(path));
  ExpectBoth(path, ": cannot read file: Is a directory");
}

TEST_F(GeneratedBrokenTest, MissingFile) {
  ExpectBoth(dir_.path().string() + "/absent.yaml",
             ": cannot read file: No such file or directory");
}

TEST_F(GeneratedBrokenTest, InvalidUtf8) {
  ExpectBoth(Write("latin1.yaml",
                   "apiVersion: rundrill/v1\nkind: Runbook\nmetadata:\n  name: disk\n"
                   "  description: \"Caf\xe9 disk\"\n"),
             ":5:20: file is not valid UTF-8 (byte 0xe9)");
  ExpectBoth(Write("overlong.yaml", "apiVersion: rundrill/v1\n# \xc0\xaf\n"),
             ":2:3: file is not valid UTF-8 (byte 0xc0)");
  ExpectBoth(Write("cut.yaml", "kind: Runbook\nmetadata: {name: \"x\xe2\x82\"}\n"),
             ":2:20: file is not valid UTF-8 (byte 0xe2)");
}

TEST_F(GeneratedBrokenTest, BinaryGarbage) {
  std::mt19937_64 rng(20240501);  // fixed: the same garbage on every run
  std::string garbage(64 * 1024, '\0');
  for (char& c : garbage) c = static_cast<char>(rng() & 0xff);
  garbage[0] = 'k';  // so that the first bad byte is not at the very start
  const std::string path = Write("garbage.yaml", garbage);
  for (Kind kind : {Kind::kRunbook, Kind::kScenario}) {
    const Outcome outcome = Load(kind, path);
    ExpectCleanErrors(outcome, path);
    EXPECT_THAT(First(outcome),
                ::testing::MatchesRegex(".*:1:[0-9]+: file (is not valid UTF-8|has a control "
                                        "character) \\(byte 0x[0-9a-f]{2}\\)"));
  }
}

// Valid UTF-8 but not text. A leading NUL would make yaml-cpp read the file as UTF-16.
TEST_F(GeneratedBrokenTest, ControlCharacters) {
  std::string controls;
  for (int i = 0; i < 4096; ++i) controls.push_back(static_cast<char>(i % 32));
  ExpectBoth(Write("controls.yaml", controls), ":1:1: file has a control character (byte 0x00)");
  ExpectBoth(Write("bell.yaml", "apiVersion: rundrill/v1\nkind: \"Run\abook\"\n"),
             ":2:11: file has a control character (byte 0x07)");
}

// The value is quoted in the error, cut to a readable length.
TEST_F(GeneratedBrokenTest, TenMegabyteValue) {
  const std::string big(10 * 1024 * 1024, 'x');
  for (Kind kind : {Kind::kRunbook, Kind::kScenario}) {
    const bool runbook = kind == Kind::kRunbook;
    const std::string path =
        Write("big.yaml", std::string("apiVersion: rundrill/v1\nkind: ") +
                              (runbook ? "Runbook" : "Scenario") + "\nmetadata: {name: big}\n" +
                              (runbook ? "trigger" : "seed") + ": \"" + big + "\"\n");
    const Outcome outcome = Load(kind, path);
    ExpectCleanErrors(outcome, path);
    EXPECT_THAT(outcome.errors,
                ::testing::Contains(::testing::StartsWith(
                    path + (runbook ? ":4:10: \"trigger\" must be a map, got \"xxx"
                                    : ":4:7: \"seed\" must be an unsigned integer, got \"xxx"))));
  }
}

// yaml-cpp stops at 2000 levels rather than overflowing the stack.
TEST_F(GeneratedBrokenTest, DeepNesting) {
  ExpectBoth(Write("deep.yaml", "metadata: " + std::string(100000, '[')),
             ":1:1: invalid YAML: bad file");
}

}  // namespace
}  // namespace rundrill::load
