#!/usr/bin/env python3
"""Tells whether a deployment rolled out shortly before the alert fired.

Reads the alert's startsAt from the Alertmanager payload ($RUNDRILL_ALERT_FILE) rather than
the local clock: "a deploy in the last 30 minutes" means before the alert, whenever the
runbook happens to run. The newest ReplicaSet of the service is its latest rollout. Prints
one JSON object: {"recent": bool, "replicaset": str, "minutes_before_alert": float}.
"""
import json
import os
import subprocess
import sys
from datetime import datetime, timedelta

service = os.environ["SERVICE"]
namespace = os.environ["NAMESPACE"]
window = timedelta(minutes=int(os.environ.get("DEPLOY_WINDOW_MINUTES", "30")))


def parse_time(text):
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


with open(os.environ["RUNDRILL_ALERT_FILE"], encoding="utf-8") as f:
    payload = json.load(f)
firing = [a for a in payload.get("alerts", []) if a.get("status") == "firing"]
if not firing:
    sys.stderr.write("the notification holds no firing alert\n")
    sys.exit(2)
alert_start = parse_time(firing[0]["startsAt"])

proc = subprocess.run(
    ["kubectl", "get", "rs", "-n", namespace, "-l", f"app={service}", "-o", "json"],
    capture_output=True,
    text=True,
)
if proc.returncode != 0:
    sys.stderr.write(proc.stderr)
    sys.exit(proc.returncode)

replicasets = [
    rs for rs in json.loads(proc.stdout).get("items", []) if rs["spec"].get("replicas", 0) > 0
]
if not replicasets:
    print(json.dumps({"recent": False, "replicaset": "", "minutes_before_alert": None}))
    sys.exit(0)
newest = max(replicasets, key=lambda rs: rs["metadata"]["creationTimestamp"])
created = parse_time(newest["metadata"]["creationTimestamp"])
before = alert_start - created
print(
    json.dumps(
        {
            "recent": timedelta(0) <= before <= window,
            "replicaset": newest["metadata"]["name"],
            "minutes_before_alert": round(before.total_seconds() / 60, 1),
        },
        sort_keys=True,
    )
)
