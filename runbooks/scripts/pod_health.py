#!/usr/bin/env python3
"""Summarises a service's pods for the high-error-rate runbook.

Asks kubectl for the pods (JSON), sums each pod's container restarts, and prints one JSON
object: {"crash_looping": bool, "max_restarts": int, "pods": [...]}. A pod counts as crash
looping when its containers restarted more than RESTART_THRESHOLD times in total.
"""
import json
import os
import subprocess
import sys

service = os.environ["SERVICE"]
namespace = os.environ["NAMESPACE"]
threshold = int(os.environ.get("RESTART_THRESHOLD", "3"))

proc = subprocess.run(
    ["kubectl", "get", "pods", "-l", f"app={service}", "-n", namespace, "-o", "json"],
    capture_output=True,
    text=True,
)
if proc.returncode != 0:
    sys.stderr.write(proc.stderr)
    sys.exit(proc.returncode)

pods = []
for pod in json.loads(proc.stdout).get("items", []):
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
        },
        sort_keys=True,
    )
)
