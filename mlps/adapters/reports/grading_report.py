"""The grading report (定级报告, 2025 template), laid out as docs/domain.md 'Documents users must produce' lists
it: 1 the graded object (owner, composition, business, data, responsibility); 2 the two determinations
(business information security, system service security), each with the GB/T 22240-2020 matrix and the
determined cell ticked; 3 the final level with the summary table.

One document model (docmodel.py) rendered to PDF and to Word. A required field left empty stays blank in the
report and is listed on its last page (never a placeholder in the field)."""

from __future__ import annotations

from mlps.adapters.reports import docmodel as dm
from mlps.adapters.reports.layout import check_lang
from mlps.adapters.reports.missing import MissingField, check, missing
from mlps.adapters.reports.render_pdf import render_pdf
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


def _join(parts: tuple[str, ...], lang: str) -> str:
    return ("；" if lang == "zh" else "; ").join(x.strip() for x in parts if x and x.strip())


def _matrix(judgement: Judgement, lang: str) -> dm.Grid:
    """The GB/T 22240-2020 matrix (object harmed × degree) with the judgement's cell ticked ■."""
    rows = []
    for obj in OBJECTS:
        cells: list[dm.Value] = [word("harm_objects", obj, lang)]
        for degree in DEGREES:
            box = dm.CHECKED if (obj, degree) == (judgement.harm_object, judgement.degree) else dm.UNCHECKED
            cells.append(f"{box} {level_label(MATRIX[(obj, degree)], lang)}")
        rows.append(tuple(cells))
    head = (tx("grading", "matrix_corner", lang), *(word("harm_degrees", d, lang) for d in DEGREES))
    return dm.Grid(head, tuple(rows), (2.2, 1, 1, 1.1))


def _object_blocks(org: Organisation, system: System, lang: str) -> list[dm.Block]:
    def f(key: str) -> str:
        return tx("fields", key, lang)

    internet = _yes_no(system.internet_facing, lang)
    if system.internet_facing and system.internet_details.strip():
        internet = _join((internet, system.internet_details), lang)
    return [
        dm.Heading(tx("grading", "s1", lang)),
        dm.Heading(tx("grading", "s1_owner", lang), 2),
        dm.fields(
            (f("organisation.name"), org.name),
            (f("organisation.address"), org.address),
            (f("system.owner"), system.owner),
        ),  # fmt: skip
        dm.Heading(tx("grading", "s1_composition", lang), 2),
        dm.fields(
            (f("system.name"), system.name),
            (f("system.object_type"), word("object_types", system.object_type, lang)),
            (f("system.extensions"), extensions_text(system.extensions, lang)),
            (f("system.description"), system.description),
            (f("system.deployment"), system.deployment),
            (f("system.internet_facing"), internet),
            (f("system.go_live"), dm.day(system.go_live)),
            (f("system.parent_system"), system.parent_system),
        ),
        dm.Heading(tx("grading", "s1_business", lang), 2),
        dm.fields(
            (f("system.business_type"), system.business_type),
            (f("system.business_description"), system.business_description),
            (f("system.service_scope"), system.service_scope),
            (f("system.service_users"), system.service_users),
        ),  # fmt: skip
        dm.Heading(tx("grading", "s1_data", lang), 2),
        dm.fields((f("system.data_description"), system.data_description)),
        dm.Heading(tx("grading", "s1_responsibility", lang), 2),
        dm.fields(
            (f("organisation.head_name"), _join((org.head_name, org.head_title, org.head_phone), lang)),
            (f("organisation.security_department"), org.security_department),
            (
                f("organisation.security_contact"),
                _join(
                    (
                        org.security_contact,
                        org.security_title,
                        org.security_phone,
                        org.security_mobile,
                        org.security_email,
                    ),
                    lang,
                ),
            ),
            (f("organisation.data_department"), org.data_department),
            (
                f("organisation.data_contact"),
                _join((org.data_contact, org.data_title, org.data_phone, org.data_mobile, org.data_email), lang),
            ),
            (f("system.owner"), system.owner),
        ),  # fmt: skip
    ]


def _determination(aspect: str, judgement: Judgement, recorded: int, grading: GradingRecord, lang: str) -> list:
    computed = MATRIX[(judgement.harm_object, judgement.degree)]
    out: list[dm.Block] = [
        dm.Heading(tx("grading", f"s2_{aspect}", lang), 2),
        dm.Heading(tx("grading", f"what_{aspect}", lang), 3),
        dm.Para(judgement.description),
        dm.Heading(tx("grading", "harm_object", lang), 3),
        dm.Para(word("harm_objects", judgement.harm_object, lang)),
        dm.Heading(tx("grading", "harm_degree", lang), 3),
        dm.Para(word("harm_degrees", judgement.degree, lang)),
        dm.Together((dm.Heading(tx("grading", f"matrix_{aspect}", lang), 3), _matrix(judgement, lang))),
        dm.Para(tx("grading", f"result_{aspect}", lang, level=level_label(recorded, lang, full=True))),
    ]
    if recorded != computed:
        out.append(
            dm.Note(
                tx(
                    "grading",
                    "matrix_differs",
                    lang,
                    recorded=level_label(recorded, lang),
                    matrix=level_label(computed, lang),
                    reason=grading.override_reason.strip(),
                )
            )
        )
    if (judgement.harm_object, judgement.degree) in DRAFT_2018_CELLS:
        out.append(dm.Note(tx("grading", "citizens_note", lang)))
    return out


def _final_blocks(system: System, grading: GradingRecord, lang: str) -> list[dm.Block]:
    out: list[dm.Block] = [
        dm.Heading(tx("grading", "s3", lang)),
        dm.Para(tx("grading", "final", lang, level=level_label(grading.level, lang, full=True))),
    ]
    computed = max(grading.business_level, grading.service_level)
    if grading.level != computed:
        out.append(
            dm.Note(
                tx(
                    "grading",
                    "final_differs",
                    lang,
                    recorded=level_label(grading.level, lang),
                    computed=level_label(computed, lang),
                    reason=grading.override_reason.strip(),
                )
            )
        )
    rationale = grading.rationale_zh if lang == "zh" else grading.rationale_en
    if rationale.strip():
        out += [dm.Heading(tx("grading", "rationale", lang), 3), dm.Para(rationale)]
    if grading.override_reason.strip():
        out += [dm.Heading(tx("grading", "override", lang), 3), dm.Para(grading.override_reason)]
    out += [
        dm.Heading(tx("grading", "summary", lang), 3),
        dm.Grid(tuple(tx("grading", k, lang) for k in ("col_object", "col_level", "col_business", "col_service")),
                ((system.name, level_label(grading.level, lang, full=True), level_label(grading.business_level, lang),
                  level_label(grading.service_level, lang)),), (2, 1.6, 1.3, 1.3)),
        dm.fields((tx("grading", "meta_graded_on", lang), dm.day(grading.graded_on)),
                  (tx("grading", "meta_graded_by", lang), grading.graded_by)),
        dm.Para(tx("grading", "source", lang)),
    ]  # fmt: skip
    return out


def grading_report_document(org: Organisation, system: System, grading: GradingRecord, lang: str = "zh") -> dm.Document:
    """The grading report as blocks (one model for the PDF and the Word file)."""
    check_lang(lang)
    if grading is None:
        raise ValueError(f"system '{system.name}' has no grading record: grade it first")
    check_grading(grading)
    blocks: list[dm.Block] = [
        dm.Title(tx("grading", "title", lang)),
        dm.Subtitle(tx("grading", "subtitle", lang, system=system.name)),
        dm.Subtitle(org.name),
        *_object_blocks(org, system, lang),
        dm.Heading(tx("grading", "s2", lang)),
        *_determination("business", grading.business, grading.business_level, grading, lang),
        *_determination("service", grading.service, grading.service_level, grading, lang),
        *_final_blocks(system, grading, lang),
    ]
    missing_now = missing_grading_report_fields(org, system, grading)
    return dm.Document(f"{tx('grading', 'title', lang)} {system.name}", org.name, system.name, lang, tuple(blocks),
                       missing=tuple(m.label(lang) for m in missing_now))  # fmt: skip


def build_grading_report(org: Organisation, system: System, grading: GradingRecord, lang: str = "zh") -> bytes:
    """The grading report as PDF bytes; required fields still empty are listed on its last page."""
    return render_pdf(grading_report_document(org, system, grading, lang))


def build_grading_report_docx(org: Organisation, system: System, grading: GradingRecord, lang: str = "zh") -> bytes:
    """The same report as an editable Word file."""
    from mlps.adapters.reports.render_docx import render_docx  # python-docx loads only when Word is asked for

    return render_docx(grading_report_document(org, system, grading, lang))
