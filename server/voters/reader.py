"""Read a voter file one clean row at a time: recognise its layout, normalise each value, say what is wrong where.

No Flask and no database here: bytes in, ``ParsedRow`` values out, so the import engine and the tests drive it
the same way. The file is streamed in chunks, never held in memory, however large it is.

What the import engine must know:

- ``ParsedRow.voter`` is None when the row is rejected, and its ``problems`` then say why. The problems of a
  kept row are warnings: a phone or e-mail left out, a value cut to fit its column, an implausible birth date.
- Duplicate external ids within one file are not checked here; the engine reports them.
- ``voter`` holds ``external_id`` and every name in ``VOTER_FIELDS``, each fitting its column. ``search_name`` is
  left to the engine.
- Blank lines, and rows whose cells are all blank, are skipped without a word.
"""

import codecs
import csv
import dataclasses
import io
import os
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import date
from typing import BinaryIO

from server.identifiers import InvalidIdentifier, normalize_email, normalize_phone
from server.voters.models import VOTER_FIELDS, Voter
from server.voters.presets import FIELDS, IGNORE, MULTI_FIELDS, PRESETS, Preset, squash
from server.voters.reasons import VALUE_CHARS, english

SAMPLE_BYTES = 1 << 18  # read first to recognise the encoding, the delimiter, the header and the layout
SAMPLE_ROWS = 200
CHUNK_BYTES = 1 << 20
_DELIMITERS = (",", "\t", "|", ";")
_DELIMITER_NAMES = {",": "comma", "\t": "tab", "|": "pipe", ";": "semicolon"}
# the longest value each voter column holds, so a long value is cut here rather than failing the whole import
# how files write the campaign's priority flag
_YES = frozenset({"1", "y", "yes", "true", "t", "x", "priority", "target"})
_NO = frozenset({"", "0", "n", "no", "false", "f"})
_LIMITS = {column.name: column.type.length for column in Voter.__table__.columns if column.name in FIELDS
           and getattr(column.type, "length", None)}
_BINARY_SIGNATURES = {
    b"PK\x03\x04": "a ZIP archive or an Excel workbook: unzip it, or save the sheet as CSV",
    b"\xd0\xcf\x11\xe0": "an Excel 97-2003 workbook: save the sheet as CSV",
    b"\x1f\x8b": "a gzip archive: uncompress it first",
    b"%PDF": "a PDF document, not a data file",
}
# the house number at the start of an address line: "123", "123A", "123-125", "12 1/2"; not "1ST AVE"
_HOUSE_NUMBER = re.compile(r"(\d+[A-Za-z]?(?:-\d+[A-Za-z]?)?(?: \d/\d)?) (.+)")

# Windows-1252 for each byte, and Latin-1 for the five bytes it leaves undefined (as browsers do)
_CP1252 = [bytes([b]).decode("cp1252", "ignore") or chr(b) for b in range(256)]


def _cp1252_fallback(error: UnicodeError) -> tuple[str, int]:
    """A byte that is not UTF-8 in a UTF-8 file is read as Windows-1252: an ASCII sample said UTF-8."""
    return "".join(_CP1252[b] for b in error.object[error.start:error.end]), error.end


codecs.register_error("kin.cp1252", _cp1252_fallback)


@dataclass(frozen=True)
class RowError:
    line: int            # 1-based physical line number in the file (header is line 1 when present)
    column: str | None   # the source column name (or Kin field if no header), None for whole-row problems
    reason: str          # a sentence an organizer can act on: "Not a valid phone number for region US."
    # the reason as a stable code and its values (server/voters/reasons.py), for saying it in another language
    code: str = dataclasses.field(default="", compare=False)
    params: dict = dataclasses.field(default_factory=dict, compare=False)


def row_error(line: int, column: str | None, code: str, /, **params) -> RowError:
    """A problem by its code (server/voters/reasons.py), with the English sentence made from it."""
    return RowError(line, column, english(code, params), code, params)


@dataclass(frozen=True)
class ParsedRow:
    line: int
    voter: dict[str, object] | None        # Voter column -> clean value; None when the row is rejected
    phones: tuple[str, ...]                # E.164, deduplicated, only valid ones
    emails: tuple[str, ...]                # normalised, deduplicated, only valid ones
    problems: tuple[RowError, ...]         # rejections (voter is None) or warnings (the row is kept)


class VoterFileError(Exception):
    """The file as a whole cannot be read; the message says what to do about it."""


def describe_presets() -> list[tuple[str, str]]:
    """(name, label) of each preset, for help texts."""
    return [(preset.name, preset.label) for preset in PRESETS.values()]


def open_voter_file(source: str | os.PathLike | BinaryIO, *, preset: str = "auto",
                    overrides: Mapping[str, str] | None = None, region: str = "US",
                    reference_year: int, no_header: bool = False,
                    priority_column: str | None = None) -> "VoterFileReader":
    """Recognise the file and get ready to read it; only its first 256 KB are read here.

    ``overrides`` maps a source column to a Kin field (``--map column=field``); a column is named by its header
    or by its number from 1. ``no_header``: the first row is a voter, and the columns are "Column 1", "Column 2"...
    unless the chosen preset names them. ``reference_year`` turns ages into birth years. ``priority_column``: the
    campaign's setting, the column read as ``priority`` unless ``overrides`` pick a priority column or give that
    column another field; a file without it is read as its layout reads it, with a warning in ``warnings``.
    :raise VoterFileError: when the file cannot be read as a voter file at all.
    """
    if preset != "auto" and preset not in PRESETS:
        raise VoterFileError(f"Unknown format {preset!r}; one of: auto, {', '.join(PRESETS)}.")
    overrides = dict(overrides or {})
    for column, field in overrides.items():
        if field not in FIELDS and field != IGNORE:
            raise VoterFileError(f"Cannot read column {column!r} as {field!r}: the fields are {', '.join(FIELDS)}.")
    if isinstance(source, (str, os.PathLike)):
        stream, owned = open(source, "rb", buffering=0), True
        total = os.fstat(stream.fileno()).st_size
    else:
        stream, owned, total = source, False, _remaining_size(source)
    try:
        head = _read_head(stream)
        found = _recognise(head, total, preset, overrides, no_header)
        layout, warning = _with_priority_column(found, priority_column)
        reader = VoterFileReader(_Bytes(head, stream, owned), total, layout, region, reference_year)
        reader.priority_column = priority_column if layout is not found else None
        reader.warnings = [warning] if warning else []
        return reader
    except BaseException:
        if owned:
            stream.close()
        raise


class VoterFileReader:
    """Iterate over it once for a ``ParsedRow`` per row; ``bytes_read`` and ``total_bytes`` give the progress."""

    preset: Preset                         # the one chosen (detected for "auto")
    header: list[str] | None               # the file's header row as written, None when it has none
    total_bytes: int | None
    encoding: str
    delimiter: str
    mapping: dict[str, str]                # Kin field -> the column(s) it is read from, for showing the organizer
    columns: tuple[str, ...]               # every column's name: the header's, the preset's or "Column N"
    unused: list[str]                      # the columns no field reads, said out loud rather than dropped quietly
    fields_at: dict[int, list[str]]        # a column's position -> the fields read from it
    last_cells: list[str] | None           # the cells of the row just yielded, for a preview
    priority_column: str | None = None     # the campaign's priority column, when it is what priority is read from
    warnings: list[RowError] = []          # about the file as a whole (line 1), not a row

    def __init__(self, source: "_Bytes", total_bytes: int | None, layout: "_Layout", region: str,
                 reference_year: int):
        self._source, self._layout = source, layout
        self.preset, self.header, self.total_bytes = layout.preset, layout.header, total_bytes
        self.encoding, self.delimiter = layout.encoding, layout.delimiter
        self._plan = _Plan(layout, region, reference_year)
        self.mapping, self.columns = self._plan.mapping, layout.columns
        self.fields_at = self._plan.fields_at
        self.unused = [layout.columns[i] for i in range(len(layout.columns)) if i not in self.fields_at]
        self.last_cells = None
        self._started = False

    @property
    def bytes_read(self) -> int:
        return self._source.count

    def close(self) -> None:
        self._source.close()

    def __enter__(self) -> "VoterFileReader":
        return self

    def __exit__(self, *_exc) -> None:
        self.close()

    def __iter__(self) -> Iterator[ParsedRow]:
        if self._started:
            raise RuntimeError("a voter file can be read only once")
        self._started = True
        layout, parse = self._layout, self._plan.parse
        text = io.TextIOWrapper(io.BufferedReader(self._source, CHUNK_BYTES), encoding=layout.encoding,
                                errors=layout.errors, newline="")
        text._CHUNK_SIZE = CHUNK_BYTES  # fewer, larger decodes
        rows = csv.reader(text, delimiter=layout.delimiter)
        try:
            if layout.header is not None:
                for row in rows:  # the header row, after any blank lines before it
                    if row:
                        break
            while True:
                line = rows.line_num + 1
                try:
                    row = next(rows)
                except StopIteration:
                    return
                except csv.Error as exc:  # the reader goes on after the lines it gave up on
                    yield _rejected(row_error(line, None, "unreadable_lines", first=line, last=rows.line_num,
                                              detail=str(exc)[:200]))
                    continue
                if row:
                    parsed = parse(line, row, rows.line_num - line)
                    if parsed is not None:
                        self.last_cells = row
                        yield parsed
        finally:
            text.close()


def _rejected(problem: RowError) -> ParsedRow:
    return ParsedRow(problem.line, None, (), (), (problem,))


class _Bytes(io.RawIOBase):
    """The file's bytes, starting with the sample already read, counting what the reader has taken."""

    def __init__(self, head: bytes, stream: BinaryIO, owned: bool):
        self._head, self._stream, self._owned = memoryview(head), stream, owned
        self.count = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        if self._head:
            n = min(len(buffer), len(self._head))
            buffer[:n], self._head = self._head[:n], self._head[n:]
        else:
            data = self._stream.read(len(buffer))
            n = len(data)
            buffer[:n] = data
        self.count += n
        return n

    def close(self) -> None:
        if self._owned and not self.closed:
            self._stream.close()
        super().close()


def _read_head(stream: BinaryIO) -> bytes:
    """The first SAMPLE_BYTES, or the whole file if shorter (a pipe may hand them over in pieces)."""
    pieces, size = [], 0
    while size < SAMPLE_BYTES:
        piece = stream.read(SAMPLE_BYTES - size)
        if not piece:
            break
        pieces.append(piece)
        size += len(piece)
    return b"".join(pieces)


def _remaining_size(stream: BinaryIO) -> int | None:
    try:
        return os.fstat(stream.fileno()).st_size - stream.tell()
    except (AttributeError, OSError, ValueError, io.UnsupportedOperation):
        pass
    try:
        here = stream.tell()
        end = stream.seek(0, io.SEEK_END)
        stream.seek(here)
        return end - here
    except (AttributeError, OSError, ValueError, io.UnsupportedOperation):
        return None


# -- recognising the file ------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class _Layout:
    preset: Preset
    encoding: str
    errors: str
    delimiter: str
    header: list[str] | None
    columns: tuple[str, ...]   # the names of the columns in order: the header, or the preset's for a headerless file
    overrides: dict[str, str]


def sample_rows(head: bytes, total: int | None, preset: Preset | None = None) -> tuple[str, str, str, list[list[str]]]:
    """(encoding, error handler, delimiter, the first rows) of a file from its first bytes, before any layout."""
    if not head.strip():
        raise VoterFileError("The file is empty.")
    at_end = len(head) < SAMPLE_BYTES or total == len(head)
    encoding, errors = _detect_encoding(head, preset.encoding if preset else None)
    text = codecs.getincrementaldecoder(encoding)(errors).decode(head, final=at_end)
    lines = list(io.StringIO(text, newline=""))
    if not at_end and len(lines) > 1:
        lines.pop()  # probably cut short by the sample's end
    lines = lines[:SAMPLE_ROWS]
    delimiter = preset.delimiter if preset and preset.delimiter else _detect_delimiter(lines)
    rows = [row for row in csv.reader(lines, delimiter=delimiter) if row]
    if not rows:
        raise VoterFileError("The file has no rows.")
    return encoding, errors, delimiter, rows


def positional_names(width: int) -> tuple[str, ...]:
    """How the columns of a file without a header row are called: by their number, from 1."""
    return tuple(f"Column {number}" for number in range(1, width + 1))


def _recognise(head: bytes, total: int | None, requested: str, overrides: dict[str, str],
               no_header: bool = False) -> _Layout:
    """Encoding, delimiter, header and preset, from the first bytes of the file."""
    chosen = PRESETS.get(requested)
    encoding, errors, delimiter, rows = sample_rows(head, total, chosen)
    first = rows[0]

    if no_header:
        # the organizer says the first row is a voter: the preset's own column names if it has them, else numbers
        preset = chosen or PRESETS["generic"]
        if preset.header is True:
            raise VoterFileError(f"The {preset.label} format has a header row; pick another format, or leave "
                                 "\"no header row\" off.")
        width = max(set(map(len, rows)), key=[len(row) for row in rows].count)
        columns = preset.columns or positional_names(width)
        found = _Layout(preset, encoding, errors, delimiter, None, columns, overrides)
        _check_columns(found)
        return found

    def layout(preset: Preset, header: bool) -> _Layout:
        columns = tuple(name.strip().lstrip("\ufeff") for name in first) if header else preset.columns
        return _Layout(preset, encoding, errors, delimiter, list(first) if header else None, columns, overrides)

    if chosen:
        header = _names_columns(first, chosen, overrides) if chosen.header is not True else True
        if not header and not chosen.columns:
            raise VoterFileError(f"The first row does not name the columns, and the {chosen.label} format needs "
                                 "a header row; add one, or pick another format.")
        found = layout(chosen, header)
        _check_columns(found)
        return found

    tried = []
    if _names_columns(first, None, overrides):
        fits = []
        for preset in PRESETS.values():
            candidate = layout(preset, True)
            score = _header_score(candidate)
            if score is not None:
                fits.append((preset.name != "generic", score, candidate))
            if preset.name != "generic":
                tried.append(preset.name)
        if fits:
            # a state or VAN layout that explains most of the header, else the generic aliases, else the best
            best = max(fits, key=lambda fit: (fit[0] and fit[1] >= 0.5, not fit[0], fit[1]))
            _check_columns(best[2])
            return best[2]
    else:
        for preset in PRESETS.values():
            if preset.columns:
                tried.append(f"{preset.name} ({len(preset.columns)} columns)")
                if _positional_fit(preset, rows):
                    found = layout(preset, False)
                    _check_columns(found)
                    return found
    raise VoterFileError(
        f"Could not recognise the layout; tried {', '.join(tried)} and the generic column names. The first row "
        f"has {len(first)} {_DELIMITER_NAMES[delimiter]}-separated columns. Pick a format, or name the voter id "
        "column with --map COLUMN=external_id; a file without a header row is read with --no-header and its "
        "columns named by number (--map 3=external_id).")


def _detect_encoding(head: bytes, declared: str | None) -> tuple[str, str]:
    """(encoding, error handler): a BOM says it; else UTF-8 if the sample is UTF-8; else Windows-1252."""
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig", "kin.cp1252"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16", "replace"
    for signature, what in _BINARY_SIGNATURES.items():
        if head.startswith(signature):
            raise VoterFileError(f"This is {what}.")
    if b"\x00" in head:
        raise VoterFileError("This is not a text file: export the voter file as CSV or tab-delimited text.")
    if declared:
        return ("utf-8-sig" if codecs.lookup(declared).name == "utf-8" else declared), "kin.cp1252"
    try:
        codecs.getincrementaldecoder("utf-8")().decode(head, final=False)  # a character cut at the end is fine
    except UnicodeDecodeError:
        return "cp1252", "kin.cp1252"
    return "utf-8", "kin.cp1252"


def _detect_delimiter(lines: list[str]) -> str:
    """The delimiter that splits the sample's rows into the same, largest number of columns."""
    best, best_key = ",", None
    for delimiter in _DELIMITERS:
        widths = [len(row) for row in csv.reader(lines, delimiter=delimiter) if row]
        if not widths:
            continue
        width = max(set(widths), key=widths.count)
        steady = widths.count(width) / len(widths)
        key = (width > 1 and steady >= 0.8, width > 1, width * steady)
        if best_key is None or key > best_key:
            best, best_key = delimiter, key
    return best


def _known_names(preset: Preset | None) -> set[str]:
    presets = [preset] if preset else PRESETS.values()
    names = set()
    for each in presets:
        names.update(squash(column) for column in each.columns)
        for name in each.fields:
            for source in each.sources(name):
                names.update(squash(alternative) for part in source.split("+") for alternative in part.split("|"))
    return names


def _names_columns(first: list[str], preset: Preset | None, overrides: dict[str, str]) -> bool:
    """Whether the first row is a header: it names two known columns (one if that is all it has)."""
    known = _known_names(preset) | {squash(column) for column in overrides}
    hits = sum(squash(cell) in known for cell in first if cell.strip())
    return hits >= min(2, len(first))


def _positional_fit(preset: Preset, rows: list[list[str]]) -> bool:
    """A headerless file fits a preset if its rows have the preset's columns and their values look right."""
    if sum(len(row) == len(preset.columns) for row in rows) < 0.9 * len(rows):
        return False
    checks = [(preset.columns.index(column), re.compile(pattern)) for column, pattern in preset.patterns.items()]
    good = sum(all(pattern.fullmatch(row[index].strip()) for index, pattern in checks)
               for row in rows if len(row) == len(preset.columns))
    return good >= 0.9 * len(rows)


def _header_score(layout: _Layout) -> float | None:
    """How much of the preset the header explains (0-1), or None if it has no voter id column."""
    index = _column_index(layout.columns)
    if not _resolve(layout.preset.sources("external_id")[0], index) and "external_id" not in layout.overrides.values():
        return None

    def found(source: str) -> float:  # the share of its "+" parts the file has
        parts = source.split("+")
        return sum(any(squash(alternative) in index for alternative in part.split("|")) for part in parts) / len(parts)

    # each field counts once: phones and emails if any of their sources is there
    # where a voter lives is rare in a file: it counts neither for nor against a layout
    fields = [name for name in layout.preset.fields if name not in ("latitude", "longitude")]
    return sum(max(found(source) for source in layout.preset.sources(name)) for name in fields) / len(fields)


def override_position(column: str, columns: tuple[str, ...], index: dict[str, int] | None = None) -> int | None:
    """Where a --map column is: the column of that name, else (a number from 1) the column at that position."""
    index = _column_index(columns) if index is None else index
    if squash(column) in index:
        return index[squash(column)]
    number = column.strip()
    if number.isascii() and number.isdigit() and 1 <= int(number) <= len(columns):
        return int(number) - 1
    return None


def _check_columns(layout: _Layout) -> None:
    index = _column_index(layout.columns)
    for column in layout.overrides:
        if override_position(column, layout.columns, index) is None:
            shown = ", ".join(layout.columns[:40]) + (" ..." if len(layout.columns) > 40 else "")
            raise VoterFileError(f"No column {column!r} in the file (--map); its columns are: {shown}; or give "
                                 f"a column's number, 1 to {len(layout.columns)}.")
    if "external_id" not in layout.overrides.values() and not _resolve(layout.preset.sources("external_id")[0],
                                                                            index):
        wanted = layout.preset.sources("external_id")[0].replace("|", " or ")
        raise VoterFileError(f"No voter id column ({wanted}) for the {layout.preset.label} format; name it with "
                             "--map COLUMN=external_id.")
    if not {"first_name", "last_name"} & set(layout.overrides.values()) and not any(
            _resolve(layout.preset.sources(name)[0], index) for name in ("first_name", "last_name")
            if name in layout.preset.fields):
        raise VoterFileError(f"No first or last name column for the {layout.preset.label} format; name one with "
                             "--map COLUMN=first_name or --map COLUMN=last_name.")


def _with_priority_column(layout: _Layout, column: str | None) -> tuple[_Layout, RowError | None]:
    """The campaign's priority column as the default mapping for ``priority``: the upload's own choices win."""
    if not column or "priority" in layout.overrides.values() or any(
            squash(picked) == squash(column) for picked in layout.overrides):
        return layout, None
    if squash(column) not in _column_index(layout.columns):
        return layout, row_error(1, column[:100], "no_priority_column", column=column)
    return dataclasses.replace(layout, overrides={**layout.overrides, column: "priority"}), None


def _column_index(columns: tuple[str, ...]) -> dict[str, int]:
    index = {}
    for i, column in enumerate(columns):
        index.setdefault(squash(column), i)
    return index


def _resolve(source: str, index: dict[str, int]) -> tuple[int, ...]:
    """The columns a source reads: for each "+" part, the first of its "|" alternatives the file has."""
    found = []
    for part in source.split("+"):
        for alternative in part.split("|"):
            if squash(alternative) in index:
                found.append(index[squash(alternative)])
                break
    return tuple(found)


# -- reading a row -------------------------------------------------------------------------------------------------

class _Plan:
    """Where each field of a row comes from, resolved once; ``parse`` turns a row into a ``ParsedRow``."""

    def __init__(self, layout: _Layout, region: str, reference_year: int):
        preset, columns = layout.preset, layout.columns
        index = _column_index(columns)
        sources = {name: [_resolve(source, index) for source in preset.sources(name)] for name in preset.fields}
        ignored = set()
        for column, field in layout.overrides.items():
            where = (override_position(column, columns, index),)
            if field == IGNORE:
                ignored.add(where[0])
            elif field in MULTI_FIELDS:
                sources[field] = [*sources.get(field, []), where]
            else:
                sources[field] = [where]
        # a source the file lacks reads nothing; two aliases of one column read it once
        sources = {name: list(dict.fromkeys(where for where in found if where)) for name, found in sources.items()}
        sources = {name: [where for where in found if not ignored.intersection(where)]
                   for name, found in sources.items()}
        sources = {name: found for name, found in sources.items() if found}
        if "external_id" not in sources:
            raise VoterFileError("No column is read as the voter id; name one with --map COLUMN=external_id.")
        if "address" in sources and "street" in sources:
            del sources["address"]  # the separate columns win
        if "address" in sources and "house_number" in sources:
            sources["street"] = sources.pop("address")

        def label(where: tuple[int, ...]) -> str:
            return "+".join(columns[i] for i in where)[:100]

        self.mapping = {name: ", ".join(label(where) for where in found) for name, found in sources.items()}
        self.fields_at: dict[int, list[str]] = {}  # column position -> the fields read from it
        for name, found in sources.items():
            for where in found:
                for i in where:
                    self.fields_at.setdefault(i, []).append(name)
        self.width, self.positional = len(columns), layout.header is None
        self.region = region
        (self.id_at,) = sources["external_id"]
        self.id_label = label(self.id_at)
        self.text = [(name, found[0], label(found[0]), _LIMITS[name]) for name, found in sources.items()
                     if name in _LIMITS and name != "external_id"]
        self.blank = dict.fromkeys(("external_id", *VOTER_FIELDS), "")
        self.blank["birth_year"], self.blank["priority"] = None, False
        self.blank["latitude"] = self.blank["longitude"] = None
        self.place = [(name, sources[name][0], label(sources[name][0]), bound) for name, bound in _DEGREES.items()
                      if name in sources]
        self.priority_at = sources.get("priority", [None])[0]
        self.priority_label = self.priority_at and label(self.priority_at)
        self.address = sources.get("address", [None])[0]
        self.address_label = self.address and label(self.address)
        self.first_at = sources.get("first_name", [None])[0]
        self.last_at = sources.get("last_name", [None])[0]
        self.names_label = label(self.last_at or self.first_at or ()) or None
        self.birth_at = sources.get("birth_year", [None])[0]
        self.birth_label = self.birth_at and label(self.birth_at)
        birth = preset.birth
        if "birth_year" in layout.overrides.values():  # a mapped column may be written any way the generic reads
            birth = "|".join(dict.fromkeys([*birth.split("|"), *PRESETS["generic"].birth.split("|")]))
        self.birth = _BirthReader(birth, reference_year)
        self.phones = [(where, label(where)) for where in sources.get("phones", [])]
        self.emails = [(where, label(where)) for where in sources.get("emails", [])]

    def parse(self, line: int, row: list[str], extra_lines: int) -> ParsedRow | None:
        width = self.width
        if len(row) != width:
            # a header file may leave trailing cells out; values beyond the header, or a short row that ran
            # over several lines, mean the columns have shifted
            if self.positional or extra_lines or (len(row) > width and any(cell.strip() for cell in row[width:])):
                if not any(cell.strip() for cell in row):
                    return None
                if extra_lines:
                    return _rejected(row_error(line, None, "wrong_width_lines", expected=width, found=len(row),
                                               first=line, last=line + extra_lines))
                return _rejected(row_error(line, None, "wrong_width", expected=width, found=len(row)))
            row = row[:width] + [""] * (width - len(row))

        external_id = _value(row, self.id_at)
        if not external_id:
            if not any(cell.strip() for cell in row):
                return None
            return _rejected(row_error(line, self.id_label, "no_voter_id"))
        if len(external_id) > _LIMITS["external_id"]:
            return _rejected(row_error(line, self.id_label, "voter_id_too_long", limit=_LIMITS["external_id"]))
        if not ((self.first_at and _value(row, self.first_at)) or (self.last_at and _value(row, self.last_at))):
            return _rejected(row_error(line, self.names_label, "no_name"))

        problems = []
        voter = self.blank.copy()
        voter["external_id"] = external_id
        for name, where, column, limit in self.text:
            value = " ".join(row[where[0]].split()) if len(where) == 1 else _value(row, where)
            if len(value) > limit:
                problems.append(row_error(line, column, "cut_to_fit", limit=limit))
                value = value[:limit]
            voter[name] = value
        if self.address:
            self._split_address(line, _value(row, self.address), voter, problems)
        if self.birth_at:
            raw = _value(row, self.birth_at)
            if raw:
                year, reason, fatal = self.birth(raw)
                if fatal:
                    return _rejected(row_error(line, self.birth_label, reason[0], **reason[1]))
                if reason:
                    problems.append(row_error(line, self.birth_label, reason[0], **reason[1]))
                voter["birth_year"] = year

        for name, where, column, bound in self.place:
            raw = _value(row, where)
            if raw:
                degrees, reason = _degrees(raw, name, bound)
                if reason:
                    problems.append(row_error(line, column, reason[0], **reason[1]))
                voter[name] = degrees

        if self.priority_at:
            raw = _value(row, self.priority_at).lower()
            if raw in _YES:
                voter["priority"] = True
            elif raw not in _NO:
                problems.append(row_error(line, self.priority_label, "not_yes_no", value=raw[:20]))

        phones = []
        for where, column in self.phones:
            raw = row[where[0]].strip() if len(where) == 1 else _value(row, where)
            if raw:
                try:
                    phone = normalize_phone(raw, self.region)
                except InvalidIdentifier as exc:
                    problems.append(row_error(line, column, exc.code, **exc.params))
                else:
                    if phone not in phones:
                        phones.append(phone)
        emails = []
        for where, column in self.emails:
            raw = row[where[0]].strip() if len(where) == 1 else _value(row, where)
            if raw:
                try:
                    email = normalize_email(raw)
                except InvalidIdentifier as exc:
                    problems.append(row_error(line, column, exc.code, **exc.params))
                else:
                    if email not in emails:
                        emails.append(email)
        return ParsedRow(line, voter, tuple(phones), tuple(emails), tuple(problems))

    def _split_address(self, line: int, value: str, voter: dict, problems: list) -> None:
        match = _HOUSE_NUMBER.fullmatch(value)
        number, street = match.groups() if match else ("", value)
        for name, part in (("house_number", number), ("street", street)):
            if len(part) > _LIMITS[name]:
                problems.append(row_error(line, self.address_label, "cut_to_fit", limit=_LIMITS[name]))
                part = part[:_LIMITS[name]]
            voter[name] = part


_DEGREES = {"latitude": 90.0, "longitude": 180.0}


def _degrees(raw: str, name: str, bound: float) -> tuple[float | None, tuple[str, dict] | None]:
    """A latitude or longitude in decimal degrees, or None and why not (the row is kept without it)."""
    try:
        degrees = float(raw)
    except ValueError:
        return None, ("not_degrees", {"field": name, "value": raw[:30]})
    if not -bound <= degrees <= bound:  # NaN fails this too
        return None, ("degrees_out_of_range", {"field": name, "value": raw[:30], "bound": bound})
    return degrees, None


def _value(row: list[str], where: tuple[int, ...]) -> str:
    """The cell (or the cells joined by a space), trimmed, with runs of whitespace made one space."""
    if len(where) == 1:
        return " ".join(row[where[0]].split())
    return " ".join(" ".join(row[i] for i in where).split())


class _BirthReader:
    """A birth column's value -> (birth year or None, problem or None, whether the problem rejects the row)."""

    def __init__(self, spec: str, reference_year: int):
        self.reference_year = reference_year
        self.kinds = [_date_reader(kind[5:]) if kind.startswith("date:") else kind for kind in spec.split("|")]
        self.expected = [_birth_example(kind) for kind in spec.split("|")]
        # few distinct values: dates of birth
        self.cache: dict[str, tuple[int | None, tuple[str, dict] | None, bool]] = {}

    def __call__(self, raw: str) -> tuple[int | None, tuple[str, dict] | None, bool]:
        known = self.cache.get(raw)
        if known is None:
            known = self._read(raw)
            if len(self.cache) >= 100_000:
                self.cache.clear()
            self.cache[raw] = known
        return known

    def _read(self, raw: str) -> tuple[int | None, tuple[str, dict] | None, bool]:
        year = None
        for kind in self.kinds:
            if kind == "year":
                if len(raw) == 4 and raw.isascii() and raw.isdigit() and int(raw) >= 1000:
                    year = int(raw)
            elif kind == "age":
                if len(raw) <= 3 and raw.isascii() and raw.isdigit():
                    year = self.reference_year - int(raw)
            else:
                year = kind(raw)
            if year is not None:
                break
        if year is None:
            return None, ("unreadable_birth_date", {"value": raw[:VALUE_CHARS], "expected": self.expected}), True
        if not self.reference_year - 130 <= year <= self.reference_year:
            return None, ("implausible_birth_year", {"year": year}), False
        return year, None, False


def _date_reader(fmt: str):
    """A function reading a date written as ``fmt`` (%Y, %m, %d) and returning its year, or None."""
    compact = not re.sub(r"%.", "", fmt)  # "%Y%m%d": fixed widths
    groups = {"Y": r"(?P<Y>\d{4})", "m": r"(?P<m>\d{2})" if compact else r"(?P<m>\d{1,2})",
              "d": r"(?P<d>\d{2})" if compact else r"(?P<d>\d{1,2})"}
    pattern = re.compile("".join(groups[piece[1]] if piece.startswith("%") else re.escape(piece)
                                 for piece in re.findall(r"%.|[^%]+", fmt)) + r"(?:[ T][\d:.]*)?", re.ASCII)

    def read(raw: str) -> int | None:
        match = pattern.fullmatch(raw)
        if not match:
            return None
        try:
            return date(int(match["Y"]), int(match["m"]), int(match["d"])).year
        except ValueError:
            return None

    return read


def _birth_example(kind: str) -> str:
    """How a problem names a way of writing a birth date: "year", "age", or a date written that way."""
    if kind in ("year", "age"):
        return kind
    return kind[5:].replace("%Y", "1980").replace("%m", "01").replace("%d", "31")
