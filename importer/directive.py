"""A directive read from its text: header, tasks with their agencies and deadlines, cadence.

`import_text` is the whole reading; `to_data` gives the reviewable TOML shape
of DESIGN.md's "Data files" (codes), `to_json` the JSON shape (each agency as
found in the text and as matched).

Decisions a reader makes, made here the same way every time:
- A numbered item with numbered or lettered items inside it is a heading
  over them (its own paragraphs introduce, they assign nothing of their own;
  a "chủ trì" they name is inherited by the items that name no lead).
- A numbered item with several paragraphs (or "-"/"+" bullets) is ONE task;
  when two or more of those paragraphs name their own lead, each becomes a
  `[[task.part]]` and the task's lead/coordinating is their union. The task
  number is what the Office and the agencies cite; parts keep who owes what.
- "Tổ chức thực hiện" is not a task: it sets the reporting cadence and the
  tracker ("Giao Văn phòng … theo dõi, đôn đốc, báo cáo …").
- Sections that only explain ("Mục đích, yêu cầu", "Tình hình", "Căn cứ") are
  not tasks.
"""

from __future__ import annotations

import re
from collections import Counter
from datetime import date
from typing import Any

from importer.agencies import (
    ASSIGNING,
    OPENING,
    Assignees,
    find_assignees,
    labelled_assignees,
    leading_names,
    sentences,
    short_title,
    task_title,
    unique,
)
from importer.deadlines import find_cadence, find_deadline
from importer.errors import DirectiveImportError
from importer.fields import fields_of, is_field_block
from importer.header import parse_header
from importer.model import ImportedDirective, ImportedTask, Part
from importer.names import Found, Registry, clean_name, fold, read_names
from importer.structure import Item, attachments, body_lines, outline, paragraphs, text_of
from importer.tables import find_task_tables, table_tasks
from importer.titles import plain_names

_CLOSING = ("to chuc thuc hien", "dieu khoan thi hanh", "trach nhiem thi hanh")
_EXPLAINING = (
    "muc dich",
    "muc tieu",
    "yeu cau",
    "quan diem",
    "can cu",
    "tinh hinh",
    "ket qua",
    "danh gia",
    "boi canh",
    "su can thiet",
    "pham vi",
    "doi tuong",
)
_TRACKING = re.compile(r"theo dõi|đôn đốc", re.IGNORECASE)
# Who watches over this very document ("theo dõi, đôn đốc việc thực hiện Kế hoạch này"), as
# against a duty that includes supervising something else.
_TRACKS_THIS = re.compile(
    r"(?:theo dõi|đôn đốc)[^.;]{0,160}?(?:Chỉ thị|Kế hoạch|Quyết định|Công điện|Nghị quyết|"
    r"Chương trình|Thông báo|Công văn|văn bản) này",
    re.IGNORECASE,
)


def import_text(text: str, registry: Registry, *, source: str = "<text>") -> ImportedDirective:
    """Read a directive's text against a registry."""
    lines = text.split("\n")
    header = parse_header(lines)
    tables = find_task_tables(lines)
    for table in tables:  # a task table is read by its columns, not as paragraphs
        lines[table.start : table.end] = [""] * (table.end - table.start)
    # A header that cannot be read is a blank for the reviewer, never a refusal: only a
    # document without a single task is not a directive.
    issued = header.date or _likely_year_start(text)
    closing: list[str] = []
    # The body, then what follows the signature (the plan a decision issues, an annex).
    parts = [body_lines(lines, header.body_start), *attachments(lines, header.body_start)]
    read: list[list[ImportedTask]] = []
    preamble: list[str] = []
    addressees: Assignees | None = None
    for index, part in enumerate(parts):
        body = outline(paragraphs(part))
        if index == 0:
            preamble = body.preamble
        kind_gui = header.recipients if index == 0 else []  # "Kính gửi" heads the body only
        addressees = _addressees(body.preamble, kind_gui, registry) or addressees
        read.append([])
        _collect(body.items, registry, issued, addressees, "", read[-1], closing)
    attached = [task for part_tasks in read[1:] for task in part_tasks]
    issues_a_plan = re.search(r"[Bb]an hành kèm theo (?:Quyết định|Chỉ thị|Nghị quyết) này", text)
    # A decision that issues a plan: the plan's tasks are the tasks.
    tasks = attached if attached and issues_a_plan else [*read[0], *attached]
    _number_uniquely(tasks)
    tabled = [task for table in tables for task in table_tasks(table, registry, issued)]
    if tasks and {t.number for t in tasks} & {t.number for t in tabled}:
        for task in tabled:  # the annex's "1" is not the body's "1"
            task.number = f"PL.{task.number}"
    tasks.extend(tabled)
    if not tasks:
        raise DirectiveImportError(
            f"{source}: not a directive: no numbered tasks (1., 2.1., a), …) found, "
            "and no task table (columns Nhiệm vụ | Cơ quan chủ trì | …)"
        )
    header_warnings = []
    if header.code is None:
        header_warnings.append(
            'no document number ("Số: 2658/UBND-KT") found: fill in [directive] code'
        )
    if header.date is None:
        header_warnings.append(
            "no date of issue found: fill in [directive] date (deadlines without a year were "
            "read in the year the text names most)"
        )
    recipients = []
    for name in header.recipients:
        code = registry.match(name)
        if code is None:
            found = read_names(plain_names(name, registry), registry).found
            if found and all(f.code for f in found):
                recipients.extend(found)
                continue
        recipients.append(Found(clean_name(name), code))
    for task in tasks:
        _addressed(task, recipients)
        _review(task)
    result = ImportedDirective(
        header=header, recipients=recipients, tasks=tasks, warnings=header_warnings
    )
    closing_text = "\n".join(closing)
    result.cadence = find_cadence(closing_text) or find_cadence("\n".join(preamble))
    result.tracker = _tracker(closing, registry)
    monthly = result.cadence is None or result.cadence.every == "monthly"
    for task in tasks:
        own = find_cadence(task.text)
        task.monthly = monthly or (own is not None and own.every == "monthly")
    if header.issuer is None:
        result.warnings.append("no issuer found in the header: fill in [directive] issuer")
    if header.subject is None:
        result.warnings.append("no subject (V/v …) found: fill in [directive] subject")
    place = re.sub(r"^(?:thanh pho|tinh)\s+", "", fold(registry.name))
    if place and header.issuer and place not in fold(header.issuer):
        result.warnings.append(
            f"the directive is from {header.issuer}, the registry is {registry.name}'s: "
            "check the matched codes (or pass --registry)"
        )
    if result.cadence is None:
        result.warnings.append("no reporting cadence found: monthly assumed")
    return result


def _addressees(preamble: list[str], recipients: list[str], registry: Registry) -> Assignees | None:
    """Who the document asks, for the tasks that name nobody: "… yêu cầu X, Y …:" or "Kính gửi"."""
    for paragraph in reversed(preamble[-3:]):
        text = plain_names(paragraph, registry)
        for ask in reversed(list(ASSIGNING.finditer(text))):
            names, _ = leading_names(text[ask.end() :], registry)
            if any(f.code for f in names.found):
                return Assignees(lead=unique(names.found))
    found = []
    for name in recipients:
        found.extend(read_names(plain_names(name, registry), registry).found)
    return Assignees(lead=unique(found)) if found else None


def _likely_year_start(text: str) -> date:
    """Without a date of issue: the 1st of January of the year the text names most."""
    years = Counter(int(y) for y in re.findall(r"\b(19[5-9]\d|20\d\d)\b", text))
    return date(years.most_common(1)[0][0] if years else date.today().year, 1, 1)


def _heading(item: Item, registry: Registry) -> str | None:
    """The item's first paragraph when it is a heading rather than a duty."""
    first = item.paragraphs[0] if item.paragraphs else ""
    if item.kind == "bullet" or not first:
        return None
    more = len(item.paragraphs) > 1 or bool(item.children)
    if not more:
        return None
    if not first.rstrip().endswith((".", ";", "!", "?", ":")):
        return first
    if first.rstrip().endswith(":") and not find_assignees(first, registry).lead:
        return first.rstrip(" :")
    return None


_HEADING_TAIL = re.compile(
    r"\s*(?:(?:có\s+)?liên quan|(?:có|chịu)\s+trách\s+nhiệm|"
    r"theo chức năng,? nhiệm vụ(?: được giao)?|"
    r"thực hiện(?: tốt)?(?: các| một số)?(?: nhiệm vụ| nội dung)?(?: sau| sau đây| cụ thể)?|"
    r"(?:các\s+)?nhiệm vụ(?: cụ thể)?(?: như)? sau(?: đây)?|chủ trì|khẩn trương|tập trung|"
    r"chỉ đạo|cần|như sau|[,(]|\)|\s)*[:.]?\s*$",
    re.IGNORECASE,
)


def agency_heading(paragraph: str, registry: Registry) -> Assignees | None:
    """The agencies a heading such as "3. Sở Tài chính:" or "a) Bộ Y tế chịu trách nhiệm:" names."""
    text = plain_names(paragraph.strip(), registry)
    text = OPENING.sub("", text)
    if len(text) > 400:
        # A long paragraph is a heading only by its opening: "6. Sở Tài chính: Căn cứ …".
        colon = text.find(":")
        if not 0 < colon < 200:
            return None
        text = text[: colon + 1]
    names, end = leading_names(text, registry)
    if not names.found or end == 0:
        return None
    rest = text[end:]
    colon = rest.find(":")
    # "b) Bộ Tài chính" with nothing after the name is a heading too, and so is
    # "5. Sở, ban, ngành liên quan".
    bare = not rest.strip(" .;") or (len(rest) < 30 and _HEADING_TAIL.fullmatch(rest))
    if colon < 0 and not paragraph.rstrip().endswith(":") and not bare:
        return None
    tail = rest[: colon + 1] if colon >= 0 else rest
    if _HEADING_TAIL.fullmatch(tail):
        return Assignees(lead=list(names.found), coordinating_open=names.open_set)
    if text.rstrip().endswith(":") and len(text) < 300:
        # "Sở Kế hoạch và Đầu tư chủ trì, phối hợp với các sở, ngành và địa phương:"
        found = find_assignees(text.rstrip(" :"), registry)
        if found.lead:
            return found
    return None


def _collect(
    items: list[Item],
    registry: Registry,
    issued: date,
    inherited: Assignees | None,
    parent_number: str,
    tasks: list[ImportedTask],
    closing: list[str],
    roman: str = "",
) -> None:
    for item in items:
        heading = _heading(item, registry)
        first = heading or (item.paragraphs[0] if item.paragraphs else "")
        folded = fold(re.sub(r"^(?:Về|VỀ)\s+", "", first))
        if folded.startswith(_CLOSING):
            closing.extend(text_of(item))
            # A plan's "Tổ chức thực hiện" that assigns work per agency ("1. Sở Y tế: …")
            # holds tasks; a line that only says who monitors and reports does not.
            duties = [c for c in item.children if c.kind != "bullet" and _assigns(c, registry)]
            if duties:
                _collect(
                    duties,
                    registry,
                    issued,
                    inherited,
                    _number_of(item, parent_number) if item.kind != "roman" else "",
                    tasks,
                    [],
                    roman=item.label if item.kind in ("roman", "part") else roman,
                )
            continue
        if heading is not None and folded.startswith(_EXPLAINING):
            continue
        number = _number_of(item, parent_number)
        if item.kind != "bullet" and is_field_block(item):
            tasks.append(_field_task(item, number, registry, issued, inherited, roman))
            continue
        inner = [c for c in item.children if c.kind != "bullet"]
        if item.kind in ("roman", "part"):
            own = _assignees(item.paragraphs[1:], registry)
            _collect(
                item.children,
                registry,
                issued,
                own if own.lead else inherited,
                "",
                tasks,
                closing,
                roman=item.label,
            )
            continue
        opening = item.paragraphs[0] if item.paragraphs else ""
        owner = agency_heading(opening, registry) if opening and item.kind != "bullet" else None
        if inner:
            # "1. Bộ Công Thương chủ trì, phối hợp với …" over a), b): the heading's agencies
            # lead the items that name none of their own.
            own = owner or _assignees(item.paragraphs, registry)
            _collect(
                inner,
                registry,
                issued,
                own if own.lead else inherited,
                number,
                tasks,
                closing,
                roman=roman,
            )
            continue
        if item.kind == "bullet":
            continue
        bullets = [c for c in item.children if c.kind == "bullet"]
        if bullets and owner is not None:
            # "a) Ngân hàng Nhà nước Việt Nam:" then "- …", "- …": each bullet is its task,
            # and what the heading says after its colon is one more.
            after = opening.split(":", 1)[1].strip() if ":" in opening else ""
            said = [p for p in [after, *item.paragraphs[1:]] if p]
            if said:
                own_text = Item(item.kind, item.label, said)
                tasks.append(_task(own_text, number, None, registry, issued, owner, roman))
            for index, bullet in enumerate(bullets, start=1):
                tasks.append(
                    _task(bullet, f"{number}.{index}", None, registry, issued, owner, roman)
                )
            continue
        # "3. Sở Giáo dục và Đào tạo" over a paragraph: the heading's agency owns the task.
        tasks.append(_task(item, number, heading, registry, issued, owner or inherited, roman))


def _field_task(
    item: Item,
    number: str,
    registry: Registry,
    issued: date,
    inherited: Assignees | None,
    roman: str,
) -> ImportedTask:
    """One task from a block of labelled fields (Nhiệm vụ, Cơ quan chủ trì, phối hợp, Thời gian)."""
    fields = fields_of(item)
    values: dict[str, list[str]] = {}
    for kind, value in fields:
        values.setdefault(kind, []).append(value)
    assignees = labelled_assignees(values.get("lead", []), values.get("coordinating", []), registry)
    review = _inherit(assignees.settle(), inherited)
    task_text = "\n".join(values.get("task", [])) or "\n".join(text_of(item))
    when = "\n".join(values.get("time", []))
    return ImportedTask(
        number=_full_number(roman, number, item),
        title=task_title(task_text.split("\n")[0], registry),
        text="\n".join(p for p in text_of(item) if p),
        assignees=assignees,
        deadline=find_deadline(when, issued) if when else find_deadline(task_text, issued),
        review=review,
    )


def _assigns(item: Item, registry: Registry) -> bool:
    """Whether an item of the closing section gives an agency work (not only tracking)."""
    first = item.paragraphs[0] if item.paragraphs else ""
    if agency_heading(first, registry) is None and not find_assignees(first, registry).lead:
        return False
    whole = " ".join(text_of(item))
    only_tracking = _TRACKS_THIS.search(whole) and len(whole) < 400
    return not only_tracking


def _number_of(item: Item, parent: str) -> str:
    if item.kind == "letter":
        return f"{parent}.{item.label}" if parent else item.label
    return item.label


def _assignees(paras: list[str], registry: Registry) -> Assignees:
    total = Assignees()
    for paragraph in paras:
        total.merge(find_assignees(paragraph, registry))
    return total.settle()


def _task(
    item: Item,
    number: str,
    heading: str | None,
    registry: Registry,
    issued: date,
    inherited: Assignees | None,
    roman: str,
) -> ImportedTask:
    paras = [p for p in (text_of(item)[1:] if heading else text_of(item)) if p]
    if item.kind == "bullet" and paras:
        paras[0] = paras[0].removeprefix(item.label).lstrip()  # the bullet's task, not its dash
    parts: list[Part] = []
    for paragraph in paras:
        found = find_assignees(paragraph, registry)
        if found.lead or not parts:
            parts.append(Part(paragraph, found))
        else:
            parts[-1].text += "\n" + paragraph
            parts[-1].assignees.merge(found)
    total = Assignees()
    for part in parts:
        total.merge(part.assignees)
    total.settle()
    review = _inherit(total, inherited)
    text = "\n".join(paras)
    title = heading or task_title(paras[0] if paras else "", registry)
    task = ImportedTask(
        number=_full_number(roman, number, item),
        title=title,
        text=text,
        assignees=total,
        deadline=find_deadline(text, issued),
        parts=parts if sum(bool(p.assignees.lead) for p in parts) >= 2 else [],
        review=review,
    )
    return task


def _inherit(total: Assignees, inherited: Assignees | None) -> list[str]:
    """A task that names no lead takes the heading's (or the addressees'); what to review."""
    if not total.lead and inherited is not None and inherited.lead:
        total.merge(inherited)
        total.settle()
        return ["lead taken from the heading above the item"]
    if not total.lead:
        return ["no lead agency found: name one before loading"]
    return []


def _addressed(task: ImportedTask, recipients: list[Found]) -> None:
    """A short name for the addressee is the addressee: "Cục Thuế" in a letter to "Cục Thuế các
    tỉnh, thành phố" means every one of them, not the registry's own Cục Thuế."""
    for names in (task.assignees.lead, task.assignees.coordinating):
        for index, found in enumerate(names):
            short = fold(found.name)
            for recipient in recipients:
                if fold(recipient.name).startswith(short + " cac "):
                    names[index] = recipient
                    break
        names[:] = unique(names)


def _review(task: ImportedTask) -> None:
    """What the person reviewing should look at: leads guessed, names not in the registry."""
    if task.assignees.inferred and not task.review:
        task.review.append("lead inferred from the sentence's subject")
    unmatched = _unmatched(task.assignees)
    if unmatched:
        task.review.append("not in the registry: " + "; ".join(unmatched))


def _full_number(roman: str, number: str, item: Item) -> str:
    """The task's number with its Roman part ("II.1.a") where it sits in one."""
    return f"{roman}.{number}" if roman and item.kind != "roman" else number


def _number_uniquely(tasks: list[ImportedTask]) -> None:
    """Drop the Roman part from the numbers when they are unique without it."""
    bare = [t.number.split(".", 1)[1] if _has_roman(t.number) else t.number for t in tasks]
    if len(set(bare)) == len(bare):
        for task, number in zip(tasks, bare, strict=True):
            task.number = number


def _has_roman(number: str) -> bool:
    return bool(re.match(r"^[IVX]+\.", number))


def _tracker(closing: list[str], registry: Registry) -> Found | None:
    """Who "theo dõi, đôn đốc" the directive, from the closing section."""
    for paragraph in closing:
        for sentence in sentences(paragraph):
            if _TRACKING.search(sentence):
                found = find_assignees(sentence, registry).lead
                if found:
                    return found[0]
    return None


def _codes(found: list[Found]) -> list[str]:
    return [f.code for f in found if f.code]


def _unmatched(assignees: Assignees) -> list[str]:
    return [f.name for f in [*assignees.lead, *assignees.coordinating] if f.code is None]


def to_data(directive: ImportedDirective) -> dict[str, Any]:
    """The reviewable TOML shape (DESIGN.md "Data files"): agencies as registry codes."""
    header = directive.header
    head: dict[str, Any] = {
        # Blank where the header could not be read: the reviewer fills it in.
        "code": header.code or "",
        "date": header.date or "",
        "issuer": header.issuer or "",
        "subject": header.subject or "",
    }
    if directive.tracker is not None and directive.tracker.code:
        head["tracker"] = directive.tracker.code
    elif directive.tracker is not None:
        head["tracker_unmatched"] = directive.tracker.name
    head["cadence"] = directive.cadence.every if directive.cadence else "monthly"
    if directive.cadence and directive.cadence.day:
        head["report_day"] = directive.cadence.day
    for key_name, value in (("signer", header.signer), ("signer_title", header.signer_title)):
        if value:
            head[key_name] = value
    head["recipients"] = [r.name for r in directive.recipients]
    head["recipient_codes"] = [r.code for r in directive.recipients if r.code]
    head["recipients_unmatched"] = [r.name for r in directive.recipients if r.code is None]
    return {"directive": head, "task": [_task_data(t) for t in directive.tasks]}


def _task_data(task: ImportedTask) -> dict[str, Any]:
    data: dict[str, Any] = {
        "number": task.number,
        "title": task.title,
        "text": task.text,
        **_roles(task.assignees),
        "monthly": task.monthly,
    }
    if task.deadline is not None:
        data["deadline"] = task.deadline.due
        data["deadline_text"] = task.deadline.phrase
    if task.review:
        data["review"] = "; ".join(task.review)
    if task.parts:
        data["part"] = [
            {
                "number": task.number,
                "part": index,
                "title": short_title(part.text),
                "text": part.text,
                **_roles(part.assignees),
            }
            for index, part in enumerate(task.parts, start=1)
        ]
    return data


def _roles(assignees: Assignees) -> dict[str, Any]:
    return {
        "lead": _codes(assignees.lead),
        "coordinating": _codes(assignees.coordinating),
        "coordinating_open": assignees.coordinating_open,
        "unmatched": _unmatched(assignees),
    }


def to_json(directive: ImportedDirective) -> dict[str, Any]:
    """The JSON shape: each agency as found in the text and as matched (code or null)."""
    data = to_data(directive)
    head = dict(data["directive"])
    head["date"] = directive.header.date.isoformat() if directive.header.date else None
    head["tracker"] = directive.tracker.as_json() if directive.tracker else None
    head.pop("tracker_unmatched", None)
    head["recipients"] = [r.as_json() for r in directive.recipients]
    for name in ("recipient_codes", "recipients_unmatched"):
        head.pop(name, None)
    tasks = []
    for task in directive.tasks:
        tasks.append(
            {
                "number": task.number,
                "title": task.title,
                "text": task.text,
                **_found_roles(task.assignees),
                "deadline": task.deadline.due.isoformat() if task.deadline else None,
                "deadline_text": task.deadline.phrase if task.deadline else None,
                "monthly": task.monthly,
                "parts": [
                    {"part": i, "text": p.text, **_found_roles(p.assignees)}
                    for i, p in enumerate(task.parts, start=1)
                ],
                "review": task.review,
            }
        )
    return {"directive": head, "tasks": tasks, "warnings": directive.warnings}


def _found_roles(assignees: Assignees) -> dict[str, Any]:
    return {
        "lead": [f.as_json() for f in assignees.lead],
        "coordinating": [f.as_json() for f in assignees.coordinating],
        "coordinating_open": assignees.coordinating_open,
        "unmatched": _unmatched(assignees),
    }
