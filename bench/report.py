"""docs/benchmarks.md: the results table, the targets met or missed, and the machine."""

import statistics

from .config import (
    CONNECTIONS,
    FULL,
    REPORT,
    ROUNDS,
    SECONDS,
    SMALL,
    TARGET_ADMIN_MS,
    TARGET_PAGE_BYTES,
    TARGET_PUBLIC_P99_MS,
    TARGET_RATIO,
    WARM_UP_SECONDS,
    BenchError,
)
from .report_targets import scaled_lines, target_lines

RESULTS_START = "<!-- results: written by `make bench`, do not edit by hand -->"
RESULTS_END = "<!-- end of results -->"


def kb(size):
    return f"{size / 1024:.1f} KB"


def results_table(pages):
    lines = [
        "| page | requests/s (each round) | p50 | p99 | queries (small → full data) "
        "| Django CPU per request | bytes per response | page weight (HTML + assets) |",
        "| --- | ---: | ---: | ---: | :---: | ---: | ---: | ---: |",
    ]
    for page in pages.values():
        load = page["load"]
        queries = f"{page['queries_small']} → {page['queries_full']}"
        if page.get("cached"):
            queries += " (uncached: {} → {})".format(*page["queries_cold"])
        weight = kb(page["page_bytes"]) if "page_bytes" in page else "—"
        errors = f", {load['errors']} errors" if load["errors"] else ""
        rounds = ", ".join(f"{rps:.0f}" for rps in load["rounds_rps"])
        cold = f" ({page['cpu_cold_ms']:.2f} ms uncached)" if page.get("cpu_cold_ms") else ""
        lines.append(
            f"| {page['label']} | {load['rps']:.0f} ({rounds}{errors}) | {load['p50_ms']:.1f} ms "
            f"| {load['p99_ms']:.1f} ms | {queries} | {page['cpu_ms']:.2f} ms{cold} "
            f"| {load['bytes_per_request']:.0f} B "
            f"| {weight} |"
        )
        single = page.get("load_single")
        if single:
            rounds = ", ".join(f"{rps:.0f}" for rps in single["rounds_rps"])
            lines.append(
                f"| {page['label']}, 1 connection | {single['rps']:.0f} ({rounds}) "
                f"| {single['p50_ms']:.1f} ms | {single['p99_ms']:.1f} ms | | | | |"
            )
    return lines


def stored_note(pages):
    post = pages["post"]
    return (
        f"Form submissions answered during the rounds: {post['load']['requests']:,}; consultation "
        f"requests stored: {post['stored']:,} (a submission still in flight when a round ends "
        "is stored without being counted by wrk).\n"
    )


def verdicts(pages):
    minimal, admin = pages["minimal"], pages["admin"]
    rows = []

    def verdict(ok):
        return "met" if ok else "**missed**"

    # Ratio of runs made one after the other, median over the rounds.
    for key in ("faq", "search", "question", "consultation"):
        page = pages[key]
        ratio = statistics.median(
            a["rps"] / b["rps"] for a, b in zip(page["rounds"], minimal["rounds"], strict=True)
        )
        cpu_ratio = minimal["cpu_ms"] / page["cpu_ms"]
        held = key != "consultation"  # the form's target is its Django CPU (see below)
        rows.append(
            (
                f"{page['label']} ≥ {TARGET_RATIO:.0%} of the minimal view's throughput"
                if held
                else f"{page['label']}: share of the minimal view's throughput (reported)",
                f"{ratio:.1%} (median of the rounds' ratios; {page['load']['rps']:.0f} ÷ "
                f"{minimal['load']['rps']:.0f} requests/s); by Django CPU {cpu_ratio:.1%} "
                f"({minimal['cpu_ms']:.3f} ms ÷ {page['cpu_ms']:.3f} ms)",
                verdict(ratio >= TARGET_RATIO) if held else "—",
            )
        )
    for page in pages.values():
        if page["public"]:
            p99 = page["load"]["p99_ms"]
            rows.append(
                (
                    f"{page['label']}: p99 < {TARGET_PUBLIC_P99_MS} ms at {CONNECTIONS} "
                    "connections",
                    f"{p99:.1f} ms",
                    verdict(p99 < TARGET_PUBLIC_P99_MS),
                )
            )
    single, loaded = admin["load_single"], admin["load"]
    rows.append(
        (
            f"admin request list ({FULL['requests']:,} requests) < {TARGET_ADMIN_MS} ms for a "
            "staff member (p99, 1 connection)",
            f"1 connection: p50 {single['p50_ms']:.1f} ms, p99 {single['p99_ms']:.1f} ms; "
            f"{CONNECTIONS} connections: p50 {loaded['p50_ms']:.1f} ms, "
            f"p99 {loaded['p99_ms']:.1f} ms",
            verdict(single["p99_ms"] < TARGET_ADMIN_MS),
        )
    )
    changing = [
        f"{page['label']} ({page['queries_small']} → {page['queries_full']})"
        for page in pages.values()
        if page["queries_small"] != page["queries_full"]
    ] + [
        "{} uncached ({} → {})".format(page["label"], *page["queries_cold"])
        for page in pages.values()
        if page.get("cached") and len(set(page["queries_cold"])) > 1
    ]
    rows.append(
        (
            "constant queries per page whatever the data size",
            "; ".join(changing) or "all constant",
            verdict(not changing),
        )
    )
    for page in pages.values():
        if page["public"] and "page_bytes" in page:
            rows.append(
                (
                    f"{page['label']}: < {TARGET_PAGE_BYTES // 1024} KB transferred, "
                    "no third-party requests",
                    f"{kb(page['page_bytes'])} (HTML {kb(page['html_bytes'])} uncompressed), "
                    f"{len(page['third_party'])} third-party",
                    verdict(page["page_bytes"] < TARGET_PAGE_BYTES and not page["third_party"]),
                )
            )
    lines = ["| target | measured | |", "| --- | --- | --- |"]
    lines += [f"| {target} | {measured} | {result} |" for target, measured, result in rows]
    return lines


def write_report(facts, pages, targets):
    facts_lines = ["| | |", "| --- | --- |"] + [
        f"| {key} | {value} |" for key, value in facts.items()
    ]
    generated = "\n".join(
        [
            RESULTS_START,
            "",
            f"## Latest run: {facts['date']}",
            "",
            f"{FULL['questions']} demo questions and {FULL['requests']:,} consultation requests; "
            f"wrk at {CONNECTIONS} connections over loopback, {ROUNDS} rounds of {SECONDS} s "
            f"through every page after a {WARM_UP_SECONDS} s warm-up; each figure is the median "
            "of the rounds (the requests/s of every round in brackets). Queries are counted "
            "with Django's test client at "
            f"{SMALL['questions']} questions / {SMALL['requests']} requests and again at the "
            "full size (cached FAQ pages: 0, as each process reads the content version at "
            "most once a second). Bytes per response is what wrk received (headers included, "
            "compressed when the server compresses); page weight adds the page's CSS and "
            "JavaScript as served (compressed).",
            "",
            *results_table(pages),
            "",
            stored_note(pages),
            "### Targets",
            "",
            *verdicts(pages),
            "",
            "### Targets of the form and the request list, by data size",
            "",
            *target_lines(targets),
            "",
            *scaled_lines(targets),
            "",
            "### Machine",
            "",
            *facts_lines,
            "",
            RESULTS_END,
        ]
    )
    text = REPORT.read_text()
    if RESULTS_START not in text or RESULTS_END not in text:
        raise BenchError(f"{REPORT} has lost its results markers; restore them to write it")
    before, rest = text.split(RESULTS_START, 1)
    after = rest.split(RESULTS_END, 1)[1]
    REPORT.write_text(before + generated + after)


def print_table(pages, targets):
    print()
    for line in results_table(pages) + [""] + verdicts(pages) + [""] + target_lines(targets):
        print(line)
    print()
