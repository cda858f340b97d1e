"""The digest as a chart (PNG): each task's agencies by reported status, as stacked bars.

With many tasks (more than `MAX_TASK_BARS`) the bars are per kind of agency (sở, quận,
huyện…) instead, so the picture stays readable. Matplotlib's Agg backend, through its object
interface (no pyplot state), so it is safe to draw from a worker thread.
"""

from __future__ import annotations

from collections import Counter
from io import BytesIO
from typing import Any

from matplotlib import rc_context
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.patches import Patch

from jobs.digest import (
    BUCKET_ORDER,
    CATEGORY_ORDER,
    Category,
    Digest,
    bucket_label,
    category_label,
    short_note,
)

# The report's face: Times New Roman, or its metric twin on Debian (Liberation Serif).
SERIF: dict[str, Any] = {
    "font.family": "serif",
    "font.serif": ["Times New Roman", "Liberation Serif", "Tinos", "DejaVu Serif"],
}
CATEGORY_COLOURS = {
    Category.DONE_ON_TIME: "#2e7d32",
    Category.DONE_LATE: "#81c784",
    Category.OPEN_ON_TIME: "#1e88e5",
    Category.OPEN_OVERDUE: "#c62828",
}

MAX_TASK_BARS = 40
COLOURS = {
    "done": "#2e7d32",
    "in_progress": "#1e88e5",
    "behind": "#f9a825",
    "blocked": "#c62828",
    "unset": "#8e24aa",
    "none": "#9e9e9e",
}

CHART_WORDS: dict[str, dict[str, str]] = {
    "vi": {
        "by_task": "Tình trạng báo cáo theo nhiệm vụ — tháng {month}",
        "by_kind": "Tình trạng báo cáo theo nhóm đơn vị — tháng {month}",
        "axis": "Số lượt đơn vị",
        "so": "Sở",
        "ban": "Ban",
        "nganh": "Ngành",
        "quan": "Quận",
        "huyen": "Huyện",
        "thi-xa": "Thị xã",
        "cong-ty": "Công ty",
        "other": "Khác",
    },
    "en": {
        "by_task": "Reported status by task — {month}",
        "by_kind": "Reported status by agency group — {month}",
        "axis": "Agencies",
        "so": "Departments",
        "ban": "Boards",
        "nganh": "Branches",
        "quan": "Urban districts",
        "huyen": "Rural districts",
        "thi-xa": "Towns",
        "cong-ty": "Companies",
        "other": "Other",
    },
}


def chart_rows(digest: Digest, locale: str = "vi") -> tuple[str, list[tuple[str, Counter[str]]]]:
    """The chart's title and its bars: a label and the count per status bucket."""
    w = CHART_WORDS.get(locale, CHART_WORDS["vi"])
    tasks = digest.tasks
    if len(tasks) <= MAX_TASK_BARS:
        bars = [
            (
                f"{t.number} {short_note(t.title, 38)}",
                Counter(e.bucket for e in t.entries),
            )
            for t in tasks
        ]
        return w["by_task"].format(month=digest.period.label), bars
    kinds: dict[str, Counter[str]] = {}
    for task in tasks:
        for entry in task.entries:
            kinds.setdefault(entry.agency_kind or "other", Counter())[entry.bucket] += 1
    bars = [(w.get(kind, kind), counts) for kind, counts in sorted(kinds.items())]
    return w["by_kind"].format(month=digest.period.label), bars


def render_chart(digest: Digest, *, locale: str = "vi") -> bytes:
    """A PNG of horizontal stacked bars, the first task at the top."""
    with rc_context(SERIF):  # type: ignore[arg-type]
        return _bars(digest, locale)


def render_summary_chart(digest: Digest, *, locale: str = "vi") -> bytes:
    """A small ring of the tasks by category, to sit beside the counts on the report's page 1."""
    with rc_context(SERIF):  # type: ignore[arg-type]
        figure = Figure(figsize=(2.5, 3.3), dpi=200)
        FigureCanvasAgg(figure)
        axes = figure.add_subplot()
        counts = digest.categories
        shown = [c for c in CATEGORY_ORDER if counts.get(c, 0)]
        total = sum(counts.values())
        if shown:
            axes.pie(
                [counts[c] for c in shown],
                colors=[CATEGORY_COLOURS[c] for c in shown],
                startangle=90,
                counterclock=False,
                wedgeprops={"width": 0.38, "edgecolor": "white"},
            )
        axes.text(0, 0, str(total), ha="center", va="center", fontsize=16, fontweight="bold")
        axes.set_aspect("equal")
        figure.legend(
            [Patch(facecolor=CATEGORY_COLOURS[c]) for c in CATEGORY_ORDER],
            [f"{category_label(c, locale)}: {counts.get(c, 0)}" for c in CATEGORY_ORDER],
            loc="lower center",
            fontsize=9,
            frameon=False,
            ncol=1,
            handlelength=1.2,
        )
        figure.subplots_adjust(left=0.04, right=0.96, top=0.99, bottom=0.36)
        buffer = BytesIO()
        figure.savefig(buffer, format="png")
        return buffer.getvalue()


def _bars(digest: Digest, locale: str) -> bytes:
    title, bars = chart_rows(digest, locale)
    height = max(3.0, 0.42 * len(bars) + 1.6)
    figure = Figure(figsize=(9, height), dpi=110)
    FigureCanvasAgg(figure)
    axes = figure.add_subplot()
    labels = [label for label, _ in bars]
    positions = list(range(len(bars)))
    left = [0] * len(bars)
    for bucket in BUCKET_ORDER:
        values = [counts.get(bucket, 0) for _, counts in bars]
        if not any(values):
            continue
        axes.barh(
            positions,
            values,
            left=left,
            color=COLOURS[bucket],
            label=bucket_label(bucket, locale),
            height=0.7,
        )
        left = [a + b for a, b in zip(left, values, strict=True)]
    axes.set_yticks(positions, labels, fontsize=8)
    axes.invert_yaxis()
    axes.set_xlabel(CHART_WORDS.get(locale, CHART_WORDS["vi"])["axis"])
    axes.set_title(title, fontsize=11)
    axes.spines[["top", "right"]].set_visible(False)
    figure.legend(loc="lower center", ncol=6, fontsize=8, frameon=False)
    figure.tight_layout(rect=(0, 0.45 / height, 1, 1))
    buffer = BytesIO()
    figure.savefig(buffer, format="png")
    return buffer.getvalue()
