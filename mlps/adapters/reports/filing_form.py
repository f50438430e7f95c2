"""The filing form (网络安全等级保护备案表, 2025 template) for the public security bureau, filed for level 2 and
above, as one document model (docmodel.py) rendered to PDF and to an editable Word file.

The cover (备案单位盖章, the bureau's 受理 block); table 1 the unit, with affiliation, unit type and industry as
coded tick boxes (mlps/controls/filing_codes.yaml, marked R) and the counts of graded objects by level in this
filing and in total; per graded object table 2 (the object, with its coded answers, network nature and, when
internet-facing, source IPs, domains, protocols and ports; interconnection; go-live; sub-system), table 3 (the
grading, expert review, competent authority), table 4 (extension scenarios), table 5 (the documents of a level-3+
filing; always printed) and table 6 (the data survey, one sheet per data category). A required field left empty
stays blank and is listed on the last page; the form never prints a placeholder or invents a value.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

from mlps.adapters.reports import docmodel as dm
from mlps.adapters.reports.grading_report import check_grading
from mlps.adapters.reports.layout import check_lang
from mlps.adapters.reports.missing import MissingField, check, is_empty, missing
from mlps.adapters.reports.render_pdf import render_pdf
from mlps.adapters.reports.texts import docs_text as _t
from mlps.adapters.reports.texts import field_label as _f
from mlps.adapters.reports.texts import level_label, tx, word
from mlps.rules.domain import GradingRecord, Judgement, Organisation, System
from mlps.rules.filing_codes import INTERNET, ORGANISATION_LISTS, FilingCodes, load_filing_codes
from mlps.rules.filing_details import (
    ATTACHMENTS,
    ATTACHMENTS_FROM_LEVEL,
    AUTHORITY_ATTACHMENT,
    FILED_FROM_LEVEL,
    FORM_CODE_FIELDS,
    FormDetails,
)
from mlps.rules.grading import DEGREES, OBJECTS

EXTENSIONS = ("cloud", "mobile", "iot", "ics", "bigdata")

ORGANISATION_REQUIRED = (
    "name", "credit_code", "province", "city", "county", "address", "postal_code", "region_code",
    "head_name", "head_title", "head_phone", "head_email",
    "security_department", "security_contact", "security_title", "security_phone", "security_mobile",
    "security_email",
    "data_department", "data_contact", "data_title", "data_phone", "data_mobile", "data_email",
)  # fmt: skip
SYSTEM_REQUIRED = ("name", "object_type", "business_description", "go_live")
INTERNET_REQUIRED = ("source_ips", "domains", "protocols_ports")
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
    form: FormDetails = field(default_factory=FormDetails)  # the 2025 form's coded answers and internet details


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


def internet_facing(entry: FilingEntry) -> bool:
    """The form asks for source IPs, domains, protocols and ports when the network nature is the internet or the
    system is recorded as internet-facing."""
    return entry.form.network_nature == INTERNET or entry.system.internet_facing


def missing_filing_fields(
    org: Organisation,
    entries: Sequence[FilingEntry | tuple[System, GradingRecord]],
    codes: FilingCodes | None = None,
) -> list[MissingField]:
    """Required fields the filing form lacks, per unit, object, grading, scenario, attachment and data sheet. A
    coded field whose stored value is not a code of its list counts as missing."""
    codes = codes or load_filing_codes()
    out = check(org, "organisation", ORGANISATION_REQUIRED)
    out += [missing(f"organisation.{n}") for n in ORGANISATION_LISTS if not codes.code_of(n, getattr(org, n))]
    if not entries:
        return [*out, missing("filing.systems")]
    for e in as_entries(entries):
        where = e.system.name or "?"
        s, g, fd = e.system, e.grading, e.form
        out += check(s, "system", SYSTEM_REQUIRED, where)
        out += [missing(f"form.{n}", where) for n in FORM_CODE_FIELDS if not codes.code_of(n, getattr(fd, n))]
        if not codes.codes_of("interconnection", fd.interconnection):
            out.append(missing("form.interconnection", where))
        if internet_facing(e):
            out += check(fd, "form", INTERNET_REQUIRED, where)
        if s.parent_system.strip() and not fd.parent_unit.strip():
            out.append(missing("form.parent_unit", where))
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


# ---------------------------------------------------------------------------------------------- the document


def _plain(options: list[tuple[str, str]], chosen: str) -> dm.Ticks:
    return dm.ticks(options, chosen, show_codes=False)


def _yes_no(value: bool | None, lang: str) -> dm.Ticks:
    chosen = "" if value is None else ("yes" if value else "no")
    return _plain([("yes", tx("common", "answer_yes", lang)), ("no", tx("common", "answer_no", lang))], chosen)


def _coded(codes: FilingCodes, name: str, value: str | Sequence[str], lang: str) -> dm.Ticks:
    """Every code of the list, the stored answer ticked (a stored label finds its code)."""
    chosen = codes.codes_of(name, value) if not isinstance(value, str) else codes.code_of(name, value)
    return dm.ticks(codes.options(name, lang), chosen)


def _cover(org: Organisation, filed_on: date | None, lang: str) -> list[dm.Block]:
    return [
        dm.Title(_t("filing_title", lang), big=True),
        dm.Subtitle(_t("filing_template", lang)),
        dm.fields((_t("filing_unit_seal", lang), org.name), (_t("filing_date", lang), dm.day(filed_on)), tall=[0]),
        dm.Heading(_t("police_block", lang), 2),
        dm.fields(
            (_t("police_unit_seal", lang), ""),
            (_t("police_received_on", lang), ""),
            (_t("police_number", lang), ""),
            (_t("police_signature", lang), ""),
            tall=[0, 3],
        ),
        dm.Note(_t("cover_note", lang)),
        dm.Break(),
    ]


def _counts(levels: Sequence[int], lang: str) -> str:
    sep = "；" if lang == "zh" else "; "
    return sep.join(_t("count_at_level", lang, level=level_label(n, lang), n=sum(1 for x in levels if x == n))
                    for n in range(1, 6))  # fmt: skip


def _unit_table(org: Organisation, filed: Sequence[int], total: Sequence[int], codes: FilingCodes, lang: str):
    address = _t("address_parts", lang, province=org.province, city=org.city, county=org.county, street=org.address)
    plain = ("name", "credit_code")
    contacts = (
        "postal_code", "region_code", "head_name", "head_title", "head_phone", "head_email",
        "security_department", "security_contact", "security_title", "security_phone", "security_mobile",
        "security_email", "data_department", "data_contact", "data_title", "data_phone", "data_mobile", "data_email",
    )  # fmt: skip
    return [
        dm.Heading(_t("table1", lang)),
        dm.fields(
            *((_f(f"organisation.{n}", lang), getattr(org, n)) for n in plain),
            (_f("organisation.address", lang), address),
            *((_f(f"organisation.{n}", lang), getattr(org, n)) for n in contacts),
            *((_f(f"organisation.{n}", lang), _coded(codes, n, getattr(org, n), lang)) for n in ORGANISATION_LISTS),
            (_t("objects_this_filing", lang), _counts(filed, lang)),
            (_t("objects_in_total", lang), _counts(total, lang)),
            widths=(1, 3),
        ),
    ]


def _object_table(e: FilingEntry, codes: FilingCodes, lang: str) -> list[dm.Block]:
    s, fd = e.system, e.form
    tech = [codes.by_value("technology", x) for x in s.extensions]
    internet: list[tuple[str, dm.Value]] = []
    if internet_facing(e):
        internet = [(_f(f"form.{n}", lang), getattr(fd, n)) for n in INTERNET_REQUIRED]
    return [
        dm.Heading(_t("table2", lang, system=s.name)),
        dm.fields(
            (_f("system.name", lang), s.name),
            (_f("system.code", lang), s.code),
            (
                _f("system.object_type", lang),
                dm.ticks(codes.options("object_type", lang), codes.by_value("object_type", s.object_type)),
            ),
            (_t("technology", lang), dm.ticks(codes.options("technology", lang), tech)),
            (_f("form.business_type", lang), (_coded(codes, "business_type", fd.business_type, lang), s.business_type)),
            (_f("system.business_description", lang), s.business_description),
            (_f("form.service_scope", lang), (_coded(codes, "service_scope", fd.service_scope, lang), s.service_scope)),
            (
                _f("form.service_targets", lang),
                (_coded(codes, "service_targets", fd.service_targets, lang), s.service_users),
            ),
            (
                _f("form.deployment_scope", lang),
                (_coded(codes, "deployment_scope", fd.deployment_scope, lang), s.deployment),
            ),
            (_f("form.network_nature", lang), _coded(codes, "network_nature", fd.network_nature, lang)),
            *internet,
            (_f("form.interconnection", lang), _coded(codes, "interconnection", fd.interconnection, lang)),
            (_f("system.go_live", lang), dm.day(s.go_live)),
            (_t("is_subsystem", lang), _yes_no(bool(s.parent_system.strip()), lang)),
            (_f("system.parent_system", lang), s.parent_system),
            (_f("form.parent_unit", lang), fd.parent_unit),
            widths=(1, 3),
        ),  # fmt: skip
    ]


def _harm(judgement: Judgement, level: int, lang: str) -> dm.Value:
    objects = _plain([(o.value, word("harm_objects", o, lang)) for o in OBJECTS], judgement.harm_object.value)
    degrees = _plain([(d.value, word("harm_degrees", d, lang)) for d in DEGREES], judgement.degree.value)
    return (objects, degrees, _level_ticks(level, lang))


def _level_ticks(level: int | None, lang: str) -> dm.Ticks:
    return _plain([(str(n), level_label(n, lang)) for n in range(1, 6)], str(level or ""))


def _grading_table(e: FilingEntry, filled_on: date | None, lang: str) -> list[dm.Block]:
    g = e.grading
    has_authority = bool(g.authority_name.strip())
    reviewed = _plain([("yes", _t("reviewed", lang)), ("no", _t("not_reviewed", lang))],
                      "yes" if g.expert_review_on else "no")  # fmt: skip
    approved = _plain([("yes", _t("approved", lang)), ("no", _t("not_approved", lang))],
                      "yes" if g.authority_approved_on else "no")  # fmt: skip
    return [
        dm.Heading(_t("table3", lang, system=e.system.name)),
        dm.fields(
            (_t("business_harm", lang), _harm(g.business, g.business_level, lang)),
            (_t("service_harm", lang), _harm(g.service, g.service_level, lang)),
            (_f("grading.level", lang), _level_ticks(g.level, lang)),
            (_f("grading.graded_on", lang), dm.day(g.graded_on)),
            (_t("grading_report", lang), _yes_no(True, lang)),
            (_t("expert_review", lang), (reviewed, dm.day(g.expert_review_on))),
            (_t("has_authority", lang), _yes_no(has_authority, lang)),
            (_f("grading.authority_name", lang), g.authority_name),
            (_t("authority_review", lang), (approved, dm.day(g.authority_approved_on)) if has_authority else ""),
            (_f("grading.graded_by", lang), g.graded_by),
            (_t("filled_on", lang), dm.day(filled_on)),
            widths=(1, 3),
        ),
    ]  # fmt: skip


def _scenario_details(ext: str, sc: ScenarioInfo, lang: str) -> dm.Value:
    def line(key: str, value: str) -> str:
        return f"{tx('fields', f'scenario.{key}', lang)}{'：' if lang == 'zh' else ': '}{value}"

    if ext == "cloud":
        role = word("cloud_roles", sc.cloud_role, lang) if sc.cloud_role else ""
        level = level_label(sc.cloud_platform_level, lang) if sc.cloud_platform_level else ""
        return (line("cloud_role", role), line("cloud_platform_name", sc.cloud_platform_name),
                line("cloud_platform_level", level),
                line("cloud_platform_filing_number", sc.cloud_platform_filing_number))  # fmt: skip
    if ext == "mobile":
        return line("mobile_apps", sc.mobile_apps)
    if ext == "bigdata":
        cross = "" if sc.bigdata_cross_border is None else tx(
            "common", "answer_yes" if sc.bigdata_cross_border else "answer_no", lang)  # fmt: skip
        return (line("bigdata_description", sc.bigdata_description), line("bigdata_cross_border", cross))
    return line(f"{ext}_description", getattr(sc, f"{ext}_description"))


def _scenario_table(e: FilingEntry, lang: str) -> list[dm.Block]:
    rows = []
    for ext in EXTENSIONS:
        involved = ext in e.system.extensions
        details = _scenario_details(ext, e.scenario, lang) if involved else tx("common", "not_involved", lang)
        rows.append((word("extensions", ext, lang), _yes_no(involved, lang), details))
    head = tuple(tx("filing", k, lang) for k in ("scenario", "involved", "details"))
    return [dm.Heading(_t("table4", lang, system=e.system.name)), dm.Grid(head, tuple(rows), (1.2, 0.9, 4))]


def _attachment_table(e: FilingEntry, lang: str) -> list[dm.Block]:
    applies = e.grading.level >= ATTACHMENTS_FROM_LEVEL
    out: list[dm.Block] = [dm.Heading(_t("table5", lang, system=e.system.name))]
    if not applies:
        out.append(dm.Para(_t("table5_level2", lang)))
    rows = []
    for code in (*ATTACHMENTS, AUTHORITY_ATTACHMENT):
        note = e.attachments.get(code, "").strip()
        if code == AUTHORITY_ATTACHMENT and not e.grading.authority_name.strip():
            provided: dm.Value = _t("no_authority", lang)
        else:
            provided = _plain([("yes", _t("provided", lang)), ("no", _t("not_provided", lang))],
                              "yes" if note else ("no" if applies else ""))  # fmt: skip
        rows.append((tx("fields", f"attachment.{code}", lang), provided, note))
    head = (tx("filing", "attachment", lang), tx("filing", "provided", lang), _t("file_or_note", lang))
    out.append(dm.Grid(head, tuple(rows), (2.2, 1.4, 1.6)))
    return out


def _data_sheets(e: FilingEntry, lang: str) -> list[dm.Block]:
    out: list[dm.Block] = [dm.Heading(_t("table6", lang, system=e.system.name)), dm.Para(_t("table6_note", lang))]
    classes = [(c, word("data_classes", c, lang)) for c in ("core", "important", "general")]
    for n, r in enumerate(e.data_survey, start=1):
        out += [
            dm.Heading(_t("data_sheet", lang, n=n, name=r.name), 3),
            dm.fields(
                (_f("data.name", lang), r.name),
                (_f("data.data_class", lang), _plain(classes, r.data_class)),
                (_f("data.owner", lang), r.owner),
                (_f("data.personal_info", lang), _yes_no(r.personal_info, lang)),
                (_f("data.volume", lang), r.volume),
                (_f("data.sources", lang), r.sources),
                (_f("data.flows", lang), r.flows),
                (_f("data.storage_location", lang), r.storage_location),
            ),
        ]
    return out


def filing_form_document(
    org: Organisation,
    entries: Sequence[FilingEntry | tuple[System, GradingRecord]],
    lang: str = "zh",
    *,
    all_levels: Sequence[int] = (),
    filled_on: date | None = None,
    filed_on: date | None = None,
    codes: FilingCodes | None = None,
) -> dm.Document:
    """The 2025 filing form as blocks. `all_levels`: the levels of every graded object of the unit (the 'in
    total' counts; default: the objects of this filing)."""
    check_lang(lang)
    items = as_entries(entries)
    if not items:
        raise ValueError("the filing form needs at least one graded system")
    for e in items:
        check_grading(e.grading)
    codes = codes or load_filing_codes()
    filed = [e.grading.level for e in items]
    blocks: list[dm.Block] = [*_cover(org, filed_on, lang),
                              *_unit_table(org, filed, list(all_levels) or filed, codes, lang)]  # fmt: skip
    for e in items:
        blocks += [dm.Break(), *_object_table(e, codes, lang), *_grading_table(e, filled_on, lang),
                   *_scenario_table(e, lang), *_attachment_table(e, lang), *_data_sheets(e, lang)]  # fmt: skip
    names = ("、" if lang == "zh" else ", ").join(e.system.name for e in items)
    gaps = missing_filing_fields(org, items, codes)
    return dm.Document(f"{_t('filing_title', lang)} {org.name}", org.name, names, lang, tuple(blocks), cover=True,
                       missing=tuple(m.label(lang) for m in gaps))  # fmt: skip


def build_filing_form(
    org: Organisation,
    entries: Sequence[FilingEntry | tuple[System, GradingRecord]],
    lang: str = "zh",
    **options: object,
) -> bytes:
    """The filing form as PDF bytes (options as filing_form_document's)."""
    return render_pdf(filing_form_document(org, entries, lang, **options))  # type: ignore[arg-type]


def build_filing_form_docx(
    org: Organisation,
    entries: Sequence[FilingEntry | tuple[System, GradingRecord]],
    lang: str = "zh",
    **options: object,
) -> bytes:
    """The same form as an editable Word file."""
    from mlps.adapters.reports.render_docx import render_docx  # python-docx loads only when Word is asked for

    return render_docx(filing_form_document(org, entries, lang, **options))  # type: ignore[arg-type]
