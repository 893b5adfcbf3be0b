#!/usr/bin/env python3
"""Summarises a speedscope file converted from a dotnet-trace sampled-thread-time trace (dotnet-trace convert --format Speedscope).

Each thread's evented profile is replayed into stacks over time. A sample interval counts as *busy* unless its leaf frame is a
wait (thread-pool idle, Monitor/semaphore waits, socket epoll, Thread.Sleep, unmanaged code under a Wait...). Prints:
  - busy vs waiting time over all threads,
  - top leaf methods (exclusive busy time),
  - inclusive busy time of the frames matched by --group NAME=regex (first matching group per stack wins, in given order).
Usage: speedscope_summary.py FILE.speedscope.json [--top 30] [--group render=ReceiptPdf ...] [--window START_S END_S]
"""
import json, re, sys, collections, argparse

WAIT = re.compile(r"(LowLevelLifoSemaphore|WaitOneCore|WaitHandle\.Wait|Monitor\.Wait|SemaphoreSlim\.Wait(?!Async)|Thread\.Sleep|"
                  r"ManualResetEventSlim\.Wait|SpinWait|Thread\.Join|WaitForSocketEvents|SocketAsyncEngine\.EventLoop|"
                  r"Interop\+Sys\.WaitForSocketEvents|LowLevelLock|PortableThreadPool\+GateThread|WaitSubsystem|"
                  r"Task\.SpinThenBlockingWait|Task\.InternalWaitCore|Interop\+Sys\.Read\b|Console|TimerQueue|"
                  r"Monitor\.ObjectWait|GC_BLOCKING|Thread\.StartCallback$)")

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("file")
    ap.add_argument("--top", type=int, default=30)
    ap.add_argument("--group", action="append", default=[])
    ap.add_argument("--window", nargs=2, type=float)
    a = ap.parse_args()
    d = json.load(open(a.file))
    frames = [f["name"] for f in d["shared"]["frames"]]
    groups = [(g.split("=", 1)[0], re.compile(g.split("=", 1)[1])) for g in a.group]
    busy = wait = 0.0
    leaf = collections.Counter()
    inc = collections.Counter()
    grp = collections.Counter()
    threads = collections.Counter()
    t_min = min((p["startValue"] for p in d["profiles"]), default=0)
    for p in d["profiles"]:
        stack, last = [], None
        unit = p.get("unit", "milliseconds")
        scale = 1.0 if unit == "milliseconds" else (1000.0 if unit == "seconds" else 1e-3 if unit == "microseconds" else 1e-6)
        for e in p["events"]:
            t = e["at"]
            if last is not None and stack and t > last:
                lo, hi = last, t
                if a.window:
                    w0, w1 = (t_min + a.window[0] * 1000 / scale, t_min + a.window[1] * 1000 / scale)
                    lo, hi = max(lo, w0), min(hi, w1)
                dt = max(0.0, hi - lo) * scale
                if dt > 0:
                    names = [frames[i] for i in stack]
                    top = names[-1]
                    parent = names[-2] if len(names) > 1 else ""
                    if top == "CPU_TIME":
                        # the finalizer thread waiting for work shows as managed CPU (its wait is a QCall): not work
                        is_wait = "Finalizer Thread" in p["name"] and parent.endswith("RunFinalizers()")
                    elif top.startswith("UNMANAGED_CODE_TIME"):
                        # native code: work (zlib, memmove, syscalls) unless the managed frame under it is a wait
                        is_wait = bool(WAIT.search(parent)) or parent in ("?!?", "") or parent.endswith("WorkerThreadStart()") \
                            or "Thread (" in parent or parent.endswith("StartCallback()")
                    else:
                        is_wait = bool(WAIT.search(top))
                    if is_wait:
                        wait += dt
                    else:
                        busy += dt
                        threads[p["name"]] += dt
                        leaf[top if not top.startswith("UNMANAGED") else top + " < " + (names[-2] if len(names) > 1 else "")] += dt
                        for n in set(names):
                            inc[n] += dt
                        for gname, rx in groups:
                            if any(rx.search(n) for n in names):
                                grp[gname] += dt
                                break
                        else:
                            grp["(other)"] += dt
            if e["type"] == "O":
                stack.append(e["frame"])
            else:
                # close the matching frame (evented profiles close in LIFO order)
                if stack and stack[-1] == e["frame"]:
                    stack.pop()
                elif e["frame"] in stack:
                    del stack[len(stack) - 1 - stack[::-1].index(e["frame"]):]
            last = t
    print(f"busy {busy/1000:.2f} s, waiting {wait/1000:.2f} s (thread-seconds over {len(d['profiles'])} threads)")
    if groups:
        print("\n== busy time by group (first match wins) ==")
        for k, v in grp.most_common():
            print(f"{v/1000:8.2f} s {100*v/busy:5.1f} %  {k}")
    print(f"\n== top {a.top} leaf methods (exclusive busy) ==")
    for k, v in leaf.most_common(a.top):
        print(f"{v/1000:8.2f} s {100*v/busy:5.1f} %  {k[:160]}")
    print(f"\n== top {a.top} inclusive (busy) ==")
    for k, v in inc.most_common(a.top + 40)[: a.top + 40]:
        print(f"{v/1000:8.2f} s {100*v/busy:5.1f} %  {k[:160]}")
    print("\n== busiest threads ==")
    for k, v in threads.most_common(8):
        print(f"{v/1000:8.2f} s  {k}")

main()
