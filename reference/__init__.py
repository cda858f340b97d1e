"""Hand-reviewed reference data: agency registries and the reference directive."""

from __future__ import annotations

from pathlib import Path

FOLDER = Path(__file__).parent
# What `dondoc import` matches names against unless told otherwise: the city's own
# registry first (its codes win), then the national one for central documents' names.
IMPORT_REGISTRIES = (FOLDER / "hanoi-agencies.toml", FOLDER / "vn-national-agencies.toml")
