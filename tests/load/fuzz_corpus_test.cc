// Every input in the fuzzers' corpus (tests/corpus/fuzz/runbook/ and scenario/: the seeds,
// and each input a fuzzer once crashed on) through the loader, with the fuzz targets' own
// checks, so that a build that does not fuzz still guards what fuzzing found.

#include <gtest/gtest.h>

#include <filesystem>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "simulator/load/file_reading.h"
#include "simulator/load/loader.h"

namespace rundrill::load {
namespace {

namespace fs = std::filesystem;

// In sorted order, so failures read the same on every machine.
std::set<fs::path> Corpus(const std::string& target) {
  std::set<fs::path> out;
  for (const auto& entry :
       fs::directory_iterator(fs::path(RUNDRILL_SOURCE_DIR) / "tests/corpus/fuzz" / target)) {
    out.insert(entry.path());
  }
  return out;
}

template <typename Parse>
void CheckCorpus(const std::string& target, Parse parse) {
  const std::set<fs::path> corpus = Corpus(target);
  ASSERT_FALSE(corpus.empty());
  for (const fs::path& path : corpus) {
    std::string why;
    const std::optional<std::string> text = ReadWholeFile(path.string(), &why);
    ASSERT_TRUE(text) << path << ": " << why;
    std::vector<Diagnostic> errors;
    const bool loaded = parse(*text, "fuzz.yaml", &errors);
    EXPECT_NE(loaded, !errors.empty()) << path;
    for (const Diagnostic& d : errors) {
      EXPECT_FALSE(d.message.empty()) << path;
      EXPECT_EQ(d.mark.file, "fuzz.yaml") << path;
    }
    // The seeds are the bundled files, which must load; the other inputs need not.
    if (path.filename().string().rfind("crash-", 0) != 0 &&
        path.filename().string().rfind("timeout-", 0) != 0 &&
        path.filename().string().rfind("oom-", 0) != 0) {
      EXPECT_TRUE(loaded) << path << ": " << (errors.empty() ? "" : errors[0].ToString());
    }
  }
}

TEST(FuzzCorpusTest, Runbooks) {
  CheckCorpus("runbook",
              [](std::string_view text, const std::string& path, std::vector<Diagnostic>* errors) {
                return ParseRunbook(text, path, errors).has_value();
              });
}

TEST(FuzzCorpusTest, Scenarios) {
  CheckCorpus("scenario",
              [](std::string_view text, const std::string& path, std::vector<Diagnostic>* errors) {
                return ParseScenario(text, path, errors).has_value();
              });
}

}  // namespace
}  // namespace rundrill::load
