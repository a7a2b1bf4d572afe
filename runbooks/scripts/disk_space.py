#!/usr/bin/env python3
"""Frees disk space on the host a disk alert names, over ssh.

The DiskSpaceRunbook of the team's incident automation: the host is the `instance` label
without its port; three safe clean-ups run in turn (old files in /tmp, the systemd journal
beyond three days, compressed logs older than 30 days). Prints one JSON object:
{"host": str, "cleaned": [commands that succeeded], "failed": [{"command", "exit_code",
"stderr"}]}. Exits 0 when at least one clean-up succeeded, 1 when none did.

ssh runs with BatchMode (no prompt can hang the runbook) and a ConnectTimeout, so an
unreachable host costs seconds, not the kernel's two-minute connect timeout.
"""
import json
import os
import subprocess
import sys

CLEANUPS = [
    "find /tmp -type f -mtime +7 -delete",
    "journalctl --vacuum-time=3d",
    "find /var/log -name '*.gz' -mtime +30 -delete",
]

instance = os.environ.get("INSTANCE", "")
host = instance.split(":")[0] if instance else ""
if not host:
    sys.stderr.write("the alert has no instance label: no host to clean\n")
    sys.exit(2)
connect_timeout = os.environ.get("SSH_CONNECT_TIMEOUT", "10")

cleaned = []
failed = []
for command in CLEANUPS:
    proc = subprocess.run(
        ["ssh", "-o", "BatchMode=yes", "-o", f"ConnectTimeout={connect_timeout}", host, command],
        capture_output=True,
        text=True,
    )
    if proc.returncode == 0:
        cleaned.append(command)
    else:
        failed.append(
            {"command": command, "exit_code": proc.returncode, "stderr": proc.stderr.strip()}
        )

print(json.dumps({"host": host, "cleaned": cleaned, "failed": failed}, sort_keys=True))
sys.exit(0 if cleaned else 1)
