#include "simulator/load/verify_reader.h"

#include <string>

namespace rundrill::load {
namespace {

bool Blank(const std::string& s) { return s.find_first_not_of(" \t\n") == std::string::npos; }

// A pattern the diff can match: dot-separated segments, none empty, so that a typo such as
// `deployments..replicas` is caught here rather than silently matching nothing.
std::string PatternProblem(const std::string& pattern) {
  if (Blank(pattern)) return "\"path\" must not be empty";
  if (pattern.front() == '.' || pattern.back() == '.' || pattern.find("..") != std::string::npos) {
    return "\"path\" has an empty segment: " + pattern +
           " (segments are separated by single dots; use * for any one)";
  }
  return "";
}

}  // namespace

void ReadVerify(Reporter& r, MapReader& root, model::VerifySpec* spec) {
  std::optional<YAML::Node> node = root.Map("verify");
  if (!node) return;
  MapReader m(r, *node, "verify", {"ignore"});
  if (!m.Require("ignore")) return;
  std::optional<YAML::Node> list = m.List("ignore");
  if (!list) return;
  const Field lf = m.Get("ignore");
  for (const YAML::Node& item : *list) {
    const Field ef = ListEntry(r, lf, item);
    if (!CheckMap(r, ef)) continue;
    MapReader e(r, ef.node, "verify ignore", {"path", "reason"});
    model::IgnorePath ignore;
    ignore.mark = e.mark();
    const bool has_path = e.Require("path");
    const bool has_reason = e.Require("reason");
    if (has_path) {
      if (std::optional<std::string> path = e.String("path")) {
        if (const std::string problem = PatternProblem(*path); !problem.empty()) {
          r.Error(e.Get("path").mark, problem);
        }
        ignore.pattern = *path;
      }
    }
    if (has_reason) {
      if (std::optional<std::string> reason = e.String("reason")) {
        if (Blank(*reason)) {
          r.Error(e.Get("reason").mark,
                  "\"reason\" must not be empty: the report shows why the path is not compared");
        }
        ignore.reason = *reason;
      }
    }
    spec->ignore.push_back(std::move(ignore));
  }
}

}  // namespace rundrill::load
