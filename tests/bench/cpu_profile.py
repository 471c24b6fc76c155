#!/usr/bin/env python3
"""make bench-cpu: what the shim's CPU profile costs and whether it agrees with
the profilers people already use. Mandelbrot seq and workers run in paired
rounds (a new random order each round): bare, the shim without the profile
(SHIM_CPU_HZ=0), the shim at 100 Hz, `perf record -g` at 100 Hz and gperftools'
libprofiler.so (CPUPROFILE, 100 Hz). The profile's own cost is the ratio of the
shim at 100 Hz to the shim without it in the same round; the tools' ratios are
to bare. Then one profiled run of each tool gives the hottest function's
share, and one `perf record` of the shim at its highest rate gives the cost of
a sample: the CPU perf finds inside the shim's handler (with the unwinder it
calls) divided by the samples the log holds."""
import argparse
import json
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
SHIM = os.path.join(ROOT, "preload", "libshim.so")
ANALYZER = os.path.join(ROOT, "analyzer", "analyzer")
MANDELBROT = os.path.join(ROOT, "workloads", "mandelbrot")
PROFILER = "/usr/lib/x86_64-linux-gnu/libprofiler.so.0"
HANDLER = "cpu_profile_on_signal"  # the shim's entry for a sample (preload/record/cpu_profile.cpp)


def programs(workdir, size):
    png = os.path.join(workdir, "m.png")
    dims = ["-w", str(size), "-h", str(size), "-o", png]
    return [("mandelbrot seq", [MANDELBROT, "-mode", "seq", *dims]),
            ("mandelbrot workers 2", [MANDELBROT, "-mode", "workers", "-workers", "2", *dims])]


def tools(workdir):
    log = os.path.join(workdir, "log.bin")
    found = [("bare", [], {}),
             ("shim, no profile", [], {"LD_PRELOAD": SHIM, "SHIM_LOG": log, "SHIM_CPU_HZ": "0"}),
             ("shim, 100 Hz", [], {"LD_PRELOAD": SHIM, "SHIM_LOG": log, "SHIM_CPU_HZ": "100"})]
    if shutil.which("perf"):
        found.append(("perf record -g", ["perf", "record", "-q", "-F", "100", "-g", "-o",
                                         os.path.join(workdir, "perf.data")], {}))
    if os.path.exists(PROFILER):
        found.append(("gperftools", [], {"LD_PRELOAD": PROFILER, "CPUPROFILE": os.path.join(workdir, "g.prof")}))
    return found


def run_once(argv, env, cwd):
    start = time.perf_counter()
    code = subprocess.run(argv, env=dict(os.environ, **env), cwd=cwd, stdout=subprocess.DEVNULL,
                          stderr=subprocess.DEVNULL).returncode
    return time.perf_counter() - start, code


def ratio_cell(times, against):
    ratios = sorted(t / b for t, b in zip(times, against))
    text = f"{statistics.median(times):.2f} s ({statistics.median(ratios):.3f}x"
    if len(ratios) >= 5:
        deciles = statistics.quantiles(ratios, n=10)
        text += f", {deciles[0]:.3f}-{deciles[-1]:.3f}"
    return text + ")"


def our_top(log, function):
    """The share of `function` among the log's samples (flat), the samples and log bytes."""
    out = subprocess.run([ANALYZER, "report", "--format", "json", "--top", "50", log], capture_output=True,
                         text=True, check=True).stdout
    cpu = json.loads(out).get("cpu_profile", {})
    share = sum(f["self_share"] for f in cpu.get("top_self", []) if f["function_short"].split("(")[0] == function)
    return share, cpu.get("samples", 0), cpu.get("cpu_seconds", 0.0)


def perf_shares(data, children=False):
    """perf report's per-symbol percentages (self, or with children)."""
    out = subprocess.run(["perf", "report", "-i", data, "--children" if children else "--no-children",
                          "--sort", "symbol", "--stdio", "-g", "none"], capture_output=True, text=True).stdout
    shares = {}
    for line in out.splitlines():
        m = re.match(r"\s+([\d.]+)%\s+(?:([\d.]+)%\s+)?\[[.k]\]\s+(.+?)(?:\s+-\s+-)?\s*$", line)
        if m:
            shares.setdefault(m.group(3), float(m.group(1)) / 100)
    return shares


def share_of(shares, function):
    """A function's share, by its name with or without namespace and parameters."""
    return sum(share for symbol, share in shares.items() if function in symbol.split("(")[0].split("::"))


def gperftools_share(binary, prof, function):
    out = subprocess.run(["google-pprof", "--text", binary, prof], capture_output=True, text=True).stdout
    for line in out.splitlines():
        fields = line.split()
        if len(fields) >= 6 and fields[-1] == function:
            return float(fields[1].rstrip("%")) / 100
    return None


def agreement(name, argv, workdir, function):
    """The hottest function's flat share by each profiler, from one run each."""
    log = os.path.join(workdir, "share.bin")
    subprocess.run(argv, env=dict(os.environ, LD_PRELOAD=SHIM, SHIM_LOG=log), cwd=workdir,
                   stdout=subprocess.DEVNULL, check=True)
    ours, samples, _ = our_top(log, function)
    row = f"| {name} | {function}() | {ours:.1%} of {samples} samples"
    if shutil.which("perf"):
        data = os.path.join(workdir, "share.data")
        subprocess.run(["perf", "record", "-q", "-F", "100", "-g", "-o", data, *argv], cwd=workdir,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        row += f" | {share_of(perf_shares(data), function):.1%}"
    if os.path.exists(PROFILER) and shutil.which("google-pprof"):
        prof = os.path.join(workdir, "share.prof")
        subprocess.run(argv, env=dict(os.environ, LD_PRELOAD=PROFILER, CPUPROFILE=prof), cwd=workdir,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        share = gperftools_share(argv[0], prof, function)
        row += f" | {share:.1%}" if share is not None else " | -"
    print(row + " |")


def cost_per_sample(argv, workdir, hz):
    """perf's share of the CPU inside the shim's handler, times the run's CPU,
    over the samples the shim took: ns a sample costs in user space (the
    kernel's delivery of the signal comes on top)."""
    log = os.path.join(workdir, "cost.bin")
    data = os.path.join(workdir, "cost.data")
    start = os.times()
    # env, started by perf, puts the shim in the program's environment: perf itself runs without it.
    subprocess.run(["perf", "record", "-q", "-F", "4000", "--call-graph", "dwarf", "-o", data,
                    "env", f"LD_PRELOAD={SHIM}", f"SHIM_LOG={log}", f"SHIM_CPU_HZ={hz}", *argv], cwd=workdir,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
    end = os.times()
    cpu = (end.children_user - start.children_user) + (end.children_system - start.children_system)
    inside = share_of(perf_shares(data, children=True), HANDLER)
    _, samples, _ = our_top(log, "")
    size = os.path.getsize(log)
    baseline = os.path.join(workdir, "cost0.bin")
    subprocess.run(argv, cwd=workdir, env=dict(os.environ, LD_PRELOAD=SHIM, SHIM_LOG=baseline, SHIM_CPU_HZ="0"),
                   stdout=subprocess.DEVNULL, check=True)
    extra = size - os.path.getsize(baseline)
    if samples == 0:
        return print(f"| SHIM_CPU_HZ={hz} | no samples | - | - |")
    print(f"| SHIM_CPU_HZ={hz}, {os.path.basename(argv[0])} {' '.join(argv[1:-2])} | {samples} | {inside * cpu / samples * 1e9:,.0f} ns "
          f"({inside:.2%} of {cpu:.2f} s CPU) | {extra / samples:.1f} B |")


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=11, help="paired rounds")
    parser.add_argument("--size", type=int, default=2048, help="image width and height")
    args = parser.parse_args()
    workdir = tempfile.mkdtemp(prefix="shim-cpu-bench-")
    try:
        tool_list = tools(workdir)
        print(f"# make bench-cpu: {args.runs} paired rounds, mandelbrot {args.size}x{args.size}; "
              f"{time.strftime('%Y-%m-%d')}, {os.cpu_count()} cores, Linux {os.uname().release}")
        print("# a cell: median time (median ratio, 10th-90th percentile); the profile's ratio is to the shim "
              "without it, the other tools' to bare")
        print("| program | " + " | ".join(name for name, _, _ in tool_list) + " |")
        print("|" + "---|" * (len(tool_list) + 1))
        for name, argv in programs(workdir, args.size):
            times = {tool: [] for tool, _, _ in tool_list}
            for _ in range(args.runs):
                for tool, prefix, env in random.sample(tool_list, len(tool_list)):
                    elapsed, code = run_once([*prefix, *argv], env, workdir)
                    if code != 0:
                        print(f"! {name} under {tool} exited {code}", file=sys.stderr)
                    times[tool].append(elapsed)
            cells = []
            for tool, _, _ in tool_list:
                if tool == "bare":
                    cells.append(f"{statistics.median(times[tool]):.2f} s")
                else:
                    against = times["shim, no profile"] if tool == "shim, 100 Hz" else times["bare"]
                    cells.append(ratio_cell(times[tool], against))
            print(f"| {name} | " + " | ".join(cells) + " |", flush=True)
        print("\n# the hottest function's flat share, one run of each profiler at 100 Hz")
        print("| program | function | shim | perf record | gperftools |")
        print("|---|---|---|---|---|")
        for name, argv in programs(workdir, args.size):
            agreement(name, argv, workdir, "pixel")
        if shutil.which("perf"):
            print("\n# cost of a sample: CPU inside the shim's handler (perf, 4 kHz, DWARF call graphs) per sample; log bytes per sample")
            print("| rate | samples | cost per sample | log bytes per sample |")
            print("|---|---|---|---|")
            # Twice the side, four times the samples: a ring's and a stack's first
            # touch (page faults) weigh less beside the samples' steady cost.
            seq = programs(workdir, args.size * 2)[0][1]
            for hz in (100, 1000):
                cost_per_sample(seq, workdir, hz)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
