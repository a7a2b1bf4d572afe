#!/usr/bin/env python3
"""Tells whether a deployment rolled out shortly before the alert fired.

"A deploy in the last 30 minutes" means before the alert (ALERT_STARTS_AT), whenever the
runbook happens to run. The newest ReplicaSet of the service is its latest rollout. Prints
one JSON object: {"recent": bool, "rolled_back": bool, "replicaset": str,
"minutes_before_alert": float}. `recent` holds while the deployment still runs that
rollout; `rolled_back` when it went out in the window but no longer runs (an earlier run of
the runbook rolled it back), so a second run verifies instead of undoing the rollback.
"""
import json
import os
from datetime import timedelta

from rollouts import Rollouts

service = os.environ["SERVICE"]
namespace = os.environ["NAMESPACE"]
window = timedelta(minutes=int(os.environ.get("DEPLOY_WINDOW_MINUTES", "30")))

rollouts = Rollouts(service, namespace)
latest = rollouts.latest()
before = rollouts.latest_before_alert(window)
print(
    json.dumps(
        {
            "recent": before is not None and rollouts.on_latest_deploy(),
            "rolled_back": rollouts.rolled_back(window),
            "replicaset": latest["metadata"]["name"] if latest else "",
            "minutes_before_alert": round(before.total_seconds() / 60, 1) if before else None,
        },
        sort_keys=True,
    )
)
