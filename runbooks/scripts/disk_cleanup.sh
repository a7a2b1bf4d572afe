#!/usr/bin/env bash
# Frees space on a host whose filesystem is nearly full, and tells people how it went.
#
# The disk-cleanup-curl runbook calls this once per step, with the step's stage as the only
# argument:
#   usage    print how full MOUNTPOINT on HOST is, in percent (df over ssh)
#   cleanup  run the safe clean-ups over ssh; print a JSON summary of what worked
#   check    exit 0 when the use is under THRESHOLD percent, 1 when it is not
#   resolve  resolve the PagerDuty incident (if one was opened) and post the good news
#   page     trigger a PagerDuty incident and post that on-call was paged
#
# Needs ssh, curl and jq. Every JSON document is built with jq, so quotes or newlines in
# host names, alert texts or command output cannot break it. Every HTTP call has a time
# limit and fails on an HTTP error with the service's answer printed on stderr.
#
# Environment: HOST, MOUNTPOINT, THRESHOLD (percent), HTTP_TIMEOUT (seconds), the alert's
# ALERT_NAME, ALERT_FINGERPRINT, ALERT_LABEL_SEVERITY, SLACK_WEBHOOK_URL,
# PAGERDUTY_EVENTS_URL and PAGERDUTY_ROUTING_KEY; resolve reads the USAGE_BEFORE capture.
set -euo pipefail

HOST=${HOST:?the alert names no host}
MOUNTPOINT=${MOUNTPOINT:-/}
THRESHOLD=${THRESHOLD:-80}
HTTP_TIMEOUT=${HTTP_TIMEOUT:-10}

# Safe on any host: old temporary files, the journal beyond 500M, compressed logs older
# than two weeks. Each is idempotent: a second run finds nothing more to remove.
CLEANUPS=(
  "find /tmp -type f -mtime +7 -delete"
  "journalctl --vacuum-size=500M"
  "find /var/log -name '*.gz' -mtime +14 -delete"
)

# Derived from the alert's fingerprint: the trigger and the resolve of one alert name the
# same incident, and a second run adds nothing to an incident that is already open.
DEDUP_KEY="disk-cleanup-curl/${ALERT_FINGERPRINT:-${HOST}${MOUNTPOINT}}"

fail() {
  echo "disk_cleanup: $*" >&2
  exit 1
}

# BatchMode: no password prompt can hang the step. ConnectTimeout: an unreachable host
# costs 10 seconds, not the kernel's two minutes.
remote() {
  ssh -o BatchMode=yes -o ConnectTimeout=10 "$HOST" "$@"
}

usage_percent() {
  local df_out
  df_out=$(remote df -P "$MOUNTPOINT") || fail "df on $HOST failed"
  # The fifth column of the second line: "93%".
  awk 'NR == 2 { sub("%", "", $5); print $5 }' <<<"$df_out"
}

# POSTs stdin (JSON) to $1; prints the answer body. $2 names the service in messages.
post_json() {
  local url=$1 what=$2 body rc=0
  [ -n "$url" ] || fail "$what: no URL configured"
  body=$(curl -sS --fail-with-body -m "$HTTP_TIMEOUT" -H 'Content-Type: application/json' \
    --data @- "$url") || rc=$?
  if [ "$rc" -ne 0 ]; then
    # curl has printed its own reason on stderr; add the exit code's meaning and the body.
    case $rc in
      6 | 7) echo "$what: cannot connect to $url (curl exit $rc)" >&2 ;;
      22) echo "$what: HTTP error from $url, body: $body" >&2 ;;
      28) echo "$what: no answer within ${HTTP_TIMEOUT}s from $url" >&2 ;;
      52 | 56) echo "$what: connection dropped by $url (curl exit $rc)" >&2 ;;
      *) echo "$what: curl exit $rc for $url" >&2 ;;
    esac
    return 1
  fi
  printf '%s' "$body"
}

# Posts $1 (fallback text) with a header ($2) and a mrkdwn section ($1) to #incidents.
slack() {
  local text=$1 title=$2 answer
  answer=$(jq -n --arg text "$text" --arg title "$title" --arg host "$HOST" \
    --arg mount "$MOUNTPOINT" --arg alert "${ALERT_NAME:-}" '{
      text: $text,
      blocks: [
        {type: "header", text: {type: "plain_text", text: $title[0:150]}},
        {type: "section", fields: [
          {type: "mrkdwn", text: ("*Host:* " + $host)},
          {type: "mrkdwn", text: ("*Mount point:* " + $mount)},
          {type: "mrkdwn", text: ("*Alert:* " + $alert)}]},
        {type: "section", text: {type: "mrkdwn", text: $text[0:3000]}}]}' |
    post_json "${SLACK_WEBHOOK_URL:-}" "Slack webhook") || return 1
  [ "$answer" = "ok" ] || {
    echo "Slack webhook answered '$answer', not 'ok'" >&2
    return 1
  }
}

# Sends an Events API v2 event: $1 is trigger or resolve, $2 the summary, $3 custom details
# (JSON). Prints the dedup key PagerDuty answers with.
pagerduty_event() {
  local action=$1 summary=$2 details=$3 severity answer
  [ -n "${PAGERDUTY_ROUTING_KEY:-}" ] || fail "PAGERDUTY_ROUTING_KEY is not set"
  # The Events API knows four severities; alert labels use more words.
  case ${ALERT_LABEL_SEVERITY:-} in
    critical) severity=critical ;;
    error | high) severity=error ;;
    info | low) severity=info ;;
    *) severity=warning ;;
  esac
  answer=$(jq -n --arg key "$PAGERDUTY_ROUTING_KEY" --arg action "$action" \
    --arg dedup "$DEDUP_KEY" --arg summary "$summary" --arg host "$HOST" \
    --arg severity "$severity" --arg alert "${ALERT_NAME:-}" --argjson details "$details" '
      {routing_key: $key, event_action: $action, dedup_key: $dedup}
      + if $action == "trigger" then
          {payload: {summary: $summary[0:1024], source: $host, severity: $severity,
                     component: "filesystem", class: $alert, custom_details: $details}}
        else {} end' |
    post_json "${PAGERDUTY_EVENTS_URL:-}" "PagerDuty Events API") || return 1
  jq -e '.status == "success"' <<<"$answer" >/dev/null ||
    fail "PagerDuty Events API did not accept the $action: $answer"
  jq -r '.dedup_key' <<<"$answer"
}

cmd_usage() {
  usage_percent
}

cmd_cleanup() {
  local cleaned=() failed=() command
  for command in "${CLEANUPS[@]}"; do
    # One quoted word: ssh hands the string to the remote shell as it is, so '*.gz'
    # reaches find unexpanded (and nothing is globbed against local files).
    if remote "$command" >&2; then
      cleaned+=("$command")
    else
      failed+=("$command")
    fi
  done
  jq -n --arg host "$HOST" \
    --argjson cleaned "$(jq -n '$ARGS.positional' --args "${cleaned[@]}")" \
    --argjson failed "$(jq -n '$ARGS.positional' --args "${failed[@]}")" \
    '{host: $host, cleaned: $cleaned, failed: $failed}'
  [ ${#cleaned[@]} -gt 0 ] || fail "no clean-up worked on $HOST"
}

cmd_check() {
  local used
  used=$(usage_percent)
  echo "$MOUNTPOINT on $HOST: ${used}% used (threshold ${THRESHOLD}%)"
  [ -n "$used" ] && [ "$used" -lt "$THRESHOLD" ]
}

cmd_resolve() {
  local used key resolved=1
  used=$(usage_percent)
  if key=$(pagerduty_event resolve "" '{}'); then
    echo "resolve sent for dedup key $key"
  else
    resolved=0
  fi
  slack "✅ Disk cleanup freed space on $HOST: $MOUNTPOINT went from ${USAGE_BEFORE:-?}% to ${used}% used (threshold ${THRESHOLD}%)." \
    "✅ $MOUNTPOINT on $HOST is below ${THRESHOLD}% again" ||
    echo "the Slack post failed (see above)" >&2
  [ "$resolved" -eq 1 ] || fail "could not send the resolve event: an incident may stay open"
}

cmd_page() {
  local used details key paging paged=1
  # The page matters more than the figure: page even when the host cannot be reached.
  used=$(usage_percent 2>/dev/null) || used=unknown
  details=$(jq -n --arg mount "$MOUNTPOINT" --arg before "${USAGE_BEFORE:-unknown}" \
    --arg after "$used" --arg threshold "$THRESHOLD" --arg cleanup "${CLEANUP:-}" \
    '{mountpoint: $mount, used_percent_before: $before, used_percent_after: $after,
      threshold_percent: $threshold, cleanup: $cleanup}')
  if key=$(pagerduty_event trigger \
    "$MOUNTPOINT on $HOST is ${used}% full after automatic cleanup (threshold ${THRESHOLD}%)" \
    "$details"); then
    echo "paged on-call, dedup key $key"
    paging="Paging on-call engineer."
  else
    # Say so where people look, so that somebody pages by hand.
    paged=0
    paging="Paging on-call engineer FAILED: page them by hand."
  fi
  slack "⚠️ Disk cleanup on $HOST was not enough: $MOUNTPOINT is ${used}% used (threshold ${THRESHOLD}%). $paging" \
    "⚠️ $MOUNTPOINT on $HOST is still ${used}% full" ||
    echo "the Slack post failed (see above)" >&2
  [ "$paged" -eq 1 ] || fail "could not page on-call"
}

case ${1:-} in
  usage | cleanup | check | resolve | page) "cmd_$1" ;;
  *) fail "usage: $0 usage|cleanup|check|resolve|page" ;;
esac
