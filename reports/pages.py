"""The report as printed: page counts of a rendered PDF, and its first pages side by side.

`python -m reports.pages REPORT.pdf OUT.png` prints the body's and the annex's page counts
(the annex is the landscape pages) and writes the first two pages as one PNG for the README.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path


def page_shapes(pdf: Path) -> list[str]:
    """ "portrait" or "landscape" for each page of a PDF."""
    from pypdf import PdfReader

    shapes = []
    for page in PdfReader(str(pdf)).pages:
        box = page.mediabox
        shapes.append("landscape" if box.width > box.height else "portrait")
    return shapes


def first_pages_png(pdf: Path, target: Path, pages: int = 2, dpi: int = 70) -> None:
    """The first pages of a PDF side by side in one PNG (pdftoppm, then Pillow)."""
    from PIL import Image

    with tempfile.TemporaryDirectory() as folder:
        prefix = Path(folder) / "page"
        subprocess.run(
            ["pdftoppm", "-r", str(dpi), "-f", "1", "-l", str(pages), "-png", str(pdf), prefix],
            check=True,
        )
        images = [Image.open(path) for path in sorted(Path(folder).glob("page*.png"))]
        width = sum(image.width for image in images) + 10 * (len(images) - 1)
        height = max(image.height for image in images)
        sheet = Image.new("RGB", (width, height), "white")
        x = 0
        for image in images:
            sheet.paste(image, (x, 0))
            x += image.width + 10
        sheet.save(target)


def main() -> None:
    pdf, target = Path(sys.argv[1]), Path(sys.argv[2])
    shapes = page_shapes(pdf)
    body = shapes.index("landscape") if "landscape" in shapes else len(shapes)
    print(f"{pdf}: {body} page(s) of body, {len(shapes) - body} page(s) of annex")
    first_pages_png(pdf, target)
    print(f"wrote {target}")


if __name__ == "__main__":
    main()
