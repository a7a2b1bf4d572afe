#!/usr/bin/env python3
"""Rolls a deployment back from its latest deploy, or restarts it: each at most once.

  remediate.py roll-back   `kubectl rollout undo`, unless the deployment has already left its
                           latest deploy (a second undo would bring the bad deploy back)
  remediate.py restart     `kubectl rollout restart`, unless a restart began after the alert
                           fired (a second one would replace the pods the first brings up)

Prints kubectl's own line, or says what was done already; either way exits 0, so running the
step again, or the whole runbook after it was stopped half-way, changes nothing more.
"""
import os
import sys

from rollouts import Rollouts, alert_start, kubectl, revision_of

service = os.environ["SERVICE"]
namespace = os.environ["NAMESPACE"]
what = sys.argv[1] if len(sys.argv) > 1 else ""
rollouts = Rollouts(service, namespace)
deployment = f"deployment.apps/{service}"

if what == "roll-back":
    latest = rollouts.latest()
    if len(rollouts.replicasets) < 2:
        sys.stderr.write(f"{deployment} has no earlier revision to roll back to\n")
        sys.exit(1)
    if not rollouts.on_latest_deploy():
        current = rollouts.current()
        print(
            f"{deployment} already rolled back: it runs revision {revision_of(rollouts.deployment)}"
            f" ({current['metadata']['name'] if current else 'unknown'}), not the latest deploy"
            f" {latest['metadata']['name']}"
        )
        sys.exit(0)
    sys.stdout.write(kubectl("rollout", "undo", f"deployment/{service}", "-n", namespace))
elif what == "restart":
    at = rollouts.restarted_at()
    if at is not None and at >= alert_start():
        print(
            f"{deployment} already restarted at {at.strftime('%Y-%m-%dT%H:%M:%SZ')}, after the "
            f"alert fired at {os.environ['ALERT_STARTS_AT']}"
        )
        sys.exit(0)
    sys.stdout.write(kubectl("rollout", "restart", f"deployment/{service}", "-n", namespace))
else:
    sys.stderr.write("usage: remediate.py roll-back|restart\n")
    sys.exit(2)
