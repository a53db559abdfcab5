#!/usr/bin/env python3
"""Where a closed-loop unlock's time goes on Redis: CPU of the client, the server and redis-server during the burst.

Starts a private redis-server and an AuthServer (Development, dev sink, the card/document/address/channel limits
raised as tests/e2e/burst-on-redis.sh does) on free loopback ports, runs `AuthClient burst` (closed loop), and reads
/proc/<pid>/stat of the three processes and /proc/stat of the machine when the burst phase starts (the runner's
"closed loop, N flows" line) and when the client exits. Prints, for the burst phase: wall time, flows/s, CPU of each
process in ms per flow and as a share of wall × cores, what the rest of the machine took (other processes: on a
shared machine, other people's work) and what stayed idle.

Usage: benchmarks/burst/cpu-breakdown.py [--build DIR] [--server-build DIR] [--customers N] [--concurrency C] [--label L]
                                        [--client-env NAME=VALUE] [--server-env NAME=VALUE] [--repeat N] [--marks] [--threads]
                                        [-- extra burst args]
  --build DIR: a checkout with a Release build (default: this one); its AuthClient (and AuthServer) are used.
  --server-build DIR: the AuthServer of another build, e.g. to compare two clients against one server.
Per-call figures need a runner that names its phases on stderr (this one); an older runner gives the burst only.
Loopback only; each run takes about 20 s plus the burst.
"""
import argparse
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time

TICKS = os.sysconf("SC_CLK_TCK")
CORES = os.cpu_count()


# The runner's progress lines that open each phase (BurstRunner, Anchors), in order.
PHASES = [
    ("health anchor: warm-up...", "health warm-up"),
    ("health anchor: measuring...", "health"),
    ("StartRecovery anchor: warm-up...", "StartRecovery warm-up"),
    ("StartRecovery anchor: measuring...", "StartRecovery"),
    ("single-hash samples...", "samples"),
    ("capacity probe: warm-up...", "capacity warm-up"),
    ("capacity probe: measuring...", "capacity"),
    ("provisioning ", "provisioning"),
    (": closed loop, ", "burst"),
]


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def proc_cpu(pid):
    """utime + stime of a process, seconds (its threads included)."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS


def server_threads(pid):
    """(hashing threads' CPU s, context switches of all live threads (voluntary, involuntary)) of the server.

    The hashing threads are the Argon2 gate's own (named argon2-N); the rest of the server's CPU is the process total
    minus theirs, so threads that exited between two marks still count there. Switches are summed over the threads
    alive at the mark (a thread-pool thread that retired in between takes its count with it: a lower bound).
    """
    hashing, voluntary, involuntary = 0.0, 0, 0
    for tid in os.listdir(f"/proc/{pid}/task"):
        try:
            with open(f"/proc/{pid}/task/{tid}/stat") as f:
                head, tail = f.read().rsplit(")", 1)
            with open(f"/proc/{pid}/task/{tid}/status") as f:
                status = dict(line.split(":", 1) for line in f if ":" in line)
        except FileNotFoundError:
            continue  # it exited meanwhile
        if head.split("(", 1)[1].startswith("argon2-"):
            fields = tail.split()
            hashing += (int(fields[11]) + int(fields[12])) / TICKS
        voluntary += int(status["voluntary_ctxt_switches"])
        involuntary += int(status["nonvoluntary_ctxt_switches"])
    return hashing, voluntary, involuntary


def machine_cpu():
    """(busy, idle) seconds of every core since boot; iowait counts as idle."""
    with open("/proc/stat") as f:
        values = [int(v) for v in f.readline().split()[1:]]
    idle = values[3] + values[4]
    return (sum(values[:8]) - idle) / TICKS, idle / TICKS


def wait_port(port, deadline):
    until = time.monotonic() + deadline
    while time.monotonic() < until:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"nothing listens on 127.0.0.1:{port} after {deadline} s")


def main():
    parser = argparse.ArgumentParser()
    here = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    parser.add_argument("--build", default=here)
    parser.add_argument("--server-build", help="the server from another checkout's Release build (default: --build's)")
    parser.add_argument("--repeat", type=int, default=1,
                        help="run the client this many times against the same server and report the last (a warm server)")
    parser.add_argument("--customers", type=int, default=120)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--label", default="")
    parser.add_argument("--client-env", action="append", default=[], metavar="NAME=VALUE",
                        help="an environment variable for the client only (e.g. a runtime knob under test)")
    parser.add_argument("--server-env", action="append", default=[], metavar="NAME=VALUE",
                        help="an environment variable for the server only")
    parser.add_argument("--client-wrap", default="", help="a command the client runs under, e.g. 'perf record -g -o F --'")
    parser.add_argument("--server-wrap", default="", help="a command the server runs under (a profiler)")
    parser.add_argument("--marks", action="store_true", help="also print each phase's CLOCK_MONOTONIC start (for perf -k mono --time)")
    parser.add_argument("--threads", action="store_true",
                        help="also split the server's CPU into its hashing threads (argon2-N) and the rest, and count its "
                             "threads' context switches per unit (not with --server-wrap: the wrapper's pid is read)")
    parser.add_argument("--keep", action="store_true", help="keep the run's directory (server log, sink, report) and print its path")
    parser.add_argument("extra", nargs="*")
    args = parser.parse_args()

    build = os.path.abspath(args.build)
    server_dir = f"{os.path.abspath(args.server_build or build)}/src/AuthServer/bin/Release/net10.0"
    client_dll = f"{build}/src/AuthClient/bin/Release/net10.0/AuthClient.dll"
    with open(f"{build}/src/AuthServer/appsettings.Development.json") as f:
        admin = json.load(f)["Directory"]["AdminTokens"][0]
    work = tempfile.mkdtemp(prefix="burst-cpu-")
    redis_port, port = free_port(), free_port()
    redis = subprocess.Popen(
        ["redis-server", "--port", str(redis_port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        stdout=open(f"{work}/redis.log", "w"), stderr=subprocess.STDOUT)
    env = dict(os.environ, ASPNETCORE_ENVIRONMENT="Development",
               Storage__Provider="Redis", Storage__Redis__Configuration=f"127.0.0.1:{redis_port}",
               Notifications__DevSink__Path=f"{work}/sink.jsonl",
               RateLimits__PerCard__Limit="1000000", RateLimits__PerDocument__Limit="1000000",
               RateLimits__PerClientAddress__Limit="1000000", RateLimits__PerChannel__Limit="1000000",
               **dict(v.split("=", 1) for v in args.server_env))
    server = subprocess.Popen(
        [*args.server_wrap.split(), "dotnet", f"{server_dir}/AuthServer.dll", "--urls", f"http://127.0.0.1:{port}", "--contentRoot", server_dir],
        env=env, stdout=open(f"{work}/server.log", "w"), stderr=subprocess.STDOUT)
    try:
        wait_port(redis_port, 30)
        wait_port(port, 60)
        for _ in range(args.repeat):
            client = subprocess.Popen(
                [*args.client_wrap.split(), "dotnet", client_dll, "burst", "--server", f"http://127.0.0.1:{port}", "--customers", str(args.customers),
                 "--concurrency", str(args.concurrency), "--dev-sink", f"{work}/sink.jsonl", "--admin-token", admin,
                 "--json", f"{work}/burst.json", "--no-input", *args.extra],
                env=dict(os.environ, **dict(v.split("=", 1) for v in args.client_env)),
                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
            pids = {"client": client.pid, "server": server.pid, "redis": redis.pid}
            marks = {}  # phase -> (monotonic, {process: cpu s}, (machine busy, idle))

            def mark(name):
                marks[name] = (time.monotonic(), {k: proc_cpu(p) for k, p in pids.items()}, machine_cpu(),
                               server_threads(server.pid) if args.threads else None)

            for line in client.stderr:
                for phase, name in PHASES:
                    if phase in line and name not in marks:
                        mark(name)
                if line.startswith("flows ") and "burst" in marks:
                    done, total = line.split()[1].split("/")
                    if done == total:
                        mark("end")  # every flow ended; the report is written after it
            client.wait()
            if "end" not in marks:
                raise SystemExit(f"the burst did not run to its end (client exit {client.returncode}); see {work}")
            with open(f"{work}/burst.json") as f:
                report = json.load(f)
    finally:
        server.terminate()
        redis.terminate()
        server.wait()
        redis.wait()
        if args.keep:
            print(f"kept {work}", file=sys.stderr)
        else:
            shutil.rmtree(work, ignore_errors=True)

    print(f"{args.label} burst {report['run_id']}: {report['flows_completed']} flows at {report['flows_per_second']} flows/s, "
          f"capacity {report['capacity']['verifies_per_second']} verifies/s = {report['capacity_flows_per_second']} flows/s, "
          f"flows ÷ capacity {report['flows_to_capacity']}; StartRecovery ÷ health {report['start_recovery_to_health_ratio']} "
          f"({report['start_recovery_rps']} ÷ {report['health_rps']}); failed {report['flows_failed']}, errors {report['errors']}")
    latency = report["latency_ms"]
    waits = {k: v for k, v in latency.items() if k.startswith("dev sink: ")}
    if waits:
        print("  waits for the dev sink (p50 / p99 ms): " + ", ".join(
            f"{k[len('dev sink: '):]} {v['p50']} / {v['p99']}" for k, v in sorted(waits.items())))
    units = {
        "health": ("call", latency.get("anchor: Health/Check", {}).get("count", 0)),
        "StartRecovery": ("call", latency.get("anchor: StartRecovery (decoy card)", {}).get("count", 0)),
        "capacity": ("verify", report["capacity"]["verifies"]),
        "burst": ("flow", report["flows_completed"]),
    }
    if args.marks:
        print("  marks: " + " ".join(f"{name}={mark[0]:.6f}" for name, mark in marks.items()))
    names = [name for _, name in PHASES] + ["end"]
    for name, after in zip(names, names[1:]):
        if name not in units or name not in marks or after not in marks:
            continue
        unit, count = units[name]
        start, end = marks[name], marks[after]
        wall = end[0] - start[0]
        used = {k: end[1][k] - start[1][k] for k in pids}
        busy = end[2][0] - start[2][0]
        used["other processes"] = busy - sum(used.values())
        used["idle"] = end[2][1] - start[2][1]
        per = 1000 / count if count else 0
        print(f"  {name}: {wall:.2f} s, {count} {unit}s counted")
        for process, seconds in used.items():
            print(f"    {process:16} {seconds * per:8.3f} ms per {unit}  {seconds / (wall * CORES):6.1%} of {CORES} cores")
        if args.threads:
            hashing = end[3][0] - start[3][0]
            print(f"    server, hashing threads {hashing * per:8.3f} ms per {unit}; other threads {(used['server'] - hashing) * per:8.3f} ms "
                  f"per {unit}; context switches per {unit}: {(end[3][1] - start[3][1]) * per / 1000:.1f} voluntary, "
                  f"{(end[3][2] - start[3][2]) * per / 1000:.1f} involuntary")

if __name__ == "__main__":
    main()
