#include "simulator/lint/shellcheck.h"

#include <unistd.h>

#include <boost/process.hpp>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>

#include "simulator/core/temp_dir.h"

namespace rundrill::lint {
namespace {

namespace bp = boost::process;
namespace fs = std::filesystem;

class SystemShellcheck : public ShellcheckRunner {
 public:
  explicit SystemShellcheck(boost::filesystem::path program) : program_(std::move(program)) {}

  StatusOr<std::vector<std::vector<ShellcheckComment>>> Check(
      const std::vector<std::string>& scripts) override {
    if (scripts.empty()) return std::vector<std::vector<ShellcheckComment>>{};
    TempDir dir("rundrill-lint");
    if (dir.path().empty())
      return Status::Environment("shellcheck: cannot create a temporary folder");
    std::vector<std::string> files;
    for (size_t i = 0; i < scripts.size(); ++i) {
      const fs::path file = dir.path() / ("step" + std::to_string(i) + ".sh");
      std::ofstream out(file, std::ios::binary);
      out << scripts[i];
      if (!out.flush()) return Status::Environment("shellcheck: cannot write " + file.string());
      files.push_back(file.string());
    }
    // Style comments (SC2002 "useless cat" and the like) are taste, not risk: left out.
    std::vector<std::string> args = {"-f", "json", "-s", "sh", "-S", "info"};
    args.insert(args.end(), files.begin(), files.end());
    bp::ipstream out;
    std::error_code ec;
    bp::child child(program_, bp::args = args, bp::std_out > out, bp::std_err > bp::null,
                    bp::std_in < bp::null, ec);
    if (ec) return Status::Environment("shellcheck: cannot start: " + ec.message());
    const std::string json((std::istreambuf_iterator<char>(out)), std::istreambuf_iterator<char>());
    child.wait(ec);
    // 0: nothing to say; 1: comments. Anything else is shellcheck failing.
    const int code = child.exit_code();
    if (ec || (code != 0 && code != 1)) {
      return Status::Environment("shellcheck: exited with code " + std::to_string(code));
    }
    return ParseShellcheckJson(json, files);
  }

 private:
  boost::filesystem::path program_;
};

}  // namespace

std::unique_ptr<ShellcheckRunner> FindShellcheck() {
  const boost::filesystem::path program = bp::search_path("shellcheck");
  if (program.empty()) return nullptr;
  return std::make_unique<SystemShellcheck>(program);
}

StatusOr<std::vector<std::vector<ShellcheckComment>>> ParseShellcheckJson(
    const std::string& json, const std::vector<std::string>& files) {
  std::vector<std::vector<ShellcheckComment>> out(files.size());
  const nlohmann::json doc = nlohmann::json::parse(json.empty() ? "[]" : json, nullptr, false);
  if (doc.is_discarded() || !doc.is_array()) {
    return Status::Environment("shellcheck: output is not a JSON array");
  }
  for (const nlohmann::json& c : doc) {
    if (!c.is_object()) continue;
    const std::string file = c.value("file", "");
    size_t index = files.size();
    for (size_t i = 0; i < files.size(); ++i) {
      if (files[i] == file) index = i;
    }
    if (index == files.size()) continue;
    ShellcheckComment comment;
    comment.line = c.value("line", 0);
    comment.column = c.value("column", 0);
    comment.level = c.value("level", "warning");
    comment.code = c.value("code", 0);
    comment.message = c.value("message", "");
    out[index].push_back(std::move(comment));
  }
  return out;
}

}  // namespace rundrill::lint
