"""The form's and the request list's targets in docs/benchmarks.md: one row per target, one
column per data size, each figure marked met or missed."""

import statistics

from .config import (
    REFERENCE_MINIMAL_CPU_MS,
    SCALING_TRUSTED_UP_TO,
    TARGET_CHANGE_CPU_MS,
    TARGET_FORM_CPU_MS,
    TARGET_INVALID_OVER_FORM,
    TARGET_LIST_CPU_MS,
    TARGET_POST_CPU_MS,
    TARGET_POST_QUERIES,
)


def mark(ok):
    return "met" if ok else "**missed**"


def cpu(figure, digits=2):
    """ "1.45 ms (runs 1.41, 1.45, 1.52)": the median, then each run's figure when known."""
    text = f"{figure['cpu_ms']:.{digits}f} ms"
    if len(figure.get("runs_ms", ())) > 1:
        text += " (runs " + ", ".join(f"{run:.{digits}f}" for run in figure["runs_ms"]) + ")"
    return text


def target_rows(figures):
    """(target, measured, met) for one data size."""
    form, post, invalid = figures["consultation"], figures["post"], figures["invalid"]
    listing, change, latency = figures["admin"], figures["change"], figures["list_latency"]
    typed = figures["invalid_typed"]
    invalid_share = invalid["cpu_ms"] / form["cpu_ms"]
    typed_share = typed["cpu_ms"] / form["cpu_ms"]
    return [
        (
            f"/consultation/ GET: Django CPU ≤ {TARGET_FORM_CPU_MS} ms",
            f"{cpu(form)}, {form['queries']} queries",
            form["cpu_ms"] <= TARGET_FORM_CPU_MS,
        ),
        (
            f"/consultation/ POST, valid: Django CPU ≤ {TARGET_POST_CPU_MS} ms, "
            f"≤ {TARGET_POST_QUERIES} queries",
            f"{cpu(post)}, {post['queries']} queries",
            post["cpu_ms"] <= TARGET_POST_CPU_MS and post["queries"] <= TARGET_POST_QUERIES,
        ),
        (
            f"/consultation/ POST, invalid (sent empty): Django CPU within "
            f"{TARGET_INVALID_OVER_FORM - 1:.0%} of the GET's",
            f"{cpu(invalid)} ({invalid_share:.0%} of the GET), {invalid['queries']} queries",
            invalid_share <= TARGET_INVALID_OVER_FORM,
        ),
        (
            f"/consultation/ POST, invalid (every answer typed, consent unticked): Django CPU "
            f"within {TARGET_INVALID_OVER_FORM - 1:.0%} of the GET's",
            f"{cpu(typed)} ({typed_share:.0%} of the GET), {typed['queries']} queries",
            typed_share <= TARGET_INVALID_OVER_FORM,
        ),
        (
            f"admin request list (50 rows): Django CPU ≤ {TARGET_LIST_CPU_MS} ms",
            f"{cpu(listing, 1)}, {listing['queries']} queries; one staff member: "
            f"median {latency['p50_ms']:.1f} ms, p99 {latency['p99_ms']:.1f} ms",
            listing["cpu_ms"] <= TARGET_LIST_CPU_MS,
        ),
        (
            f"admin page of a request with 20 calls: Django CPU ≤ {TARGET_CHANGE_CPU_MS} ms",
            f"{cpu(change, 1)}, {change['queries']} queries",
            change["cpu_ms"] <= TARGET_CHANGE_CPU_MS,
        ),
    ]


def target_lines(targets):
    sizes = list(targets)
    rows = {size: target_rows(figures) for size, figures in targets.items()}
    header = "| target | " + " | ".join(f"{size:,} requests" for size in sizes) + " |"
    lines = [header, "| --- |" + " --- |" * len(sizes)]
    for index, (target, _measured, _ok) in enumerate(rows[sizes[0]]):
        cells = [f"{rows[size][index][1]}: {mark(rows[size][index][2])}" for size in sizes]
        lines.append(f"| {target} | " + " | ".join(cells) + " |")
    queries = {
        key: {targets[size][key]["queries"] for size in sizes}
        for key in ("consultation", "post", "invalid", "invalid_typed", "admin", "change")
    }
    changing = [key for key, counts in queries.items() if len(counts) > 1]
    lines.append(
        "| queries constant whatever the data size | "
        + " | ".join(
            [", ".join(changing) + " vary: **missed**" if changing else "all constant: met"]
            + [""] * (len(sizes) - 1)
        )
        + " |"
    )
    return lines


def minimal_cost(figures):
    """The minimal view's Django CPU measured with a size's target pages."""
    return figures["minimal"]["cpu_ms"]


def scaled_figure(value, minimal):
    """A page's Django CPU scaled to the reference machine: each run by that run's minimal view
    (the median of the runs so scaled), or by the minimal view's median without runs."""
    runs, minimal_runs = value.get("runs_ms"), minimal.get("runs_ms")
    if runs and minimal_runs and len(runs) == len(minimal_runs):
        each = [
            run * REFERENCE_MINIMAL_CPU_MS / base
            for run, base in zip(runs, minimal_runs, strict=True)
        ]
        return {**value, "cpu_ms": statistics.median(each), "runs_ms": each}
    return {**value, "cpu_ms": value["cpu_ms"] * REFERENCE_MINIMAL_CPU_MS / minimal["cpu_ms"]}


def scaled(targets):
    """The figures with every Django CPU time scaled to the machine the targets were set on:
    by the minimal view's cost there over its cost measured with them, run by run. Latencies are
    left as measured."""
    result = {}
    for size, figures in targets.items():
        minimal = figures["minimal"]
        result[size] = {
            key: scaled_figure(value, minimal) if "cpu_ms" in value else value
            for key, value in figures.items()
        }
    return result


def busy_machine_lines(targets):
    """A warning when the machine was so much slower than the reference that the scaled
    verdicts cannot be trusted; none otherwise."""
    slowdown = max(minimal_cost(figures) for figures in targets.values()) / (
        REFERENCE_MINIMAL_CPU_MS
    )
    if slowdown <= SCALING_TRUSTED_UP_TO:
        return []
    return [
        f"**The machine was {slowdown:.1f} times slower than the reference during this run.** "
        "Scaling assumes every page slows alike, but on a busy machine the heavy pages slow "
        "less than the minimal view, so their scaled figures come out low. The verdicts below "
        "are indicative only: run `make bench` again on a quiet machine to judge the targets.",
        "",
    ]


def scaled_lines(targets):
    costs = ", ".join(
        f"{minimal_cost(figures):.2f} ms at {size:,} requests" for size, figures in targets.items()
    )
    return [
        *busy_machine_lines(targets),
        f"The minimal view, measured with these pages (their requests taking turns), cost "
        f"{costs} of Django CPU (the median of the runs); it cost {REFERENCE_MINIMAL_CPU_MS} ms "
        f"on the machine the targets were set on. The same figures scaled, each run by "
        f"{REFERENCE_MINIMAL_CPU_MS} ÷ that run's cost, the median of the runs counting (the "
        "latencies of one staff member as measured):",
        "",
        *target_lines(scaled(targets)),
    ]
