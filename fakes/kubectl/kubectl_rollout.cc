// `kubectl rollout status|restart|undo|history|pause|resume` for deployments.

#include <algorithm>
#include <limits>

#include "fakes/kubectl/kube_objects.h"
#include "fakes/kubectl/kubectl_call.h"
#include "fakes/kubectl/tab_writer.h"
#include "simulator/world/world.h"

namespace rundrill::fakes::kubectl {
namespace {

namespace kube = world::kube;

// The deployment named by `deployment/X`, `deploy/X` or `deployment X`; nullptr after
// writing kubectl's error.
const kube::Deployment* Target(Call& call, const std::string& sub) {
  const std::vector<std::string>& pos = call.args.positionals;
  if (pos.empty()) {
    call.Fail("error: required resource not specified");
    return nullptr;
  }
  std::string type, name;
  if (const auto tn = SplitTypeName(pos[0])) {
    type = tn->first;
    name = tn->second;
  } else if (pos.size() >= 2) {
    type = pos[0];
    name = pos[1];
  } else {
    type = pos[0];
  }
  const std::optional<Resource> kind = ResourceFromWord(type);
  if (kind != Resource::kDeployment) {
    call.Fail(NotModelled("rollout " + sub, type));
    return nullptr;
  }
  if (name.empty()) {
    call.Fail(NotModelled("rollout " + sub, "all deployments at once"));
    return nullptr;
  }
  const kube::Deployment* d = call.kube.FindDeployment(call.ns, name);
  if (!d) call.Fail(NotFound(Resource::kDeployment, name));
  return d;
}

struct StatusLine {
  std::string text;  // stdout line, or the error (without "error: ")
  bool done = false;
  bool failed = false;
};

// kubectl's DeploymentStatusViewer, on the deployment's status at Now().
StatusLine Evaluate(const world::KubeWorld& kube, const kube::Deployment& d) {
  StatusLine line;
  const std::string q = "\"" + d.name + "\"";
  if (d.generation > d.observed_generation) {
    line.text = "Waiting for deployment spec update to be observed...";
    return line;
  }
  for (const kube::Condition& c : d.conditions) {
    if (c.type == "Progressing" && c.reason == "ProgressDeadlineExceeded") {
      line.text = "deployment " + q + " exceeded its progress deadline";
      line.failed = true;
      return line;
    }
  }
  const world::ReplicaCounts c = kube.Counts(d);
  const std::string prefix = "Waiting for deployment " + q + " rollout to finish: ";
  if (c.updated < d.replicas) {
    line.text = prefix + std::to_string(c.updated) + " out of " + std::to_string(d.replicas) +
                " new replicas have been updated...";
  } else if (c.replicas > c.updated) {
    line.text = prefix + std::to_string(c.replicas - c.updated) +
                " old replicas are pending termination...";
  } else if (c.available < c.updated) {
    line.text = prefix + std::to_string(c.available) + " of " + std::to_string(c.updated) +
                " updated replicas are available...";
  } else {
    line.text = "deployment " + q + " successfully rolled out";
    line.done = true;
  }
  return line;
}

// What a watch would see change: the status counters and the conditions.
std::string Observed(const world::KubeWorld& kube, const kube::Deployment& d) {
  const world::ReplicaCounts c = kube.Counts(d);
  std::string s = std::to_string(c.replicas) + "/" + std::to_string(c.updated) + "/" +
                  std::to_string(c.ready) + "/" + std::to_string(c.available) + "/" +
                  std::to_string(d.observed_generation);
  for (const kube::Condition& cond : d.conditions) s += "/" + cond.status + cond.reason;
  return s;
}

// A Go duration for --timeout ("0", "30s", "5m", "1m30s", "250ms").
std::optional<SimDuration> ParseTimeout(const std::string& text) {
  if (text == "0") return SimDuration(0);
  return ParseDuration(text);
}

void RolloutStatus(Call& call) {
  const kube::Deployment* d = Target(call, "status");
  if (!d) return;
  const std::string name = d->name;
  const std::string ns = d->namespace_name;
  SimDuration timeout{0};
  if (call.args.Has("timeout")) {
    const std::optional<SimDuration> t = ParseTimeout(call.args.Get("timeout"));
    if (!t) {
      call.Fail("error: invalid argument \"" + call.args.Get("timeout") +
                "\" for \"--timeout\" flag: time: invalid duration \"" + call.args.Get("timeout") +
                "\"");
      return;
    }
    timeout = *t;
  }
  if (call.args.Has("revision")) {
    const int64_t wanted = call.args.Int("revision");
    const int64_t running = call.kube.Deployment(ns, name)->revision;
    if (wanted > 0 && wanted != running) {
      call.Fail("error: desired revision (" + std::to_string(wanted) +
                ") is different from the running revision (" + std::to_string(running) + ")");
      return;
    }
  }
  const bool watch = !call.args.Has("watch") || call.args.Bool("watch");
  const SimTime deadline = timeout > SimDuration(0) ? call.context.Now() + timeout : SimTime::max();
  const SimTime give_up = call.context.Now() + call.options.max_wait;

  auto report = [&](const kube::Deployment& dep) {
    const StatusLine line = Evaluate(call.kube, dep);
    if (line.failed) {
      call.Fail("error: " + line.text);
      return true;
    }
    call.Out(line.text + "\n");
    return line.done;
  };
  if (report(*d) || !watch) return;
  std::string seen = Observed(call.kube, *d);
  for (;;) {
    // Wait in virtual time: to the world's next change, but look again at least every
    // watch_poll (timeline events the world cannot foresee) and stop at the deadline.
    SimTime next =
        std::min(call.kube.NextChangeTime(), call.context.Now() + call.options.watch_poll);
    next = std::min({next, deadline, give_up});
    const bool in_time = call.context.AdvanceTo(next);
    d = call.context.World().kube().FindDeployment(ns, name);
    if (!d) {
      call.Fail("error: object has been deleted");
      return;
    }
    const std::string now_seen = Observed(call.kube, *d);
    if (now_seen != seen) {
      seen = now_seen;
      if (report(*d)) return;
    }
    if (!in_time) {
      call.response.exit_code = 1;  // the step is being stopped; answer with what we have
      return;
    }
    if (call.context.Now() >= deadline) {
      call.Fail("error: timed out waiting for the condition");
      return;
    }
    if (call.context.Now() >= give_up) {
      call.Fail("rundrill: kubectl rollout status gave up after " +
                FormatDuration(call.options.max_wait) +
                " of virtual time without --timeout (real kubectl would wait for ever)");
      return;
    }
  }
}

void Restart(Call& call) {
  const kube::Deployment* d = Target(call, "restart");
  if (!d) return;
  if (d->paused) {
    call.Fail("error: deployments.apps \"" + d->name +
              "\" can't restart paused deployment (run rollout resume first)");
    return;
  }
  auto it = d->pod_template.annotations.find("kubectl.kubernetes.io/restartedAt");
  if (it != d->pod_template.annotations.end() &&
      it->second == call.kube.epoch().Rfc3339(FloorToSecond(call.kube.Now()))) {
    call.Fail("error: failed to create patch for " + d->name +
              ": if restart has already been triggered within the past second, please wait "
              "before attempting to trigger another");
    return;
  }
  const std::string name = d->name;
  const rundrill::Status s = call.kube.Restart(call.ns, name);
  if (!s.ok()) {
    call.Fail("error: " + s.message());
    return;
  }
  call.Out("deployment.apps/" + name + " restarted\n");
}

void PauseResume(Call& call, bool pause) {
  const kube::Deployment* d = Target(call, pause ? "pause" : "resume");
  if (!d) return;
  const std::string name = d->name;
  if (d->paused == pause) {
    call.Fail("error: deployments.apps \"" + name + "\" is " +
              (pause ? "already paused" : "not paused"));
    return;
  }
  const rundrill::Status s = call.kube.SetPaused(call.ns, name, pause);
  if (!s.ok()) {
    call.Fail("error: " + s.message());
    return;
  }
  call.Out("deployment.apps/" + name + (pause ? " paused\n" : " resumed\n"));
}

void Undo(Call& call) {
  const kube::Deployment* d = Target(call, "undo");
  if (!d) return;
  const std::string name = d->name;
  const int64_t to_revision = call.args.Int("to-revision");
  const auto not_found = [&] {
    call.Fail("error: unable to find specified revision " + std::to_string(to_revision) +
              " in history");
  };
  // kubectl's rollbacker rejects a negative revision before it reads the deployment.
  if (to_revision < 0) {
    not_found();
    return;
  }
  if (d->paused) {
    call.Fail(
        "error: you cannot rollback a paused deployment; resume it first with 'kubectl rollout "
        "resume' and try again");
    return;
  }
  // No ReplicaSet has a revision beyond int (the world's revision type).
  if (to_revision > std::numeric_limits<int>::max()) {
    not_found();
    return;
  }
  const StatusOr<world::UndoOutcome> outcome =
      call.kube.Undo(call.ns, name, static_cast<int>(to_revision));
  if (!outcome.ok()) {
    call.Fail("error: " + outcome.status().message());
    return;
  }
  switch (*outcome) {
    case world::UndoOutcome::kRolledBack:
      call.Out("deployment.apps/" + name + " rolled back\n");
      break;
    case world::UndoOutcome::kSkipped:
      call.Out("deployment.apps/" + name +
               " skipped rollback (current template already matches revision " +
               std::to_string(to_revision) + ")\n");
      break;
    case world::UndoOutcome::kNoHistory:
      call.Fail("error: no rollout history found for deployment \"" + name + "\"");
      break;
    case world::UndoOutcome::kRevisionNotFound:
      not_found();
      break;
  }
}

void History(Call& call) {
  const kube::Deployment* d = Target(call, "history");
  if (!d) return;
  const std::vector<const kube::ReplicaSet*> history = call.kube.ReplicaSetsOf(*d);
  const int64_t revision = call.args.Int("revision");
  if (revision > 0) {
    for (const kube::ReplicaSet* rs : history) {
      if (rs->revision != revision) continue;
      call.Out(
          "deployment.apps/" + d->name + " with revision #" + std::to_string(revision) + "\n" +
          TabFormat(DescribePodTemplateText(rs->pod_template, rs->template_hash, rs->change_cause),
                    0, 2) +
          "\n");
      return;
    }
    call.Fail("error: unable to find the specified revision");
    return;
  }
  std::string table = "REVISION\tCHANGE-CAUSE\n";
  for (const kube::ReplicaSet* rs : history) {
    table += std::to_string(rs->revision) + "\t" +
             (rs->change_cause.empty() ? std::string("<none>") : rs->change_cause) + "\n";
  }
  call.Out("deployment.apps/" + d->name + " \n" +
           (history.empty() ? std::string("No rollout history found.\n") : TabFormat(table, 0, 2)) +
           "\n");
}

}  // namespace

void RunRollout(Call& call) {
  const std::string& sub = call.args.command[1];
  if (sub == "status") {
    RolloutStatus(call);
  } else if (sub == "restart") {
    Restart(call);
  } else if (sub == "pause") {
    PauseResume(call, true);
  } else if (sub == "resume") {
    PauseResume(call, false);
  } else if (sub == "undo") {
    Undo(call);
  } else if (sub == "history") {
    History(call);
  }
}

}  // namespace rundrill::fakes::kubectl
