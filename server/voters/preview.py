"""What a voter file would become, from its first bytes, before anything is written: the layout, every column with
the field it feeds (or none), and the first rows as they would be imported, problems included.

The console shows this so the organizer can check the layout and pick fields for columns (a file without a header
row has only numbers for names) before the real upload. No Flask and no database here.
"""

import csv
import io

from server.voters.presets import PRESETS
from server.voters.reader import VoterFileError, open_voter_file, positional_names, sample_rows

PREVIEW_ROWS = 20
SAMPLES = 3  # values shown under each column


def preview_file(head: bytes, *, preset: str = "auto", overrides: dict | None = None, no_header: bool = False,
                 region: str = "US", reference_year: int, whole_size: int | None = None,
                 rows: int = PREVIEW_ROWS, priority_column: str | None = None) -> dict:
    """The preview of a file whose first bytes are ``head`` (``whole_size``: the file's size, when larger).

    A file the layout cannot read yet (no voter id column picked, say) still answers its columns and first rows,
    with ``problem`` saying what is missing. :raise VoterFileError: when the bytes are not a text table at all.
    """
    if whole_size is not None and whole_size > len(head) and b"\n" in head:
        head = head[:head.rindex(b"\n") + 1]  # the last line was cut where the slice ended
    try:
        return _preview(head, preset, overrides, no_header, region, reference_year, rows, priority_column)
    except csv.Error as exc:  # a cell past the csv module's limit, in the first rows: no table a person can read
        raise VoterFileError(f"The first rows cannot be read as a table ({exc}).") from exc


def _preview(head: bytes, preset: str, overrides: dict | None, no_header: bool, region: str, reference_year: int,
             rows: int, priority_column: str | None) -> dict:
    try:
        reader = open_voter_file(io.BytesIO(head), preset=preset, overrides=overrides, region=region,
                                 reference_year=reference_year, no_header=no_header, priority_column=priority_column)
    except VoterFileError as exc:
        return _unreadable(head, preset, no_header, str(exc), rows)
    with reader:
        parsed = []
        for row in reader:
            parsed.append(_row(row, reader.last_cells))
            if len(parsed) >= rows:
                break
        columns = reader.columns
        return {
            "format": reader.preset.name, "format_label": reader.preset.label,
            "no_header": reader.header is None, "problem": None,
            "columns": [{"position": i + 1, "name": name, "fields": reader.fields_at.get(i, []),
                         "samples": [row["cells"][i] for row in parsed if i < len(row["cells"])][:SAMPLES]}
                        for i, name in enumerate(columns)],
            "unused": reader.unused,
            "rows": parsed,
            "priority_column": reader.priority_column,
            "warnings": [_problem(warning) for warning in reader.warnings],
        }


def _row(row, cells: list[str]) -> dict:
    voter = row.voter or {}
    return {
        "line": row.line, "rejected": row.voter is None, "cells": cells,
        "values": {name: value for name, value in voter.items() if value not in ("", None, False)},
        "phones": list(row.phones), "emails": list(row.emails),
        "problems": [_problem(problem) for problem in row.problems],
    }


def _problem(problem) -> dict:
    return {"column": problem.column, "reason": problem.reason, "code": problem.code, "params": problem.params}


def _unreadable(head: bytes, preset: str, no_header: bool, problem: str, rows: int) -> dict:
    """The columns and raw first rows of a file whose layout is not settled, and why."""
    chosen = PRESETS.get(preset)
    _encoding, _errors, _delimiter, sample = sample_rows(head, len(head), chosen)
    header = None if no_header else sample[0]
    body = sample if no_header else sample[1:]
    width = max(len(row) for row in sample)
    names = [name.strip() or f"Column {i + 1}" for i, name in enumerate(header)] if header else []
    names += positional_names(width)[len(names):]
    return {
        "format": None, "format_label": None, "no_header": no_header, "problem": problem,
        "columns": [{"position": i + 1, "name": name, "fields": [],
                     "samples": [row[i] for row in body[:SAMPLES] if i < len(row)]} for i, name in enumerate(names)],
        "unused": names,
        "rows": [{"line": n + (1 if no_header else 2), "rejected": True, "cells": row, "values": {}, "phones": [],
                  "emails": [], "problems": []} for n, row in enumerate(body[:rows])],
        "priority_column": None, "warnings": [],
    }
