#!/usr/bin/env python3
"""Summarises a service's pods and rollouts for the high-error-rate runbook.

Prints one JSON object:
  crash_looping          a pod of the revision the deployment runs restarted more than
                         RESTART_THRESHOLD times (pods of older revisions, on their way out
                         after a rollback, do not count)
  max_restarts, ready_pods, pods   over the pods of that revision
  revision               the revision the deployment runs
  rolled_back            the latest deploy went out within DEPLOY_WINDOW_MINUTES before the
                         alert and the deployment no longer runs it: an earlier run of this
                         runbook (or a person) rolled it back already
  restarted_since_alert  a rolling restart began after the alert fired
A runbook run again after it was stopped half-way reads from these what it already did.
"""
import json
import os
from datetime import timedelta

from rollouts import Rollouts, kubectl_json, revision_of

service = os.environ["SERVICE"]
namespace = os.environ["NAMESPACE"]
threshold = int(os.environ.get("RESTART_THRESHOLD", "3"))
window = timedelta(minutes=int(os.environ.get("DEPLOY_WINDOW_MINUTES", "30")))

rollouts = Rollouts(service, namespace)
current = rollouts.current()
selector = dict(rollouts.selector)
if current is not None:
    selector["pod-template-hash"] = rollouts.template_hash(current)
listed = kubectl_json(
    "get", "pods", "-n", namespace, "-l", ",".join(f"{k}={v}" for k, v in sorted(selector.items()))
)

pods = []
for pod in listed.get("items", []):
    statuses = pod["status"].get("containerStatuses", [])
    pods.append(
        {
            "name": pod["metadata"]["name"],
            "phase": pod["status"]["phase"],
            "ready": all(cs.get("ready", False) for cs in statuses) and bool(statuses),
            "restarts": sum(cs.get("restartCount", 0) for cs in statuses),
        }
    )

max_restarts = max((p["restarts"] for p in pods), default=0)
print(
    json.dumps(
        {
            "crash_looping": max_restarts > threshold,
            "max_restarts": max_restarts,
            "ready_pods": sum(1 for p in pods if p["ready"]),
            "pods": pods,
            "revision": revision_of(rollouts.deployment),
            "rolled_back": rollouts.rolled_back(window),
            "restarted_since_alert": rollouts.restarted_since_alert(),
        },
        sort_keys=True,
    )
)
