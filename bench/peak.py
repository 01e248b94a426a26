#!/usr/bin/env python3
"""Peak memory of a command's process tree, and which processes held it.

    bench/peak.py -- gongkai build --content C --out O

Samples the proportional set size (PSS: pages shared after fork count once across the processes)
of the command and all its descendants every 0.3 s, and prints the largest sum with the processes
that made it up and when. Sampling walks page tables and slows what it watches a little: use it
to find where memory goes, and bench/run for the figures compared with other generators.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time


def _pss(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/smaps_rollup", "rb") as handle:
            for line in handle:
                if line.startswith(b"Pss:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def _tree(pid: int) -> list[int]:
    found = [pid]
    try:
        tasks = os.listdir(f"/proc/{pid}/task")
    except OSError:
        return found
    for task in tasks:
        try:
            with open(f"/proc/{pid}/task/{task}/children") as handle:
                for child in handle.read().split():
                    found += _tree(int(child))
        except OSError:
            pass
    return found


def _name(pid: int) -> str:
    try:
        with open(f"/proc/{pid}/comm") as handle:
            return handle.read().strip()
    except OSError:
        return "?"


def main(command: list[str]) -> int:
    start = time.perf_counter()
    process = subprocess.Popen(command)
    peak, when, parts = 0, 0.0, []
    while process.poll() is None:
        sample = [(_name(pid), _pss(pid)) for pid in _tree(process.pid)]
        total = sum(size for _, size in sample)
        if total > peak:
            peak, when, parts = total, time.perf_counter() - start, sample
        time.sleep(0.3)
    seconds = time.perf_counter() - start
    held = ", ".join(f"{name} {size / 2**20:.0f}" for name, size in sorted(parts, key=lambda p: -p[1]))
    print(f"peak {peak / 2**20:.0f} MiB at {when:.1f} s of {seconds:.1f} s ({held} MiB)", file=sys.stderr)
    return process.returncode


if __name__ == "__main__":
    arguments = sys.argv[1:]
    if arguments[:1] == ["--"]:
        arguments = arguments[1:]
    if not arguments:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    sys.exit(main(arguments))
