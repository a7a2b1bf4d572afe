#!/usr/bin/env python3
"""Diagnose, remediate, verify and report a crash-looping deployment.

The crashloop-autoremediate runbook calls this script once per step, with the step's name
as the only argument, so that each stage is a separate, visible, retryable runbook step:

  diagnose        read the alert, look at the deployment, its replica sets and its pods;
                  print a JSON diagnosis (the runbook keeps it as DIAGNOSIS)
  post-diagnosis  post the diagnosis to the incident channel (Slack incoming webhook,
                  Block Kit)
  remediate       crash-looping pods: roll back to the last revision with another image;
                  otherwise a rolling restart. Prints JSON (kept as REMEDIATION)
  verify          the rollout finishes within ROLLOUT_TIMEOUT and the pods then stay ready,
                  without restarting, for SOAK_SECONDS
  report          post the outcome to the incident channel
  escalate        page on-call through the PagerDuty Events API v2 and say so in Slack

Only the standard library is used, so the script runs on any host with python3. Every
HTTP call has a timeout; an HTTP error prints the status and the body the service sent,
and a connection that is refused or times out says so, on stderr.

Environment: RUNDRILL_ALERT_FILE (the Alertmanager webhook payload, version 4),
ALERT_FINGERPRINT, SLACK_WEBHOOK_URL, PAGERDUTY_EVENTS_URL, PAGERDUTY_ROUTING_KEY, and the
runbook's params RESTART_THRESHOLD, ROLLOUT_TIMEOUT, SOAK_SECONDS, HTTP_TIMEOUT.
"""
import hashlib
import http.client
import json
import os
import socket
import subprocess
import sys
import urllib.error
import urllib.request
from datetime import datetime, timedelta

RESTART_THRESHOLD = int(os.environ.get("RESTART_THRESHOLD", "3"))
ROLLOUT_TIMEOUT = os.environ.get("ROLLOUT_TIMEOUT", "180s")
SOAK_SECONDS = int(os.environ.get("SOAK_SECONDS", "60"))
# Short on purpose: a partitioned Slack or PagerDuty must not hold the runbook for long.
HTTP_TIMEOUT = float(os.environ.get("HTTP_TIMEOUT", "5"))
HTTP_ATTEMPTS = 3
# A deploy made this long before the alert, which the deployment no longer runs, was rolled
# back for this incident: a second run verifies that rollback instead of acting again.
ROLLBACK_WINDOW = timedelta(hours=1)

SEVERITY_EMOJI = {
    "critical": "🔴",
    "high": "🟠",
    "error": "🟠",
    "warning": "🟡",
    "medium": "🟡",
    "info": "🔵",
    "low": "🔵",
}
# Events API v2 accepts only these four severities; alert labels use a wider vocabulary.
PAGERDUTY_SEVERITY = {
    "critical": "critical",
    "high": "error",
    "error": "error",
    "warning": "warning",
    "medium": "warning",
    "info": "info",
    "low": "info",
}


class Failure(Exception):
    """A problem this step cannot get past; the message is what the on-call engineer reads."""


def log(message):
    sys.stderr.write(message + "\n")


def plural(count, word):
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


# --- the alert ---------------------------------------------------------------------------


def read_alert():
    """The alert that started this run, from the Alertmanager payload.

    A notification carries the whole group; the one meant is the alert whose fingerprint
    the runner passed, else the first firing one.
    """
    path = os.environ.get("RUNDRILL_ALERT_FILE", "")
    if not path:
        raise Failure("RUNDRILL_ALERT_FILE is not set: no alert to work on")
    try:
        with open(path, encoding="utf-8") as f:
            payload = json.load(f)
    except (OSError, ValueError) as e:
        raise Failure(f"cannot read the alert payload {path}: {e}") from e
    alerts = payload.get("alerts") or []
    if not alerts:
        raise Failure(f"the alert payload {path} holds no alert")
    fingerprint = os.environ.get("ALERT_FINGERPRINT", "")
    chosen = next((a for a in alerts if fingerprint and a.get("fingerprint") == fingerprint), None)
    chosen = chosen or next((a for a in alerts if a.get("status") == "firing"), alerts[0])
    labels = chosen.get("labels", {})
    annotations = chosen.get("annotations", {})
    # kube-state-metrics alerts name the workload in different labels depending on the rule.
    service = labels.get("service") or labels.get("deployment") or labels.get("container")
    if not service:
        raise Failure("the alert names no service, deployment or container label")
    name = labels.get("alertname", "unknown")
    namespace = labels.get("namespace", "default")
    fingerprint = chosen.get("fingerprint") or hashlib.sha256(
        f"{name}/{namespace}/{service}".encode()
    ).hexdigest()[:16]
    return {
        "name": name,
        "service": service,
        "namespace": namespace,
        "severity": labels.get("severity", "warning"),
        "summary": annotations.get("summary") or f"{name}: {service} in {namespace}",
        "status": chosen.get("status", "firing"),
        "starts_at": chosen.get("startsAt", ""),
        "fingerprint": fingerprint,
    }


def dedup_key(alert):
    # Derived from the alert fingerprint, so running the runbook again for the same alert
    # adds to the open incident instead of paging a second time.
    return f"crashloop-autoremediate/{alert['fingerprint']}"


# --- kubectl -----------------------------------------------------------------------------


def kubectl(*args, check=True):
    proc = subprocess.run(["kubectl", *args], capture_output=True, text=True)
    if check and proc.returncode != 0:
        raise Failure(
            f"kubectl {' '.join(args)} failed (exit {proc.returncode}): "
            f"{proc.stderr.strip() or proc.stdout.strip()}"
        )
    return proc


def kubectl_json(*args):
    out = kubectl(*args, "-o", "json").stdout
    try:
        return json.loads(out)
    except ValueError as e:
        raise Failure(f"kubectl {' '.join(args)} printed no JSON: {e}") from e


def deployment_state(service, namespace):
    deployment = kubectl_json("get", "deployment", service, "-n", namespace)
    containers = deployment["spec"]["template"]["spec"]["containers"]
    labels = deployment["spec"]["selector"].get("matchLabels") or {"app": service}
    template_annotations = deployment["spec"]["template"]["metadata"].get("annotations") or {}
    return {
        "revision": int(
            deployment["metadata"].get("annotations", {}).get("deployment.kubernetes.io/revision", 0)
        ),
        "restarted_at": template_annotations.get("kubectl.kubernetes.io/restartedAt", ""),
        "image": containers[0]["image"] if containers else "",
        "replicas": deployment["spec"].get("replicas", 1),
        "selector": ",".join(f"{k}={v}" for k, v in sorted(labels.items())),
    }


def pod_summaries(selector, namespace):
    pods = []
    for pod in kubectl_json("get", "pods", "-l", selector, "-n", namespace).get("items", []):
        statuses = pod["status"].get("containerStatuses", [])
        waiting = [cs["state"]["waiting"].get("reason", "") for cs in statuses
                   if "waiting" in cs.get("state", {})]
        last_exit = [cs["lastState"]["terminated"].get("exitCode") for cs in statuses
                     if "terminated" in cs.get("lastState", {})]
        pods.append({
            "name": pod["metadata"]["name"],
            "phase": pod["status"].get("phase", "Unknown"),
            "ready": bool(statuses) and all(cs.get("ready", False) for cs in statuses),
            "restarts": sum(cs.get("restartCount", 0) for cs in statuses),
            "reason": waiting[0] if waiting else "",
            "last_exit_code": last_exit[0] if last_exit else None,
            "image": statuses[0].get("image", "") if statuses else "",
            "template_hash": pod["metadata"].get("labels", {}).get("pod-template-hash", ""),
        })
    return pods


def is_crash_looping(pods):
    return any(p["reason"] == "CrashLoopBackOff" or p["restarts"] > RESTART_THRESHOLD
               for p in pods)


def replica_sets(service, namespace, selector):
    """The deployment's rollouts: revision, image, pod template hash and creation time each.

    Asked of the replica sets (each keeps its revision and pod template), not of
    `rollout history`, whose table shows change causes but not images.
    """
    out = []
    for rs in kubectl_json("get", "replicasets", "-l", selector, "-n", namespace).get("items", []):
        owners = rs["metadata"].get("ownerReferences", [])
        if owners and owners[0].get("name") != service:
            continue
        containers = rs["spec"]["template"]["spec"]["containers"]
        out.append({
            "name": rs["metadata"]["name"],
            "revision": int(rs["metadata"].get("annotations", {}).get(
                "deployment.kubernetes.io/revision", 0)),
            "image": containers[0]["image"] if containers else "",
            "template_hash": rs["metadata"].get("labels", {}).get("pod-template-hash", ""),
            "created": rs["metadata"].get("creationTimestamp", ""),
        })
    return out


def rollback_target(sets, current):
    """The newest earlier revision whose image differs from the live one, or None."""
    candidates = [{"revision": rs["revision"], "image": rs["image"]} for rs in sets
                  if rs["revision"] < current["revision"] and rs["image"] != current["image"]]
    return max(candidates, key=lambda c: c["revision"], default=None)


def parse_time(text):
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def rolled_back_from(sets, current, alert):
    """The latest deploy, when it went out shortly before the alert and no longer runs.

    A rollback re-activates an older replica set and leaves the newest-created one behind:
    that is how a run started again after a rollback knows it happened.
    """
    if not sets or not alert["starts_at"]:
        return None
    latest = max(sets, key=lambda rs: rs["created"])
    if latest["revision"] == current["revision"]:
        return None
    if parse_time(latest["created"]) < parse_time(alert["starts_at"]) - ROLLBACK_WINDOW:
        return None
    return {"revision": latest["revision"], "image": latest["image"], "name": latest["name"]}


# --- HTTP --------------------------------------------------------------------------------


def wait(seconds):
    # The sleep program rather than time.sleep: in a drill the fake sleep advances the
    # virtual clock, and on a real host it is the same wait.
    subprocess.run(["sleep", str(seconds)], check=False)


def post_json(url, body, what, headers=None):
    """POSTs body as JSON; returns (status, text) of a 2xx answer or raises Failure.

    Retries what is worth retrying (429, 5xx, a refused or reset connection) a few times;
    a timeout is not retried, since each one already cost HTTP_TIMEOUT seconds.
    """
    if not url:
        raise Failure(f"{what}: no URL configured")
    data = json.dumps(body).encode("utf-8")
    problem = ""
    for attempt in range(1, HTTP_ATTEMPTS + 1):
        request = urllib.request.Request(
            url, data=data, method="POST",
            headers={"Content-Type": "application/json", **(headers or {})})
        retry_after = attempt
        try:
            with urllib.request.urlopen(request, timeout=HTTP_TIMEOUT) as response:
                return response.status, response.read().decode("utf-8", "replace")
        except urllib.error.HTTPError as e:
            # HTTPError is also the response: its body says what the service objected to.
            text = e.read().decode("utf-8", "replace").strip()
            problem = f"HTTP {e.code} {e.reason}: {text}"
            if e.code != 429 and e.code < 500:
                raise Failure(f"{what} refused the request: {problem}") from e
            # Retry-After may also be an HTTP date; then the plain back-off will do.
            value = e.headers.get("Retry-After", "")
            retry_after = int(value) if value.isdigit() else attempt
        except urllib.error.URLError as e:
            reason = e.reason
            if isinstance(reason, (socket.timeout, TimeoutError)):
                raise Failure(f"{what}: no answer within {HTTP_TIMEOUT:g}s ({url})") from e
            if isinstance(reason, ConnectionRefusedError):
                problem = f"connection refused ({url})"
            else:
                problem = f"cannot connect: {reason} ({url})"
        except (socket.timeout, TimeoutError) as e:
            # Connected, but the answer did not come in time.
            raise Failure(f"{what}: no answer within {HTTP_TIMEOUT:g}s ({url})") from e
        except (ConnectionError, http.client.HTTPException) as e:
            problem = f"connection failed: {e.__class__.__name__}: {e} ({url})"
        log(f"{what}: attempt {attempt} of {HTTP_ATTEMPTS} failed: {problem}")
        if attempt < HTTP_ATTEMPTS:
            wait(min(retry_after, 30))
    raise Failure(f"{what} failed after {HTTP_ATTEMPTS} attempts: {problem}")


def post_to_slack(text, blocks):
    """Posts to the incident channel through the incoming webhook; it answers 200 "ok"."""
    status, answer = post_json(os.environ.get("SLACK_WEBHOOK_URL", ""),
                               {"text": text, "blocks": blocks}, "Slack webhook")
    if status != 200 or answer.strip() != "ok":
        raise Failure(f"Slack webhook answered {status} {answer!r}, not 200 'ok'")


def page(alert, summary, details):
    """Triggers (or re-triggers) the alert's PagerDuty incident; returns the dedup key."""
    routing_key = os.environ.get("PAGERDUTY_ROUTING_KEY", "")
    if not routing_key:
        raise Failure("PAGERDUTY_ROUTING_KEY is not set: cannot page")
    event = {
        "routing_key": routing_key,
        "event_action": "trigger",
        "dedup_key": dedup_key(alert),
        "payload": {
            "summary": summary[:1024],
            "source": f"{alert['namespace']}/deployment/{alert['service']}",
            "severity": PAGERDUTY_SEVERITY.get(alert["severity"], "error"),
            "component": alert["service"],
            "group": alert["namespace"],
            "class": alert["name"],
            "custom_details": details,
        },
        "client": "crashloop-autoremediate runbook",
    }
    status, answer = post_json(os.environ.get("PAGERDUTY_EVENTS_URL", ""), event,
                               "PagerDuty Events API")
    try:
        reply = json.loads(answer)
    except ValueError:
        reply = {}
    if status != 202 or reply.get("status") != "success":
        raise Failure(f"PagerDuty Events API answered {status} {answer!r}, not 202 success")
    return reply.get("dedup_key", event["dedup_key"])


# --- Block Kit ---------------------------------------------------------------------------


def clip(text, limit):
    # Block Kit counts code points; Python's len does too.
    return text if len(text) <= limit else text[: limit - 1] + "…"


def header(alert, title):
    emoji = SEVERITY_EMOJI.get(alert["severity"], "⚪")
    return {"type": "header",
            "text": {"type": "plain_text", "text": clip(f"{emoji} {title}", 150), "emoji": True}}


def fields(pairs):
    return {"type": "section",
            "fields": [{"type": "mrkdwn", "text": clip(f"*{k}:* {v}", 2000)}
                       for k, v in pairs[:10]]}


def mrkdwn(text):
    return {"type": "section", "text": {"type": "mrkdwn", "text": clip(text, 3000)}}


def load_capture(name):
    """A JSON capture of an earlier step, or None when that step did not get that far."""
    text = os.environ.get(name, "")
    try:
        return json.loads(text) if text else None
    except ValueError:
        return None


# --- the steps ---------------------------------------------------------------------------


def diagnose():
    alert = read_alert()
    service, namespace = alert["service"], alert["namespace"]
    current = deployment_state(service, namespace)
    history = kubectl("rollout", "history", f"deployment/{service}", "-n", namespace).stdout
    revisions = [line.strip() for line in history.splitlines()
                 if line.strip() and line.strip()[0].isdigit()]
    pods = pod_summaries(current["selector"], namespace)
    sets = replica_sets(service, namespace, current["selector"])
    # Pods of older revisions, on their way out after a rollback, say nothing about the
    # revision that runs.
    live_hash = next((rs["template_hash"] for rs in sets if rs["revision"] == current["revision"]),
                     None)
    crash_looping = is_crash_looping(
        [p for p in pods if live_hash is None or p["template_hash"] == live_hash])
    diagnosis = {
        "alert": alert,
        "service": service,
        "namespace": namespace,
        "revision": current["revision"],
        "image": current["image"],
        "desired_replicas": current["replicas"],
        "ready_pods": sum(1 for p in pods if p["ready"]),
        "max_restarts": max((p["restarts"] for p in pods), default=0),
        "crash_looping": crash_looping,
        "pods": pods,
        "recent_rollouts": revisions[-3:],
        "rollback_to": rollback_target(sets, current) if crash_looping else None,
        "rolled_back_from": rolled_back_from(sets, current, alert),
    }
    print(json.dumps(diagnosis, sort_keys=True))


def post_diagnosis():
    d = load_capture("DIAGNOSIS")
    if d is None:
        raise Failure("no diagnosis to post (DIAGNOSIS is empty)")
    alert = d["alert"]
    if d["crash_looping"]:
        target = d["rollback_to"]
        plan = (f"roll back to revision {target['revision']} (`{target['image']}`)"
                if target else "no earlier image to roll back to: hand over")
        finding = (f"Pods are crash-looping: {d['ready_pods']}/{d['desired_replicas']} ready, "
                   f"up to {plural(d['max_restarts'], 'restart')}.")
    else:
        plan = "rolling restart"
        finding = (f"Pods are not crash-looping: {d['ready_pods']}/{d['desired_replicas']} "
                   f"ready, up to {plural(d['max_restarts'], 'restart')}.")
    pod_lines = "\n".join(
        f"{p['name']}  {p['phase']}{' ' + p['reason'] if p['reason'] else ''}  "
        f"ready={'yes' if p['ready'] else 'no'}  restarts={p['restarts']}"
        for p in d["pods"][:10]) or "no pods"
    rollouts = "\n".join(d["recent_rollouts"]) or "none"
    text = f"Diagnosis of {alert['name']} for {d['namespace']}/{d['service']}: {finding}"
    blocks = [
        header(alert, f"{alert['name']}: {d['service']} in {d['namespace']}"),
        fields([("Severity", alert["severity"]), ("Status", alert["status"]),
                ("Service", d["service"]), ("Namespace", d["namespace"]),
                ("Revision", f"{d['revision']} (`{d['image']}`)"),
                ("Max restarts", d["max_restarts"])]),
        mrkdwn(f"📋 *Diagnosis:* {finding}\n*Plan:* {plan}\n"
               f"*Pods:*\n```{pod_lines}```\n*Recent rollouts:*\n```{rollouts}```"),
    ]
    post_to_slack(text, blocks)
    print("diagnosis posted to the incident channel")


def remediate():
    d = load_capture("DIAGNOSIS")
    if d is None:
        raise Failure("no diagnosis: refusing to change anything blind")
    service, namespace = d["service"], d["namespace"]
    deployment = f"deployment/{service}"
    if d["crash_looping"]:
        target = d["rollback_to"]
        if target is None:
            raise Failure(f"{deployment} is crash-looping on revision {d['revision']} and no "
                          "earlier revision has another image: nothing to roll back to")
        # Roll back to a named revision, and only while the bad image is still live: a
        # second run must not undo the rollback (a bare `rollout undo` would flip back).
        live = deployment_state(service, namespace)
        if live["image"] == target["image"]:
            output = f"{deployment} already runs {target['image']}: nothing to do"
        else:
            output = kubectl("rollout", "undo", deployment, "-n", namespace,
                             f"--to-revision={target['revision']}").stdout.strip()
        result = {"action": "rollback", "to_revision": target["revision"],
                  "image": target["image"], "output": output}
    elif d.get("rolled_back_from"):
        # An earlier run rolled back and was stopped before it could finish: verify that
        # rollback rather than restart the revision it brought back.
        gone = d["rolled_back_from"]
        output = (f"{deployment} already rolled back from revision {gone['revision']} "
                  f"(`{gone['image']}`): it runs revision {d['revision']}")
        result = {"action": "rollback", "to_revision": d["revision"], "image": d["image"],
                  "output": output}
    else:
        # One restart per incident: a second would replace the pods the first brings up.
        live = deployment_state(service, namespace)
        starts = d["alert"]["starts_at"]
        if live["restarted_at"] and starts and \
                parse_time(live["restarted_at"]) >= parse_time(starts):
            output = (f"{deployment} already restarted at {live['restarted_at']}, after the "
                      f"alert fired at {starts}")
        else:
            output = kubectl("rollout", "restart", deployment, "-n", namespace).stdout.strip()
        result = {"action": "restart", "output": output}
    log(result["output"])
    print(json.dumps(result, sort_keys=True))


def verify():
    d = load_capture("DIAGNOSIS")
    if d is None:
        raise Failure("no diagnosis: nothing to verify")
    service, namespace = d["service"], d["namespace"]
    status = kubectl("rollout", "status", f"deployment/{service}", "-n", namespace,
                     f"--timeout={ROLLOUT_TIMEOUT}", check=False)
    print(status.stdout.strip())
    if status.returncode != 0:
        raise Failure(f"deployment/{service} did not finish rolling out within "
                      f"{ROLLOUT_TIMEOUT}: {status.stderr.strip() or status.stdout.strip()}")
    # A rollout completes as soon as the new pods pass readiness once; a crash loop shows
    # only later. Watch the pods for a while before calling it fixed.
    selector = deployment_state(service, namespace)["selector"]
    before = {p["name"]: p["restarts"] for p in pod_summaries(selector, namespace)}
    wait(SOAK_SECONDS)
    after = pod_summaries(selector, namespace)
    problems = [f"{p['name']} not ready{' (' + p['reason'] + ')' if p['reason'] else ''}"
                for p in after if not p["ready"]]
    problems += [f"{p['name']} restarted {plural(p['restarts'] - before[p['name']], 'time')}"
                 for p in after if p["name"] in before and p["restarts"] > before[p["name"]]]
    if not after:
        problems.append("no pods")
    if problems:
        raise Failure(f"deployment/{service} is not healthy {SOAK_SECONDS}s after the "
                      f"rollout: {'; '.join(problems)}")
    print(f"{len(after)} pods ready, no restarts in {SOAK_SECONDS}s")


def report():
    d = load_capture("DIAGNOSIS")
    r = load_capture("REMEDIATION")
    if d is None or r is None:
        raise Failure("nothing to report: DIAGNOSIS or REMEDIATION is empty")
    alert = d["alert"]
    if r["action"] == "rollback":
        done = (f"rolled back deployment/{d['service']} to revision {r['to_revision']} "
                f"(`{r['image']}`)")
    else:
        done = f"restarted deployment/{d['service']}"
    text = f"✅ Auto-remediated {alert['name']}: {done}"
    blocks = [
        header(alert, f"Resolved by automation: {d['service']} in {d['namespace']}"),
        mrkdwn(f"✅ *Auto-remediated:* {done}. Pods are ready and stayed up for "
               f"{SOAK_SECONDS}s."),
    ]
    post_to_slack(text, blocks)
    print(text)


def escalate():
    alert = read_alert()
    d = load_capture("DIAGNOSIS")
    r = load_capture("REMEDIATION")
    if d is None:
        reason = "the diagnosis failed"
    elif r is None:
        reason = "the remediation failed"
    elif r["action"] == "rollback":
        reason = (f"deployment/{alert['service']} is still unhealthy after rolling back to "
                  f"revision {r['to_revision']} (`{r['image']}`)")
    else:
        reason = f"deployment/{alert['service']} is still unhealthy after a rolling restart"
    # A fresh look for the page; the page matters more than this, so a failure here only
    # leaves the detail out.
    now = "unknown (kubectl failed)"
    try:
        selector = deployment_state(alert["service"], alert["namespace"])["selector"]
        pods = pod_summaries(selector, alert["namespace"])
        now = (f"{sum(1 for p in pods if p['ready'])}/{len(pods)} pods ready, up to "
               f"{plural(max((p['restarts'] for p in pods), default=0), 'restart')}")
    except Failure as e:
        log(f"could not look at the pods again: {e}")
    summary = f"{alert['summary']}: auto-remediation failed, {reason}"
    details = {"reason": reason, "pods_now": now, "alert": alert["name"],
               "fingerprint": alert["fingerprint"], "diagnosis": d, "remediation": r}
    # Page first: if Slack is down too, the page must still go out.
    try:
        key = page(alert, summary, details)
        print(f"paged on-call: PagerDuty accepted the trigger, dedup_key {key}")
        paging, page_error = "Paging on-call engineer.", None
    except Failure as e:
        # Say so where people look, so that somebody pages by hand.
        key, page_error = "none", e
        paging = f"Paging on-call engineer FAILED ({e}): page them by hand."
    text = f"⚠️ Auto-remediation failed: {reason}. {paging}"
    blocks = [
        header(alert, f"{alert['name']}: {alert['service']} in {alert['namespace']}"),
        fields([("Severity", alert["severity"]), ("Pods now", now),
                ("PagerDuty dedup key", f"`{key}`")]),
        mrkdwn(f"⚠️ *Auto-remediation failed:* {reason}.\n{paging}"),
    ]
    try:
        post_to_slack(text, blocks)
        print("posted to the incident channel")
    except Failure as e:
        log(f"the Slack post failed too: {e}" if page_error else
            f"the page went out, but the Slack post failed: {e}")
    if page_error:
        raise page_error


STEPS = {
    "diagnose": diagnose,
    "post-diagnosis": post_diagnosis,
    "remediate": remediate,
    "verify": verify,
    "report": report,
    "escalate": escalate,
}


def main(argv):
    if len(argv) != 2 or argv[1] not in STEPS:
        log(f"usage: {argv[0]} {{{'|'.join(STEPS)}}}")
        return 2
    try:
        STEPS[argv[1]]()
    except Failure as e:
        log(f"{argv[1]}: {e}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
