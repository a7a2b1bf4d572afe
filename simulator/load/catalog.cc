#include <algorithm>
#include <filesystem>
#include <set>
#include <system_error>

#include "simulator/load/file_reading.h"
#include "simulator/load/loader.h"
#include "simulator/load/reporter.h"
#include "simulator/load/runbook_loader.h"
#include "simulator/load/scenario_loader.h"
#include "simulator/load/spelling.h"
#include "simulator/load/yaml_reader.h"

namespace rundrill::load {
namespace {

namespace fs = std::filesystem;

model::SourceMark WholeFile(const std::string& path) { return model::SourceMark{path, 0, 0}; }

bool IsYamlFile(const fs::path& p) {
  const std::string ext = p.extension().string();
  return ext == ".yaml" || ext == ".yml";
}

// The files to load for one given path, as spelled from it, sorted.
std::vector<std::string> FilesUnder(const std::string& path, std::vector<Diagnostic>* errors) {
  std::error_code ec;
  const fs::file_status status = fs::status(path, ec);
  if (ec) {
    errors->push_back(Diagnostic{WholeFile(path), "cannot read file: " + ec.message()});
    return {};
  }
  if (!fs::is_directory(status)) return {path};
  std::vector<std::string> files;
  fs::recursive_directory_iterator it(path, fs::directory_options::follow_directory_symlink, ec);
  for (; !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    std::error_code file_ec;
    if (it->is_regular_file(file_ec) && IsYamlFile(it->path())) {
      files.push_back(it->path().string());
    }
  }
  if (ec) {
    errors->push_back(Diagnostic{WholeFile(path), "cannot read directory: " + ec.message()});
  }
  // Directory order is whatever the file system gives; sorting makes the visit order (and so
  // the order of errors and of the catalog) the same on every machine.
  std::sort(files.begin(), files.end());
  return files;
}

// Loads one file into the catalog, classifying it by `kind:`.
void LoadOne(const std::string& path, Catalog* catalog, std::vector<Diagnostic>* errors) {
  std::string why;
  std::optional<std::string> text = ReadWholeFile(path, &why);
  if (!text) {
    errors->push_back(Diagnostic{WholeFile(path), "cannot read file: " + why});
    return;
  }
  Reporter r(path);
  std::optional<YAML::Node> root = ParseDocument(r, *text);
  if (root) {
    const YAML::Node& doc = *root;  // const: operator[] must not add the key
    const YAML::Node kind = doc.IsMap() ? doc["kind"] : YAML::Node();
    if (!doc.IsMap()) {
      r.Error(r.MarkOf(doc), "a runbook or scenario must be a map, got " + Describe(doc));
    } else if (!kind.IsDefined()) {
      r.Error(r.MarkOf(doc), "document is missing required key \"kind\"");
    } else if (kind.IsScalar() && kind.Scalar() == "Runbook") {
      if (auto rb = ReadRunbook(r, doc)) catalog->runbooks.push_back(std::move(*rb));
    } else if (kind.IsScalar() && kind.Scalar() == "Scenario") {
      if (auto sc = ReadScenario(r, doc)) catalog->scenarios.push_back(std::move(*sc));
    } else {
      r.Error(r.MarkOf(kind), "kind must be \"Runbook\" or \"Scenario\", got " + Describe(kind));
    }
  }
  r.MoveSortedTo(errors);
}

}  // namespace

Catalog LoadPaths(const std::vector<std::string>& paths, std::vector<Diagnostic>* errors) {
  Catalog catalog;
  // A file named twice (directly and through its folder, say) is loaded once, or it would
  // clash with itself as a duplicate name.
  std::set<std::string> seen;
  for (const std::string& given : paths) {
    for (const std::string& file : FilesUnder(given, errors)) {
      std::error_code ec;
      fs::path canonical = fs::weakly_canonical(file, ec);
      if (!seen.insert(ec ? file : canonical.string()).second) continue;
      LoadOne(file, &catalog, errors);
    }
  }

  DuplicateFinder runbook_names("runbook name", errors);
  for (const model::Runbook& rb : catalog.runbooks) runbook_names.Add(rb.name, rb.mark);
  DuplicateFinder scenario_names("scenario name", errors);
  for (const model::Scenario& sc : catalog.scenarios) scenario_names.Add(sc.name, sc.mark);
  for (const model::Scenario& sc : catalog.scenarios) {
    CheckScenarioAgainstRunbooks(sc, catalog.runbooks, errors);
  }
  return catalog;
}

namespace {

const model::Runbook* FindRunbook(const std::vector<model::Runbook>& runbooks,
                                  const std::string& name) {
  const model::Runbook* found = nullptr;
  for (const model::Runbook& rb : runbooks) {
    if (rb.name == name) found = &rb;
  }
  return found;
}

// Every id a run of the runbook can record, escalation steps included.
std::vector<std::string> StepIds(const model::Runbook& runbook) {
  std::vector<std::string> ids;
  for (const auto& step : runbook.steps) ids.push_back(step.id);
  for (const auto& step : runbook.on_failure) ids.push_back(step.id);
  for (const auto& step : runbook.escalation) ids.push_back(step.id);
  return ids;
}

void CheckStepId(const model::Runbook& runbook, const std::vector<std::string>& ids,
                 const std::string& id, const model::SourceMark& mark,
                 std::vector<Diagnostic>* errors) {
  if (std::find(ids.begin(), ids.end(), id) != ids.end()) return;
  errors->push_back(Diagnostic{mark, "expectation names step \"" + id + "\", which runbook \"" +
                                         runbook.name + "\" does not have" + DidYouMean(id, ids)});
}

}  // namespace

void CheckScenarioAgainstRunbooks(const model::Scenario& scenario,
                                  const std::vector<model::Runbook>& runbooks,
                                  std::vector<Diagnostic>* errors) {
  for (const model::RunbookExpectation& expected : scenario.expect.runbooks) {
    const model::Runbook* runbook = FindRunbook(runbooks, expected.runbook);
    // A runbook that is not loaded may rightly be expected not to run; nothing to check.
    if (runbook == nullptr) continue;
    const std::vector<std::string> ids = StepIds(*runbook);
    for (const auto& [id, outcome] : expected.steps) {
      CheckStepId(*runbook, ids, id, expected.mark, errors);
    }
    for (const auto& id : expected.steps_not_ran) {
      CheckStepId(*runbook, ids, id, expected.mark, errors);
    }
  }
  // An ordered step must have happened, so its runbook must be at hand; with no runbooks at
  // all (validating scenarios alone) there is nothing to check against.
  if (runbooks.empty()) return;
  std::vector<std::string> names;
  for (const model::Runbook& rb : runbooks) names.push_back(rb.name);
  for (const model::OrderExpectation& order : scenario.expect.order) {
    for (const model::OrderEvent& e : order.events) {
      if (e.kind != model::OrderEvent::Kind::kStep || e.runbook.empty()) continue;
      const model::Runbook* runbook = FindRunbook(runbooks, e.runbook);
      if (runbook == nullptr) {
        errors->push_back(Diagnostic{e.mark, "order names runbook \"" + e.runbook +
                                                 "\", which is not among the runbooks loaded" +
                                                 DidYouMean(e.runbook, names)});
        continue;
      }
      if (!e.step.empty()) CheckStepId(*runbook, StepIds(*runbook), e.step, e.mark, errors);
    }
  }
}

}  // namespace rundrill::load
