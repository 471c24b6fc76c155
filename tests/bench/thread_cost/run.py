"""What the shim adds to one thread's creation and join: wall and CPU per
create/join pair, bare and under the shim, in shuffled rounds; medians.
    python3 tests/bench/thread_cost/run.py [--pin] [rounds, default 50] [extra LD_PRELOAD libraries to compare...]
--pin runs everything on CPU 1 (taskset): no cross-core wake-ups, whose cost on
a VM otherwise drowns differences under a microsecond."""
import os, random, statistics, subprocess, sys, tempfile

here = os.path.dirname(os.path.abspath(__file__))
shim = os.path.normpath(os.path.join(here, "../../../preload/libshim.so"))
args = sys.argv[1:]
pin = ["taskset", "-c", "1"] if "--pin" in args else []
args = [a for a in args if a != "--pin"]
rounds = int(args[0]) if args else 50
variants = {"bare": None, "libshim.so": shim}
for extra in args[1:]:
    variants[extra] = extra
with tempfile.TemporaryDirectory() as scratch:
    program = os.path.join(scratch, "create_join")
    subprocess.run(["gcc", "-O2", "-pthread", "-o", program, os.path.join(here, "create_join.c")], check=True)
    wall = {name: [] for name in variants}
    cpu = {name: [] for name in variants}
    for _ in range(rounds):
        order = list(variants.items())
        random.shuffle(order)
        for name, library in order:
            env = dict(os.environ, SHIM_LOG=os.path.join(scratch, "log.bin"))
            if library:
                env["LD_PRELOAD"] = library
            out = subprocess.run([*pin, program, "3000"], env=env, capture_output=True, text=True, check=True).stdout
            w, c = map(float, out.split())
            wall[name].append(w)
            cpu[name].append(c)
base_wall, base_cpu = statistics.median(wall["bare"]), statistics.median(cpu["bare"])
print(f"| preloaded | wall per create+join | CPU per create+join |\n|---|---|---|")
for name in variants:
    w, c = statistics.median(wall[name]), statistics.median(cpu[name])
    print(f"| {name} | {w / 1000:.1f} µs (+{(w - base_wall) / 1000:.1f}) | {c / 1000:.1f} µs (+{(c - base_cpu) / 1000:.1f}) |")
