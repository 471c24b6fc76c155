#!/usr/bin/env python3
"""make bench: the sample programs bare, under our shim and under the tools we
compete with, in paired rounds: each round runs bare and every tool once, in a
new random order, and a tool's ratio is taken per round against that round's
bare run. A cell gives the median wall time, the median of the per-round
ratios and their spread (10th to 90th percentile). Competitors run only the
first --competitor-runs rounds (they are cut off at 30 s). --smoke: one run
each, no competitors, small inputs (make test runs it so the bench never rots)."""
import argparse
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
SHIM = os.path.join(ROOT, "preload", "libshim.so")
ANALYZER = os.path.join(ROOT, "analyzer", "analyzer")
WORDS = os.path.join(ROOT, "workloads", "words")
MANDELBROT = os.path.join(ROOT, "workloads", "mandelbrot")
WORDFREQ = os.path.join(ROOT, "workloads", "wordfreq")
MUTEX_LOOP = os.path.join(ROOT, "tests", "programs", "mutex_loop")
STORM = os.path.join(ROOT, "tests", "programs", "thread_storm")
SOAK = os.path.join(ROOT, "tests", "programs", "soak")
STDIO_LINES = os.path.join(ROOT, "tests", "programs", "stdio_lines")
STDIO_PRINTF = os.path.join(ROOT, "tests", "programs", "stdio_unbuffered")
BOOK = os.path.abspath(os.path.join(ROOT, "..", "shared", "data", "moby.txt"))
CAP_S = 30  # each competitor run is cut off here (they reach hundreds of x)
PROCESSES = 500  # the per-process rows: this many short processes in a run


def small_project(workdir):
    """A make -j2 of 16 small C files and a link: short compiler processes."""
    project = os.path.join(workdir, "project")
    os.makedirs(project, exist_ok=True)
    for i in range(16):
        with open(os.path.join(project, f"unit{i}.c"), "w") as f:
            f.write(f"#include <stdio.h>\nint unit{i}(int x) {{ return x * {i + 1} + printf(\"%d\", x); }}\n")
    with open(os.path.join(project, "main.c"), "w") as f:
        f.write("int main(void) { return 0; }\n")
    with open(os.path.join(project, "Makefile"), "w") as f:
        f.write("OBJ := $(patsubst %.c,%.o,$(wildcard *.c))\nall: prog\nprog: $(OBJ)\n\t$(CC) -o $@ $^\n"
                "%.o: %.c\n\t$(CC) -O1 -c -o $@ $<\n")
    return ["make", "-s", "-B", "-j2", "-C", project]


def machine():
    """What the figures were measured on: CPU, cores, kernel and the CPU
    vulnerabilities' mitigations (they set what a syscall's return costs)."""
    model = "unknown CPU"
    try:
        with open("/proc/cpuinfo") as f:
            model = next((line.split(":", 1)[1].strip() for line in f if line.startswith("model name")), model)
    except OSError:
        pass
    lines = [f"# machine: {model}, {os.cpu_count()} cores, Linux {os.uname().release}, "
             f"{time.strftime('%Y-%m-%d')}"]
    folder = "/sys/devices/system/cpu/vulnerabilities"
    try:
        states = []
        for name in sorted(os.listdir(folder)):
            with open(os.path.join(folder, name)) as f:
                state = f.read().strip()
            if state != "Not affected":
                states.append(f"{name}: {state}")
        lines.append("# mitigations: " + ("; ".join(states) if states else "none needed"))
    except OSError:
        lines.append("# mitigations: not reported by this kernel")
    return lines


def programs(smoke):
    png = os.path.join(tempfile.gettempdir(), "bench-mandelbrot.png")
    size = ["-w", "256", "-h", "256"] if smoke else []
    pairs, pairs_label = ("100000", "100k") if smoke else ("10000000", "10M")
    rows = [
        ("words unbuffered", [WORDS, "--mode", "unbuffered", BOOK]),
        ("words alloc", [WORDS, "--mode", "alloc", BOOK]),
        ("words alloc, SHIM_ALLOC_SAMPLE=524288", [WORDS, "--mode", "alloc", BOOK]),
        # Paused (issue 16): the hooks reduced to a flag test, no log written.
        ("words unbuffered, SHIM_START=paused", [WORDS, "--mode", "unbuffered", BOOK]),
        ("words alloc, SHIM_START=paused", [WORDS, "--mode", "alloc", BOOK]),
        ("words buffered", [WORDS, "--mode", "buffered", BOOK]),
        # stdio-heavy: every call hooked (fgets+fwrite per line; a buffered printf per line)
        ("stdio fgets+fwrite, the book", [STDIO_LINES, BOOK, os.devnull]),
        ("printf " + ("100k" if smoke else "1M") + " lines", [STDIO_PRINTF, "lines", os.devnull, "100000" if smoke else "1000000"]),
        ("mandelbrot seq", [MANDELBROT, "-mode", "seq", *size, "-o", png]),
        ("mandelbrot row", [MANDELBROT, "-mode", "row", *size, "-o", png]),
        ("mandelbrot workers 2", [MANDELBROT, "-mode", "workers", "-workers", "2", *size, "-o", png]),
        ("mandelbrot px " + ("64x64" if smoke else "128x128"), [MANDELBROT, "-mode", "px", "-w", "64" if smoke else "128",
                                   "-h", "64" if smoke else "128", "-o", png]),
        ("thread_storm " + ("1k" if smoke else "100k"), [STORM, "1000" if smoke else "100000"]),
        # Locks: what the wait hooks cost when nobody waits (one thread), and
        # when every acquisition may be contended (four threads, one mutex).
        (f"mutex lock+unlock {pairs_label}, 1 thread", [MUTEX_LOOP, "1", pairs]),
        (f"mutex lock+unlock {pairs_label}, 4 threads on one mutex", [MUTEX_LOOP, "4", pairs]),
        ("wordfreq locked -t 4", [WORDFREQ, "--mode", "locked", "-t", "4", BOOK]),
        ("wordfreq sharded -t 4", [WORDFREQ, "--mode", "sharded", "-t", "4", BOOK]),
        # The fixed cost of each process image the shim is loaded into.
        (f"{PROCESSES} /bin/true from a shell loop, per process",
         ["sh", "-c", f"i=0; while [ $i -lt {PROCESSES} ]; do /bin/true; i=$((i+1)); done"]),
        ("make -j2, 16 small C files", small_project(tempfile.gettempdir())),
    ]
    return rows


def tools(smoke, workdir):
    log = os.path.join(workdir, "log.bin")
    # Bare and shim are started alike, straight from here with the shim in the
    # environment: a wrapper such as `env` in front of the shim alone would add
    # its own start-up (0.9 ms here, with its locale) to the shim's column.
    found = [("bare", lambda cmd: (cmd, {})),
             ("shim", lambda cmd: (cmd, {"LD_PRELOAD": SHIM, "SHIM_LOG": log}))]
    if smoke:
        return found
    cap = ["timeout", "-s", "KILL", str(CAP_S)]
    if shutil.which("strace"):
        found.append(("strace -c -f", lambda cmd: ([*cap, "strace", "-c", "-f", "-o", os.devnull, *cmd], {})))
    if shutil.which("ltrace"):
        found.append(("ltrace -c", lambda cmd: ([*cap, "ltrace", "-c", "-f", "-o", os.devnull, *cmd], {})))
    if shutil.which("heaptrack"):
        out = os.path.join(workdir, "heaptrack.out")
        found.append(("heaptrack", lambda cmd: ([*cap, "heaptrack", "-o", out, *cmd], {})))
    if shutil.which("valgrind"):
        found.append(("dhat", lambda cmd: ([*cap, "valgrind", "--tool=dhat", "--dhat-out-file=" + os.devnull, *cmd], {})))
    return found


def remove_child_logs(workdir):
    """Each process under the shim writes its own log (log.bin.PID): a run of
    500 processes leaves 499 of them, and the next run must not see them."""
    for entry in os.listdir(workdir):
        if entry.startswith("log.bin."):
            os.remove(os.path.join(workdir, entry))


def run_once(argv, extra_env, cwd):
    """Wall time and exit code of one run."""
    env = dict(os.environ, **extra_env)
    start = time.perf_counter()
    code = subprocess.run(argv, env=env, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode
    return time.perf_counter() - start, code


def peak_rss_kb(argv, extra_env, cwd):
    """Peak RSS of one (untimed) run in KiB, 0 when GNU time is missing. The
    kernel carries a process's peak across exec, so a child forked from this
    Python would report Python's: GNU time, a small process, starts it, and
    `env` puts the settings in, the same way for bare and shim."""
    if not os.path.exists("/usr/bin/time"):
        return 0
    rss_file = os.path.join(cwd, "rss")
    settings = [f"{key}={value}" for key, value in extra_env.items()]
    subprocess.run(["/usr/bin/time", "-f", "%M", "-o", rss_file, "env", *settings, *argv], cwd=cwd,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        with open(rss_file) as f:
            return int(f.read().split()[-1])
    except (OSError, ValueError, IndexError):
        return 0


def cell(samples, bares, capped, per_process=False):
    """Median wall time and the median of the per-round ratios to bare, with
    their 10th-90th percentile spread when there are enough rounds."""
    if not samples:
        return "-"
    median = statistics.median(samples)
    if capped and median >= CAP_S * 0.99:
        return f">{CAP_S} s (>{CAP_S / statistics.median(bares):.0f}x)"
    if samples is bares:
        return fmt_seconds(median)
    ratios = sorted(t / b for t, b in zip(samples, bares))
    text = f"{fmt_seconds(median)} ({statistics.median(ratios):.2f}x"
    if len(ratios) >= 5:
        deciles = statistics.quantiles(ratios, n=10)
        text += f", {deciles[0]:.2f}-{deciles[-1]:.2f}"
    if per_process and samples is not bares:
        extra = statistics.median(t - b for t, b in zip(samples, bares)) / PROCESSES
        text += f"; +{extra * 1000:.2f} ms a process"
    return text + ")"


def row_setting(name):
    """A row named "program, SHIM_X=V" runs with that setting (bare too: it reads none)."""
    if ", SHIM_" not in name:
        return {}
    key, value = name.split(", ", 1)[1].split("=", 1)
    return {key: value}


def fmt_seconds(s):
    return f"{s * 1000:.1f} ms" if s < 1 else f"{s:.2f} s"


def log_figures(workdir, sampled):
    """Bytes of log per recorded event and the analyzer's speed on that log.
    A sampled log records a sample of the events (the report's counts stand
    for all of them), so neither per-event figure applies to it."""
    log = os.path.join(workdir, "log.bin")
    if not os.path.exists(log):
        return None
    report = subprocess.run([ANALYZER, "report", "--format", "json", log], capture_output=True, text=True)
    if report.returncode != 0:
        return None
    data = json.loads(report.stdout)
    # Recorded events: I/O calls, allocation and free events, thread lives.
    events = sum(s.get("calls", 0) for s in data.get("io_sites", []))
    allocs = data.get("allocations", {})
    events += allocs.get("allocations", 0) + allocs.get("frees", 0)
    events += data.get("threads", {}).get("threads", 0)
    times = []
    for _ in range(5):
        start = time.perf_counter()
        subprocess.run([ANALYZER, "report", log], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        times.append(time.perf_counter() - start)
    return os.path.getsize(log), 0 if sampled else events, statistics.median(times)


def soak_once(seconds, workdir, env):
    """One timed soak run (2 threads): its tallies and peak RSS in KiB."""
    rss_file = os.path.join(workdir, "rss")
    timer = ["/usr/bin/time", "-f", "%M", "-o", rss_file] if os.path.exists("/usr/bin/time") else []
    out = subprocess.run([*timer, "env", *env, SOAK, str(seconds), "2"], cwd=workdir, capture_output=True,
                         text=True, check=True).stdout
    tallies = {name: int(value) for name, value in (line.split() for line in out.splitlines())}
    try:
        with open(rss_file) as f:
            tallies["peak_kb"] = int(f.read().split()[-1])
    except (OSError, ValueError, IndexError):
        tallies["peak_kb"] = 0
    return tallies


def analyze_once(log, workdir):
    """The analyzer's wall time and peak RSS in KiB on one log."""
    rss_file = os.path.join(workdir, "rss")
    timer = ["/usr/bin/time", "-f", "%M", "-o", rss_file] if os.path.exists("/usr/bin/time") else []
    start = time.perf_counter()
    subprocess.run([*timer, ANALYZER, "report", log], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
    elapsed = time.perf_counter() - start
    with open(rss_file) as f:
        return elapsed, int(f.read().split()[-1])


def scale(seconds, workdir):
    """make soak: a two-thread program replacing heap blocks and reading for
    `seconds`, bare, under the shim, and under the shim sampling; the work
    done in the same time gives the overhead."""
    print(f"# make soak: tests/programs/soak {seconds:g} 2 (two threads replacing heap blocks for {seconds:g} s)")
    print(f"# machine: {os.cpu_count()} cores, {os.uname().release}")
    print("| run | allocations | work vs bare | events logged | log size | log growth | B/event "
          "| peak RSS | analyzer | analyzer peak RSS |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    log = os.path.join(workdir, "soak.bin")
    bare = soak_once(seconds, workdir, [])
    print(f"| bare | {bare['allocations']:,} | 1.00x | - | - | - | - | {bare['peak_kb'] / 1024:.1f} MiB | - | - |",
          flush=True)
    for name, extra in (("shim", []), ("shim, SHIM_ALLOC_SAMPLE=524288", ["SHIM_ALLOC_SAMPLE=524288"])):
        if os.path.exists(log):
            os.remove(log)
        run = soak_once(seconds, workdir, ["LD_PRELOAD=" + SHIM, "SHIM_LOG=" + log, *extra])
        size = os.path.getsize(log)
        report = subprocess.run([ANALYZER, "report", "--format", "json", log], capture_output=True, text=True,
                                check=True)
        allocs = json.loads(report.stdout).get("allocations", {})
        # Events in the log: sampled, it holds only the samples (the counts
        # the report shows stand for all), so neither figure applies.
        events = None if extra else allocs.get("allocations", 0) + allocs.get("frees", 0)
        analyze, analyzer_kb = analyze_once(log, workdir)
        logged = f"{events:,}" if events else "sampled"
        per_event = f"{size / events:.2f}" if events else "-"
        speed = f"{fmt_seconds(analyze)} ({events / analyze / 1e6:.1f} M ev/s)" if events else fmt_seconds(analyze)
        print(f"| {name} | {run['allocations']:,} | {bare['allocations'] / run['allocations']:.2f}x slower "
              f"| {logged} | {size / 1e6:.0f} MB | {size / 1e6 / seconds:.1f} MB/s | {per_event} "
              f"| {run['peak_kb'] / 1024:.1f} MiB | {speed} | {analyzer_kb / 1024:.1f} MiB |", flush=True)
        os.remove(log)
    return 0


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=21, help="paired rounds of bare and shim")
    parser.add_argument("--competitor-runs", type=int, default=3, help="rounds that also run the competitors")
    parser.add_argument("--smoke", action="store_true")
    parser.add_argument("--tools", help="comma-separated columns to run (default: all installed)")
    parser.add_argument("--only", help="comma-separated substrings: run only matching programs")
    parser.add_argument("--scale", type=float, metavar="SECONDS", help="the long-run table instead (make soak)")
    args = parser.parse_args()
    if args.scale:
        workdir = tempfile.mkdtemp(prefix="shim-soak-")
        try:
            return scale(args.scale, workdir)
        finally:
            shutil.rmtree(workdir, ignore_errors=True)
    runs = 1 if args.smoke else max(args.runs, 1)
    if args.smoke:
        global PROCESSES
        PROCESSES = 50
    workdir = tempfile.mkdtemp(prefix="shim-bench-")
    tool_list = tools(args.smoke, workdir)
    if args.tools:
        wanted = args.tools.split(",")
        tool_list = [t for t in tool_list if t[0] in ("bare", "shim") or any(t[0].startswith(w) for w in wanted)]
    print(f"# make bench: {runs} paired round(s); a cell is the median time (median ratio to the same "
          f"round's bare run, 10th-90th percentile of those ratios); competitors in the first "
          f"{min(runs, args.competitor_runs)} rounds")
    for line in machine():
        print(line)
    header = ["program"] + [name for name, _ in tool_list] + ["shim peak RSS +", "log B/event", "analyzer"]
    print("| " + " | ".join(header) + " |")
    print("|" + "---|" * len(header))
    failures = 0
    for name, cmd in programs(args.smoke):
        if args.only and not any(part in name for part in args.only.split(",")):
            continue
        times = {tool: [] for tool, _ in tool_list}
        runs_of = {tool: wrap(cmd) for tool, wrap in tool_list}
        setting = row_setting(name)
        if setting:
            runs_of = {tool: (argv, dict(env, **setting)) for tool, (argv, env) in runs_of.items()}
        if os.path.exists(os.path.join(workdir, "log.bin")):
            os.remove(os.path.join(workdir, "log.bin"))  # a paused row writes none: no figures from the last row's
        for round_number in range(runs):
            # A new order each round: a slow spell on the machine, or one
            # tool warming the page cache for the next, favours no column.
            in_round = [tool for tool in runs_of
                        if tool in ("bare", "shim") or round_number < args.competitor_runs]
            for tool in random.sample(in_round, len(in_round)):
                argv, env = runs_of[tool]
                elapsed, code = run_once(argv, env, workdir)
                if tool in ("bare", "shim") and code != 0:
                    print(f"! {name} under {tool} exited {code}", file=sys.stderr)
                    failures += 1
                times[tool].append(elapsed)
                remove_child_logs(workdir)
        rss = {tool: peak_rss_kb(*runs_of[tool], workdir) for tool in ("bare", "shim")}
        per_process = "per process" in name
        cells = [cell(times[tool], times["bare"], tool not in ("bare", "shim"), per_process)
                 for tool, _ in tool_list]
        rss_text = f"{(rss['shim'] - rss['bare']) / 1024:.1f} MiB" if rss["bare"] > 0 else "-"
        figures = log_figures(workdir, "SHIM_ALLOC_SAMPLE=" in name)
        if figures:
            size, events, analyze = figures
            per_event = f"{size / events:.3f}" if events else "-"
            speed = f"{fmt_seconds(analyze)} ({events / analyze / 1e6:.1f} M ev/s)" if events else fmt_seconds(analyze)
        else:
            per_event, speed = "-", "-"
        print(f"| {name} | " + " | ".join(cells) + f" | {rss_text} | {per_event} | {speed} |",
              flush=True)
    shutil.rmtree(workdir, ignore_errors=True)
    if args.smoke:
        print(f"bench smoke: {len(programs(True)) * len(tool_list) - failures} passed, {failures} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
