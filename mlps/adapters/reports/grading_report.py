"""The grading report (定级报告), laid out as docs/domain.md 'Documents users must produce' lists it:
1 the graded object (owner, composition, business, data, responsibility); 2 the two determinations
(business information security, system service security), each with the GB/T 22240-2020 matrix and the
determined cell marked; 3 the final level with the summary table."""

from __future__ import annotations

from reportlab.platypus import Flowable

from mlps.adapters.reports.layout import (
    MARK_BG,
    build_pdf,
    check_lang,
    esc,
    field_table,
    fmt_date,
    keep,
    or_empty,
    p,
    spacer,
    styles,
    table,
)
from mlps.adapters.reports.missing import MissingField, check, missing
from mlps.adapters.reports.texts import level_label, tx, word
from mlps.rules.domain import GradingRecord, HarmDegree, HarmObject, Judgement, Organisation, System
from mlps.rules.grading import DEGREES, DRAFT_2018_CELLS, MATRIX, OBJECTS
from mlps.rules.levels import is_level

ORGANISATION_REQUIRED = ("name", "security_department")
SYSTEM_REQUIRED = ("name", "owner", "description", "business_description", "data_description")


def missing_grading_report_fields(
    org: Organisation, system: System, grading: GradingRecord | None
) -> list[MissingField]:
    """Required fields the grading report lacks (empty list: the report is complete)."""
    out = check(org, "organisation", ORGANISATION_REQUIRED) + check(system, "system", SYSTEM_REQUIRED)
    if grading is None:
        return [*out, missing("grading.record")]
    if not grading.business.description.strip():
        out.append(missing("grading.business_description"))
    if not grading.service.description.strip():
        out.append(missing("grading.service_description"))
    if grading.graded_on is None:
        out.append(missing("grading.graded_on"))
    return out


def check_grading(grading: GradingRecord) -> None:
    """Refuse a record whose judgements are not words of GB/T 22240-2020 or whose levels are not 1-5."""
    for aspect, judgement in (("business", grading.business), ("service", grading.service)):
        try:
            HarmObject(judgement.harm_object)
            HarmDegree(judgement.degree)
        except ValueError:
            raise ValueError(
                f"grading {aspect} judgement: '{judgement.harm_object}' × '{judgement.degree}' is not a cell of "
                "the GB/T 22240-2020 matrix"
            ) from None
    for name in ("business_level", "service_level", "level"):
        if not is_level(getattr(grading, name)):
            raise ValueError(f"grading {name} must be 1 to 5, not {getattr(grading, name)!r}")


def _yes_no(value: bool, lang: str) -> str:
    return tx("common", "answer_yes" if value else "answer_no", lang)


def extensions_text(extensions: tuple[str, ...] | list[str], lang: str) -> str:
    if not extensions:
        return tx("common", "none", lang)
    sep = "、" if lang == "zh" else ", "
    return sep.join(word("extensions", e, lang) for e in extensions)


def object_section(org: Organisation, system: System, lang: str) -> list[Flowable]:
    """Section 1: what the graded object is. Empty fields print as '（未填写）'."""
    st = styles()

    def f(key: str) -> str:
        return tx("fields", key, lang)

    internet = _yes_no(system.internet_facing, lang)
    if system.internet_facing:
        internet += "；" if lang == "zh" else "; "
        internet += or_empty(system.internet_details, lang)
    head = " ".join(x for x in (org.head_name, org.head_title, org.head_phone) if x.strip())
    security = " ".join(x for x in (org.security_contact, org.security_phone, org.security_email) if x.strip())
    data = " ".join(x for x in (org.data_contact, org.data_phone) if x.strip())
    return [
        p(tx("grading", "s1", lang), st.h1),
        p(tx("grading", "s1_owner", lang), st.h2),
        field_table(
            [
                (f("organisation.name"), or_empty(org.name, lang)),
                (f("organisation.address"), or_empty(org.address, lang)),
                (f("system.owner"), or_empty(system.owner, lang)),
            ]
        ),
        p(tx("grading", "s1_composition", lang), st.h2),
        field_table(
            [
                (f("system.name"), or_empty(system.name, lang)),
                (f("system.object_type"), esc(word("object_types", system.object_type, lang))),
                (f("system.extensions"), esc(extensions_text(system.extensions, lang))),
                (f("system.description"), or_empty(system.description, lang)),
                (f("system.deployment"), or_empty(system.deployment, lang)),
                (f("system.internet_facing"), internet),
                (f("system.go_live"), or_empty(system.go_live, lang)),
                (f("system.parent_system"), or_empty(system.parent_system, lang)),
            ]
        ),
        p(tx("grading", "s1_business", lang), st.h2),
        field_table(
            [
                (f("system.business_type"), or_empty(system.business_type, lang)),
                (f("system.business_description"), or_empty(system.business_description, lang)),
                (f("system.service_scope"), or_empty(system.service_scope, lang)),
                (f("system.service_users"), or_empty(system.service_users, lang)),
            ]
        ),
        p(tx("grading", "s1_data", lang), st.h2),
        field_table([(f("system.data_description"), or_empty(system.data_description, lang))]),
        p(tx("grading", "s1_responsibility", lang), st.h2),
        field_table(
            [
                (f("organisation.head_name"), or_empty(head, lang)),
                (f("organisation.security_department"), or_empty(org.security_department, lang)),
                (f("organisation.security_contact"), or_empty(security, lang)),
                (f("organisation.data_department"), or_empty(org.data_department, lang)),
                (f("organisation.data_contact"), or_empty(data, lang)),
                (f("system.owner"), or_empty(system.owner, lang)),
            ]
        ),
    ]


def matrix_table(judgement: Judgement, lang: str) -> Flowable:
    """The GB/T 22240-2020 matrix (object harmed × degree) with the judgement's cell marked ■ and shaded."""
    header = [tx("grading", "matrix_corner", lang)] + [word("harm_degrees", d, lang) for d in DEGREES]
    rows: list[list[str]] = [header]
    extra: list[tuple] = []
    for r, obj in enumerate(OBJECTS, start=1):
        row = [word("harm_objects", obj, lang)]
        for c, degree in enumerate(DEGREES, start=1):
            text = level_label(MATRIX[(obj, degree)], lang)
            if (obj, degree) == (judgement.harm_object, judgement.degree):
                text = f"{tx('common', 'checked', lang)} {text}"
                extra.append(("BACKGROUND", (c, r), (c, r), MARK_BG))
            row.append(text)
        rows.append(row)
    return table(rows, (2.2, 1, 1, 1.1), header_rows=1, label_cols=1, extra=extra)


def determination(aspect: str, judgement: Judgement, recorded: int, grading: GradingRecord, lang: str) -> list:
    """Section 2.1 or 2.2: what was judged, the object, the degree, the matrix and the level it gives."""
    st = styles()
    computed = MATRIX[(judgement.harm_object, judgement.degree)]
    out: list[Flowable] = [
        p(tx("grading", f"s2_{aspect}", lang), st.h2),
        p(tx("grading", f"what_{aspect}", lang), st.h3),
        p(or_empty(judgement.description, lang)),
        p(tx("grading", "harm_object", lang), st.h3),
        p(esc(word("harm_objects", judgement.harm_object, lang))),
        p(tx("grading", "harm_degree", lang), st.h3),
        p(esc(word("harm_degrees", judgement.degree, lang))),
        keep(p(tx("grading", f"matrix_{aspect}", lang), st.h3), matrix_table(judgement, lang)),
        spacer(2),
        p(tx("grading", f"result_{aspect}", lang, level=level_label(recorded, lang, full=True))),
    ]
    if recorded != computed:
        reason = or_empty(grading.override_reason, lang)
        out.append(
            p(
                tx(
                    "grading",
                    "matrix_differs",
                    lang,
                    recorded=level_label(recorded, lang),
                    matrix=level_label(computed, lang),
                    reason=reason,
                ),
                st.note,
            )
        )
    if (judgement.harm_object, judgement.degree) in DRAFT_2018_CELLS:
        out.append(p(tx("grading", "citizens_note", lang), st.note))
    return out


def summary_table(system: System, grading: GradingRecord, lang: str) -> Flowable:
    rows = [
        [tx("grading", k, lang) for k in ("col_object", "col_level", "col_business", "col_service")],
        [
            system.name,
            level_label(grading.level, lang, full=True),
            level_label(grading.business_level, lang),
            level_label(grading.service_level, lang),
        ],
    ]
    return table(rows, (2, 1.6, 1.3, 1.3))


def final_section(system: System, grading: GradingRecord, lang: str) -> list[Flowable]:
    st = styles()
    out: list[Flowable] = [
        p(tx("grading", "s3", lang), st.h1),
        p(tx("grading", "final", lang, level=level_label(grading.level, lang, full=True))),
    ]
    computed = max(grading.business_level, grading.service_level)
    if grading.level != computed:
        out.append(
            p(
                tx(
                    "grading",
                    "final_differs",
                    lang,
                    recorded=level_label(grading.level, lang),
                    computed=level_label(computed, lang),
                    reason=or_empty(grading.override_reason, lang),
                ),
                st.note,
            )
        )
    rationale = grading.rationale_zh if lang == "zh" else grading.rationale_en
    if rationale.strip():
        out += [p(tx("grading", "rationale", lang), st.h3), p(esc(rationale))]
    if grading.override_reason.strip():
        out += [p(tx("grading", "override", lang), st.h3), p(esc(grading.override_reason))]
    out += [p(tx("grading", "summary", lang), st.h3), summary_table(system, grading, lang), spacer(4)]
    out.append(
        field_table(
            [
                (tx("grading", "meta_graded_on", lang), or_empty(fmt_date(grading.graded_on), lang)),
                (tx("grading", "meta_graded_by", lang), or_empty(grading.graded_by, lang)),
            ]
        )
    )
    out.append(p(tx("grading", "source", lang), st.cell_small))
    return out


def grading_report_story(org: Organisation, system: System, grading: GradingRecord, lang: str) -> list[Flowable]:
    st = styles()
    story: list[Flowable] = [
        p(tx("grading", "title", lang), st.title),
        p(tx("grading", "subtitle", lang, system=esc(system.name)), st.subtitle),
        p(esc(org.name), st.subtitle),
        *object_section(org, system, lang),
        p(tx("grading", "s2", lang), st.h1),
        *determination("business", grading.business, grading.business_level, grading, lang),
        *determination("service", grading.service, grading.service_level, grading, lang),
        *final_section(system, grading, lang),
    ]
    return story


def build_grading_report(org: Organisation, system: System, grading: GradingRecord, lang: str = "zh") -> bytes:
    """The grading report as PDF bytes. Empty fields print as '（未填写）' / '(not filled in)'; nothing is invented."""
    check_lang(lang)
    if grading is None:
        raise ValueError(f"system '{system.name}' has no grading record: grade it first")
    check_grading(grading)
    return build_pdf(
        grading_report_story(org, system, grading, lang),
        title=f"{tx('grading', 'title', lang)} {system.name}",
        unit=org.name,
        system=system.name,
        lang=lang,
    )
