"""The filing form (网络安全等级保护备案表) for the public security bureau, filed for level 2 and above.

Tables as docs/domain.md lists them (from code that fills the official template): the unit; per graded object its
object table and grading table; the extension-scenario table (cloud, mobile, IoT, ICS, big data); the
attachments table for level 3 and above; the data survey table (added to the form in 2025). A field the user
left empty prints as '（未填写）' — the form never invents a value.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

from reportlab.platypus import Flowable

from mlps.adapters.reports.grading_report import check_grading, extensions_text
from mlps.adapters.reports.layout import (
    build_pdf,
    check_lang,
    esc,
    field_table,
    fmt_date,
    keep,
    or_empty,
    p,
    page_break,
    spacer,
    styles,
    table,
)
from mlps.adapters.reports.missing import MissingField, check, is_empty, missing
from mlps.adapters.reports.texts import level_label, tx, word
from mlps.rules.domain import GradingRecord, Judgement, Organisation, System
from mlps.rules.filing_details import ATTACHMENTS, ATTACHMENTS_FROM_LEVEL, AUTHORITY_ATTACHMENT, FILED_FROM_LEVEL
from mlps.rules.grading import DEGREES, OBJECTS

EXTENSIONS = ("cloud", "mobile", "iot", "ics", "bigdata")

ORGANISATION_REQUIRED = (
    "name",
    "credit_code",
    "address",
    "region_code",
    "head_name",
    "head_phone",
    "security_department",
    "security_contact",
    "security_phone",
    "data_department",
    "data_contact",
    "affiliation",
    "unit_type",
    "industry",
)
SYSTEM_REQUIRED = (
    "name",
    "object_type",
    "business_type",
    "business_description",
    "service_scope",
    "service_users",
    "deployment",
    "go_live",
)
SCENARIO_REQUIRED = {
    "mobile": ("mobile_apps",),
    "iot": ("iot_description",),
    "ics": ("ics_description",),
    "bigdata": ("bigdata_description", "bigdata_cross_border"),
}
DATA_ROW_REQUIRED = ("name", "data_class", "personal_info", "storage_location")


@dataclass
class ScenarioInfo:
    """The extension-scenario table of one object. Only the extensions the system has are asked for."""

    cloud_role: str = ""  # provider | customer | both
    cloud_platform_name: str = ""  # for a customer: the platform it runs on
    cloud_platform_level: int | None = None
    cloud_platform_filing_number: str = ""
    mobile_apps: str = ""
    iot_description: str = ""
    ics_description: str = ""
    bigdata_description: str = ""
    bigdata_cross_border: bool | None = None


@dataclass
class DataSurveyRow:
    """One row of the data survey table."""

    name: str
    data_class: str = ""  # core | important | general (or the unit's own words)
    owner: str = ""
    personal_info: bool | None = None
    volume: str = ""
    sources: str = ""
    flows: str = ""
    storage_location: str = ""


@dataclass
class FilingEntry:
    """One graded object on the form with its grading and what the form asks beyond the domain records.
    `attachments` maps an attachment code (ATTACHMENTS, 'authority_approval') to the file name or a note;
    a missing or empty value prints as not provided."""

    system: System
    grading: GradingRecord
    scenario: ScenarioInfo = field(default_factory=ScenarioInfo)
    attachments: dict[str, str] = field(default_factory=dict)
    data_survey: list[DataSurveyRow] = field(default_factory=list)


def as_entries(entries: Sequence[FilingEntry | tuple[System, GradingRecord]]) -> list[FilingEntry]:
    out = []
    for n, e in enumerate(entries, start=1):
        if isinstance(e, FilingEntry):
            out.append(e)
        elif isinstance(e, tuple) and len(e) == 2 and isinstance(e[0], System):
            if e[1] is None:
                raise ValueError(f"system '{e[0].name}' (entry {n}) has no grading record: grade it first")
            out.append(FilingEntry(e[0], e[1]))
        else:
            raise ValueError(f"entry {n} must be a FilingEntry or a (System, GradingRecord) pair")
    for e in out:
        if e.grading is None:
            raise ValueError(f"system '{e.system.name}' has no grading record: grade it first")
    return out


def _required_attachments(entry: FilingEntry) -> tuple[str, ...]:
    has_authority = bool(entry.grading.authority_name.strip())
    return ATTACHMENTS + ((AUTHORITY_ATTACHMENT,) if has_authority else ())


def missing_filing_fields(
    org: Organisation, entries: Sequence[FilingEntry | tuple[System, GradingRecord]]
) -> list[MissingField]:
    """Required fields the filing form lacks, per unit, object, grading, scenario, attachment and data row."""
    out = check(org, "organisation", ORGANISATION_REQUIRED)
    if not entries:
        return [*out, missing("filing.systems")]
    for e in as_entries(entries):
        where = e.system.name or "?"
        s, g = e.system, e.grading
        out += check(s, "system", SYSTEM_REQUIRED, where)
        if s.internet_facing and is_empty(s.internet_details):
            out.append(missing("system.internet_details", where))
        if g.level < FILED_FROM_LEVEL:
            out.append(missing("grading.filable", where))
        out += check(g, "grading", ("graded_on", "graded_by"), where)
        if g.level >= FILED_FROM_LEVEL and g.expert_review_on is None:
            out.append(missing("grading.expert_review_on", where))
        if g.authority_name.strip() and g.authority_approved_on is None:
            out.append(missing("grading.authority_approved_on", where))
        sc = e.scenario
        if "cloud" in s.extensions:
            out += check(sc, "scenario", ("cloud_role",), where)
            if sc.cloud_role in ("customer", "both"):
                needed = ("cloud_platform_name", "cloud_platform_level", "cloud_platform_filing_number")
                out += check(sc, "scenario", needed, where)
        for ext, names in SCENARIO_REQUIRED.items():
            if ext in s.extensions:
                out += check(sc, "scenario", names, where)
        if g.level >= ATTACHMENTS_FROM_LEVEL:
            out += [
                missing(f"attachment.{code}", where)
                for code in _required_attachments(e)
                if is_empty(e.attachments.get(code))
            ]
        if not e.data_survey:
            out.append(missing("data.survey", where))
        for n, row in enumerate(e.data_survey, start=1):
            out += check(row, "data", DATA_ROW_REQUIRED, f"{where} #{n}")
    return out


def _ticks(options: Sequence[tuple[object, str]], chosen: object, lang: str) -> str:
    """'■ chosen □ other …' as markup: every option shown, the chosen one ticked."""
    on, off = tx("common", "checked", lang), tx("common", "unchecked", lang)
    return "&nbsp;&nbsp; ".join(f"{on if value == chosen else off} {esc(label)}" for value, label in options)


def _level_ticks(level: int, lang: str) -> str:
    return _ticks([(n, level_label(n, lang)) for n in range(1, 6)], level, lang)


def _harm_ticks(judgement: Judgement, level: int, lang: str) -> str:
    objects = _ticks([(o, word("harm_objects", o, lang)) for o in OBJECTS], judgement.harm_object, lang)
    degrees = _ticks([(d, word("harm_degrees", d, lang)) for d in DEGREES], judgement.degree, lang)
    return f"{objects}<br/>{degrees}<br/>{_level_ticks(level, lang)}"


def unit_table(org: Organisation, entries: list[FilingEntry], lang: str) -> list[Flowable]:
    st = styles()

    def f(key: str) -> str:
        return tx("fields", key, lang)

    counts = {n: sum(1 for e in entries if e.grading.level == n) for n in range(1, 6)}
    sep = "；" if lang == "zh" else "; "
    by_level = sep.join(f"{level_label(n, lang)}: {c}" for n, c in counts.items() if c)
    by_level += sep + tx("filing", "objects_total", lang, n=len(entries))
    names = [
        "name",
        "credit_code",
        "address",
        "region_code",
        "head_name",
        "head_title",
        "head_phone",
        "security_department",
        "security_contact",
        "security_phone",
        "security_email",
        "data_department",
        "data_contact",
        "data_phone",
        "affiliation",
        "unit_type",
        "industry",
    ]
    pairs = [(f(f"organisation.{n}"), or_empty(getattr(org, n), lang)) for n in names]
    pairs.append((tx("filing", "objects_by_level", lang), esc(by_level)))
    return [p(tx("filing", "unit_table", lang), st.h1), field_table(pairs)]


def object_table(entry: FilingEntry, lang: str) -> list[Flowable]:
    st, s = styles(), entry.system

    def f(key: str) -> str:
        return tx("fields", key, lang)

    internet = tx("common", "answer_yes" if s.internet_facing else "answer_no", lang)
    pairs = [
        (f("system.name"), or_empty(s.name, lang)),
        (f("system.code"), or_empty(s.code, lang)),
        (f("system.object_type"), esc(word("object_types", s.object_type, lang))),
        (f("system.extensions"), esc(extensions_text(s.extensions, lang))),
        (f("system.business_type"), or_empty(s.business_type, lang)),
        (f("system.business_description"), or_empty(s.business_description, lang)),
        (f("system.service_scope"), or_empty(s.service_scope, lang)),
        (f("system.service_users"), or_empty(s.service_users, lang)),
        (f("system.deployment"), or_empty(s.deployment, lang)),
        (f("system.internet_facing"), internet),
    ]
    if s.internet_facing:
        pairs.append((f("system.internet_details"), or_empty(s.internet_details, lang)))
    pairs += [
        (f("system.go_live"), or_empty(s.go_live, lang)),
        (f("system.parent_system"), or_empty(s.parent_system, lang)),
    ]
    return [p(tx("filing", "object_table", lang, system=esc(s.name)), st.h1), field_table(pairs)]


def grading_table(entry: FilingEntry, lang: str) -> list[Flowable]:
    st, g = styles(), entry.grading

    def f(key: str) -> str:
        return tx("fields", key, lang)

    review = (
        tx("filing", "reviewed_on", lang, date=fmt_date(g.expert_review_on))
        if g.expert_review_on
        else tx("filing", "not_reviewed", lang)
    )
    if g.authority_name.strip():
        authority = esc(g.authority_name)
        approved = (
            tx("filing", "approved_on", lang, date=fmt_date(g.authority_approved_on))
            if g.authority_approved_on
            else tx("common", "empty", lang)
        )
        authority += f"<br/>{approved}"
    else:
        authority = tx("filing", "no_authority", lang)
    pairs = [
        (tx("filing", "business_harm", lang), _harm_ticks(g.business, g.business_level, lang)),
        (tx("filing", "service_harm", lang), _harm_ticks(g.service, g.service_level, lang)),
        (f("grading.level"), _level_ticks(g.level, lang)),
        (f("grading.graded_on"), or_empty(g.graded_on, lang)),
        (tx("filing", "grading_report", lang), tx("filing", "grading_report_value", lang)),
        (tx("filing", "expert_review", lang), review),
        (tx("filing", "authority", lang), authority),
        (f("grading.graded_by"), or_empty(g.graded_by, lang)),
    ]
    out = [p(tx("filing", "grading_table", lang, system=esc(entry.system.name)), st.h1), field_table(pairs, (1, 3))]
    if g.level < FILED_FROM_LEVEL:
        out.append(p(tx("filing", "level_1_note", lang), st.note))
    return out


def _yes_no_blank(value: bool | None, lang: str) -> str:
    """是 / 否, or '' when the user did not say (so it prints as not filled in)."""
    if value is None:
        return ""
    return tx("common", "answer_yes" if value else "answer_no", lang)


def _scenario_details(ext: str, sc: ScenarioInfo, lang: str) -> str:
    def line(key: str, value: object) -> str:
        return f"{tx('fields', f'scenario.{key}', lang)}: {or_empty(value, lang)}"

    if ext == "cloud":
        role = word("cloud_roles", sc.cloud_role, lang) if sc.cloud_role else ""
        level = level_label(sc.cloud_platform_level, lang) if sc.cloud_platform_level else ""
        return "<br/>".join(
            [
                line("cloud_role", role),
                line("cloud_platform_name", sc.cloud_platform_name),
                line("cloud_platform_level", level),
                line("cloud_platform_filing_number", sc.cloud_platform_filing_number),
            ]
        )
    if ext == "mobile":
        return line("mobile_apps", sc.mobile_apps)
    if ext == "iot":
        return line("iot_description", sc.iot_description)
    if ext == "ics":
        return line("ics_description", sc.ics_description)
    cross = (
        ""
        if sc.bigdata_cross_border is None
        else tx("common", f"answer_{'yes' if sc.bigdata_cross_border else 'no'}", lang)
    )
    return "<br/>".join([line("bigdata_description", sc.bigdata_description), line("bigdata_cross_border", cross)])


def scenario_table(entry: FilingEntry, lang: str) -> list[Flowable]:
    st = styles()
    rows: list[list] = [[tx("filing", k, lang) for k in ("scenario", "involved", "details")]]
    for ext in EXTENSIONS:
        involved = ext in entry.system.extensions
        details = _scenario_details(ext, entry.scenario, lang) if involved else tx("common", "not_involved", lang)
        rows.append(
            [
                word("extensions", ext, lang),
                tx("common", "answer_yes" if involved else "answer_no", lang),
                p(details, st.cell),
            ]
        )
    return [
        keep(p(tx("filing", "scenario_table", lang, system=esc(entry.system.name)), st.h1), table(rows, (1.2, 0.6, 4)))
    ]


def attachment_table(entry: FilingEntry, lang: str) -> list[Flowable]:
    st = styles()
    rows: list[list] = [[tx("filing", "attachment", lang), tx("filing", "provided", lang)]]
    for code in (*ATTACHMENTS, AUTHORITY_ATTACHMENT):
        value = entry.attachments.get(code, "")
        if code == AUTHORITY_ATTACHMENT and not entry.grading.authority_name.strip():
            shown = tx("filing", "no_authority", lang)
        else:
            shown = esc(value) if value.strip() else tx("filing", "not_provided", lang)
        rows.append([tx("fields", f"attachment.{code}", lang), p(shown, st.cell)])
    return [p(tx("filing", "attachment_table", lang, system=esc(entry.system.name)), st.h1), table(rows, (2.2, 2))]


def data_table(entry: FilingEntry, lang: str) -> list[Flowable]:
    st = styles()
    keys = ("name", "data_class", "owner", "personal_info", "volume", "sources", "flows", "storage_location")
    rows: list[list] = [[tx("fields", f"data.{k}", lang) for k in keys]]
    extra: list[tuple] = []
    for r in entry.data_survey:
        personal = _yes_no_blank(r.personal_info, lang)
        klass = word("data_classes", r.data_class, lang) if r.data_class else ""
        values = [r.name, klass, r.owner, personal, r.volume, r.sources, r.flows, r.storage_location]
        rows.append([p(or_empty(v, lang), st.cell_small) for v in values])
    if not entry.data_survey:
        rows.append([p(tx("filing", "no_data_rows", lang), st.cell)] + [""] * (len(keys) - 1))
        extra.append(("SPAN", (0, 1), (-1, 1)))
    return [
        p(tx("filing", "data_table", lang, system=esc(entry.system.name)), st.h1),
        table(rows, (1.3, 0.9, 1, 0.8, 0.8, 1.1, 1.1, 1.1), extra=extra),
    ]


def signature_block(filled_by: str, filled_on: date | None, lang: str) -> list[Flowable]:
    st = styles()
    return [
        spacer(6),
        keep(
            field_table(
                [
                    (tx("filing", "filer", lang), or_empty(filled_by, lang)),
                    (tx("filing", "filed_on", lang), or_empty(filled_on, lang)),
                    (tx("filing", "unit_seal", lang), "<br/><br/><br/>"),
                ]
            ),
            spacer(5),
            p(tx("filing", "police_use", lang), st.h3),
            field_table(
                [
                    (tx("filing", "police_received", lang), ""),
                    (tx("filing", "police_number", lang), ""),
                    (tx("filing", "police_signature", lang), "<br/><br/>"),
                ]
            ),
        ),
    ]


def filing_form_story(
    org: Organisation, entries: list[FilingEntry], lang: str, filled_by: str, filled_on: date | None
) -> list[Flowable]:
    st = styles()
    story: list[Flowable] = [p(tx("filing", "title", lang), st.title), *unit_table(org, entries, lang)]
    for e in entries:
        story += [page_break(), *object_table(e, lang), *grading_table(e, lang), *scenario_table(e, lang)]
        if e.grading.level >= ATTACHMENTS_FROM_LEVEL:
            story += attachment_table(e, lang)
        story += data_table(e, lang)
    story += signature_block(filled_by, filled_on, lang)
    return story


def build_filing_form(
    org: Organisation,
    entries: Sequence[FilingEntry | tuple[System, GradingRecord]],
    lang: str = "zh",
    *,
    filled_by: str = "",
    filled_on: date | None = None,
) -> bytes:
    """The filing form as PDF bytes: the unit table, then per object its object, grading, scenario,
    attachments (level >= 3) and data survey tables, then the signature block. Empty fields stay visibly empty."""
    check_lang(lang)
    items = as_entries(entries)
    if not items:
        raise ValueError("the filing form needs at least one graded system")
    for e in items:
        check_grading(e.grading)
    names = "、".join(e.system.name for e in items) if lang == "zh" else ", ".join(e.system.name for e in items)
    return build_pdf(
        filing_form_story(org, items, lang, filled_by, filled_on),
        title=f"{tx('filing', 'title', lang)} {org.name}",
        unit=org.name,
        system=names,
        lang=lang,
    )
