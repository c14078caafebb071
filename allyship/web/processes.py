"""Which processes hold a port, belong to a process group, look like what we started.

Linux ``/proc`` only (elsewhere: nothing found). Used by ``serve`` and by the supervisors'
helpers (:mod:`allyship.web.supervision`) to clear what a killed process left behind.
"""

from __future__ import annotations

import os
import signal
from collections.abc import Callable
from pathlib import Path


def listening_inodes(port: int) -> set[str]:
    inodes = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            lines = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            fields = line.split()
            local, state, inode = fields[1], fields[3], fields[9]
            if state == "0A" and int(local.rsplit(":", 1)[1], 16) == port:  # 0A: LISTEN
                inodes.add(inode)
    return inodes


def cmdline(pid: int) -> str:
    try:
        raw = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return ""
    return raw.replace(b"\0", b" ").decode(errors="replace").strip()


def holders(port: int) -> list[tuple[int, str]]:
    """(pid, command line) of every process with a socket listening on ``port`` that
    this user can see (Linux ``/proc``; empty elsewhere)."""
    wanted = {f"socket:[{inode}]" for inode in listening_inodes(port)}
    found = []
    if not wanted:
        return found
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fds = list((entry / "fd").iterdir())
        except OSError:
            continue
        for fd in fds:
            try:
                if os.readlink(fd) in wanted:
                    found.append((int(entry.name), cmdline(int(entry.name))))
                    break
            except OSError:
                continue
    return sorted(found)


def describe_holders(port: int) -> str:
    held = holders(port)
    if not held:
        return f"port {port} is in use (by a process this user cannot see)"
    return f"port {port} is held by " + "; ".join(f"pid {pid}: {cmd or '?'}"
                                                  for pid, cmd in held)


def process_group(pid: int) -> int | None:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return int(stat.rsplit(")", 1)[1].split()[2])


def group_members(pgid: int) -> list[int]:
    """Live processes in process group ``pgid``."""
    out = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and process_group(int(entry.name)) == pgid:
            out.append(int(entry.name))
    return out


def kill_group_of(pid: int, looks_like: Callable[[str], bool], *,
                  sig: int = signal.SIGKILL) -> list[int]:
    """Signal every process of the group ``pid`` led (``pid`` may be dead already: its
    workers keep its group id) whose command line ``looks_like`` what we started —
    never a process that reused a number for something else. The pids signalled."""
    hit = []
    for member in group_members(pid):
        if member != os.getpid() and looks_like(cmdline(member)):
            try:
                os.kill(member, sig)
                hit.append(member)
            except ProcessLookupError:
                pass
    return hit


def is_nginx(cmd: str) -> bool:
    return cmd.startswith("nginx:") or "/nginx " in f"{cmd} "
