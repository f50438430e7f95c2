"""The expert review opinion form (专家评审意见表) that accompanies a level-2+ filing, ready for signatures:
the object and its proposed level, the panel's opinion (printed if already recorded, else a blank box), the
conclusion boxes to tick by hand, and a signature table for the panel."""

from __future__ import annotations

from reportlab.lib.units import mm
from reportlab.platypus import Flowable

from mlps.adapters.reports.grading_report import check_grading
from mlps.adapters.reports.layout import (
    build_pdf,
    check_lang,
    esc,
    field_table,
    keep,
    or_empty,
    p,
    spacer,
    styles,
    table,
)
from mlps.adapters.reports.missing import MissingField, check, missing
from mlps.adapters.reports.texts import level_label, tx, word
from mlps.rules.domain import GradingRecord, Organisation, System

DEFAULT_PANEL_SIZE = 5  # rows for signatures; panels are usually three or five experts


def missing_expert_review_fields(
    org: Organisation, system: System, grading: GradingRecord | None
) -> list[MissingField]:
    """Required fields the expert review form lacks."""
    out = check(org, "organisation", ("name",)) + check(system, "system", ("name", "business_description"))
    if grading is None:
        return [*out, missing("grading.record")]
    return out + check(grading, "grading", ("graded_on",))


def expert_review_story(
    org: Organisation, system: System, grading: GradingRecord, lang: str, panel_size: int
) -> list[Flowable]:
    st = styles()

    def f(key: str) -> str:
        return tx("fields", key, lang)

    basic = field_table(
        [
            (f("organisation.name"), or_empty(org.name, lang)),
            (f("system.name"), or_empty(system.name, lang)),
            (f("system.object_type"), esc(word("object_types", system.object_type, lang))),
            (f("system.business_description"), or_empty(system.business_description, lang)),
            (f("grading.business_level"), esc(level_label(grading.business_level, lang))),
            (f("grading.service_level"), esc(level_label(grading.service_level, lang))),
            (tx("expert", "proposed", lang), esc(level_label(grading.level, lang, full=True))),
            (f("grading.graded_on"), or_empty(grading.graded_on, lang)),
            (tx("expert", "reviewed_on", lang), or_empty(grading.expert_review_on, lang)),
        ]
    )
    opinion_text = (
        esc(grading.expert_opinion) if grading.expert_opinion.strip() else tx("expert", "opinion_blank", lang)
    )
    opinion = table([[p(opinion_text, st.cell)]], (1,), header_rows=0, min_heights=[48 * mm])
    box = tx("common", "unchecked", lang)
    conclusion = "<br/>".join(
        [
            f"{box} {tx('expert', 'agree', lang, level=esc(level_label(grading.level, lang)))}",
            f"{box} {tx('expert', 'adjust', lang)}",
            f"{box} {tx('expert', 'disagree', lang)}",
        ]
    )
    heads = ["#"] + [tx("expert", k, lang) for k in ("col_name", "col_unit", "col_title", "col_role", "col_signature")]
    panel_rows = [heads] + [[str(n)] + [""] * 5 for n in range(1, panel_size + 1)]
    panel = table(panel_rows, (0.35, 1, 1.8, 1, 1, 1.3), min_heights=[0] + [9 * mm] * panel_size)
    leader = field_table(
        [(tx("expert", "leader", lang), "<br/><br/>"), (tx("common", "date", lang), tx("expert", "sign_date", lang))]
    )
    return [
        p(tx("expert", "title", lang), st.title),
        p(tx("expert", "basic", lang), st.h1),
        basic,
        keep(p(tx("expert", "opinion", lang), st.h1), opinion),
        keep(p(tx("expert", "conclusion", lang), st.h1), p(conclusion)),
        keep(p(tx("expert", "panel", lang), st.h1), panel, spacer(4), leader),
    ]


def build_expert_review_form(
    org: Organisation, system: System, grading: GradingRecord, lang: str = "zh", *, panel_size: int = DEFAULT_PANEL_SIZE
) -> bytes:
    """The expert review opinion form as PDF bytes, with `panel_size` blank signature rows."""
    check_lang(lang)
    if grading is None:
        raise ValueError(f"system '{system.name}' has no grading record: grade it first")
    if not 1 <= panel_size <= 15:
        raise ValueError(f"panel_size must be 1 to 15, not {panel_size}")
    check_grading(grading)
    return build_pdf(
        expert_review_story(org, system, grading, lang, panel_size),
        title=f"{tx('expert', 'title', lang)} {system.name}",
        unit=org.name,
        system=system.name,
        lang=lang,
    )
