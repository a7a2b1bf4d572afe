#include "simulator/suite/suite_plan.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "simulator/drill/trigger.h"

namespace rundrill::suite {
namespace {

namespace fs = std::filesystem;

std::optional<int> ParsePositive(const std::string& text) {
  if (text.empty() || text.size() > 6 ||
      !std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    return std::nullopt;
  }
  return std::stoi(text);
}

std::string Get(const std::map<std::string, std::string>& env, const std::string& name) {
  auto it = env.find(name);
  return it == env.end() ? "" : it->second;
}

Status BadShard(const std::string& where, const std::string& why) {
  return Status::InvalidInput(where + ": " + why);
}

std::vector<std::string> AlertNames(const model::Scenario& scenario) {
  std::vector<std::string> names;
  for (const auto& event : scenario.timeline) {
    if (event.kind != model::TimelineEvent::Kind::kFireAlert) continue;
    auto it = event.alert.labels.find("alertname");
    if (it != event.alert.labels.end()) names.push_back(it->second);
  }
  for (const auto& rule : scenario.alerting.rules) names.push_back(rule.alert);
  return names;
}

std::string Absolute(const std::string& path) {
  std::error_code ec;
  fs::path p = fs::absolute(fs::path(path), ec);
  return (ec ? fs::path(path) : p).lexically_normal().string();
}

std::string ReadText(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

bool Mentions(const std::string& text, const std::string& name) {
  return !name.empty() && text.find(name) != std::string::npos;
}

// Every command a runbook's steps run, as one text to look for file names in.
std::string CommandsOf(const model::Runbook& runbook) {
  std::string text;
  for (const auto* steps : {&runbook.steps, &runbook.on_failure}) {
    for (const auto& step : *steps) text += step.run + "\n" + step.rollback + "\n";
  }
  return text;
}

}  // namespace

StatusOr<std::optional<Shard>> ResolveShard(const std::string& flag,
                                            const std::map<std::string, std::string>& env) {
  Shard shard;
  if (!flag.empty()) {
    const size_t slash = flag.find('/');
    const auto k = ParsePositive(flag.substr(0, slash));
    const auto n =
        slash == std::string::npos ? std::nullopt : ParsePositive(flag.substr(slash + 1));
    if (!k || !n || *n < 1 || *k < 1 || *k > *n) {
      return BadShard("--shard " + flag, "expected K/N with 1 <= K <= N, like 2/4");
    }
    shard.index = *k;
    shard.total = *n;
    return std::optional<Shard>(shard);
  }
  if (const std::string index = Get(env, "CI_NODE_INDEX"); !index.empty()) {
    const auto k = ParsePositive(index);
    const auto n = ParsePositive(Get(env, "CI_NODE_TOTAL"));
    if (!k || !n || *k < 1 || *k > *n) {
      return BadShard("CI_NODE_INDEX=" + index + " CI_NODE_TOTAL=" + Get(env, "CI_NODE_TOTAL"),
                      "expected 1 <= CI_NODE_INDEX <= CI_NODE_TOTAL");
    }
    shard.index = *k;
    shard.total = *n;
    return std::optional<Shard>(shard);
  }
  if (const std::string index = Get(env, "JOB_COMPLETION_INDEX"); !index.empty()) {
    const auto k = ParsePositive(index);
    const std::string total_text = Get(env, "RUNDRILL_SHARD_TOTAL");
    const auto n = ParsePositive(total_text);
    if (total_text.empty()) {
      return BadShard("JOB_COMPLETION_INDEX=" + index,
                      "set RUNDRILL_SHARD_TOTAL to the Job's completions (an Indexed Job does "
                      "not export it)");
    }
    if (!k || !n || *k >= *n) {
      return BadShard("JOB_COMPLETION_INDEX=" + index + " RUNDRILL_SHARD_TOTAL=" + total_text,
                      "expected 0 <= JOB_COMPLETION_INDEX < RUNDRILL_SHARD_TOTAL");
    }
    shard.index = *k + 1;
    shard.total = *n;
    return std::optional<Shard>(shard);
  }
  return std::optional<Shard>();
}

bool CanTrigger(const model::Runbook& runbook, const model::Scenario& scenario) {
  model::Trigger by_name = runbook.trigger;
  by_name.labels.clear();
  for (const std::string& name : AlertNames(scenario)) {
    if (drill::TriggerMatches(by_name, {{"alertname", name}})) return true;
  }
  return false;
}

std::vector<DrillSpec> PlanSuite(const std::vector<model::Scenario>& scenarios,
                                 const std::vector<uint64_t>& seeds) {
  std::vector<DrillSpec> plan;
  for (const model::Scenario& scenario : scenarios) {
    const std::vector<uint64_t> own = {scenario.seed.value_or(1)};
    for (uint64_t seed : seeds.empty() ? own : seeds) {
      plan.push_back({&scenario, seed, scenario.name + "--seed-" + std::to_string(seed)});
    }
  }
  std::sort(plan.begin(), plan.end(), [](const DrillSpec& a, const DrillSpec& b) {
    return std::tie(a.scenario->path, a.seed, a.id) < std::tie(b.scenario->path, b.seed, b.id);
  });
  return plan;
}

std::vector<DrillSpec> TakeShard(const std::vector<DrillSpec>& plan, const Shard& shard) {
  std::vector<DrillSpec> out;
  for (size_t i = 0; i < plan.size(); ++i) {
    if (static_cast<int>(i % shard.total) == shard.index - 1) out.push_back(plan[i]);
  }
  return out;
}

Selection SelectChanged(const load::Catalog& library, const std::vector<std::string>& changed,
                        const std::string& root) {
  Selection out;
  std::map<std::string, const model::Runbook*> runbooks;  // absolute path → runbook
  std::map<std::string, const model::Scenario*> scenarios;
  std::set<std::string> library_dirs;
  for (const auto& r : library.runbooks) {
    runbooks[Absolute(r.path)] = &r;
    library_dirs.insert(fs::path(Absolute(r.path)).parent_path().string());
  }
  for (const auto& s : library.scenarios) scenarios[Absolute(s.path)] = &s;

  const auto select_runbook = [&](const model::Runbook& runbook, const std::string& why) {
    int n = 0;
    for (const auto& s : library.scenarios) {
      if (CanTrigger(runbook, s) && out.scenarios.insert(s.path).second) ++n;
    }
    out.reasons.push_back(why + " → " + std::to_string(n) + (n == 1 ? " scenario" : " scenarios"));
  };

  for (const std::string& relative : changed) {
    const std::string path = Absolute((fs::path(root) / relative).string());
    const std::string name = fs::path(relative).filename().string();
    if (name == "rundrill.yaml" || relative.rfind(".rundrill/", 0) == 0) {
      out.everything = true;
      out.reasons.push_back(relative + ": the suite's own settings → everything");
      continue;
    }
    if (auto it = runbooks.find(path); it != runbooks.end()) {
      select_runbook(*it->second, relative + " (runbook " + it->second->name + ")");
      continue;
    }
    if (auto it = scenarios.find(path); it != scenarios.end()) {
      out.scenarios.insert(it->second->path);
      out.reasons.push_back(relative + " (scenario " + it->second->name + ") → itself");
      continue;
    }
    // A file beside the runbooks: a script they run, or a module such a script imports
    // (named by its stem: `from rollouts import …`). Follow names through the scripts until
    // nothing new is named.
    bool beside = false;
    for (const std::string& dir : library_dirs) {
      if (path.rfind(dir + "/", 0) == 0) beside = true;
    }
    if (!beside) continue;
    std::set<std::string> named = {fs::path(path).filename().string()};
    std::set<std::string> stems = {fs::path(path).stem().string()};
    std::vector<fs::path> scripts;
    for (const std::string& dir : library_dirs) {
      std::error_code ec;
      for (auto it = fs::recursive_directory_iterator(dir, ec);
           !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
        if (it->is_regular_file() && it->path().extension() != ".yaml" &&
            it->path().extension() != ".yml") {
          scripts.push_back(it->path());
        }
      }
    }
    std::sort(scripts.begin(), scripts.end());
    for (bool grew = true; grew;) {
      grew = false;
      for (const fs::path& script : scripts) {
        if (named.count(script.filename().string())) continue;
        const std::string text = ReadText(script.string());
        for (const std::string& stem : stems) {
          if (Mentions(text, stem)) {
            named.insert(script.filename().string());
            stems.insert(script.stem().string());
            grew = true;
            break;
          }
        }
      }
    }
    for (const auto& runbook : library.runbooks) {
      const std::string commands = CommandsOf(runbook);
      for (const std::string& file : named) {
        if (Mentions(commands, file)) {
          select_runbook(runbook, relative + " (run by runbook " + runbook.name + ")");
          break;
        }
      }
    }
  }
  return out;
}

std::vector<DrillSpec> Select(const std::vector<DrillSpec>& plan, const Selection& selection) {
  if (selection.everything) return plan;
  std::vector<DrillSpec> out;
  for (const DrillSpec& spec : plan) {
    if (selection.scenarios.count(spec.scenario->path)) out.push_back(spec);
  }
  return out;
}

}  // namespace rundrill::suite
