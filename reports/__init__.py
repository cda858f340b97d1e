"""Digest files for the Office: the Word report, the chart, the spreadsheet and the CSV.

`render_file` turns a built digest into the bytes of one format and its file name, for the
bot, the command line and the demo alike.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from jobs.digest import Digest, file_stem
from jobs.digest_text import render_html, render_text

if TYPE_CHECKING:
    from dondoc.config import ReportSettings

FORMATS = ("text", "html", "docx", "xlsx", "csv", "png")
SUFFIXES = {
    "text": "txt",
    "html": "html",
    "docx": "docx",
    "xlsx": "xlsx",
    "csv": "csv",
    "png": "png",
}


@dataclass(frozen=True)
class DigestFile:
    """One rendered file of the digest."""

    name: str
    content: bytes


def render_file(
    digest: Digest,
    fmt: str,
    *,
    zone: ZoneInfo,
    locale: str = "vi",
    chart: bool = True,
    settings: ReportSettings | None = None,
) -> DigestFile:
    """The digest in `fmt` (one of FORMATS); the Word report embeds the chart unless told not.

    `settings` (the config's [report]) says who issues and signs the Word report.
    """
    name = f"{file_stem(digest)}.{SUFFIXES[fmt]}"
    if fmt == "text":
        content = render_text(digest, zone=zone, locale=locale).encode("utf-8")
    elif fmt == "html":
        content = "\n\n".join(render_html(digest, zone=zone, locale=locale)).encode("utf-8")
    elif fmt == "docx":
        from reports.chart import render_summary_chart
        from reports.word import render_docx

        picture = render_summary_chart(digest, locale=locale) if chart else None
        content = render_docx(
            digest, zone=zone, locale=locale, chart_png=picture, settings=settings
        )
    elif fmt == "png":
        from reports.chart import render_chart

        content = render_chart(digest, locale=locale)
    elif fmt == "xlsx":
        from reports.spreadsheet import render_xlsx

        content = render_xlsx(digest, zone=zone, locale=locale)
    elif fmt == "csv":
        from reports.spreadsheet import render_csv

        content = render_csv(digest, zone=zone, locale=locale)
    else:
        raise ValueError(f"unknown format {fmt!r}; one of {', '.join(FORMATS)}")
    return DigestFile(name, content)
