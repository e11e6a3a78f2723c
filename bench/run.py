"""`make bench`: run the benchmarks on SQLite and (when reachable) PostgreSQL, print figures.

Ratios compare against a trivial view measured in the same run, so they hold across machines.
"""

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
PG_URL = os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432/sangtao_bench")


SEARCH_SIZES = (500, 3000, 10000)
# The whole suite's wall time on 2 cores (issue 10): SQLite, PostgreSQL.
SUITE_BUDGET_S = {"SQLite": 120, "PostgreSQL": 180}
TICK = os.sysconf("SC_CLK_TCK")
# A fixed piece of pure Python: its CPU time says how fast this machine runs Python, so that a suite that
# got slower can be told from a machine that is slower (the suite's CPU is also given in these loops).
REFERENCE_LOOP = "import time\nt = time.process_time()\ns = 0\nfor i in range(20_000_000): s += i\nprint(time.process_time() - t)"


def run(database_url: str, challenges: int = 10000, script: str = "challenges_bench.py") -> dict:
    """Run one benchmark script on one database in a process of its own; its last line is its JSON."""
    env = {**os.environ, "DATABASE_URL": database_url, "BENCH_CHALLENGES": str(challenges)}
    output = subprocess.run([sys.executable, str(HERE / script)], env=env, check=True,
                            capture_output=True, text=True).stdout
    return json.loads(output.strip().splitlines()[-1])


def fresh_postgres(name: str) -> str:
    """The address of an empty PostgreSQL database `name` beside BENCH_PG_URL's (dropped first if there)."""
    server = PG_URL.rsplit("/", 1)[0]
    subprocess.run(["psql", server + "/postgres", "-qc", f"DROP DATABASE IF EXISTS {name}",
                    "-c", f"CREATE DATABASE {name}"], check=True, capture_output=True)
    return f"{server}/{name}"


def challenges(database_url: str) -> None:
    """Search latency as the challenges grow (one database, filled up to each size in turn); the
    full list and search report at the largest."""
    for size in SEARCH_SIZES:
        result = run(database_url, size)
        latency = result["search_latency"]
        print(f"search at {result['challenges']:6d} challenges ({result['vendor']}): p50 {latency['p50_ms']:.2f} ms, "
              f"p95 {latency['p95_ms']:.2f} ms")
    report(result)


def pages(database_url: str) -> None:
    r = run(database_url, script="pages_bench.py")
    budgets = r["budget_ms"]
    print(f"\n== every page at ten times the demo on {r['vendor']}: {r['challenges']} challenges, {r['users']} users "
          f"(set-up {r['setup_s']} s); p95 server time over each role that sees the page ==")
    over = {name: page for name, page in r["pages"].items() if page["p95_ms"] > budgets[page["kind"]]}
    for kind, budget in budgets.items():
        of_kind = [page for page in r["pages"].values() if page["kind"] == kind]
        worst = max(of_kind, key=lambda page: page["p95_ms"])
        print(f"{kind + 's':10s} {len(of_kind):3d}, {sum(p['p95_ms'] <= budget for p in of_kind):3d} within "
              f"{budget} ms; slowest {worst['url']} p95 {worst['p95_ms']} ms")
    for name, page in sorted(r["pages"].items(), key=lambda item: -item[1]["p95_ms"])[:10]:
        print(f"  {page['p95_ms']:7.1f} ms p95 {page['median_ms']:7.1f} ms median {page['cpu_p95_ms']:7.1f} ms CPU p95"
              f"  {page['url']}  ({name})")
    print(f"{len(over)} of {len(r['pages'])} over budget (the slowest above)" if over else "every page within its budget")


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


def assignment() -> None:
    output = subprocess.run([sys.executable, str(HERE / "assignment_bench.py")], check=True, capture_output=True,
                            text=True).stdout
    r = json.loads(output.strip().splitlines()[-1])
    print(f"\n== reviewer assignment: {r['proposals']} proposals x {r['experts']} experts, k = 3, loads 4-8, "
          f"{100 * r['conflict_share']:.2f}% conflicting pairs (best of {r['repeats']} runs) ==")
    print(f"affinities (TF-IDF)  {r['affinity_s']:8.3f} s")
    print(f"conflict detection   {r['conflicts_s']:8.3f} s   {100 * r['conflicts_vs_solve']:.1f}% of the sparse solve "
          "(goal <= 10%)")
    print(f"sparse solve (K={r['top_k']}) {r['sparse_s']:8.3f} s   {r['sparse_arcs']} arcs"
          + ("   FELL BACK to dense" if r["fell_back"] else ""))
    print(f"dense solve          {r['dense_s']:8.3f} s   {r['dense_arcs']} arcs (baseline)")
    print(f"speed-up             {r['speedup']:8.1f} x   (goal >= 10x)")
    print(f"objective            {r['objective_pct_of_dense']:8.3f} % of the dense optimum (goal >= 98.5%)")
    print(f"peak memory (RSS)    {r['peak_mib_after_sparse']:8.1f} MiB after the sparse solve, "
          f"{r['peak_mib_after_dense']:.1f} MiB after the dense one")


def surveys(database_url: str) -> None:
    r = run(database_url, script="surveys_bench.py")
    print(f"\n== surveys on {r['vendor']} (200 units x 12 periods) ==")
    print(f"import {r['import_rows']} rows ({r['file_mib']} MiB CSV) {r['import_s']:8.2f} s   {r['import_rps']} rows/s; "
          f"peak RSS {r['import_peak_mib']} MiB (+{r['import_peak_growth_mib']} MiB during the import)")
    print("  import steps (wall s / database CPU s): " + "; ".join(
        f"{step} {wall}" + (f" / {cpu}" if cpu is not None else "") for step, wall, cpu in r["import_phases"]))
    print(f"public answers posted at {r['answers_per_s']}/s to a local server: during the import {r['answer_n']}, "
          f"p50 {r['answer_p50_ms']} ms, p99 {r['answer_p99_ms']} ms (goal <= 1000), max {r['answer_max_ms']} ms; "
          f"with no import (baseline) {r['baseline_n']}, p50 {r['baseline_p50_ms']} ms, p99 {r['baseline_p99_ms']} ms")
    print(f"  {r['answers_sent']} posted, {r['answers_accepted']} accepted, {r['answers_stored']} stored; "
          f"file rows added {r['import_added']}; sums and count equal a full recompute: {r['sums_equal_recompute']}"
          + (f"; of the 50 ms samples, {r['lock_wait_samples']} saw a connection wait for a lock, "
             f"{r['waits_on_import_samples']} for a lock the import held" if r["vendor"] == "postgresql" else ""))
    if "copy_s" in r:
        print(f"raw COPY of the same file      {r['copy_s']:8.2f} s   {r['copy_rps']} rows/s (baseline); "
              f"import/COPY throughput ratio {r['import_vs_copy']} (goal >= 0.5)")
        print(f"floor: the same rows COPYed straight into the responses table {r['store_floor_s']:8.2f} s; "
              f"ratio {r['store_floor_vs_copy']} (no import into this table can do better)")
    print(f"refresh over {r['refresh_responses']} responses ({r['refresh_answers']} answers) {r['refresh_s']:8.2f} s; "
          f"DuckDB {r['duckdb_s']:.3f} s (baseline); ratio {r['refresh_vs_duckdb']} (goal <= 2); "
          f"identical: {r['identical']}")
    print(f"floor: one grouped scan reading no answer {r['scan_floor_s']:8.2f} s = {r['scan_floor_vs_duckdb']} x DuckDB "
          "(no refresh on this table can do better)")
    constant = "constant" if r["outcomes_queries_1"] == r["outcomes_queries_10"] else "GROWS with the challenges!"
    print(f"outcomes dashboard: {r['outcomes_queries_1']} SQL queries with 1 finished challenge, "
          f"{r['outcomes_queries_10']} with 10 ({constant}); {r['outcomes_rps']} req/s")
    print(f"survey dashboard: {r['dashboard_queries']} SQL queries per page, {r['dashboard_rps']} req/s")


def initiatives(database_url: str) -> None:
    r = run(database_url, script="initiatives_bench.py")
    print(f"\n== initiatives register on {r['vendor']}: {r['initiatives']} initiatives in {r['units']} units "
          f"(set-up {r['setup_s']} s); goal p95 <= 300 ms and a fixed number of queries ==")
    for role in ("dost", "leader"):
        small, large, overdue = r["small"][role], r["large"][role], r["overdue"][role]
        print(f"{role:7s} dashboard p95 {large['p95_ms']:7.1f} ms (median {large['median_ms']} ms); overdue filter "
              f"p95 {overdue['p95_ms']} ms; queries {small['queries']} at 1,000, {large['queries']} at "
              f"{r['initiatives']}" + (" (constant)" if small["queries"] == large["queries"] else " (GROWS!)"))


def annual(database_url: str) -> None:
    r = run(database_url, script="annual_bench.py")
    constant = "constant" if len(r["rollup_queries"]) == 1 else "VARIES!"
    print(f"\n== annual plans on {r['vendor']}: {r['units']} units x {r['tasks_per_plan']} tasks x {r['years']} years "
          f"(set-up {r['setup_s']} s) ==")
    print(f"DoST roll-up page: {r['rollup_queries']} SQL queries ({constant}), p95 {r['rollup_p95_ms']} ms "
          f"(goal <= 300), median {r['rollup_median_ms']} ms")
    print(f"city annual report (PDF and Excel, background job): {r['city_report_s']} s (goal <= 60)")


def capacity(database_url: str) -> None:
    r = run(database_url, script="capacity_bench.py")
    print(f"\n== capacity on {r['vendor']}: {r['units']} units x {r['respondents']} staff and {r['managers']} managers "
          f"x {r['years']} years (set-up {r['setup_s']} s) ==")
    print(f"index computation of a round (every unit's components from the maintained sums, composites, ranks): "
          f"{r['refresh_latest_s']} s (at the end of each year's answers: {r['refresh_s']}); after one answer "
          f"{r['one_unit_refresh_s']} s")
    print(f"recompute of a round (manage.py recompute_capacity: the three surveys' sums from the answers, then the "
          f"scores): {r['recompute_s']} s; identical to the maintained numbers: {r['recompute_identical']}")
    for name, page in r["benchmark_pages"].items():
        constant = "constant" if len(page["queries"]) == 1 else "VARIES!"
        print(f"benchmark page ({name}): p95 {page['p95_ms']} ms (goal <= 300), median {page['median_ms']} ms, "
              f"{page['queries']} SQL queries ({constant})")
    print(f"staggered estimator, 200 units x 24 periods, 40 deployments: {r['staggered_s']} s worst of 5 (goal <= 2; "
          f"the process's first call, which imports SciPy, {r['staggered_first_call_s']} s), "
          f"{r['staggered_cells']} cells; largest difference from the regression reference {r['staggered_max_diff']:.1e}")


def knowledge(database_url: str) -> None:
    r = run(database_url, script="knowledge_bench.py")
    q, big = r["quality_pool"], r["quality_in_100k"]
    print(f"\n== reuse before reinvention on {r['vendor']}: {r['documents']} documents, {r['postings']} postings "
          f"(bulk build {r['build_s']} s) ==")
    print(f"suggestion query p50 {r['p50_ms']} ms, p95 {r['p95_ms']} ms (goal <= 50), max {r['max_ms']} ms over "
          f"{r['queries']} drafts; through the API p50 {r['api_p50_ms']} ms, p95 {r['api_p95_ms']} ms")
    print(f"labelled set: {q['queries']} drafts, {q['pairs']} related pairs; recall@5 {q['recall_at_5']} (goal >= 0.8), "
          f"precision@5 {q['precision_at_5']} (at most 0.6 with 3 related items a draft)")
    print(f"the same drafts with the pool among the generated documents: recall@5 {big['recall_at_5']}, "
          f"precision@5 {big['precision_at_5']} (generated documents on the same topics are unlabelled)")


def audit(database_url: str) -> None:
    r = run(database_url, script="audit_bench.py")
    print(f"\n== DoST's audit log on {r['vendor']}: {r['events']} audit events and {r['moves']} workflow moves over "
          f"three years (set-up {r['setup_s']} s); goal p95 <= 300 ms ==")
    for name, page in r["pages"].items():
        print(f"{name:16s} p95 {page['p95_ms']:7.1f} ms, median {page['median_ms']:7.1f} ms, {page['queries']} SQL queries"
              f"  {page['url']}")


def host_cpu_seconds() -> tuple[float, float]:
    """(busy, stolen) CPU seconds of the whole machine since it booted, from /proc/stat."""
    fields = [int(n) for n in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    user, nice, system, _idle, _iowait, irq, softirq, steal = fields[:8]
    return (user + nice + system + irq + softirq) / TICK, steal / TICK


def process_cpu_seconds() -> dict[str, float]:
    """CPU seconds of each running process, by pid and start time (a pid can be used again)."""
    found = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue  # it ended meanwhile
        found[f"{stat.parent.name}:{fields[19]}"] = (int(fields[11]) + int(fields[12])) / TICK
    return found


def suite() -> None:
    """The test suite as CI runs it (`make test`, browsers and Redis required), on SQLite and PostgreSQL:
    its wall time against the budget, and where the machine's CPU went meanwhile: the suite's own
    processes (test workers, Chromium, the servers and workers the tests start, the database server's
    sessions), the services that were running before it started (the database server's own, Redis and
    the machine's others), and what the host took from this virtual machine."""
    reference = min(float(subprocess.run([sys.executable, "-c", REFERENCE_LOOP], check=True, capture_output=True,
                                         text=True).stdout) for _ in range(3))
    cores = os.cpu_count() or 1
    print(f"\n== the test suite (`make test`, {cores} cores); this machine runs a fixed loop of 20,000,000 additions "
          f"in {reference:.2f} s of CPU (best of 3: a slower machine takes longer) ==")
    databases = [("SQLite", "")] + ([("PostgreSQL", fresh_postgres("sangtao_bench_suite"))] if postgres_available()
                                    else [])
    for label, url in databases:
        env = {key: value for key, value in os.environ.items() if key != "DATABASE_URL"}
        env.update({"REQUIRE_BROWSER": "1", "REQUIRE_REDIS": "1"}, **({"DATABASE_URL": url} if url else {}))
        services, (busy, stolen), start = process_cpu_seconds(), host_cpu_seconds(), time.monotonic()
        result = subprocess.run(["make", "-s", "test"], cwd=HERE.parent, env=env, capture_output=True, text=True)
        wall = time.monotonic() - start
        busy, stolen = (now - then for now, then in zip(host_cpu_seconds(), (busy, stolen), strict=True))
        now = process_cpu_seconds()
        background = sum(now[key] - before for key, before in services.items() if key in now)
        ours = busy - background
        summary = re.findall(r"^=*\s*(\d+ \w+.*?) in [\d.]+s", result.stdout, re.MULTILINE)
        budget = SUITE_BUDGET_S[label]
        print(f"{label:10s} {wall:6.1f} s wall ({'within' if wall <= budget else 'OVER'} its budget of {budget} s), "
              f"{(summary or ['no summary'])[-1]}{'' if result.returncode == 0 else ' (FAILED: run make test)'}")
        print(f"{'':10s} CPU: the suite {ours:.0f} s ({ours / wall / cores:.0%} of the cores; {ours / reference:.0f} "
              f"loops), the services running before it {background:.0f} s, taken by the host {stolen:.0f} s")


def main() -> None:
    assignment()
    with tempfile.TemporaryDirectory() as tmp:
        challenges(f"sqlite:///{tmp}/bench.sqlite3")
        pages(f"sqlite:///{tmp}/pages.sqlite3")
        surveys(f"sqlite:///{tmp}/surveys.sqlite3")
        initiatives(f"sqlite:///{tmp}/initiatives.sqlite3")
        annual(f"sqlite:///{tmp}/annual.sqlite3")
        capacity(f"sqlite:///{tmp}/capacity.sqlite3")
        knowledge(f"sqlite:///{tmp}/knowledge.sqlite3")
        audit(f"sqlite:///{tmp}/audit.sqlite3")
    if postgres_available():
        challenges(PG_URL)
        pages(fresh_postgres("sangtao_bench_p"))
        surveys(fresh_postgres("sangtao_bench_s"))
        initiatives(fresh_postgres("sangtao_bench_i"))
        annual(fresh_postgres("sangtao_bench_a"))
        capacity(fresh_postgres("sangtao_bench_c"))
        knowledge(fresh_postgres("sangtao_bench_k"))
        audit(fresh_postgres("sangtao_bench_au"))
    else:
        print("\nPostgreSQL not reachable at BENCH_PG_URL; skipped.")
    suite()


if __name__ == "__main__":
    main()
