"""`mlps obligations`: what one system owes, and by when, from its level and lifecycle dates."""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date

from mlps.cli import UsageError
from mlps.rules.domain import AssessmentKind, GradingRecord, HarmDegree, HarmObject, Judgement
from mlps.rules.levels import is_level
from mlps.rules.obligations import AssessmentDone, Change, SystemLifecycle, obligations_for, penalty_on, timeline

# The CLI knows only the final level; the record needs judgements, so it carries one matrix cell of that level.
# They are never printed.
_CELL_FOR_LEVEL = {
    1: (HarmObject.CITIZENS, HarmDegree.GENERAL),
    2: (HarmObject.CITIZENS, HarmDegree.SERIOUS),
    3: (HarmObject.SOCIETY, HarmDegree.SERIOUS),
    4: (HarmObject.SOCIETY, HarmDegree.ESPECIALLY_SERIOUS),
    5: (HarmObject.NATION, HarmDegree.ESPECIALLY_SERIOUS),
}


def _date(flag: str, text: str | None) -> date | None:
    if text is None:
        return None
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise UsageError(f"{flag}: '{text}' is not a date (use YYYY-MM-DD)") from None


def run(args: argparse.Namespace) -> int:
    if not is_level(args.level):
        raise UsageError(f"--level: {args.level} is not a level (use 1 to 5)")
    if args.log_retention_days is not None and args.log_retention_days < 0:
        raise UsageError(f"--log-retention-days: must be 0 or more, not {args.log_retention_days}")
    today = _date("--today", args.today) or date.today()
    cell = Judgement(*_CELL_FOR_LEVEL[args.level])
    record = GradingRecord(
        system_id=None,
        business=cell,
        service=cell,
        business_level=args.level,
        service_level=args.level,
        level=args.level,
        graded_on=_date("--graded-on", args.graded_on),
        expert_review_on=_date("--expert-review-on", args.expert_review_on),
        authority_name=args.authority or "",
        authority_approved_on=_date("--authority-approved-on", args.authority_approved_on),
        filed_on=_date("--filed-on", args.filed_on),
        filing_office=args.filing_office or "",
        filing_number=args.filing_number or "",
    )
    assessments = [
        AssessmentDone(AssessmentKind.AGENCY, d)
        for d in [_date("--last-assessment", args.last_assessment)]
        if d is not None
    ] + [
        AssessmentDone(AssessmentKind.SELF, d)
        for d in [_date("--last-self-inspection", args.last_self_inspection)]
        if d is not None
    ]
    changes = [Change(_date("--change-on", c)) for c in args.change_on or []]
    lifecycle = SystemLifecycle(
        name=args.name,
        gradings=[record],
        assessments=assessments,
        changes=changes,
        log_retention_days=args.log_retention_days,
        plan_submitted_on=_date("--plan-submitted-on", args.plan_submitted_on),
    )
    result = obligations_for(lifecycle, today)
    penalty = penalty_on(today)
    out = {
        **result.as_dict(),
        "penalty": penalty.as_dict(),
        "timeline": [
            {
                **{k: getattr(e, k) for k in ("kind", "title_zh", "title_en", "month", "projected")},
                "due_on": e.due_on.isoformat(),
                "status": e.status.value,
            }
            for e in timeline([result], today)
        ],
    }
    json.dump(out, sys.stdout, ensure_ascii=False, indent=1)
    sys.stdout.write("\n")
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser("obligations", help="what one system owes under MLPS, and by when")
    p.add_argument("--level", type=int, required=True, help="the final protection level, 1 to 5")
    p.add_argument("--graded-on", required=True, metavar="DATE", help="grading date, YYYY-MM-DD")
    p.add_argument("--expert-review-on", metavar="DATE")
    p.add_argument("--authority", metavar="NAME", help="the competent authority, where there is one")
    p.add_argument("--authority-approved-on", metavar="DATE")
    p.add_argument("--filed-on", metavar="DATE")
    p.add_argument("--filing-office", metavar="OFFICE")
    p.add_argument("--filing-number", metavar="NUMBER")
    p.add_argument("--last-assessment", metavar="DATE", help="last assessment by an accredited agency")
    p.add_argument("--last-self-inspection", metavar="DATE")
    p.add_argument("--change-on", metavar="DATE", action="append", help="a significant change (repeatable)")
    p.add_argument("--plan-submitted-on", metavar="DATE", help="when the protection work plan was last submitted")
    p.add_argument("--log-retention-days", type=int, metavar="N", help="the log retention actually configured")
    p.add_argument("--name", default="system", help="the system's name, shown in the output")
    p.add_argument("--today", metavar="DATE", help="judge as of this date (default: today)")
    p.add_argument("--format", choices=["json"], default="json")
    p.set_defaults(func=run)
