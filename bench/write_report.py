#!/usr/bin/env python3
"""Writes docs/BENCHMARKS.md from the raw figures bench/run.sh collected.

Usage: write_report.py RESULTS_DIR > docs/BENCHMARKS.md

RESULTS_DIR holds meta.env (machine, date, commit, load averages), loads.jsonl (one
messageu-loadgen JSON line per load, with "target": "server", "ceiling" or a peer's name),
peers.jsonl (one line per peer server given to run.sh with --peer: name, address, dialect),
idle.json and waiting.json (connections held), files-SIZE.json (bench/files.sh --json),
cli.json and follow.json (bench/follow_latency.py). Missing parts are reported as missing.
The targets are issue 8's (and, for files, issue 5's); each is judged met or not met here.
"""
import json
import pathlib
import sys

OPS = ["list", "getkey", "send", "pull"]
LOADS = [("per-request", 16), ("persistent", 1), ("persistent", 64), ("persistent", 512)]


def read_meta(results):
    meta = {}
    path = results / "meta.env"
    if path.exists():
        for line in path.read_text().splitlines():
            key, _, value = line.partition("=")
            meta[key] = value
    return meta


def read_json(path):
    try:
        return json.loads(path.read_text())
    except (OSError, ValueError):
        return None


def read_loads(results):
    loads = {}
    path = results / "loads.jsonl"
    if path.exists():
        for line in path.read_text().splitlines():
            entry = json.loads(line)
            loads[(entry["target"], entry["op"], entry["mode"], entry["connections"])] = entry
    return loads


def ratio(server, ceiling):
    if not server or not ceiling or server.get("failed") or ceiling.get("failed"):
        return None
    return server["rps"] / ceiling["rps"] if ceiling["rps"] > 0 else None


def rate_cell(entry):
    if not entry:
        return "missing"
    if entry.get("failed"):
        return "failed"
    return f"{entry['rps']:,.0f}"


def latency_cell(entry):
    if not entry or entry.get("failed"):
        return ""
    return f"{entry['p50_us']:,.0f} / {entry['p99_us']:,.0f}"


def cpu_cell(entry):
    if not entry or "cpu_pct" not in entry:
        return ""
    return f"{entry['cpu_pct']}%"


def errors_cell(entry):
    if not entry or entry.get("failed"):
        return ""
    return str(entry["errors"])


def verdict(ok):
    return "n/a" if ok is None else ("**met**" if ok else "**not met**")


def load_table(loads):
    lines = [
        "| op | mode | conns | server req/s | server p50 / p99 µs | server CPU | ceiling req/s "
        "| ceiling p50 / p99 µs | ceiling CPU | ratio | errors (server, ceiling) |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for op in OPS:
        for mode, connections in LOADS:
            server = loads.get(("server", op, mode, connections))
            ceiling = loads.get(("ceiling", op, mode, connections))
            r = ratio(server, ceiling)
            lines.append(
                f"| {op} | {mode} | {connections} | {rate_cell(server)} | {latency_cell(server)} "
                f"| {cpu_cell(server)} | {rate_cell(ceiling)} | {latency_cell(ceiling)} "
                f"| {cpu_cell(ceiling)} "
                f"| {'' if r is None else f'{r:.0%}'} "
                f"| {errors_cell(server)}, {errors_cell(ceiling)} |")
    return lines


def read_peers(results):
    path = results / "peers.jsonl"
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


def ratio_cell(numerator, denominator):
    r = ratio(numerator, denominator)
    return "" if r is None else f"{r:.0%}"


def peer_table(loads, name):
    lines = [
        f"| op | mode | conns | messageu req/s | {name} req/s | {name} p50 / p99 µs "
        f"| ceiling req/s | messageu / {name} | {name} / ceiling | messageu / ceiling "
        f"| {name} errors |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for op in OPS:
        for mode, connections in LOADS:
            server = loads.get(("server", op, mode, connections))
            peer = loads.get((name, op, mode, connections))
            ceiling = loads.get(("ceiling", op, mode, connections))
            lines.append(
                f"| {op} | {mode} | {connections} | {rate_cell(server)} | {rate_cell(peer)} "
                f"| {latency_cell(peer)} | {rate_cell(ceiling)} | {ratio_cell(server, peer)} "
                f"| {ratio_cell(peer, ceiling)} | {ratio_cell(server, ceiling)} "
                f"| {errors_cell(peer)} |")
    return lines


def peers_section(loads, peers):
    """The peers' rates beside ours and the ceiling's, from the same run; nothing without
    peers."""
    if not peers:
        return []
    lines = [
        "## Requests: peer servers beside messageu-server",
        "",
        "Other MessageU servers given to `bench/run.sh --peer`, each driven by the same load "
        "right after ours and the ceiling's, in the same run. A peer keeps its data across "
        "the loads (ours starts each on a fresh database), and its CPU is not measured (its "
        "process may not be on this machine). `messageu / PEER` above 100% means ours "
        "answered more requests per second.",
        "",
    ]
    for peer in peers:
        name = peer["name"]
        lines += [f"### {name} ({peer['address']}, dialect {peer['dialect']})", "",
                  *peer_table(loads, name), ""]
    return lines


def worst_ratio(loads, op, mode):
    """The lowest server/ceiling ratio of `op` over the loads of `mode`, with its connections."""
    worst = None
    for load_mode, connections in LOADS:
        if load_mode != mode:
            continue
        r = ratio(loads.get(("server", op, mode, connections)),
                  loads.get(("ceiling", op, mode, connections)))
        if r is None:
            return None, connections
        if worst is None or r < worst[0]:
            worst = (r, connections)
    return worst if worst else (None, None)


def durable_bound(loads, sync):
    """The highest ratio a durable send can reach on one persistent connection: each answer
    waits for the ceiling's round trip plus at least one fdatasync of this disk."""
    ceiling = loads.get(("ceiling", "send", "persistent", 1))
    if not sync.get("p50_us") or not ceiling or ceiling.get("failed") or not ceiling["rps"]:
        return None
    round_trip_us = 1e6 / ceiling["rps"]
    return round_trip_us / (round_trip_us + sync["p50_us"])


def sync_lines(loads, sync):
    if not sync.get("p50_us"):
        return ["Not measured.", ""]
    lines = [f"One 4 KiB overwrite + fdatasync on the disk holding the databases "
             f"(`bench/sync_latency.py`, {sync['samples']} samples): p50 {sync['p50_us']:,.0f} µs, "
             f"p99 {sync['p99_us']:,.0f} µs. A send is answered only once it is on disk, so on "
             "one persistent connection each send costs at least the ceiling's round trip plus "
             "this."]
    bound = durable_bound(loads, sync)
    if bound is not None:
        lines[0] += (f" That caps send at 1 connection at {bound:.0%} of the ceiling here, "
                     "whatever the server does; with more connections, group commit shares "
                     "each fdatasync.")
    return lines + [""]


def load_targets(loads, sync):
    rows = []
    for op in OPS:
        floor = 0.25 if op == "send" else 0.50
        r, connections = worst_ratio(loads, op, "persistent")
        plural = "" if connections == 1 else "s"
        measured = ("missing" if r is None else
                    f"worst {r:.0%} (at {connections} connection{plural})")
        bound = durable_bound(loads, sync) if op == "send" and connections == 1 else None
        if bound is not None:
            measured += f"; the disk's bound at 1 connection: {bound:.0%}"
        rows.append((f"persistent {op}: ≥ {floor:.0%} of the ceiling at 1, 64 and 512 connections",
                     measured, None if r is None else r >= floor))
    for op in OPS:
        r, _ = worst_ratio(loads, op, "per-request")
        rows.append((f"per-request {op} (16 connections): ≥ 50% of the ceiling",
                     "missing" if r is None else f"{r:.0%}", None if r is None else r >= 0.5))
    small = [loads.get(("server", op, "persistent", 64)) for op in ("list", "getkey", "pull")]
    if all(entry and not entry.get("failed") for entry in small):
        lowest = min(entry["rps"] for entry in small)
        rows.append(("≥ 20× a classic Python server (20,000 req/s): list, getkey, pull, "
                     "persistent 64", f"lowest {lowest:,.0f} req/s", lowest >= 20000))
    return rows


def held_section(held, kind):
    """The figures of 10,000 `kind` connections ("idle" or "waiting") held on the server."""
    if not held:
        return [f"Not measured ({kind}.json missing).", ""], []
    title = f"10,000 {kind} connections"
    before, during = held.get("before", {}), held.get("during", {})
    rss_held = held["rss_held_kib"] / 1024
    rss_after = held["rss_after_kib"] / 1024
    rss = max(rss_held, rss_after)
    lines = [
        f"- {kind} connections held: {held['connections']:,} (server descriptors "
        f"{held['fds_before']:,} before, {held['fds_held']:,} while held, "
        f"{held['fds_after']:,} after the load)",
        f"- server RSS: {held['rss_before_kib'] / 1024:.1f} MiB before, {rss_held:.1f} MiB "
        f"holding them, {rss_after:.1f} MiB after the load beside them "
        f"(peak {held['peak_kib'] / 1024:.1f} MiB over the whole test)",
    ]
    rows = []
    if before.get("failed") or during.get("failed") or not before or not during:
        lines.append("- rate: a load failed")
        rows.append((f"{title}: rate ≥ 80% of normal", "failed", None))
    else:
        share = during["rps"] / before["rps"] if before["rps"] else 0
        lines.append(f"- getkey, persistent, 64 connections: {before['rps']:,.0f} req/s before, "
                     f"{during['rps']:,.0f} req/s beside the {kind} connections ({share:.0%}); "
                     f"p99 {before['p99_us']:,.0f} → {during['p99_us']:,.0f} µs")
        rows.append((f"{title}: rate ≥ 80% of normal", f"{share:.0%}",
                     share >= 0.8 and held["connections"] >= 10000))
    rows.append((f"{title}: server RSS < 200 MiB", f"{rss:.1f} MiB",
                 rss < 200 and held["connections"] >= 10000))
    return lines + [""], rows


def follow_section(follow):
    if not follow:
        return ["Not measured (follow.json missing).", ""], []
    lines = [
        f"From `messageu send` returning to `messageu --json pull --follow` printing the message, "
        f"{follow['samples']} messages one after another on loopback "
        "(`bench/follow_latency.py`): "
        f"median {follow['median_ms']:.2f} ms, p99 {follow['p99_ms']:.2f} ms, "
        f"max {follow['max_ms']:.2f} ms; {follow['printed_before_send_returned']} printed "
        "before their `send` process had exited (counted as 0 ms).",
        "",
    ]
    return lines, []


def files_section(results):
    lines = [
        "| file | sendfile MiB/s | pull MiB/s | openssl aes-128-cbc MiB/s | peak RSS sendfile "
        "/ pull / server MiB | identical |",
        "|---:|---:|---:|---:|---:|---|",
    ]
    rows = []
    found = sorted(results.glob("files-*.json"),
                   key=lambda path: int(path.stem.split("-")[1]))
    for path in found:
        figures = read_json(path)
        size = path.stem.split("-")[1]
        if not figures:
            lines.append(f"| {size} MiB | failed | | | | |")
            continue
        lines.append(
            f"| {figures['size_mib']} MiB | {figures['sendfile_mib_s']:.0f} "
            f"| {figures['pull_mib_s']:.0f} | {figures['openssl_mib_s']:.0f} "
            f"| {figures['sendfile_rss_mib']:.1f} / {figures['pull_rss_mib']:.1f} / "
            f"{figures['server_rss_mib']:.1f} | {'yes' if figures['identical'] else 'NO'} |")
        floor = figures["openssl_mib_s"] / 2
        label = f"{figures['size_mib']} MiB file"
        if figures["size_mib"] < 1024:
            label += " (the target is for 1 GiB)"
        peak = max(figures["sendfile_rss_mib"], figures["pull_rss_mib"],
                   figures["server_rss_mib"])
        rows.append((f"{label}: peak RSS < 64 MiB for each process", f"{peak:.1f} MiB",
                     peak < 64))
        slowest = min(figures["sendfile_mib_s"], figures["pull_mib_s"])
        rows.append((f"{label}: sendfile and pull ≥ half of openssl ({floor:.0f} MiB/s)",
                     f"slowest {slowest:.0f} MiB/s", slowest >= floor))
        rows.append((f"{label}: received file byte-identical",
                     "yes" if figures["identical"] else "no", figures["identical"]))
    if not found:
        lines = ["Not measured."]
    return lines + [""], rows


def cli_section(cli):
    if not cli:
        return ["Not measured.", ""], [("CLI: `messageu send` median < 10 ms", "missing", None)]
    def ms(key):
        return "failed" if cli.get(key) is None else f"{cli[key]:.2f} ms"

    lines = [
        f"Median wall time over {cli['runs']} runs each ({cli['method']}), server on loopback:",
        "",
        f"- `messageu whoami` (no network: the process start floor): {ms('whoami_ms')}",
        f"- `messageu list`: {ms('list_ms')}",
        f"- `messageu send` with a known key: {ms('send_ms')}",
        "",
    ]
    send = cli.get("send_ms")
    return lines, [("CLI: `messageu send` with a known key, median < 10 ms", ms("send_ms"),
                    None if send is None else send < 10)]


def scale_section(scale, loads):
    """PostgreSQL: one server, and two behind HAProxy, against PostgreSQL's own commit floor
    (sends) and the ceiling (reads), all from the same run; the reads through HAProxy also
    against two ceilings behind the same HAProxy."""
    if not scale or scale.get("skipped"):
        reason = scale.get("skipped") if scale else "scale.json missing"
        return [f"Not measured ({reason}).", ""], []
    floor_1, floor_16 = scale.get("floor_commits_1"), scale.get("floor_commits_16")
    by_key = {(entry["servers"], entry["op"]): entry for entry in scale.get("loads", [])}
    proxied = {entry["op"]: entry for entry in scale.get("proxied_ceiling", [])}
    lines = [
        f"PostgreSQL {scale.get('postgresql', '?')} in a throwaway cluster on a Unix socket, "
        "with durable commits (fsync and synchronous_commit on); HAProxy "
        f"{scale.get('haproxy', '?')} in TCP mode (leastconn) in front of two servers. Each "
        "load is persistent, 64 connections, on a fresh database. PostgreSQL's own floor, "
        "single-row INSERT commits with pgbench: "
        f"{'?' if floor_1 is None else f'{floor_1:,.0f}'}/s with 1 client, "
        f"{'?' if floor_16 is None else f'{floor_16:,.0f}'}/s with 16. A send is compared "
        "with the 16-client floor, the reads with the ceiling's rate for the same load. "
        "HAProxy in the path costs CPU on the same two cores: the last columns load two "
        "ceilings (one thread each) behind the same HAProxy, the most any pair of servers "
        "behind it can do here.",
        "",
        "| op | one server req/s | p50 / p99 µs | two + HAProxy req/s | p50 / p99 µs "
        "| against | ratio (one, two) | errors (one, two) "
        "| two ceilings + HAProxy req/s | two servers over them |",
        "|---|---:|---:|---:|---:|---|---|---|---:|---:|",
    ]
    rows = []
    for op in OPS:
        one, two = by_key.get((1, op)), by_key.get((2, op))
        if op == "send":
            reference, against = floor_16, "PostgreSQL floor (16)"
        else:
            ceiling = loads.get(("ceiling", op, "persistent", 64))
            reference = None if not ceiling or ceiling.get("failed") else ceiling["rps"]
            against = "ceiling"

        def share(entry, of):
            if not entry or entry.get("failed") or not of:
                return None
            return entry["rps"] / of
        r1, r2 = share(one, reference), share(two, reference)
        behind = proxied.get(op)
        behind_rate = None if not behind or behind.get("failed") else behind["rps"]
        r_behind = share(two, behind_rate)
        cells = ", ".join("" if r is None else f"{r:.0%}" for r in (r1, r2))
        lines.append(
            f"| {op} | {rate_cell(one)} | {latency_cell(one)} | {rate_cell(two)} "
            f"| {latency_cell(two)} | {against} | {cells} | {errors_cell(one)}, {errors_cell(two)} "
            f"| {rate_cell(behind) if behind else ''} "
            f"| {'' if r_behind is None else f'{r_behind:.0%}'} |")
        goal = 0.5
        measured = "" if r2 is None else f"{r2:.0%}"
        if r_behind is not None:
            bound = share(behind, reference)
            measured += (f" ({r_behind:.0%} of two ceilings behind the same HAProxy, which reach "
                         f"{bound:.0%} of the ceiling)")
        rows.append((f"PostgreSQL {op}, 64 connections through two servers ≥ 50% of the "
                     f"{against}", measured, None if r2 is None else r2 >= goal))
    lines.append("")
    return lines, rows


def main():
    if len(sys.argv) != 2:
        print(__doc__, file=sys.stderr)
        return 64
    results = pathlib.Path(sys.argv[1])
    meta = read_meta(results)
    loads = read_loads(results)
    idle_lines, idle_rows = held_section(read_json(results / "idle.json"), "idle")
    waiting_lines, waiting_rows = held_section(read_json(results / "waiting.json"), "waiting")
    follow_lines, _ = follow_section(read_json(results / "follow.json"))
    files_lines, files_rows = files_section(results)
    cli_lines, cli_rows = cli_section(read_json(results / "cli.json"))
    scale_lines, scale_rows = scale_section(read_json(results / "scale.json"), loads)
    sync = read_json(results / "sync.json") or {}
    target_rows = load_targets(loads, sync) + idle_rows + waiting_rows + cli_rows + files_rows + scale_rows

    out = [
        "# Benchmarks",
        "",
        "Written by `bench/run.sh` (see `bench/README.md`); do not edit by hand, run it again.",
        "Figures are from one run on one machine, load generator and server side by side, so",
        "compare them as ratios within this page rather than with other machines.",
        "",
        "## Machine and run",
        "",
        f"- date: {meta.get('date', '?')}; commit: {meta.get('commit', '?')}",
        f"- CPU: {meta.get('cpu', '?')}, {meta.get('nproc', '?')} cores; memory "
        f"{meta.get('memory_mib', '?')} MiB; Linux {meta.get('kernel', '?')}",
        f"- load average (1, 5, 15 min) at the start: {meta.get('load_start', '?')}; at the "
        f"end: {meta.get('load_end', '?')} (other work on the machine makes every figure lower)",
        f"- each load runs {meta.get('duration', '?')} s on a fresh server database; the server "
        f"logs at `--log-level {meta.get('log_level', '?')}` to a file and runs with "
        "`--max-connections 20000`; the load generator runs on one thread",
        "",
        "## Requests: messageu-server against the ceiling",
        "",
        "The ceiling (`messageu-ceiling`) answers each request at once with a fixed response, "
        "with one io_context thread per core: the most this transport can do here. `ratio` is "
        "the server's rate over the ceiling's. Latencies are per request as the load generator "
        "sees them; in per-request mode they include the TCP connect. `send` carries 64 bytes "
        "of content and is durable (fsynced) before the server answers. `CPU` is the target "
        "process's CPU time during the load, in percent of one core (the machine has "
        f"{meta.get('nproc', '?')}, shared with the load generator).",
        "",
        *load_table(loads),
        "",
        *peers_section(loads, read_peers(results)),
        "## The disk's floor under a durable answer",
        "",
        *sync_lines(loads, sync),
        "## 10,000 idle connections",
        "",
        *idle_lines,
        "## 10,000 connections waiting for messages (WAIT)",
        "",
        "Each connection is authenticated and waits with a WAIT of 300 s (PROTOCOL.md §11), as "
        "`pull --follow` does; the figures are to be read beside the idle ones above.",
        "",
        *waiting_lines,
        "## Large files (bench/files.sh)",
        "",
        *files_lines,
        "## CLI latency",
        "",
        *cli_lines,
        "## From send to a follower",
        "",
        *follow_lines,
        "## Several servers on PostgreSQL (bench/scale.sh)",
        "",
        *scale_lines,
        "## Targets (issue 8; files: issue 5)",
        "",
        "| target | measured | verdict |",
        "|---|---|---|",
        *[f"| {name} | {measured} | {verdict(ok)} |" for name, measured, ok in target_rows],
        "",
    ]
    print("\n".join(out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
