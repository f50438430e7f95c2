"""`mlps grade`: the level from the two GB/T 22240-2020 judgements, or from a school preset of the wizard."""

from __future__ import annotations

import argparse
import json
import sys

from mlps.cli import UsageError
from mlps.rules.grading import grade, parse_judgement
from mlps.rules.wizard import OverrideReasonRequired, choose, suggest_preset


def _judgement(flag: str, text: str, description: str):
    try:
        return parse_judgement(text, description)
    except ValueError as exc:
        raise UsageError(f"{flag}: {exc}") from None


def run(args: argparse.Namespace) -> int:
    suggestion = None
    if args.preset:
        try:
            preset, suggestion = suggest_preset(args.preset)
        except ValueError as exc:
            raise UsageError(f"--preset: {exc}") from None
    elif not (args.business and args.service):
        raise UsageError(
            "--business and --service are both required (OBJECT:DEGREE, e.g. citizens:serious) unless --preset is given"
        )
    business = (
        _judgement("--business", args.business, args.business_description) if args.business else suggestion.business
    )
    service = _judgement("--service", args.service, args.service_description) if args.service else suggestion.service
    if suggestion is None:
        result = grade(business, service)
    else:  # a preset is a suggestion: departing from it needs a reason, which the record keeps
        try:
            result = choose(suggestion, business, service, args.override_reason)
        except OverrideReasonRequired as exc:
            raise UsageError(f"--override-reason: {', '.join(exc.aspects)} differ from the preset; say why") from None
    out = result.as_dict()
    if suggestion is not None:
        out["preset"] = {
            "id": preset.id,
            "name_zh": preset.name_zh,
            "name_en": preset.name_en,
            "suggested_level": preset.suggested_level,
            "is_suggestion": True,
            "note_zh": preset.note_zh,
            "note_en": preset.note_en,
            "source_zh": preset.source_zh,
            "source_en": preset.source_en,
            "source_mark": preset.source_mark,
        }
    json.dump(out, sys.stdout, ensure_ascii=False, indent=1)
    sys.stdout.write("\n")
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "grade",
        help="the protection level from the two judgements (GB/T 22240-2020)",
        description="OBJECT is citizens | society | nation; DEGREE is general | serious | especially_serious.",
    )
    p.add_argument("--business", metavar="OBJECT:DEGREE", help="business information security judgement")
    p.add_argument("--service", metavar="OBJECT:DEGREE", help="system service security judgement")
    p.add_argument("--business-description", default="", help="what was judged, quoted in the rationale")
    p.add_argument("--service-description", default="", help="what was judged, quoted in the rationale")
    p.add_argument(
        "--preset",
        default=None,
        help="a school preset of the wizard, a suggestion: website, office, student_information, admissions, "
        "campus_card",
    )
    p.add_argument("--override-reason", default="", help="why the judgements differ from the preset's suggestion")
    p.add_argument("--format", choices=["json"], default="json")
    p.set_defaults(func=run)
