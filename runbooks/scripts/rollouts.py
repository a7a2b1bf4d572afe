"""What a deployment's rollouts say about the incident at hand; shared by the scripts beside it.

Each ReplicaSet of a deployment is one rollout: it keeps its revision, its pod template hash
and when it was created. The deployment runs the ReplicaSet whose revision it names. A
rollback re-activates an older ReplicaSet (it gets the next revision number) and leaves the
newest-created one, the latest deploy, scaled down: so "the deployment has left its latest
deploy" is how a script tells that a rollback already happened, without any bookkeeping of
its own. Times come from the alert (ALERT_STARTS_AT), never from the local clock, so the
answer is the same whenever the runbook runs, and again when it is run a second time.
"""
import json
import os
import subprocess
import sys
from datetime import datetime, timedelta

REVISION = "deployment.kubernetes.io/revision"
RESTARTED_AT = "kubectl.kubernetes.io/restartedAt"


def parse_time(text):
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def alert_start():
    """When the alert that started this run began firing."""
    text = os.environ.get("ALERT_STARTS_AT", "")
    if not text:
        sys.stderr.write("ALERT_STARTS_AT is not set: no alert to measure time from\n")
        sys.exit(2)
    return parse_time(text)


def kubectl(*args):
    """kubectl's stdout; on failure its stderr is passed on and the script exits with its code."""
    proc = subprocess.run(["kubectl", *args], capture_output=True, text=True)
    if proc.returncode != 0:
        sys.stderr.write(proc.stderr)
        sys.exit(proc.returncode)
    return proc.stdout


def kubectl_json(*args):
    return json.loads(kubectl(*args, "-o", "json"))


def revision_of(obj):
    return int(obj["metadata"].get("annotations", {}).get(REVISION, "0"))


class Rollouts:
    """A deployment with its ReplicaSets, read once."""

    def __init__(self, service, namespace):
        self.service = service
        self.namespace = namespace
        self.deployment = kubectl_json("get", "deployment", service, "-n", namespace)
        selector = self.deployment["spec"]["selector"].get("matchLabels") or {"app": service}
        items = kubectl_json(
            "get",
            "rs",
            "-n",
            namespace,
            "-l",
            ",".join(f"{k}={v}" for k, v in sorted(selector.items())),
        ).get("items", [])
        self.replicasets = [rs for rs in items if self._owned(rs)]
        self.selector = selector

    def _owned(self, rs):
        owners = rs["metadata"].get("ownerReferences", [])
        return not owners or owners[0].get("name") == self.service

    def current(self):
        """The ReplicaSet the deployment runs: the one with the deployment's revision."""
        wanted = revision_of(self.deployment)
        return next((rs for rs in self.replicasets if revision_of(rs) == wanted), None)

    def latest(self):
        """The newest-created ReplicaSet: the latest deploy, whether or not it still runs."""
        return max(
            self.replicasets, key=lambda rs: rs["metadata"]["creationTimestamp"], default=None
        )

    def on_latest_deploy(self):
        current, latest = self.current(), self.latest()
        return current is not None and latest is not None and current is latest

    def latest_before_alert(self, window):
        """How long before the alert the latest deploy went out, when it is within `window`."""
        latest = self.latest()
        if latest is None:
            return None
        before = alert_start() - parse_time(latest["metadata"]["creationTimestamp"])
        return before if timedelta(0) <= before <= window else None

    def rolled_back(self, window):
        """The latest deploy went out within `window` before the alert and no longer runs."""
        return self.latest_before_alert(window) is not None and not self.on_latest_deploy()

    def restarted_at(self):
        annotations = self.deployment["spec"]["template"]["metadata"].get("annotations") or {}
        text = annotations.get(RESTARTED_AT, "")
        return parse_time(text) if text else None

    def restarted_since_alert(self):
        at = self.restarted_at()
        return at is not None and at >= alert_start()

    def template_hash(self, rs):
        return rs["metadata"].get("labels", {}).get("pod-template-hash", "")
