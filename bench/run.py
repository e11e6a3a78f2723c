"""`make bench`: run the benchmarks on SQLite and (when reachable) PostgreSQL, print figures.

Ratios compare against a trivial view measured in the same run, so they hold across machines.
"""

import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
PG_URL = os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432/sangtao_bench")


def run(database_url: str) -> dict:
    env = {**os.environ, "DATABASE_URL": database_url}
    output = subprocess.run([sys.executable, str(HERE / "challenges_bench.py")], env=env, check=True,
                            capture_output=True, text=True).stdout
    return json.loads(output.strip().splitlines()[-1])


def postgres_available() -> bool:
    if not shutil.which("psql"):
        return False
    admin = PG_URL.rsplit("/", 1)[0] + "/postgres"
    name = PG_URL.rsplit("/", 1)[1]
    result = subprocess.run(["psql", admin, "-qc", f"DROP DATABASE IF EXISTS {name}", "-c", f"CREATE DATABASE {name}"],
                            capture_output=True, text=True)
    return result.returncode == 0


def report(result: dict) -> None:
    print(f"\n== {result['vendor']}: {result['challenges']} published challenges (set-up {result['setup_s']} s) ==")
    print(f"trivial view        {result['trivial_rps']:8.1f} req/s  (baseline)")
    print(f"challenge list page {result['list_rps']:8.1f} req/s  ratio {result['list_ratio']:.3f}")
    print(f"search page         {result['search_rps']:8.1f} req/s  ratio {result['search_ratio']:.3f}")
    pages = result["queries_per_page"]
    print("SQL queries per list page by page size: " + ", ".join(f"{k}: {v}" for k, v in pages.items()),
          "(constant)" if len(set(pages.values())) == 1 else "(GROWS with page size!)")
    latency = result["search_latency"]
    print(f"search latency      p50 {latency['p50_ms']:.2f} ms, p95 {latency['p95_ms']:.2f} ms")


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        report(run(f"sqlite:///{tmp}/bench.sqlite3"))
    if postgres_available():
        report(run(PG_URL))
    else:
        print("\nPostgreSQL not reachable at BENCH_PG_URL; skipped.")


if __name__ == "__main__":
    main()
