"""`mlps report KIND --system ID [--assessment ID] --lang zh|en --out FILE.pdf`: a filing document or the
assessment report as PDF, from the database MLPS_DATABASE_URL (or --database) names.

KIND: grading (定级报告), filing (备案表), expert-review (专家评审意见表), protection-plan (保护工作方案, level 3+,
drafted from the newest assessment), assessment (测评报告; the newest
assessment of the system unless --assessment names one; --method picks the scoring method, --suggest-risks
rates problems matching a high-risk case as high; otherwise risks are as recorded). An admin tool: it reads the
store directly, without the app's roles.

A document that lacks required fields is not written: a JSON message on stderr lists the missing fields with
labels in the chosen language, exit status 2. --force writes it anyway (the fields stay blank and are listed on
the document's last page). Success
prints {"kind", "system", "out", "format", "pages", "bytes"} on stdout ("pages" for PDF only).
--format docx writes an editable Word file of any of them (the same document model as the PDF).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from datetime import date
from pathlib import Path

from mlps.adapters.store.db import open_store
from mlps.cli import UsageError
from mlps.rules.catalogue import load_catalogue
from mlps.rules.errors import NotFound
from mlps.rules.scoring_methods import load_scoring_config
from mlps.services import report_data as rd
from mlps.settings import Settings


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "report", help="write the grading report, filing form, expert review form or assessment report as PDF"
    )
    p.add_argument("kind", choices=rd.KINDS, help="which document")
    p.add_argument("--system", type=int, required=True, help="system id")
    p.add_argument("--assessment", type=int, default=None, help="assessment id (assessment only; default: newest)")
    p.add_argument("--lang", choices=rd.LANGS, default="zh", help="zh (default) or en")
    p.add_argument("--out", required=True, help="the PDF file to write")
    p.add_argument("--format", choices=rd.FORMATS, default="pdf", help="pdf (default) or docx (editable Word)")
    p.add_argument("--force", action="store_true", help="write the document even if required fields are missing")
    p.add_argument("--method", default=None, help="scoring method for the assessment report (default: mlps2019)")
    p.add_argument(
        "--suggest-risks",
        action="store_true",
        help="assessment: rate problems matching a 2025 high-risk guideline case (high_risk_2025.yaml) as high",
    )
    p.add_argument("--database", default=None, help="database URL (default: MLPS_DATABASE_URL or data/mlps.db)")
    p.set_defaults(func=cmd_report)


def _out_path(text: str) -> Path:
    out = Path(text)
    if out.is_dir():
        raise UsageError(f"--out {text}: is a folder; give a file name such as {text.rstrip('/')}/report.pdf")
    if not out.parent.is_dir():
        raise UsageError(f"--out {text}: the folder {out.parent} does not exist")
    return out


def _write(out: Path, data: bytes) -> None:
    """Write via a temporary file in the same folder, so a failure never leaves half a PDF behind."""
    fd, tmp = tempfile.mkstemp(prefix=".mlps-report-", suffix=out.suffix or ".tmp", dir=out.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.replace(tmp, out)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _assessment_id(reader: rd.RepositoryReader, system_id: int, wanted: int | None) -> int:
    if wanted is None:
        assessments = reader.assessments(system_id)
        if not assessments:
            raise UsageError(f"system {system_id} has no assessment yet; start one before asking for its report")
        return assessments[0].id
    try:
        assessment = reader.get_assessment(wanted)
    except NotFound:
        raise UsageError(f"--assessment {wanted}: no such assessment") from None
    if assessment.system_id != system_id:
        raise UsageError(f"--assessment {wanted} belongs to system {assessment.system_id}, not system {system_id}")
    return wanted


def cmd_report(args: argparse.Namespace) -> int:
    if args.kind != "assessment":
        for flag, given in (("--assessment", args.assessment is not None), ("--method", args.method),
                            ("--suggest-risks", args.suggest_risks)):  # fmt: skip
            if given:
                raise UsageError(f"{flag} is only for the assessment report")
    out = _out_path(args.out)
    reader = rd.RepositoryReader(open_store(args.database or Settings.from_env().database_url))
    try:
        inputs = rd.gather_grading_inputs(reader, args.system)
    except NotFound:
        raise UsageError(f"--system {args.system}: no such system") from None
    if args.kind == "assessment":
        if args.method is not None and args.method not in load_scoring_config().methods:
            known = ", ".join(load_scoring_config().methods)
            raise UsageError(f"--method {args.method}: unknown scoring method; known: {known}")
        assessment_id = _assessment_id(reader, args.system, args.assessment)
        gathered = rd.gather_assessment_inputs(reader, assessment_id, load_catalogue())
        data, _score = rd.assessment_report_data(
            gathered, args.lang, method=args.method, suggest_risks=args.suggest_risks, report_date=date.today()
        )
        missing = rd.missing_fields("assessment", data)
    elif args.kind == "protection-plan":
        if inputs.grading is None:
            raise UsageError(f"--system {args.system}: not graded yet; grade it before drafting its protection plan")
        assessments = reader.assessments(args.system)
        assessment_id = assessments[0].id if assessments else None
        gathered = rd.gather_assessment_inputs(reader, assessment_id, load_catalogue()) if assessments else None
        data = rd.protection_plan_data(inputs, gathered, load_catalogue(), args.lang)
        missing = rd.missing_fields("protection-plan", data)
    else:
        assessment_id = None
        missing = rd.missing_fields(args.kind, inputs)
    if missing and not args.force:
        message = {
            "error": "missing_fields",
            "kind": args.kind,
            "system": args.system,
            "message": (
                f"{inputs.system.name}：文档缺少以下必填内容，未生成文件（用 --force 仍可生成）"
                if args.lang == "zh"
                else f"{inputs.system.name}: the document lacks these required fields; nothing was written "
                "(--force writes it anyway)"
            ),
            "missing": [{"key": m.key, "label": m.label(args.lang), "where": m.where} for m in missing],
        }
        json.dump(message, sys.stderr, ensure_ascii=False)
        sys.stderr.write("\n")
        return 2
    if args.kind == "assessment":
        pdf = rd.build_assessment_document(data, args.lang, args.format)
    elif args.kind == "protection-plan":
        pdf = rd.build_plan_document(data, args.lang, args.format)
    else:
        pdf = rd.build_grading_document(args.kind, inputs, args.lang, args.format)
    _write(out, pdf)
    result = {"kind": args.kind, "system": args.system, "out": str(out), "format": args.format, "bytes": len(pdf)}
    if args.format == "pdf":
        result["pages"] = rd.page_count(pdf)
    if assessment_id is not None:
        result["assessment"] = assessment_id
    if missing:
        result["missing"] = [m.label(args.lang) for m in missing]
    json.dump(result, sys.stdout, ensure_ascii=False)
    sys.stdout.write("\n")
    return 0
