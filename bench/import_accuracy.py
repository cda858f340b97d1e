"""Benchmark: `dondoc import` on real directives, against tasks checked by hand.

Imports every document of the corpus (default `tests/directives/real/`: real
public texts kept as crawled, each with `*.expected.toml` naming its source and
its tasks with their lead and coordinating agencies) with the default registries
(Hanoi's, then the national one), and prints per document and in total: tasks
expected, found, extra (found but not expected), leads exact, coordinating exact.
The targets: at least 90 % of tasks found, at least 85 % with exactly the right
lead set, no document refused.

    .venv/bin/python bench/import_accuracy.py [--corpus DIR] [--misses]

The last line printed is one JSON object with the figures.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from rich.console import Console
from rich.table import Table

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from importer.accuracy import Score, corpus, score  # noqa: E402
from importer.names import load_registries  # noqa: E402
from reference import IMPORT_REGISTRIES  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--corpus", type=Path, default=ROOT / "tests" / "directives" / "real")
    parser.add_argument("--misses", action="store_true", help="List each task missed or misread.")
    args = parser.parse_args()
    registry = load_registries(list(IMPORT_REGISTRIES))
    console = Console(stderr=False)
    started = time.perf_counter()
    scores: list[Score] = []
    for document, expected in corpus(args.corpus):
        scores.append(score(document, expected, registry))
    seconds = time.perf_counter() - started

    table = Table(title=f"dondoc import on {len(scores)} real documents")
    for column in ("document", "expected", "found", "extra", "leads exact", "coord. exact"):
        table.add_column(column, justify="left" if column == "document" else "right")
    for s in scores:
        table.add_row(
            s.name if s.refused is None else f"{s.name} (REFUSED)",
            str(s.expected),
            str(s.found),
            str(s.extra),
            str(s.leads_exact),
            str(s.coordinating_exact),
        )
    total = Score(name="total", expected=sum(s.expected for s in scores))
    total.found = sum(s.found for s in scores)
    total.extra = sum(s.extra for s in scores)
    total.leads_exact = sum(s.leads_exact for s in scores)
    total.coordinating_exact = sum(s.coordinating_exact for s in scores)
    share = lambda n: n / total.expected if total.expected else 0.0  # noqa: E731
    table.add_row(
        "[b]total[/b]",
        str(total.expected),
        f"{total.found} ({share(total.found):.0%})",
        str(total.extra),
        f"{total.leads_exact} ({share(total.leads_exact):.0%})",
        f"{total.coordinating_exact} ({share(total.coordinating_exact):.0%})",
    )
    console.print(table)
    if args.misses:
        for s in scores:
            for line in ([s.refused] if s.refused else []) + s.misses:
                console.print(f"{s.name}: {line}", highlight=False, markup=False)
    refused = [s.name for s in scores if s.refused]
    print(
        json.dumps(
            {
                "documents": len(scores),
                "refused": len(refused),
                "tasks_expected": total.expected,
                "tasks_found": total.found,
                "tasks_extra": total.extra,
                "leads_exact": total.leads_exact,
                "coordinating_exact": total.coordinating_exact,
                "found_share": round(share(total.found), 3),
                "leads_exact_share": round(share(total.leads_exact), 3),
                "seconds": round(seconds, 2),
            }
        )
    )


if __name__ == "__main__":
    main()
