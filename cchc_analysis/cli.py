"""The ``cchc`` command line (also ``python -m cchc_analysis``).

Exit codes: 0 success; 2 bad input (one line, Vietnamese then English, no traceback); 1 unexpected error.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import json
import os
import sys
import time
import traceback
from collections.abc import Sequence
from pathlib import Path

from cchc_analysis.errors import InputError
from cchc_analysis.formatting import fmt_int
from cchc_analysis.periods import Period, parse_period, period_between

EXIT_OK, EXIT_BUG, EXIT_BAD_INPUT = 0, 1, 2


class _Parser(argparse.ArgumentParser):
    """argparse that reports usage errors in the package's one-line style, exit code 2."""

    def error(self, message: str) -> None:  # type: ignore[override]
        raise InputError(f"Tham số dòng lệnh không hợp lệ: {message}", f"Invalid arguments: {message}")


def _add_loader_options(p: argparse.ArgumentParser) -> None:
    g = p.add_argument_group("đọc tệp / reading the file")
    g.add_argument("--sheet", help="tên trang tính Excel (mặc định: trang đầu) / Excel sheet name")
    g.add_argument(
        "--delimiter", help="dấu phân cách CSV: ',' ';' hoặc 'tab' (mặc định: tự nhận) / CSV delimiter"
    )
    g.add_argument(
        "--encoding", help="bảng mã CSV, ví dụ utf-8, utf-16, cp1258 (mặc định: tự nhận) / CSV encoding"
    )
    g.add_argument(
        "--strict", action="store_true", help="dừng với lỗi nếu có dòng bị từ chối / fail on any rejected row"
    )
    g.add_argument(
        "--officer-names",
        action="store_true",
        help="giữ tên cán bộ (mặc định: thay bằng mã bí danh ổn định «Cán bộ XXXXXXXX») / keep officers' names",
    )
    g.add_argument(
        "--month-first",
        action="store_true",
        help="đọc các ô kiểu ngày của tệp Excel (ngày dạng chữ nn/nn/yyyy của tệp CSV) theo thứ tự tháng/ngày, "
        "khi bảng tính đã đảo ngày và tháng (máy đặt vùng Hoa Kỳ) / read date cells month first",
    )
    _add_vocabulary_option(g)
    _add_max_rejected(g)
    _add_limits_option(g)


def _scale(text: str) -> float:
    try:
        value = float(text.replace(",", "."))
    except ValueError:
        value = 0.0
    if not 0 < value < float("inf"):
        raise argparse.ArgumentTypeError(f"cần một số lớn hơn 0, ví dụ 2 (không phải «{text}»)")
    return value


def _add_limits_option(g: argparse._ActionsContainer) -> None:
    g.add_argument(
        "--limits-scale",
        type=_scale,
        metavar="N",
        help="nhân mọi giới hạn bộ nhớ khi đọc tệp (kích thước giải nén của sổ tính, độ dài một ô, số cột, cột "
        "Parquet) với N, ví dụ 2; cũng đặt được bằng biến môi trường CCHC_LIMITS_SCALE / scale the memory limits",
    )


def _add_vocabulary_option(g: argparse._ActionsContainer) -> None:
    g.add_argument(
        "--vocabulary",
        action="append",
        type=Path,
        metavar="FILE",
        help="tệp từ vựng CSV «kind,word,value,source» bổ sung tiêu đề cột và giá trị (trạng thái, kênh …); lặp lại "
        "được; tệp cchc_vocabulary.csv cạnh tệp dữ liệu được dùng tự động / extra vocabulary file",
    )


def _fraction(text: str) -> float:
    try:
        value = float(text.replace(",", "."))
    except ValueError:
        value = -1.0
    if not 0 <= value <= 1:
        raise argparse.ArgumentTypeError(f"cần một tỷ lệ từ 0 đến 1, ví dụ 0.01 (không phải «{text}»)")
    return value


#: ``cchc briefing --pdf-timeout`` default: :data:`cchc_analysis.briefing.PDF_TIMEOUT` (kept here so that the
#: parser does not import the briefing module).
PDF_TIMEOUT_DEFAULT = 120.0


def _positive_seconds(text: str) -> float:
    try:
        value = float(text.replace(",", "."))
    except ValueError:
        value = -1.0
    if not 0 < value <= 86400:
        raise argparse.ArgumentTypeError(f"cần một số giây lớn hơn 0, ví dụ 120 (không phải «{text}»)")
    return value


def _add_max_rejected(g) -> None:
    g.add_argument(
        "--max-rejected",
        type=_fraction,
        metavar="FRACTION",
        help="dừng với lỗi (mã 2) nếu tỷ lệ dòng bị từ chối vượt quá mức này, ví dụ 0.01 = 1 %% "
        "(mặc định: chỉ cảnh báo khi quá 1 %%) / fail when more than this share of rows is rejected",
    )


def _add_audit_options(p: argparse.ArgumentParser) -> None:
    g = p.add_argument_group("dấu vết chạy / audit trail")
    g.add_argument(
        "--log",
        type=Path,
        metavar="PATH",
        help="ghi nhật ký chạy (từng bước, số dòng, kết quả) ra tệp / run log",
    )
    g.add_argument(
        "--stamp",
        type=Path,
        metavar="PATH",
        help="ghi dấu vết chạy dạng JSON: tệp vào/ra kèm SHA-256, số dòng, phiên bản, commit, thời điểm "
        "/ run stamp",
    )


def _add_period_options(p: argparse.ArgumentParser) -> None:
    g = p.add_argument_group("kỳ báo cáo / reporting period")
    g.add_argument("--from", dest="date_from", metavar="DD/MM/YYYY", help="ngày đầu kỳ (tính cả ngày này)")
    g.add_argument("--to", dest="date_to", metavar="DD/MM/YYYY", help="ngày cuối kỳ (tính cả ngày này)")
    g.add_argument(
        "--period",
        help="kỳ báo cáo: 2026-Q2, Q2/2026, «Quý II/2026», «Quý 2 năm 2026», 2026-04, 04/2026, «tháng 4/2026», "
        "2026, «năm 2026» hoặc 01/04/2026..13/04/2026",
    )
    g.add_argument(
        "--granularity",
        choices=("date", "datetime"),
        default="date",
        help="so sánh theo ngày (mặc định) hay theo thời điểm / compare dates or timestamps",
    )
    g.add_argument(
        "--as-of",
        dest="as_of",
        metavar="DD/MM/YYYY",
        help="ngày chốt số liệu (mặc định: ngày «đến ngày …» ở dòng tiêu đề của tệp, nếu không thì ngày cuối "
        "cùng có trong dữ liệu); kỳ báo cáo vượt quá ngày này được tính đến ngày này / data cut-off date",
    )


def _load_progress(args: argparse.Namespace):
    """Progress of a long load, on stderr and in the run log (quiet when the load is short)."""
    from cchc_analysis.kpis import load_progress

    return load_progress(getattr(args, "run_log", None) or _progress, args.file)


def _loader_options(args: argparse.Namespace) -> dict:
    delimiter = args.delimiter
    if delimiter is not None and delimiter.lower() in ("tab", "\\t"):
        delimiter = "\t"
    return {
        "sheet": args.sheet,
        "delimiter": delimiter,
        "encoding": args.encoding,
        "strict": args.strict,
        "officer_names": args.officer_names,
        "vocabulary": [str(v) for v in args.vocabulary] if args.vocabulary else None,
        "month_first_cells": args.month_first,
    }


def _period(args: argparse.Namespace, *, required: bool = False) -> Period | None:
    if args.period and (args.date_from or args.date_to):
        raise InputError(
            "Chỉ dùng --period hoặc --from/--to, không dùng cả hai",
            "Use either --period or --from/--to, not both",
        )
    if args.period:
        return parse_period(args.period)
    if args.date_from or args.date_to:
        if not (args.date_from and args.date_to):
            raise InputError("Cần cả --from và --to", "Both --from and --to are needed")
        return period_between(args.date_from, args.date_to)
    if required:
        raise InputError(
            "Cần kỳ báo cáo: --from/--to hoặc --period", "A period is needed: --from/--to or --period"
        )
    return None


# --- the one masking path (cchc_analysis.privacy), imported when used ---------------------------------------------


def _mask(text: str) -> str:
    from cchc_analysis.privacy import mask_personal_text

    return mask_personal_text(text)


def _mask_json(document: object) -> object:
    from cchc_analysis.privacy import mask_json

    return mask_json(document)


def _id_reason_codes() -> frozenset[str]:
    from cchc_analysis.privacy import ID_REASON_CODES

    return ID_REASON_CODES


def _masked_report(report):
    """A KPI report whose table (group keys: units named by title rows, fields …) went through the masking path."""
    from dataclasses import replace

    from cchc_analysis.privacy import mask_frame

    return replace(report, table=mask_frame(report.table))


def _progress(message: str) -> None:
    """Every line on stderr but the final error: progress, notes, warnings — through the masking path."""
    print(_mask(str(message)), file=sys.stderr, flush=True)


# --- audit trail (--log, --stamp) -------------------------------------------------------------------------------


def _start_audit(args: argparse.Namespace, argv: Sequence[str] | None) -> None:
    from cchc_analysis.audit import RunLog

    args.run_started = time.monotonic()
    args.run_log = RunLog(echo=_progress)
    shown = list(sys.argv[1:] if argv is None else argv)
    args.run_log.note("Lệnh: cchc " + " ".join(shown))


def _log_load(args: argparse.Namespace, load) -> None:
    """Row accounting and rejects by reason of one loaded file, into the run log."""
    a = load.accounting
    args.run_log.note(
        f"Tệp {load.source} (SHA-256 {load.sha256}): đọc {a.read} dòng = nạp {a.loaded} + loại trừ {a.excluded} "
        f"+ bị từ chối {a.rejected}" + (" — dữ liệu mô phỏng" if load.synthetic else "")
    )
    for code, n in load.rejects["reason_code"].value_counts().sort_index().items():
        args.run_log.note(f"  bị từ chối {n} dòng: {code}")


def _finish_audit(
    args: argparse.Namespace, *, loads: Sequence, outputs: Sequence[dict], parameters: dict
) -> None:
    """Write the run stamp (``--stamp``) and the log (``--log``) of a successful run."""
    from cchc_analysis.audit import file_record, input_record, run_stamp, write_stamp
    from cchc_analysis.loaders.vocabulary import vocabulary_files

    if args.stamp:
        words = [
            file_record("vocabulary", f) for f in vocabulary_files(args.file, args.vocabulary) if f.is_file()
        ]
        stamp = run_stamp(
            args.command,
            started=args.run_started,
            parameters={"file": str(args.file), **parameters, **_loader_options(args)},
            inputs=[input_record("dossiers", load) for load in loads] + words,
            outputs=outputs,
            officer_names=args.officer_names,
            log=str(args.log) if args.log else None,
        )
        write_stamp(args.stamp, stamp)
        args.run_log.note(f"Dấu vết chạy: {args.stamp}")
    if args.log:
        args.run_log.note(f"Xong (mã thoát {EXIT_OK}).")
        args.run_log.write(args.log)


def _fail_audit(args: argparse.Namespace | None, message: str, code: int) -> None:
    """Write the log of a failed run, when one was asked for; never hides the original error."""
    if args is None or not getattr(args, "log", None) or getattr(args, "run_log", None) is None:
        return
    args.run_log.note(message)
    args.run_log.note(f"Dừng (mã thoát {code}).")
    with contextlib.suppress(Exception):
        args.run_log.write(args.log)


def _warn_not_counted(args: argparse.Namespace, accounting) -> None:
    """On stderr (so that JSON or CSV on stdout stays clean): rows read but not counted, and where to see why."""
    a = accounting
    if a.rejected or a.excluded:
        _progress(
            f"Lưu ý: {fmt_int(a.read)} dòng đọc, {fmt_int(a.loaded)} được tính; {fmt_int(a.rejected)} dòng bị từ "
            f"chối, {fmt_int(a.excluded)} dòng loại trừ (trạng thái 1, 3 hoặc dòng cuối bảng) — xem lý do: cchc validate {args.file} | "
            f"Note: {a.read} rows read, {a.loaded} counted, {a.rejected} rejected, {a.excluded} excluded"
        )


def _warn_reading(args: argparse.Namespace, notes: Sequence[str], accounting, rejects) -> None:
    """Reading notes and the alert on many rejected rows, on stderr; ``--max-rejected`` makes the alert an error.

    The wording is :func:`cchc_analysis.loaders.reject_alert`'s, the one the briefing shows.
    """
    from cchc_analysis.loaders import REJECT_ALERT_SHARE, reject_alert

    for note in notes:
        _progress(f"Ghi chú: {note}")
        args.run_log.note(note)
    limit = getattr(args, "max_rejected", None)
    if limit is not None:
        over = reject_alert(accounting, rejects, threshold=limit)
        if over is not None:
            raise InputError(
                f"{over} Vượt quá mức cho phép --max-rejected {limit:g}; xem từng dòng: cchc validate {args.file}",
                f"{accounting.rejected} of {accounting.read} rows rejected, more than --max-rejected {limit:g}",
            )
    alert = reject_alert(accounting, rejects, threshold=REJECT_ALERT_SHARE)
    if alert is not None:
        _progress(f"{alert} Xem từng dòng: cchc validate {args.file}")
        args.run_log.note(alert)


def _add_output_options(p: argparse.ArgumentParser, *, what: str, required: bool = False) -> None:
    """``-o PATH`` (format from the suffix), ``--labels`` and ``--out-delimiter``: one set for every table output."""
    g = p.add_argument_group("tệp kết quả / output file")
    if what:
        g.add_argument(
            "-o",
            "--output",
            type=Path,
            metavar="PATH",
            required=required,
            help=f"ghi {what} ra tệp; định dạng theo đuôi: .xlsx (Excel, tiêu đề tiếng Việt, tỷ lệ dạng %%), "
            ".csv (UTF-8 có BOM cho Excel), .json, .parquet",
        )
    g.add_argument(
        "--labels",
        choices=("vi", "code"),
        help="tiêu đề cột: vi = tiếng Việt, code = tên mã (mặc định: vi cho .xlsx, code cho .csv/.json/.parquet)",
    )
    g.add_argument(
        "--out-delimiter",
        choices=(";", ","),
        default=";",
        help="dấu phân cách của tệp .csv kết quả (mặc định «;», số thập phân dùng dấu phẩy; «,» dùng dấu chấm)",
    )


def _write_table_output(args: argparse.Namespace, table, path: Path, *, title_lines=(), labels=None) -> Path:
    """Write ``table`` to ``path`` by its suffix, with Vietnamese headers for xlsx or ``--labels vi``."""
    from cchc_analysis.outputs import table_format, write_table
    from cchc_analysis.rates import RATE_COLUMNS
    from cchc_analysis.schema import label

    fmt = table_format(path)
    vietnamese = args.labels == "vi" or (args.labels is None and fmt == "xlsx")
    names = {c: (labels or {}).get(c) or label(c) for c in table.columns} if vietnamese else None
    return write_table(
        table,
        path,
        labels=names,
        rate_columns=[c for c in table.columns if c in RATE_COLUMNS],
        delimiter=args.out_delimiter,
        title_lines=title_lines,
    )


def _text_record(role: str, text: str, fmt: str) -> dict:
    return {"role": role, "format": fmt, "sha256": hashlib.sha256(text.encode("utf-8")).hexdigest()}


def _cmd_validate(args: argparse.Namespace) -> int:
    import pandas as pd

    from cchc_analysis.audit import file_record
    from cchc_analysis.loaders import load_path
    from cchc_analysis.loaders.vocabulary import UNKNOWN_VALUES_NOTE
    from cchc_analysis.outputs import table_format

    if args.rejects:
        table_format(args.rejects)  # a wrong suffix is refused before the file is read
    result = load_path(args.file, progress=_load_progress(args), **_loader_options(args))
    _log_load(args, result)
    a = result.accounting
    outputs = []
    if args.rejects:
        from cchc_analysis.loaders.accounting import REJECT_LABELS_VI

        _write_table_output(args, result.rejects, args.rejects, labels=REJECT_LABELS_VI)
        outputs.append(file_record("rejects", args.rejects))
    _warn_reading(args, result.notes, a, result.rejects)  # after the rejects list: --max-rejected leaves it
    _finish_audit(args, loads=[result], outputs=outputs, parameters={"format": args.format})
    if args.format == "json":
        document = {
            "file": str(result.source),
            "sha256": result.sha256,
            "synthetic": result.synthetic,
            "rows": a.as_dict(),
            "notes": result.notes,
            "dropped_columns": len(result.dropped_columns),
            "rejects_by_reason": result.rejects["reason_code"].value_counts().sort_index().to_dict(),
            "excluded_by_reason": result.excluded["reason_code"].value_counts().sort_index().to_dict(),
            "rejects": result.rejects.astype(object)
            .where(result.rejects.notna(), None)
            .to_dict(orient="records"),
        }
        print(json.dumps(_mask_json(document), ensure_ascii=False, indent=2))
        return EXIT_OK
    print(f"Tệp: {_mask(str(result.source))}")
    if result.synthetic:
        print("*** Dữ liệu mô phỏng — không phải số liệu thật ***")
    footer = int((result.excluded["reason_code"] == "footer").sum())
    print(
        f"Số dòng đọc: {fmt_int(a.read)} = nạp {fmt_int(a.loaded)} + loại trừ (trạng thái 1, 3) "
        f"{fmt_int(a.excluded - footer)} + "
        + (f"dòng cuối bảng (tổng cộng, chữ ký, ghi chú) {fmt_int(footer)} + " if footer else "")
        + f"bị từ chối {fmt_int(a.rejected)}"
    )
    if result.dropped_columns:
        print(f"Đã bỏ {len(result.dropped_columns)} cột không dùng hoặc chứa thông tin cá nhân khi đọc.")
    for note in result.notes:
        if not note.startswith(UNKNOWN_VALUES_NOTE):  # validate lists those values below, one per line
            print(f"Lưu ý: {note}")
    if len(result.rejects):
        print("\nDòng bị từ chối theo lý do:")
        for reason, n in result.rejects["reason"].value_counts().items():
            print(f"  {fmt_int(n):>7}  {reason}")
        _print_unknown_values(result)
        shown = result.rejects.head(args.show)
        print(
            f"\n{min(args.show, len(result.rejects))} dòng đầu tiên bị từ chối (dòng | cột | giá trị | lý do):"
        )
        for r in shown.itertuples(index=False):
            value = "" if pd.isna(r.value) else str(r.value)  # pd.NA: `!=` would raise
            if r.reason_code not in _id_reason_codes():  # a dossier id is shown as it is
                value = _mask(value)
            column = "" if pd.isna(r.column) else _mask(str(r.column))
            print(f"  dòng {r.row} | {column} | «{value[:60]}» | {r.reason}")
        if args.rejects:
            print(f"\nDanh sách đầy đủ: {_mask(str(args.rejects))}")
    return EXIT_OK


def _print_unknown_values(result) -> None:
    """Validate's list of unknown values per column with their counts, and how to add them."""
    from cchc_analysis.loaders import VOCABULARY_FILE_NAME, unknown_values

    table = unknown_values(result.rejects, result.header_map)
    if table.empty:
        return
    print("\nGiá trị không nhận ra (cột | giá trị | số dòng):")
    for r in table.itertuples(index=False):
        print(f"  {_mask(str(r.column))} | «{_mask(str(r.value))}» | {fmt_int(r.rows)}")
    print(
        f"Để nhận các giá trị này: thêm vào tệp {VOCABULARY_FILE_NAME} đặt cạnh tệp dữ liệu (hoặc một tệp dùng với "
        "--vocabulary TỆP) một dòng «kind,word,value,source» cho mỗi giá trị, ví dụ "
        f"«{table['kind'].iloc[0]},{table['value'].iloc[0]},<giá trị>,<nguồn>»; các loại và giá trị: cchc vocabulary"
    )


def _cmd_kpis(args: argparse.Namespace) -> int:
    from cchc_analysis.audit import file_record
    from cchc_analysis.kpis import build_kpi_report, format_report_json, format_report_table
    from cchc_analysis.outputs import neutralise_frame, table_format

    if args.output is not None:
        table_format(args.output)  # a wrong suffix is refused before the data are read

    report = build_kpi_report(
        args.file,
        _period(args),
        by=args.by,
        granularity=args.granularity,
        load_options=_loader_options(args),
        progress=args.run_log,
        as_of=args.as_of,
    )
    report = _masked_report(report)  # keys (units from title rows …) masked once
    for load in report.sources:
        _log_load(args, load)
    _warn_not_counted(args, report.accounting)
    _warn_reading(args, report.notes, report.accounting, report.rejects)
    if not report.table["in_scope"].sum() and not report.choice.span.empty:
        from cchc_analysis.loaders import empty_period_error

        raise empty_period_error(report.choice, args.file)
    args.run_log.note(
        f"Kỳ báo cáo {report.period.start:%d/%m/%Y}–{report.period.end:%d/%m/%Y}; {len(report.table)} nhóm"
        + (f" theo {', '.join(report.by)}" if report.by else "")
    )
    parameters = {
        "period": report.choice.as_json(),
        "as_of": args.as_of,
        "by": report.by,
        "granularity": args.granularity,
        "format": args.format,
    }
    if args.output is not None:
        out = _write_kpis_file(args, report)
        parameters["output"] = str(out)
        _finish_audit(args, loads=report.sources, outputs=[file_record("kpis", out)], parameters=parameters)
        print(f"Đã ghi bảng số liệu: {_mask(str(out))} — {len(report.table)} dòng")
        if report.synthetic:
            print("*** Dữ liệu mô phỏng — không phải số liệu thật ***")
        return EXIT_OK
    if args.format == "json":
        text = format_report_json(report)
    elif args.format == "csv":
        text = neutralise_frame(report.table).to_csv(index=False, lineterminator="\n")
    else:
        text = format_report_table(report) + "\n"
    _finish_audit(
        args, loads=report.sources, outputs=[_text_record("stdout", text, args.format)], parameters=parameters
    )
    sys.stdout.write(text)
    return EXIT_OK


def _write_kpis_file(args: argparse.Namespace, report) -> Path:
    """``kpis -o PATH``: the JSON contract for ``.json``, else the table by :func:`_write_table_output`."""
    from cchc_analysis.formatting import fmt_date
    from cchc_analysis.kpis import format_report_json
    from cchc_analysis.outputs import atomic_write_text, table_format
    from cchc_analysis.schema import SYNTHETIC_NOTE_VI

    if table_format(args.output) == "json":
        return atomic_write_text(args.output, format_report_json(report))
    p, a = report.period, report.accounting
    lines = [
        f"Kỳ báo cáo: từ ngày {fmt_date(p.start)} đến ngày {fmt_date(p.end)}",
        f"Số dòng: đọc {fmt_int(a.read)}, nạp {fmt_int(a.loaded)}, loại trừ {fmt_int(a.excluded)}, "
        f"bị từ chối {fmt_int(a.rejected)}",
    ]
    if report.synthetic:
        lines.insert(0, f"{SYNTHETIC_NOTE_VI.upper()} — không phải số liệu thật")
    return _write_table_output(args, report.table, args.output, title_lines=lines)


def _cmd_bieu06(args: argparse.Namespace) -> int:
    from cchc_analysis.audit import file_record
    from cchc_analysis.bieu06 import bieu06_table, no_deadline_note, write_bieu06_xlsx
    from cchc_analysis.loaders import data_period, empty_period_error, load_path
    from cchc_analysis.outputs import table_format

    requested = _period(args, required=True)
    fmt = table_format(args.output)  # xlsx: the printed form; csv, json, parquet: the table
    result = load_path(args.file, progress=_load_progress(args), **_loader_options(args))
    _log_load(args, result)
    _warn_not_counted(args, result.accounting)
    choice = data_period(result, requested, args.as_of)
    period = choice.period
    _warn_reading(args, [*result.notes, *choice.notes], result.accounting, result.rejects)
    table = bieu06_table(result.dossiers, period, granularity=args.granularity)
    if not table.iloc[-1]["received_total"] and not choice.span.empty:
        raise empty_period_error(choice, args.file)
    units = result.dossiers["unit"].dropna().unique() if "unit" in result.dossiers else []
    if fmt == "xlsx":
        out = write_bieu06_xlsx(
            table,
            args.output,
            start=period.start,
            end=period.end,
            unit=args.unit or (str(units[0]) if len(units) == 1 else result.unit_name),
            synthetic=result.synthetic,
            source_note=f"Nguồn: {result.source.name} (SHA-256 {result.sha256[:12]}…); "
            f"{fmt_int(result.accounting.loaded)} hồ sơ được nạp, {fmt_int(result.accounting.rejected)} dòng bị "
            "từ chối." + "".join(f" {note}" for note in choice.notes),
        )
    else:
        from cchc_analysis.bieu06 import BIEU06_HEADERS

        headers = {c: " – ".join(t for t in levels if t) for c, levels in BIEU06_HEADERS.items()}
        out = _write_table_output(args, table, args.output, labels=headers)
    total = table.iloc[-1]
    message = (
        f"Đã ghi Biểu 06: {_mask(str(out))} — {fmt_int(total['received_total'])} hồ sơ, "
        f"{fmt_int(total['resolved_total'])} đã giải quyết, {fmt_int(total['pending_total'])} đang giải quyết."
    )
    args.run_log.note(message)
    parameters = {
        "period": choice.as_json(),
        "as_of": args.as_of,
        "granularity": args.granularity,
        "unit": args.unit,
    }
    _finish_audit(args, loads=[result], outputs=[file_record("bieu06", out)], parameters=parameters)
    print(message)
    if no_deadline_note(table):
        print(no_deadline_note(table))
    if result.synthetic:
        print("*** Dữ liệu mô phỏng — không phải số liệu thật ***")
    return EXIT_OK


def _cmd_officers(args: argparse.Namespace) -> int:
    from cchc_analysis.audit import file_record
    from cchc_analysis.loaders import data_period, load_path
    from cchc_analysis.officers import (
        format_officers_table,
        officer_months,
        officers_json,
        read_grade_rules,
        read_names_key,
        write_names_key,
        write_officers_xlsx,
    )

    if args.names_key and (args.format != "table" or args.output):
        raise InputError(
            "Khóa tên cán bộ (--names-key) chỉ dùng để xem trên màn hình (--format table, không -o); "
            "không ghi tên vào tệp xuất. Cần tệp có tên: dùng --officer-names",
            "The names key is for the screen only (--format table without -o); it is never written to an export",
        )
    if args.format == "xlsx" and not args.output:
        raise InputError("Định dạng xlsx cần -o TỆP.xlsx", "--format xlsx needs -o OUT.xlsx")
    if args.format == "xlsx" and args.output.suffix.lower() != ".xlsx":
        raise InputError(
            f"Tệp kết quả phải có đuôi .xlsx, không phải «{args.output.suffix}»",
            f"The output must be named .xlsx, not {args.output.suffix!r}",
            file=args.output,
        )
    rules = read_grade_rules(args.grades)
    names = read_names_key(args.names_key) if args.names_key else None
    result = load_path(args.file, progress=_load_progress(args), **_loader_options(args))
    _log_load(args, result)
    _warn_not_counted(args, result.accounting)
    requested = _period(args)
    choice = data_period(result, requested, args.as_of)
    _warn_reading(args, [*result.notes, *choice.notes], result.accounting, result.rejects)
    period = choice.period
    if requested is None and choice.cutoff is not None and choice.cutoff > period.end:
        # No period given: every resolution up to the cut-off counts, not only those by the last receipt day.
        period = period_between(period.start, choice.cutoff)
    period_json = {"from": period.start.isoformat(), "to": period.end.isoformat()} | {
        k: v for k, v in choice.as_json().items() if k not in ("from", "to")
    }
    table = officer_months(result.dossiers, period, granularity=args.granularity, rules=rules)
    if args.write_names_key:
        named = load_path(args.file, **(_loader_options(args) | {"officer_names": True}))
        officers = (
            [str(v) for v in named.dossiers.get("officer", []).dropna().unique()]
            if "officer" in named.dossiers
            else []
        )
        write_names_key(officers, args.write_names_key)
        _progress(f"Đã ghi khóa tên cán bộ (giữ kín, không gửi kèm báo cáo): {args.write_names_key}")
    outputs: list[dict] = []
    if args.format == "xlsx":
        units = result.dossiers["unit"].dropna().unique() if "unit" in result.dossiers else []
        out = write_officers_xlsx(
            table,
            args.output,
            period=period,
            unit=args.unit or (str(units[0]) if len(units) == 1 else result.unit_name),
            rules=rules,
            synthetic=result.synthetic,
            source_note=f"Nguồn: {result.source.name} (SHA-256 {result.sha256[:12]}…); "
            f"{fmt_int(result.accounting.loaded)} hồ sơ được nạp, {fmt_int(result.accounting.rejected)} dòng bị "
            "từ chối.",
        )
        outputs.append(file_record("officers", out))
        text = (
            f"Đã ghi bảng đánh giá cán bộ: {_mask(str(out))} — {fmt_int(len(table))} dòng (cán bộ × tháng).\n"
        )
    elif args.format == "json":
        text = officers_json(table, period_json, synthetic=result.synthetic)
    else:
        text = format_officers_table(table, period, names=names, synthetic=result.synthetic)
    if args.output and args.format != "xlsx":
        from cchc_analysis.outputs import atomic_write_text

        atomic_write_text(args.output, text)
        outputs.append(file_record("officers", args.output))
        text = f"Đã ghi: {_mask(str(args.output))}\n"
    elif not outputs:
        outputs.append(_text_record("stdout", text, args.format))
    parameters = {"period": period_json, "as_of": args.as_of, "format": args.format}
    _finish_audit(args, loads=[result], outputs=outputs, parameters=parameters)
    sys.stdout.write(text)
    return EXIT_OK


def _cmd_reconcile(args: argparse.Namespace) -> int:
    from cchc_analysis.reconcile import checks_to_json, format_checks_table, reconcile
    from cchc_analysis.reported import read_reported_figures

    checks = reconcile(read_reported_figures(args.file))
    if args.format == "json":
        print(json.dumps(checks_to_json(checks), ensure_ascii=False, indent=2))
    else:
        print(format_checks_table(checks))
    return EXIT_OK  # failed checks are findings, not errors


def _cmd_index766(args: argparse.Namespace) -> int:
    from cchc_analysis.portal766 import (
        compare_portal,
        format_comparison_table,
        read_portal_indicators,
        read_published_totals,
    )

    totals = read_published_totals(args.totals) if args.totals else None
    result = compare_portal(read_portal_indicators(args.file), totals)
    if args.format == "json":
        print(json.dumps(result, ensure_ascii=False, indent=2))
    else:
        print(format_comparison_table(result))
    return EXIT_OK  # a mismatch is a finding, not an error


def _cmd_doctor(args: argparse.Namespace) -> int:
    from cchc_analysis.doctor import checks, report

    found = checks()
    print(report(found))
    return EXIT_OK


def _cmd_vocabulary(args: argparse.Namespace) -> int:
    from cchc_analysis.loaders import load_vocabulary
    from cchc_analysis.outputs import neutralise_frame

    table = load_vocabulary(args.data, args.vocabulary).table
    if args.format == "csv":
        sys.stdout.write(neutralise_frame(table).to_csv(index=False, lineterminator="\n"))
        return EXIT_OK
    widths = {c: min(40, max(len(c), *(len(str(v)) for v in table[c]))) for c in ("kind", "word", "value")}
    print("  ".join(c.ljust(widths[c]) for c in ("kind", "word", "value")) + "  source")
    for r in table.itertuples(index=False):
        origin = "" if r.origin.startswith("cchc_analysis") else f" [{r.origin}]"
        print(
            "  ".join(str(getattr(r, c)).ljust(widths[c]) for c in ("kind", "word", "value"))
            + f"  {r.source}{origin}"
        )
    return EXIT_OK


def _cmd_briefing(args: argparse.Namespace) -> int:
    from cchc_analysis.briefing import build_briefing

    result = build_briefing(
        args.period,
        args.dossiers,
        args.previous,
        args.out,
        notebook=args.notebook,
        progress=_progress,
        vocabulary=args.vocabulary,
        max_rejected=args.max_rejected,
        unit=args.unit,
        ranking=args.ranking,
        targets=args.targets,
        findings=args.findings,
        pdf_timeout=args.pdf_timeout,
    )
    print(result.message)
    return EXIT_OK


def _cmd_remediation(args: argparse.Namespace) -> int:
    from cchc_analysis.briefing_data import FINDINGS, read_findings
    from cchc_analysis.outputs import atomic_write_text
    from cchc_analysis.remediation import actions_template, remediation_report
    from cchc_analysis.remediation_docx import write_docx

    if args.actions_template is not None:
        findings = read_findings(args.findings or FINDINGS)
        out = atomic_write_text(args.actions_template, actions_template(findings), encoding="utf-8-sig")
        print(
            f"Đã ghi mẫu ACTIONS.csv: {_mask(str(out))} — điền mỗi dòng một yêu cầu, kiến nghị (xem README)."
        )
        if args.output is None:
            return EXIT_OK
    if args.output is None:
        raise InputError(
            "Cần tệp kết quả: -o bao_cao_khac_phuc.docx", "An output file is needed: -o FILE.docx"
        )
    if args.output.suffix.lower() != ".docx":
        raise InputError(
            f"Tệp báo cáo phải có đuôi .docx, không phải «{args.output.suffix}»",
            f"The report must be named .docx, not {args.output.suffix!r}",
            file=args.output,
        )
    report = remediation_report(
        args.dossiers or "",
        period=args.period or "",
        actions=args.actions or "",
        unit=args.unit or "",
        findings=args.findings or "",
        targets=args.targets or "",
        ranking=args.ranking or "",
        rules=args.rules or "",
        as_of=args.as_of,
    )
    out = write_docx(report, args.output)
    counts = {}
    for e in report.entries:
        counts[e.status] = counts.get(e.status, 0) + 1
    print(
        f"Đã ghi dự thảo báo cáo khắc phục: {out} — "
        + "; ".join(f"{status}: {n}" for status, n in counts.items())
        + ". Các ô «…» (số, ngày, người ký) do đơn vị điền."
    )
    if report.synthetic:
        print("*** Dữ liệu mô phỏng — không phải số liệu thật ***")
    return EXIT_OK


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of ``cchc`` and its subcommands."""
    parser = _Parser(
        prog="cchc",
        description="Phân tích hồ sơ thủ tục hành chính: tỷ lệ giải quyết (Biểu 06), chỉ số 766, mục tiêu, "
        "đối chiếu số liệu và bản tin. / Administrative-procedure dossier analysis.",
    )
    from cchc_analysis import __version__

    parser.add_argument("--version", action="version", version=f"cchc_analysis {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="LỆNH", parser_class=_Parser)

    p = sub.add_parser(
        "validate",
        help="kiểm tra tệp hồ sơ: số dòng nạp / loại trừ / bị từ chối và lý do",
        description="Đọc tệp hồ sơ, đếm số dòng nạp, loại trừ (trạng thái 1, 3) và bị từ chối, kèm lý do từng dòng.",
    )
    p.add_argument("file", type=Path, help="tệp hồ sơ (CSV, Excel, Parquet) hoặc thư mục các tệp")
    p.add_argument(
        "--rejects",
        type=Path,
        metavar="PATH",
        help="ghi các dòng bị từ chối ra tệp .csv (UTF-8 có BOM, dấu «;»), .xlsx, .json hoặc .parquet",
    )
    p.add_argument("--show", type=int, default=20, help="số dòng bị từ chối hiển thị (mặc định 20)")
    p.add_argument("--format", choices=("table", "json"), default="table")
    _add_output_options(p, what="")
    _add_loader_options(p)
    _add_audit_options(p)
    p.set_defaults(handler=_cmd_validate)

    p = sub.add_parser(
        "kpis",
        help="tỷ lệ giải quyết hồ sơ trong kỳ, toàn bộ hoặc theo nhóm",
        description="Số liệu và tỷ lệ theo Biểu 06 cho kỳ báo cáo. FILE có thể là một thư mục nhiều tệp "
        "(đọc lần lượt từng tệp, cả thư mục con). Không chỉ kỳ: kỳ ghi ở dòng tiêu đề của tệp («Từ ngày … "
        "đến ngày …»), nếu không có thì từ ngày tiếp nhận sớm nhất đến muộn nhất trong tệp.",
    )
    p.add_argument("file", type=Path, help="tệp hồ sơ hoặc thư mục chứa các tệp")
    _add_period_options(p)
    p.add_argument(
        "--by",
        action="append",
        metavar="COL",
        help="nhóm theo cột (lặp lại hoặc phân cách bằng dấu phẩy), tên tiếng Việt hoặc tên mã: «Lĩnh vực» "
        "(field), «Thủ tục hành chính» (procedure), «Hệ thống» (source_system), «Kênh thực hiện» (channel), "
        "«Cán bộ xử lý» (officer), «Đơn vị» (unit), «Tháng» (month), «Quý» (quarter)",
    )
    p.add_argument("--format", choices=("table", "json", "csv"), default="table")
    _add_output_options(p, what="bảng số liệu")
    _add_loader_options(p)
    _add_audit_options(p)
    p.set_defaults(handler=_cmd_kpis)

    p = sub.add_parser(
        "bieu06",
        help="lập Biểu số 06/VPCP/KSTT từ hồ sơ, ghi ra tệp Excel",
        description="Lập Biểu số 06/VPCP/KSTT (Thông tư 01/2020/TT-VPCP) theo lĩnh vực từ dữ liệu hồ sơ.",
    )
    p.add_argument("file", type=Path, help="tệp hồ sơ hoặc thư mục các tệp")
    _add_period_options(p)
    p.add_argument(
        "-o",
        "--output",
        type=Path,
        required=True,
        metavar="OUT.xlsx",
        help="tệp kết quả: .xlsx (biểu in được, một trang A4 ngang); .csv, .json, .parquet (bảng số liệu)",
    )
    p.add_argument("--unit", help="tên đơn vị in trên biểu (mặc định: tên trong tệp hồ sơ)")
    _add_output_options(p, what="")
    _add_loader_options(p)
    _add_audit_options(p)
    p.set_defaults(handler=_cmd_bieu06)

    p = sub.add_parser(
        "officers",
        help="đánh giá cán bộ theo tháng: hồ sơ giải quyết, đúng hạn, hài lòng, phản ánh và xếp loại đề xuất",
        description="Mỗi dòng một cán bộ và một tháng giải quyết: số hồ sơ đã giải quyết (trước hạn, đúng hạn, "
        "quá hạn), được đánh giá, hài lòng, tỷ lệ hài lòng, phản ánh kiến nghị và xếp loại đề xuất theo ngưỡng "
        "trong reference/officer_grades.csv (kèm căn cứ; --grades để dùng tệp ngưỡng của đơn vị). Mặc định cán "
        "bộ được thay bằng mã bí danh; --names-key hiện họ tên trên màn hình từ khóa tên giữ tại máy, không ghi "
        "vào tệp xuất.",
    )
    p.add_argument("file", type=Path, help="tệp hồ sơ hoặc thư mục các tệp")
    _add_period_options(p)
    p.add_argument("--format", choices=("table", "json", "xlsx"), default="table")
    p.add_argument("-o", "--output", type=Path, metavar="OUT", help="tệp kết quả (bắt buộc với xlsx)")
    p.add_argument("--unit", help="tên đơn vị in trên bảng")
    p.add_argument("--grades", type=Path, metavar="CSV", help="tệp ngưỡng xếp loại (mặc định của gói)")
    p.add_argument(
        "--names-key",
        type=Path,
        metavar="CSV",
        help="khóa tên cán bộ (pseudonym,name) giữ tại máy: hiện họ tên trên màn hình, không ghi vào tệp xuất",
    )
    p.add_argument(
        "--write-names-key",
        type=Path,
        metavar="CSV",
        help="ghi khóa tên cán bộ (mã bí danh → họ tên) từ tệp hồ sơ ra tệp này, để giữ kín tại máy",
    )
    _add_loader_options(p)
    _add_audit_options(p)
    p.set_defaults(handler=_cmd_officers)

    p = sub.add_parser(
        "reconcile",
        help="đối chiếu các số liệu công bố trong một văn bản (tỷ lệ, khả năng đạt được, tổng các phần)",
        description="Kiểm tra tệp số liệu công bố (key,label,value,unit,numerator,denominator,whole,source): "
        "tỷ lệ có khớp tử số/mẫu số không, tỷ lệ có đạt được với một số nguyên hồ sơ không, các phần có cộng "
        "đúng bằng tổng không. Mỗi kiểm tra: OK / WARNING / ERROR. Mã thoát 0 kể cả khi có phát hiện.",
    )
    p.add_argument(
        "file", type=Path, help="tệp CSV số liệu công bố, ví dụ data/notice_2026/reported_figures.csv"
    )
    p.add_argument("--format", choices=("table", "json"), default="table")
    p.set_defaults(handler=_cmd_reconcile)

    p = sub.add_parser(
        "briefing",
        help="chạy sổ bản tin và xuất HTML, PDF vào exports/<kỳ>/",
        description="Chạy sổ (notebook) bản tin với kỳ báo cáo và tệp hồ sơ, xuất briefing.html, briefing.pdf, "
        "sổ đã chạy và dấu vết chạy (run_stamp.json) vào exports/<kỳ>/. Không có tham số: bản tin kiểm tra "
        "CCHC năm 2026 từ dữ liệu kèm theo (dữ liệu mô phỏng).",
    )
    p.add_argument(
        "--period", help="kỳ báo cáo, ví dụ 2026-Q2 hoặc «Quý II/2026» (mặc định: quý của hồ sơ mới nhất)"
    )
    p.add_argument(
        "--dossiers",
        type=Path,
        metavar="FILE",
        help="tệp hồ sơ hoặc thư mục các tệp (mặc định: dữ liệu mô phỏng kèm theo)",
    )
    p.add_argument("--previous", type=Path, metavar="FILE", help="tệp hồ sơ kỳ trước để so sánh (tuỳ chọn)")
    p.add_argument("--out", type=Path, metavar="DIR", help="thư mục xuất (mặc định: exports/)")
    p.add_argument("--notebook", help="sổ khác trong notebooks/ để chạy với cùng tham số")
    _add_vocabulary_option(p)
    _add_max_rejected(p)
    _add_limits_option(p)
    p.add_argument("--unit", help="tên đơn vị (mặc định: tên trong tệp hồ sơ — cột đơn vị hoặc dòng tiêu đề)")
    for option, what in (
        ("--ranking", "tệp xếp hạng (Bộ chỉ số 766) của đơn vị"),
        ("--targets", "tệp mục tiêu và thời hạn của đơn vị"),
        ("--findings", "tệp tồn tại, hạn chế và kiến nghị của đơn vị"),
    ):
        p.add_argument(
            option,
            type=Path,
            metavar="FILE",
            help=f"{what} (mặc định: số liệu Thông báo kèm theo, chỉ khi đơn vị là đơn vị của Thông báo; "
            "không có thì bỏ qua phần đó)",
        )
    p.add_argument(
        "--pdf-timeout",
        type=_positive_seconds,
        default=PDF_TIMEOUT_DEFAULT,
        metavar="GIÂY",
        help=f"thời gian tối đa để trình duyệt in PDF (mặc định {PDF_TIMEOUT_DEFAULT:g} giây); quá thời gian: "
        "dừng trình duyệt, không có PDF, mã thoát 2",
    )
    p.set_defaults(handler=_cmd_briefing)

    p = sub.add_parser(
        "index766",
        help="tính lại chỉ số 766 từ số liệu Cổng DVCQG (tử số, mẫu số) và đối chiếu với điểm công bố",
        description="Đọc tệp số liệu từng chỉ tiêu 766 của Cổng DVCQG (cột date, unit_code, unit_name, group, "
        "metric_code, numerator, denominator, ratio_pct, score, max_score; metric_code GROUP là điểm công bố của cả "
        "nhóm), tính lại từng chỉ tiêu theo bảng chỉ số (ngưỡng, làm tròn 2 chữ số, đủ điểm khi không có phản ánh, "
        "kiến nghị) và đối chiếu theo chỉ tiêu, nhóm, tổng điểm. Chênh lệch là phát hiện (mã thoát 0).",
    )
    p.add_argument("file", type=Path, help="tệp CSV số liệu chỉ tiêu 766 của Cổng (nhiều đơn vị, nhiều ngày)")
    p.add_argument(
        "--totals",
        type=Path,
        metavar="FILE",
        help="tệp tổng điểm công bố (cột date, unit_code, total_score; tệp xếp hạng tỉnh đọc được nguyên dạng)",
    )
    p.add_argument("--format", choices=("table", "json"), default="table")
    p.set_defaults(handler=_cmd_index766)

    p = sub.add_parser(
        "doctor",
        help="kiểm tra máy: Python, các gói, trình duyệt in PDF, LibreOffice, nhân Jupyter, phông tiếng Việt",
        description="Báo những gì gói tìm thấy trên máy này và những gì còn thiếu, kèm lệnh để sửa từng mục. "
        "Không thay đổi gì.",
    )
    p.set_defaults(handler=_cmd_doctor)

    p = sub.add_parser(
        "remediation",
        aliases=["khac-phuc"],
        help="dự thảo báo cáo kết quả khắc phục tồn tại, hạn chế (Word, thể thức Nghị định 30/2020/NĐ-CP)",
        description="Lập dự thảo báo cáo kết quả khắc phục tồn tại, hạn chế theo Thông báo kết luận kiểm tra, "
        "dạng Word (.docx) theo thể thức Nghị định 30/2020/NĐ-CP: mỗi tồn tại và yêu cầu kèm số liệu từ hồ sơ "
        "(tử số/mẫu số), việc đơn vị đã làm (ACTIONS.csv) và mức độ đã / đang / chưa khắc phục theo quy tắc "
        "trong reference/remediation_rules.csv. Số văn bản, ngày ký, người ký để trống «…» cho đơn vị điền.",
    )
    p.add_argument(
        "--dossiers",
        type=Path,
        metavar="FILE",
        help="tệp hồ sơ hoặc thư mục các tệp của kỳ báo cáo (mặc định: dữ liệu mô phỏng kèm theo)",
    )
    p.add_argument("--period", help="kỳ báo cáo, ví dụ 2026-Q2 (mặc định: quý của ngày chốt số liệu)")
    p.add_argument(
        "--as-of", dest="as_of", metavar="DD/MM/YYYY", help="ngày chốt số liệu (mặc định: theo tệp hồ sơ)"
    )
    p.add_argument(
        "--actions",
        type=Path,
        metavar="ACTIONS.csv",
        help="việc đơn vị đã làm, mỗi dòng một yêu cầu (id,request,actions,documents,trainings,done_on,notes); "
        "không có thì báo cáo ghi rõ phần còn thiếu",
    )
    p.add_argument(
        "--actions-template",
        type=Path,
        metavar="PATH",
        help="ghi mẫu ACTIONS.csv trống (một dòng cho mỗi yêu cầu, kiến nghị) ra PATH",
    )
    p.add_argument("--unit", help="tên đơn vị (mặc định: tên trong tệp hồ sơ)")
    for option, what in (
        ("--findings", "tệp tồn tại, hạn chế và kiến nghị của đơn vị"),
        ("--targets", "tệp mục tiêu và thời hạn của đơn vị"),
        ("--ranking", "tệp xếp hạng (Bộ chỉ số 766) của đơn vị, kể cả các mốc mới sau kiểm tra"),
    ):
        p.add_argument(
            option,
            type=Path,
            metavar="FILE",
            help=f"{what} (mặc định: số liệu Thông báo kèm theo, chỉ khi đơn vị là đơn vị của Thông báo)",
        )
    p.add_argument(
        "--rules",
        type=Path,
        metavar="FILE",
        help="quy tắc xác định mức độ khắc phục (id,rule,argument,baseline,figures,source; mặc định: "
        "reference/remediation_rules.csv cho Thông báo kèm theo)",
    )
    p.add_argument(
        "-o", "--output", type=Path, metavar="OUT.docx", help="tệp Word kết quả, ví dụ bao_cao_khac_phuc.docx"
    )
    p.set_defaults(handler=_cmd_remediation)

    p = sub.add_parser(
        "vocabulary",
        help="in bảng từ vựng đang dùng: tiêu đề cột và giá trị (trạng thái, kênh, mức độ, có/không …), kèm nguồn",
        description="In bảng từ vựng của gói (reference/value_vocabulary.csv, reference/header_aliases.csv) gộp với "
        "các tệp từ vựng của người dùng (--vocabulary, và cchc_vocabulary.csv cạnh tệp dữ liệu DATA nếu có). Cột: "
        "kind, word, value, source. Thêm từ mới: ghi một dòng cùng các cột vào cchc_vocabulary.csv.",
    )
    p.add_argument(
        "data",
        type=Path,
        nargs="?",
        help="tệp hoặc thư mục dữ liệu (để dùng cchc_vocabulary.csv bên cạnh nó)",
    )
    _add_vocabulary_option(p)
    p.add_argument("--format", choices=("table", "csv"), default="table")
    p.set_defaults(handler=_cmd_vocabulary)

    return parser


def _writable_streams() -> None:
    """Vietnamese text must not crash a console or a redirect in another encoding (Windows cp1252, ascii).

    Redirected to a file or a pipe, output becomes UTF-8 (what CSV and JSON readers expect); on a terminal that
    cannot show a letter, the letter becomes «?».
    """
    for stream in (sys.stdout, sys.stderr):
        encoding = (getattr(stream, "encoding", None) or "utf-8").lower().replace("-", "").replace("_", "")
        if encoding in ("utf8", "utf8sig") or not hasattr(stream, "reconfigure"):
            continue
        with contextlib.suppress(Exception):
            if stream.isatty():
                stream.reconfigure(errors="replace")
            else:
                stream.reconfigure(encoding="utf-8")


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``cchc``; returns the exit code (0 ok, 2 bad input, 1 unexpected error)."""
    _writable_streams()
    parser = build_parser()
    args: argparse.Namespace | None = None
    own_text = False
    try:
        args = parser.parse_args(argv)
        if getattr(args, "handler", None) is None:
            parser.print_help()
            return EXIT_BAD_INPUT
        if isinstance(getattr(args, "unit", None), str):  # printed in workbooks and briefings
            args.unit = _mask(args.unit)
        _start_audit(args, argv)
        from cchc_analysis.loaders.limits import scaled as scaled_limits

        with scaled_limits(getattr(args, "limits_scale", None)):
            return args.handler(args)
    except InputError as exc:
        message = f"Lỗi dữ liệu đầu vào: {exc}"
        code = EXIT_BAD_INPUT
        own_text = True
    except KeyboardInterrupt:
        message, code = "Đã dừng theo yêu cầu. | Interrupted.", 130
    except BrokenPipeError:
        return EXIT_OK
    except OSError as exc:  # the file system said no: a path the user gave
        message = (
            f"Lỗi dữ liệu đầu vào: không đọc hoặc ghi được tệp {exc.filename or ''} ({exc.strerror or exc}) | "
            f"Cannot read or write the file {exc.filename or ''}: {exc.strerror or exc}"
        )
        code = EXIT_BAD_INPUT
    except MemoryError:  # Arrow's too: the input needs more memory than this machine (or its limit) gives
        message = (
            "Lỗi dữ liệu đầu vào: không đủ bộ nhớ để đọc hết dữ liệu này. Hãy chia tệp theo tháng hoặc quý, "
            "xuất dạng CSV hoặc Parquet (đọc từng phần), hoặc chạy trên máy nhiều bộ nhớ hơn | "
            "Out of memory reading this input: split it by month or quarter, export it as CSV or Parquet (read in "
            "parts), or use a machine with more memory"
        )
        code = EXIT_BAD_INPUT
    except Exception as exc:  # a bug: say so plainly, traceback only on request
        message = (
            f"Lỗi không mong đợi (lỗi của chương trình, xin báo lại): {type(exc).__name__}: {exc} | "
            "Unexpected error (a bug; please report it). Set CCHC_DEBUG=1 for the traceback."
        )
        code = EXIT_BUG
        if os.environ.get("CCHC_DEBUG"):
            traceback.print_exc()
    if not own_text:  # an InputError masks its own text (and keeps a dossier id it quotes)
        message = _mask(message)
    print(" ".join(message.split()), file=sys.stderr)  # one line, whatever the message holds
    _fail_audit(args, message, code)
    return code


if __name__ == "__main__":
    raise SystemExit(main())
