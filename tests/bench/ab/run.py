"""Paired A/B of one program under several shim builds or settings: each round
runs bare and every variant once, in a new random order; prints each one's
median wall time, its ratio to bare's median, and the median of its paired
differences to bare (steadier on a machine whose speed drifts).
    python3 tests/bench/ab/run.py ROUNDS VARIANT... -- PROGRAM ARGS...
A variant is a library to preload, optionally with settings: "lib.so|SHIM_SAMPLE_US=4000"."""
import os, random, statistics, subprocess, sys, tempfile, time

split = sys.argv.index("--")
rounds, specs, command = int(sys.argv[1]), sys.argv[2:split], sys.argv[split + 1:]
variants = {"bare": None, **{spec: spec for spec in specs}}
wall = {name: [] for name in variants}
with tempfile.TemporaryDirectory() as scratch:
    for _ in range(rounds):
        for name, spec in random.sample(list(variants.items()), len(variants)):
            env = dict(os.environ, SHIM_LOG=os.path.join(scratch, "log.bin"))
            if spec:
                library, *settings = spec.split("|")
                env["LD_PRELOAD"] = library
                env.update(setting.split("=", 1) for setting in settings)
            start = time.perf_counter()
            subprocess.run(command, env=env, stdout=subprocess.DEVNULL, check=True)
            wall[name].append(time.perf_counter() - start)
bare = statistics.median(wall["bare"])
for name, times in wall.items():
    paired = statistics.median(t - b for t, b in zip(times, wall["bare"]))
    print(f"{name:40s} {statistics.median(times) * 1000:8.1f} ms  {statistics.median(times) / bare:.3f}x"
          f"  paired {paired * 1000:+.2f} ms")
