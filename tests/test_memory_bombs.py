"""Memory bombs: files small on disk and huge once read are refused before anything is allocated, or read in
bounded memory (see ``cchc_analysis/loaders/limits.py``).

Each bomb is built in a temporary folder in about a second and given to ``python -m cchc_analysis`` in a subprocess
whose address space is limited to 2 GB (``resource.setrlimit(RLIMIT_AS)``): a regression that reads the bomb dies
with a MemoryError or an abort, and the test fails loudly instead of the machine swapping. Every refusal is exit 2
with one line, Vietnamese then English, naming the file, the part and the limit, and no traceback.
"""

from __future__ import annotations

import os
import resource
import struct
import subprocess
import sys
import zlib
from datetime import datetime
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from cchc_analysis.errors import InputError
from cchc_analysis.loaders import limits

REPO = Path(__file__).resolve().parent.parent
MEMORY = 2 << 30  # bytes of address space for the command
TIMEOUT = 60  # seconds

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="resource.setrlimit is POSIX only")

HEADER = ["Mã hồ sơ", "Ngày tiếp nhận", "Ngày hẹn trả", "Ngày kết thúc xử lý", "Tên thủ tục hành chính"]


def run(*args: object, env: dict | None = None) -> subprocess.CompletedProcess:
    """``python -m cchc_analysis ARGS`` with at most 2 GB of memory and 60 s."""

    def limit_memory() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (MEMORY, MEMORY))

    return subprocess.run(
        [sys.executable, "-m", "cchc_analysis", *map(str, args)],
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=TIMEOUT,
        cwd=REPO,
        preexec_fn=limit_memory,
        env={**os.environ, **(env or {})},
    )


def assert_refused(done: subprocess.CompletedProcess, path: Path, *contains: str) -> str:
    """Exit 2, one line «Vietnamese | English» naming the file in both, holding ``contains``; no traceback."""
    assert done.returncode == 2, (done.returncode, done.stderr[-2000:])
    assert (
        "Traceback" not in done.stderr and "panicked" not in done.stderr and "MemoryError" not in done.stderr
    )
    lines = [line for line in done.stderr.splitlines() if line.strip() and not line.startswith("Đang ")]
    assert len(lines) == 1, done.stderr  # one line, besides the progress lines of a large file
    vietnamese, english = lines[0].split(" | ", 1)
    assert path.name in vietnamese and path.name in english
    assert "Tệp quá lớn để đọc an toàn" in vietnamese and "too large to read safely" in english
    assert "--limits-scale" in vietnamese and "--limits-scale" in english  # how to raise the limit
    for text in contains:
        assert text in lines[0], f"«{text}» not in {lines[0]}"
    return lines[0]


# --- builders: a zip written by hand, so that a 1 GB part is deflated once per megabyte, not once per byte --------
_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    '<Override PartName="/xl/sharedStrings.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>'
)
_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?><Relationships '
    'xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
    'Target="xl/workbook.xml"/></Relationships>'
)
_WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
    ' xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>'
    '<sheet name="Hồ sơ" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
_WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?><Relationships '
    'xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" '
    'Target="worksheets/sheet1.xml"/>'
    '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" '
    'Target="sharedStrings.xml"/></Relationships>'
)
_SHEET_HEAD = (
    '<?xml version="1.0" encoding="UTF-8"?><worksheet '
    'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
)
_SHEET_TAIL = "</sheetData></worksheet>"


def _cell(ref: str, value: object) -> str:
    if isinstance(value, int):  # an index into the shared strings
        return f'<c r="{ref}" t="s"><v>{value}</v></c>'
    return f'<c r="{ref}" t="inlineStr"><is><t>{value}</t></is></c>'


def _letters(column: int) -> str:
    """``1`` → ``A``, ``28`` → ``AB``."""
    out = ""
    while column:
        column, rest = divmod(column - 1, 26)
        out = chr(65 + rest) + out
    return out


def _row(number: int, values: list[object], first_column: int = 1) -> str:
    cells = "".join(_cell(f"{_letters(first_column + i)}{number}", v) for i, v in enumerate(values))
    return f'<row r="{number}">{cells}</row>'


def _header_rows() -> str:
    return _row(1, HEADER) + _row(2, ["HS-001", "02/04/2026", "10/04/2026", "08/04/2026", "Khai sinh"])


def _deflated(
    prefix: bytes, chunk: bytes = b"", times: int = 0, suffix: bytes = b""
) -> tuple[bytes, int, int]:
    """Raw deflate of ``prefix + chunk * times + suffix`` (its bytes, CRC-32 and size), ``chunk`` deflated once.

    Each piece comes from a fresh compressor and ends on a full flush (byte-aligned, no back reference across
    pieces), so the pieces can be joined: ``chunk`` deflated once is repeated ``times`` times.
    """

    def piece(data: bytes, last: bool) -> bytes:
        c = zlib.compressobj(9, zlib.DEFLATED, -15)
        return c.compress(data) + c.flush(zlib.Z_FINISH if last else zlib.Z_FULL_FLUSH)

    crc = zlib.crc32(prefix)
    for _ in range(times):
        crc = zlib.crc32(chunk, crc)
    crc = zlib.crc32(suffix, crc)
    body = piece(prefix, False) + piece(chunk, False) * times + piece(suffix, True)
    return body, crc, len(prefix) + len(chunk) * times + len(suffix)


def write_zip(path: Path, parts: dict[str, str | bytes | tuple[bytes, int, int]]) -> Path:
    """A zip archive of ``parts`` (text, bytes, or an already deflated ``(bytes, crc, size)``), written by hand."""
    stamp = (6 << 9) | (1 << 5) | 1, 0  # 1 January 1986, midnight (date, time)
    local, central = bytearray(), bytearray()
    for name, content in parts.items():
        if not isinstance(content, tuple):
            raw = content.encode("utf-8") if isinstance(content, str) else content
            content = _deflated(raw)
        data, crc, size = content
        encoded = name.encode("utf-8")
        offset = len(local)
        fields = (20, 0x800, 8, stamp[1], stamp[0], crc, len(data), size, len(encoded), 0)
        local += struct.pack("<IHHHHHIIIHH", 0x04034B50, *fields) + encoded + data
        central += struct.pack("<IH", 0x02014B50, 20) + struct.pack("<HHHHHIIIHH", *fields)
        central += struct.pack("<HHHII", 0, 0, 0, 0, offset) + encoded
    end = struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(parts), len(parts), len(central), len(local), 0)
    path.write_bytes(bytes(local) + bytes(central) + end)
    return path


def workbook(
    path: Path, sheet: str | tuple[bytes, int, int], strings: str | tuple[bytes, int, int] = ""
) -> Path:
    return write_zip(
        path,
        {
            "[Content_Types].xml": _CONTENT_TYPES,
            "_rels/.rels": _RELS,
            "xl/workbook.xml": _WORKBOOK,
            "xl/_rels/workbook.xml.rels": _WORKBOOK_RELS,
            "xl/sharedStrings.xml": strings
            or '<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/'
            '2006/main" count="0" uniqueCount="0"></sst>',
            "xl/worksheets/sheet1.xml": sheet,
        },
    )


def sheet_bomb(path: Path, inflated: int) -> Path:
    """An xlsx whose sheet is a header and ``inflated`` bytes of the same data row repeated."""
    row = _row(3, ["HS-002", "03/04/2026", "10/04/2026", "", "Chứng thực bản sao"]).encode()
    chunk = row * ((1 << 20) // len(row))
    times = inflated // len(chunk) + 1
    head = (_SHEET_HEAD + _header_rows()).encode()
    return workbook(path, _deflated(head, chunk, times, _SHEET_TAIL.encode()))


def shared_string_bomb(path: Path, length: int) -> Path:
    """An xlsx whose one shared string, used in row 2, is ``length`` letters long."""
    head = (
        b'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
        b'count="1" uniqueCount="1"><si><t>'
    )
    chunk = b"A" * (1 << 20)
    strings = _deflated(head, chunk, length // len(chunk), b"</t></si></sst>")
    sheet = (
        _SHEET_HEAD + _row(1, HEADER) + _row(2, ["HS-001", "02/04/2026", "10/04/2026", "", 0]) + _SHEET_TAIL
    )
    return workbook(path, sheet, strings)


def stray_cell(path: Path, ref: str) -> Path:
    """A two-row table and one stray cell at ``ref`` (a row number beyond Excel's, a column far to the right)."""
    number = int("".join(ch for ch in ref if ch.isdigit()))
    stray = f'<row r="{number}">{_cell(ref, "x")}</row>'
    return workbook(path, _SHEET_HEAD + _header_rows() + stray + _SHEET_TAIL)


def parquet_dictionary_bomb(path: Path, rows: int, length: int, column: str = "procedure") -> Path:
    """A Parquet file whose ``column`` is one ``length``-letter string in a dictionary, on every row.

    The file stores no Arrow schema, so the column is read back as plain strings: ``rows × length`` bytes.
    """
    day = pa.array([datetime(2026, 4, 2)], pa.timestamp("us"))
    zeros = pa.array(np.zeros(rows, dtype=np.int32))

    def constant(value: pa.Array) -> pa.DictionaryArray:
        return pa.DictionaryArray.from_arrays(zeros, value)

    columns = {
        "dossier_id": constant(pa.array(["HS-001"])),
        "received_at": constant(day),
        "due_at": constant(day),
        "resolved_at": constant(day),
        "procedure": constant(pa.array(["Khai sinh"])),
    }
    columns[column] = constant(pa.array(["x" * length]))
    table = pa.table(columns)
    pq.write_table(table, path, store_schema=False, compression="zstd")
    return path


def wide_csv(path: Path, columns: int) -> Path:
    cells = [*HEADER[:4], *(f"c{i}" for i in range(columns - 4))]
    path.write_text(",".join(cells) + "\nHS-001,02/04/2026,10/04/2026,08/04/2026\n", encoding="utf-8")
    return path


def ods(path: Path, rows: str) -> Path:
    """An OpenDocument spreadsheet of one sheet whose rows after the header are ``rows`` (table XML)."""

    def row(values: list[str]) -> str:
        cells = "".join(
            f'<table:table-cell office:value-type="string"><text:p>{v}</text:p></table:table-cell>'
            for v in values
        )
        return f"<table:table-row>{cells}</table:table-row>"

    content = (
        '<?xml version="1.0" encoding="UTF-8"?><office:document-content '
        'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2"><office:body>'
        '<office:spreadsheet><table:table table:name="Hồ sơ">'
        + row(HEADER)
        + row(["HS-001", "02/04/2026", "10/04/2026", "08/04/2026", "Khai sinh"])
        + rows
        + "</table:table></office:spreadsheet></office:body></office:document-content>"
    )
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest '
        'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
        '<manifest:file-entry manifest:full-path="/" '
        'manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/></manifest:manifest>'
    )
    return write_zip(
        path,
        {
            "mimetype": "application/vnd.oasis.opendocument.spreadsheet",
            "META-INF/manifest.xml": manifest,
            "content.xml": content,
        },
    )


# --- each bomb, as a user would give it ----------------------------------------------------------------------------
def test_a_4_mb_xlsx_whose_sheet_inflates_to_1_1_gb_is_refused_from_the_zip_directory(tmp_path: Path) -> None:
    path = sheet_bomb(tmp_path / "bom_trang_tinh.xlsx", 1_100_000_000)
    assert path.stat().st_size < 8_000_000
    for command in ("validate", "bieu06"):
        extra = ["-o", tmp_path / "b.xlsx", "--period", "2026"] if command == "bieu06" else []
        message = assert_refused(run(command, path, *extra), path, "xl/worksheets/sheet1.xml", "512 MB")
        assert "1.050 MB" in message.split(" | ")[0] and "1,050 MB" in message.split(" | ")[1]  # 1,1 GB
    assert not (tmp_path / "b.xlsx").exists()


def test_a_zip_bomb_below_the_size_limit_is_refused_by_its_compression_ratio(tmp_path: Path) -> None:
    path = sheet_bomb(tmp_path / "bom_nen.xlsx", 100_000_000)  # 100 MB of XML in well under 1 MB
    assert path.stat().st_size < 1_000_000
    assert_refused(run("validate", path), path, "xl/worksheets/sheet1.xml", "bom zip", "zip bomb")


def test_one_shared_string_of_1_1_gb_is_refused(tmp_path: Path) -> None:
    path = shared_string_bomb(tmp_path / "chuoi_dai.xlsx", 1_100_000_000)
    assert path.stat().st_size < 8_000_000
    assert_refused(run("validate", path), path, "xl/sharedStrings.xml")


def test_one_shared_string_longer_than_a_cell_can_be_is_refused_by_its_length(tmp_path: Path) -> None:
    path = shared_string_bomb(tmp_path / "chuoi_5mb.xlsx", 5 << 20)  # too short for the part and ratio limits
    assert path.stat().st_size < 100_000
    assert_refused(
        run("validate", path), path, "chuỗi dùng chung", "shared string", "1,0 MB", "1.0 MB", "32.767"
    )


def test_the_limits_can_be_raised_by_option_or_environment(tmp_path: Path) -> None:
    path = shared_string_bomb(tmp_path / "chuoi_5mb.xlsx", 5 << 20)
    for done in (
        run("validate", path, "--limits-scale", "8"),
        run("validate", path, env={limits.ENV_VAR: "8"}),
    ):
        assert done.returncode == 0, done.stderr
        assert "Số dòng đọc: 1 = nạp 1" in done.stdout  # the 5 MB procedure name is read like any other
    bad = run("validate", path, "--limits-scale", "0")
    assert bad.returncode == 2 and "--limits-scale" in bad.stderr and "Traceback" not in bad.stderr


def test_a_stray_cell_at_row_1_000_000_000_is_read_as_one_row_with_its_own_number(tmp_path: Path) -> None:
    path = stray_cell(tmp_path / "o_lac.xlsx", "A1000000000")
    done = run("validate", path)
    assert done.returncode == 0, done.stderr
    assert "Số dòng đọc: 2 = nạp 1 + loại trừ (trạng thái 1, 3) 0 + bị từ chối 1" in done.stdout
    assert "dòng 1000000000 | Ngày tiếp nhận" in done.stdout  # the row as the sheet numbers it


@pytest.mark.parametrize("ref", ["ZZ999999", "XFD1048576", "XFD2"])
def test_a_stray_cell_far_to_the_right_is_not_read(ref: str, tmp_path: Path) -> None:
    path = stray_cell(tmp_path / f"o_lac_{ref}.xlsx", ref)
    done = run("validate", path)
    assert done.returncode == 0, done.stderr
    assert "Số dòng đọc: 1 = nạp 1 + loại trừ (trạng thái 1, 3) 0 + bị từ chối 0" in done.stdout


def test_a_header_as_wide_as_a_sheet_is_refused(tmp_path: Path) -> None:
    cells = HEADER + [f"Cột {i}" for i in range(2000)]
    columns = [_letters(i + 1) for i in range(len(cells))]
    header = (
        '<row r="1">' + "".join(_cell(f"{c}1", v) for c, v in zip(columns, cells, strict=True)) + "</row>"
    )
    stray = f'<row r="1000000000">{_cell("A1000000000", "x")}</row>'
    path = workbook(tmp_path / "tieu_de_rong.xlsx", _SHEET_HEAD + header + stray + _SHEET_TAIL)
    assert_refused(run("validate", path), path, "2.005 ô", "1.000 cột", "2,005 cells", "Hồ sơ")


def test_a_parquet_dictionary_that_decodes_to_3_gb_is_refused_before_reading(tmp_path: Path) -> None:
    path = parquet_dictionary_bomb(tmp_path / "tu_dien.parquet", 1_000_000, 3_000)
    assert path.stat().st_size < 1_000_000
    assert_refused(run("validate", path), path, "«procedure»", "2.861 MB", "2,861 MB")  # 3 GB
    done = run("bieu06", path, "-o", tmp_path / "b.xlsx", "--period", "2026")
    assert_refused(done, path, "«procedure»", "2.861 MB")
    # kpis reads only the columns it counts, by parts of 524 288 rows: a long id in each part is already too much.
    path = parquet_dictionary_bomb(tmp_path / "ma_dai.parquet", 1_000_000, 3_000, column="dossier_id")
    done = run("kpis", path, "--period", "2026")
    assert_refused(done, path, "«dossier_id»", "1.500 MB", "in one read")


def test_a_csv_header_of_a_million_columns_is_refused_at_once(tmp_path: Path) -> None:
    path = wide_csv(tmp_path / "mot_trieu_cot.csv", 1_000_000)
    # Only the first 4 000 000 characters are split into records: the row has more cells than counted.
    assert_refused(
        run("validate", path), path, "dòng 1 có hơn 513.886 ô", "1.000 cột", "more than 513,886 cells"
    )
    path = wide_csv(tmp_path / "1200_cot.csv", 1200)
    assert_refused(run("validate", path), path, "dòng 1 có 1.200 ô", "row 1 has 1,200 cells")
    path = wide_csv(tmp_path / "1000_cot.csv", 1000)  # at the limit: read
    done = run("validate", path)
    assert done.returncode == 0 and "Số dòng đọc: 1 = nạp 1" in done.stdout, done.stderr


def test_a_csv_whose_first_line_has_no_end_is_refused_before_it_is_decoded(tmp_path: Path) -> None:
    path = tmp_path / "mot_dong.csv"
    with path.open("wb") as f:
        for _ in range(40):
            f.write("Mã hồ sơ,".encode() * (1 << 17))  # 65 MiB without a line break
    assert_refused(run("validate", path), path, "dòng đầu tiên dài hơn 16 MB", "first line is longer than")


def test_an_ods_whose_repeated_rows_stand_for_90_million_cells_is_refused(tmp_path: Path) -> None:
    filled = (
        '<table:table-row table:number-rows-repeated="1000000"><table:table-cell '
        'table:number-columns-repeated="90" office:value-type="string"><text:p>x</text:p></table:table-cell>'
        "</table:table-row>"
    )
    path = ods(tmp_path / "lap_lai.ods", filled)
    assert path.stat().st_size < 2_000
    assert_refused(
        run("validate", path), path, "90.000.180 ô", "20.000.000 ô", "repeated rows and cells counted"
    )


def test_an_ods_with_the_empty_repeats_libreoffice_writes_is_read(tmp_path: Path) -> None:
    empty = (
        '<table:table-row><table:table-cell office:value-type="string"><text:p>HS-002</text:p></table:table-cell>'
        '<table:table-cell office:value-type="string"><text:p>03/04/2026</text:p></table:table-cell>'
        '<table:table-cell office:value-type="string"><text:p>10/04/2026</text:p></table:table-cell>'
        '<table:table-cell table:number-columns-repeated="16381"/></table:table-row>'
        '<table:table-row table:number-rows-repeated="1048573"><table:table-cell '
        'table:number-columns-repeated="16384"/></table:table-row>'
    )
    path = ods(tmp_path / "libreoffice.ods", empty)
    done = run("validate", path)
    assert done.returncode == 0, done.stderr
    assert "Số dòng đọc: 2 = nạp 2" in done.stdout


def test_a_normal_export_is_untouched(tmp_path: Path) -> None:
    from cchc_analysis.synthetic import generate_dossiers, to_parquet, to_raw_export

    frame = generate_dossiers(2000, seed=3)
    files = [
        to_raw_export(frame, tmp_path / "mo_phong.xlsx"),
        to_raw_export(frame, tmp_path / "mo_phong.csv"),
        to_parquet(frame, tmp_path / "mo_phong.parquet"),
    ]
    for path in files:
        done = run("validate", path)
        assert done.returncode == 0, done.stderr
        assert "Số dòng đọc: 2.000 = nạp 2.000" in done.stdout


CORPUS = REPO / "tests" / "data" / "bad"
BOMBS = sorted(
    p.name for p in CORPUS.iterdir() if p.name.startswith("bomb_") and not p.name.endswith(".json")
)


@pytest.mark.parametrize("name", [*BOMBS, "stray_cell_row_1e9.xlsx", "xls_biff8.xls"])
def test_the_corpus_bombs_keep_their_promise_within_2_gb(name: str) -> None:
    """The small bombs of tests/data/bad (tests/test_bad_inputs.py checks their messages) under the memory limit:
    without the checks, the .xls and .ods ones abort the process (calamine cannot allocate what they claim)."""
    import json

    path = CORPUS / name
    expected = json.loads((CORPUS / f"{path.stem}.expected.json").read_text(encoding="utf-8"))
    for command in (["validate", path], ["kpis", path, "--period", "2026", "--format", "json"]):
        done = run(*command)
        assert done.returncode == expected["exit"], done.stderr[-2000:]
        if expected["exit"] == 2:
            assert_refused(done, path, *expected["message_contains"])


# --- the checks themselves --------------------------------------------------------------------------------------
def test_every_limit_scales(monkeypatch) -> None:
    assert limits.limit(limits.MAX_COLUMNS) == 1000
    monkeypatch.setenv(limits.ENV_VAR, "2,5")
    assert limits.limit(limits.MAX_COLUMNS) == 2500
    limits.check_header_width(2400, "a.csv")
    with pytest.raises(InputError, match=r"2\.600 ô"):
        limits.check_header_width(2600, "a.csv")
    monkeypatch.setenv(limits.ENV_VAR, "không")
    with pytest.raises(InputError, match="CCHC_LIMITS_SCALE"):
        limits.scale()


def test_scaled_restores_the_environment(monkeypatch) -> None:
    monkeypatch.delenv(limits.ENV_VAR, raising=False)
    with limits.scaled(3):
        assert limits.scale() == 3
    assert limits.ENV_VAR not in os.environ
    with limits.scaled(None):
        assert limits.scale() == 1


def test_a_sheet_scan_finds_the_last_row_and_column_across_blocks(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(
        limits, "_BLOCK", 4096
    )  # many blocks: references cut between two blocks are still seen
    monkeypatch.setattr(limits, "CELL_TEXT_BYTES", 4096)
    rows = "".join(_row(n, [f"HS-{n}", "02/04/2026"]) for n in range(1, 2000))
    far = f'<row r="1234567">{_cell("AB1234567", "x")}</row>'
    path = workbook(tmp_path / "a.xlsx", _SHEET_HEAD + rows + far + _row(1234568, ["y"]) + _SHEET_TAIL)
    found = limits.scan_part(path, "xl/worksheets/sheet1.xml", area=True)
    assert (found.max_row, found.max_column) == (1234568, 28)


@pytest.mark.parametrize(
    "cell",
    [
        "<c r='XFD9'><v>1</v></c>",  # single quotes
        '<c\n  r = "XFD9"><v>1</v></c>',  # white space as XML allows it
        '<c foo="a>b" r="XFD9"><v>1</v></c>',  # a ">" quoted in another attribute
        '<x:c r="XFD9"><x:v>1</x:v></x:c>',  # a namespace prefix
        '<c r="XFD9" t="inlineStr"><is><r><rPr><color rgb="FF0000"/></rPr><t>c c</t></r></is></c>',  # rich text
    ],
)
def test_a_cell_reference_cannot_hide_from_the_scan(cell: str, tmp_path: Path) -> None:
    sheet = _SHEET_HEAD + _row(1, ["a"]) + f'<row r="9">{_cell("A9", "b")}{cell}</row>' + _SHEET_TAIL
    path = workbook(tmp_path / "a.xlsx", sheet)
    found = limits.scan_part(path, "xl/worksheets/sheet1.xml", area=True)
    assert (found.max_row, found.max_column) == (9, 16384)


def test_a_row_whose_cells_have_no_reference_is_numbered_by_its_row_tag(tmp_path: Path) -> None:
    sheet = _SHEET_HEAD + _row(1, ["a"]) + "<row r='1000000000'><c t='inlineStr'><is><t>x</t></is></c></row>"
    path = workbook(tmp_path / "a.xlsx", sheet + _SHEET_TAIL)
    assert limits.scan_part(path, "xl/worksheets/sheet1.xml", area=True).max_row == 1_000_000_000


def test_a_long_text_is_found_wherever_the_blocks_cut_it(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(limits, "_BLOCK", 4096)
    monkeypatch.setattr(limits, "CELL_TEXT_BYTES", 10_000)
    for before in (0, 100, 4095, 4096, 5000):
        sheet = _SHEET_HEAD + "<row>" + "x" * before + "</row>" + _row(2, ["y" * 10_001]) + _SHEET_TAIL
        path = workbook(tmp_path / f"t{before}.xlsx", sheet)
        with pytest.raises(InputError, match="một ô"):
            limits.scan_part(path, "xl/worksheets/sheet1.xml")
        fine = workbook(tmp_path / f"f{before}.xlsx", sheet.replace("y" * 10_001, "y" * 9_990))
        limits.scan_part(fine, "xl/worksheets/sheet1.xml")


def test_sizes_are_written_as_people_read_them() -> None:
    assert (
        limits._mb(1100 * limits.MIB, True) == "1.100 MB"
        and limits._mb(1100 * limits.MIB, False) == "1,100 MB"
    )
    assert limits._mb(limits.MIB // 2, True) == "0,5 MB" and limits._mb(limits.MIB // 2, False) == "0.5 MB"


def test_the_other_tables_refuse_a_header_of_too_many_columns(tmp_path: Path) -> None:
    from cchc_analysis.loaders.tables import read_table

    path = tmp_path / "muc_tieu.csv"
    path.write_text("key," + ",".join(f"c{i}" for i in range(5000)) + "\nA,1\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"dòng 1 có 5\.001 ô"):
        read_table(path, required=["key"])
    path.write_text("key,value\nA,1\n", encoding="utf-8")
    assert read_table(path, required=["key"])["value"].tolist() == ["1"]


def test_a_parquet_footer_claiming_100_mib_is_refused_before_it_is_parsed(tmp_path: Path) -> None:
    path = tmp_path / "chan_trang.parquet"
    path.write_bytes(b"PAR1" + b"\0" * 100 + (100 << 20).to_bytes(4, "little") + b"PAR1")
    assert_refused(run("validate", path), path, "metadata", "100 MB", "64 MB")


def test_an_old_xls_larger_than_the_limit_is_refused_before_it_is_read(tmp_path: Path, monkeypatch) -> None:
    path = tmp_path / "cu.xls"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 3 * limits.MIB)
    monkeypatch.setattr(limits, "OLE_FILE_BYTES", 2 * limits.MIB)
    from cchc_analysis.loaders import load_dossiers

    with pytest.raises(InputError, match=r"tệp dài 3,0 MB, vượt giới hạn 2,0 MB"):
        load_dossiers(path)
