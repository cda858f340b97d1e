"""How well `dondoc import` reads a document, against tasks a person checked by hand.

A corpus document `X.md` (or .txt, .docx, .pdf) sits beside `X.expected.toml`:
its source, and each `[[task]]` with the item's `number`, the first words of its
text (`starts`), and the `lead` and `coordinating` agencies by name. A found task
matches an expected one when its text holds those first words (compared folded,
without spaces or punctuation, so OCR noise and markup do not matter), or else
when their numbers agree. Agencies are compared as registry codes, or as folded
names where the registry does not know them; group names count as the group.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from importer.directive import ImportedTask, import_text
from importer.errors import DirectiveImportError
from importer.names import Found, Registry, fold
from importer.sources import read_directive
from importer.titles import plain_names

DOCUMENT_SUFFIXES = (".md", ".txt", ".docx", ".pdf")


@dataclass
class Score:
    """One document's figures."""

    name: str
    expected: int
    found: int = 0
    extra: int = 0
    leads_exact: int = 0
    coordinating_exact: int = 0
    refused: str | None = None
    misses: list[str] = field(default_factory=list)


def corpus(folder: Path) -> list[tuple[Path, dict[str, Any]]]:
    """Each document of a corpus folder with its expected tasks, by name."""
    pairs = []
    for expected in sorted(folder.glob("*.expected.toml")):
        data = tomllib.loads(expected.read_text(encoding="utf-8"))
        stem = expected.name.removesuffix(".expected.toml")
        document = folder / data.get("document", "")
        if not data.get("document") or not document.is_file():
            candidates = [folder / f"{stem}{suffix}" for suffix in DOCUMENT_SUFFIXES]
            document = next((c for c in candidates if c.is_file()), document)
        pairs.append((document, data))
    return pairs


def score(document: Path, expected: dict[str, Any], registry: Registry) -> Score:
    """Import one document and compare what it found with what a person expects."""
    wanted = expected.get("task", [])
    result = Score(name=document.name, expected=len(wanted))
    try:
        found = import_text(read_directive(document), registry, source=document.name).tasks
    except DirectiveImportError as exc:
        result.refused = str(exc)
        return result
    used: set[int] = set()
    texts = [_squeezed(task.text) for task in found]
    for task in wanted:
        index = _match(task, found, texts, used)
        if index is None:
            result.misses.append(f"{task.get('number', '?')}: not found")
            continue
        used.add(index)
        result.found += 1
        got = found[index]
        lead_ok = _keys(got.assignees.lead, registry) == _names(task.get("lead", []), registry)
        coordinating_ok = _keys(got.assignees.coordinating, registry) == _names(
            task.get("coordinating", []), registry
        )
        result.leads_exact += lead_ok
        result.coordinating_exact += coordinating_ok
        if not lead_ok:
            result.misses.append(
                f"{task.get('number', '?')}: lead {sorted(_keys(got.assignees.lead, registry))}"
                f" != {sorted(_names(task.get('lead', []), registry))}"
            )
    result.extra = len(found) - len(used)
    return result


def _squeezed(text: str) -> str:
    return re.sub(r"[\W_]+", "", fold(text))


def _match(
    task: dict[str, Any], found: list[ImportedTask], texts: list[str], used: set[int]
) -> int | None:
    starts = _squeezed(task.get("starts", ""))
    number = _number(str(task.get("number", "")))
    if starts:
        # A task that opens with the words first; one that holds them (after a heading) next;
        # of several with the same words, the one whose number agrees.
        for opening in (True, False):
            hits = []
            for index, text in enumerate(texts):
                hit = text.startswith(starts[:60]) if opening else starts[:60] in text
                if index not in used and hit:
                    hits.append(index)
            if hits:
                return min(hits, key=lambda i: _distance(number, _number(found[i].number)))
    for index, candidate in enumerate(found):
        if index not in used and number and _number(candidate.number) == number:
            return index
    return None


def _distance(expected: str, got: str) -> int:
    """0 when the numbers agree, 1 when they agree without the Roman part, 2 otherwise."""
    if expected == got:
        return 0
    bare = re.sub(r"^[ivx]+\.|^[a-h]\.", "", expected)
    return 1 if bare and (got == bare or got.startswith(bare + ".")) else 2


def _number(number: str) -> str:
    return re.sub(r"[\s.)]+", ".", number.strip().casefold()).strip(".")


def _key(name: str, registry: Registry) -> str:
    name = re.sub(r"(?<=\w)_(?=\w)", " ", name)  # a word-segmented corpus spells names so
    plain = plain_names(name, registry)
    code = registry.match(plain) or registry.match(name)
    if code:
        return code
    # "UBND xã, phường" and "UBND các xã, phường" are one set of bodies.
    squeezed = re.sub(r"\s+", " ", re.sub(r"\bcac\b", "", fold(plain))).strip()
    return squeezed


def _keys(found: list[Found], registry: Registry) -> set[str]:
    return {f.code or _key(f.name, registry) for f in found}


def _names(names: list[str], registry: Registry) -> set[str]:
    return {_key(name, registry) for name in names}
