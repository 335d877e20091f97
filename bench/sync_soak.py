"""Soak the sync engine: the fault-injection simulation of tests/sync/test_simulation.py, for as long as asked.

Runs `STEPS` randomized steps (all faults at random strengths, a new seed per round of `--round` steps), lets
everyone sync to the end after each round, and checks the contract's promise (tests/sync/simulation.py,
`Simulation.check`). Exits non-zero on the first violation, printing the seed to replay it.

    .venv/bin/python bench/sync_soak.py 100000 [--round 5000] [--seed 1] [--database-url URL]
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.sync_push import make_app  # noqa: E402
from server.extensions import db  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("steps", type=int, nargs="?", default=20_000)
    parser.add_argument("--round", type=int, default=5000, help="steps between quiescence checks")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--database-url", default=None, help="postgresql+psycopg://… (default: SQLite)")
    args = parser.parse_args()

    from tests.sync.simulation import Faults, Simulation

    app, drop = make_app(args.database_url)
    app.config["TESTING"] = True
    done, seed, start = 0, args.seed, time.perf_counter()
    try:
        while done < args.steps:
            steps = min(args.round, args.steps - done)
            faults = Faults.all(random.Random(seed * 7919))
            try:
                with Simulation(app, app.test_client(), seed, faults) as sim:
                    sim.run(steps)
                    sim.quiesce()
                    report = sim.check()
            except AssertionError:
                print(f"FAILED at seed {seed} ({steps} steps); replay: --seed {seed} --round {steps}", flush=True)
                raise
            done += steps
            print(
                f"seed {seed}: {report}  [{done}/{args.steps} steps, {time.perf_counter() - start:.0f} s]", flush=True
            )
            seed += 1
    finally:
        with app.app_context():
            db.engine.dispose()
        if drop:
            drop()
    print(f"soak passed: {done} steps in {time.perf_counter() - start:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
