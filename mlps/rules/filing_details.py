"""What the filing form (备案表) asks beyond the system's own fields, kept in the system profile JSON.

The store keeps one JSON dict per system (`Workspace.system_profile`): the applicability page's ``"profile"``
and ``"overrides"``, and beside them, written here,

- ``"filing"``: the filing extras mlps.services.report_data reads for the filing form (docs/domain.md, filing form: the
  scenario table, the attachments of a level >= 3 filing, the data survey table added in 2025):
  ``iot_description``, ``ics_description``, ``bigdata_description`` (text), ``bigdata_cross_border``
  (true / false, absent when not answered), ``attachments`` (attachment code -> file name or note, only for
  the attachments provided) and ``data_survey`` (rows with the `DataSurveyRow` fields; ``personal_info``
  true / false / null);
- ``"log_evidence"``: where the configured log retention was seen (a screenshot, a configuration file), which
  the obligations print beside the retention.

Every ``with_*`` function returns a NEW dict: the stored one with only its own part replaced, everything else
kept (other pages store other keys beside it). Bad input raises `FilingDetailsError` naming the row or field in
Chinese and English, and nothing is returned to save. No streamlit.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

# Documents a level-3+ filing attaches (docs/domain.md, filing form). The authority's approval only where there is one.
ATTACHMENTS = ("topology", "organisation_policies", "security_design", "product_list", "service_list")
AUTHORITY_ATTACHMENT = "authority_approval"
FILED_FROM_LEVEL = 2  # level 1 is not filed (docs/domain.md, Grading: process)
ATTACHMENTS_FROM_LEVEL = 3
FILING_TEXT_FIELDS = ("iot_description", "ics_description", "bigdata_description")  # scenario texts of the form
FILING = "filing"
LOG_EVIDENCE = "log_evidence"
ATTACHMENT_CODES = (*ATTACHMENTS, AUTHORITY_ATTACHMENT)
DATA_CLASSES = ("core", "important", "general")  # 核心 / 重要 / 一般数据 (the filing form's data classes)
SURVEY_COLUMNS = ("name", "data_class", "owner", "personal_info", "volume", "sources", "flows", "storage_location")
YES, NO = "yes", "no"
# Lengths the workbench allows (its own choice: long enough for a paragraph, short enough for one form cell).
MAX_DESCRIPTION = 5000
MAX_NOTE = 500
MAX_CELL = 500
MAX_ROWS = 200
MAX_LOG_EVIDENCE = 1000

SCENARIO_NAMES = {
    "iot_description": ("物联网感知层情况", "IoT sensing layer"),
    "ics_description": ("工业控制系统情况", "industrial control details"),
    "bigdata_description": ("大数据平台情况", "big-data platform details"),
}
COLUMN_NAMES = {
    "name": ("数据名称", "data name"),
    "data_class": ("数据级别", "data class"),
    "owner": ("数据责任部门", "data owner"),
    "personal_info": ("是否含个人信息", "personal information"),
    "volume": ("数据量", "volume"),
    "sources": ("数据来源", "sources"),
    "flows": ("数据流转", "flows"),
    "storage_location": ("存储位置", "storage location"),
}
ATTACHMENT_NAMES = {
    "topology": ("网络拓扑结构及说明", "network topology"),
    "organisation_policies": ("安全组织机构及管理制度", "security organisation and policies"),
    "security_design": ("安全保护设施设计实施方案", "security design"),
    "product_list": ("安全产品清单及认证证明", "security product list"),
    "service_list": ("安全服务清单", "security service list"),
    "authority_approval": ("上级主管部门审批意见", "competent authority's approval"),
}


class FilingDetailsError(ValueError):
    """Input that cannot be saved; the message in both languages, naming the row or field."""

    def __init__(self, zh: str, en: str):
        super().__init__(en)
        self.zh, self.en = zh, en

    def text(self, lang: str) -> str:
        return self.zh if lang == "zh" else self.en


@dataclass(frozen=True)
class FilingDetails:
    """The filing extras as stored (what the editor shows)."""

    iot_description: str = ""
    ics_description: str = ""
    bigdata_description: str = ""
    bigdata_cross_border: bool | None = None
    attachments: dict[str, str] = field(default_factory=dict)  # code -> file name or note; present = provided
    data_survey: list[dict[str, Any]] = field(default_factory=list)

    def provided(self, code: str) -> bool:
        return bool(self.attachments.get(code, "").strip())


def _mapping(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def _stored_text(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""


def filing_details_from(stored: Mapping[str, Any] | None) -> FilingDetails:
    """The filing extras of a stored profile (values of the wrong type read as empty, as report_data does)."""
    extra = _mapping(_mapping(stored).get(FILING))
    cross = extra.get("bigdata_cross_border")
    attachments = {c: _stored_text(v) for c, v in _mapping(extra.get("attachments")).items() if _stored_text(v)}
    rows = []
    raw = extra.get("data_survey")
    for r in raw if isinstance(raw, list) else []:
        r = _mapping(r)
        personal = r.get("personal_info")
        row: dict[str, Any] = {k: _stored_text(r.get(k)) for k in SURVEY_COLUMNS if k != "personal_info"}
        row["personal_info"] = personal if isinstance(personal, bool) else None
        rows.append({k: row[k] for k in SURVEY_COLUMNS})
    return FilingDetails(
        **{name: _stored_text(extra.get(name)) for name in FILING_TEXT_FIELDS},
        bigdata_cross_border=cross if isinstance(cross, bool) else None,
        attachments=attachments,
        data_survey=rows,
    )


def _with_filing(stored: Mapping[str, Any] | None, **parts: Any) -> dict[str, Any]:
    """The stored dict with only the given keys of "filing" replaced (a key given None is removed)."""
    stored = dict(_mapping(stored))
    extra = dict(_mapping(stored.get(FILING)))
    for key, value in parts.items():
        if value is None:
            extra.pop(key, None)
        else:
            extra[key] = value
    stored[FILING] = extra
    return stored


def _is_blank(value: Any) -> bool:
    if value is None or type(value).__name__ in ("NAType", "NaTType"):  # pandas' missing values
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    return isinstance(value, str) and not value.strip()


def _text(value: Any, limit: int, zh_where: str, en_where: str) -> str:
    if _is_blank(value):
        return ""
    if not isinstance(value, str):
        value = str(value)
    value = value.strip()
    if len(value) > limit:
        raise FilingDetailsError(
            f"{zh_where}：最多 {limit} 个字符，现有 {len(value)} 个。",
            f"{en_where}: at most {limit} characters, not {len(value)}.",
        )
    return value


def with_scenario(
    stored: Mapping[str, Any] | None,
    *,
    iot_description: str | None = None,
    ics_description: str | None = None,
    bigdata_description: str | None = None,
    bigdata_cross_border: bool | None | str = "",
) -> dict[str, Any]:
    """The stored dict with the scenario extras set. A description given None keeps the stored one (the page
    asks only for the extensions the system has); `bigdata_cross_border` True / False sets it, None clears it,
    the default "" keeps it."""
    parts: dict[str, Any] = {}
    for name, value in (("iot_description", iot_description), ("ics_description", ics_description),
                        ("bigdata_description", bigdata_description)):  # fmt: skip
        if value is None:
            continue
        zh, en = SCENARIO_NAMES[name]
        parts[name] = _text(value, MAX_DESCRIPTION, zh, en)
    if bigdata_cross_border is None or isinstance(bigdata_cross_border, bool):
        parts["bigdata_cross_border"] = bigdata_cross_border
    elif bigdata_cross_border != "":
        raise FilingDetailsError("是否涉及数据跨境：请选择是或否。", "Cross-border data: choose yes or no.")
    for name in FILING_TEXT_FIELDS:  # an emptied description is removed rather than stored empty
        if parts.get(name) == "":
            parts[name] = None
    return _with_filing(stored, **parts)


def with_attachments(stored: Mapping[str, Any] | None, checklist: Mapping[str, tuple[bool, str]]) -> dict[str, Any]:
    """The stored dict with the attachments checklist set: `checklist` maps an attachment code to (provided,
    file name or note). A provided attachment needs its file name or a note (the form prints it); a note on an
    attachment not ticked as provided is refused rather than silently dropped. Codes not in the checklist keep
    their stored value."""
    current = dict(filing_details_from(stored).attachments)
    for code, (provided, note) in checklist.items():
        if code not in ATTACHMENT_CODES:
            raise FilingDetailsError(f"未知的附件：{code}", f"Unknown attachment: {code}")
        zh, en = ATTACHMENT_NAMES[code]
        text = _text(note, MAX_NOTE, f"附件“{zh}”", f"Attachment '{en}'")
        if provided and not text:
            raise FilingDetailsError(
                f"附件“{zh}”已勾选为已提供：请填写文件名或说明（备案表上会打印）。",
                f"Attachment '{en}' is ticked as provided: give its file name or a note (the form prints it).",
            )
        if not provided and text:
            raise FilingDetailsError(
                f"附件“{zh}”没有勾选为已提供，却填写了说明：请勾选“已提供”，或清空说明。",
                f"Attachment '{en}' has a note but is not ticked as provided: tick it, or clear the note.",
            )
        if provided:
            current[code] = text
        else:
            current.pop(code, None)
    ordered = {code: current[code] for code in ATTACHMENT_CODES if code in current}
    return _with_filing(stored, attachments=ordered)


def _personal(value: Any, zh_where: str, en_where: str) -> bool | None:
    if _is_blank(value):
        return None
    if isinstance(value, bool):
        return value
    word = str(value).strip().lower()
    if word in (YES, "true", "是"):
        return True
    if word in (NO, "false", "否"):
        return False
    raise FilingDetailsError(f"{zh_where}：请选择是或否。", f"{en_where}: choose yes or no.")


def clean_survey_rows(rows: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """The data survey as it will be stored: rows with nothing in them are dropped; a row with something in it
    needs its data name; the data class is core, important or general (or empty); personal information is
    yes / no (or empty). Raises FilingDetailsError naming the row (counted from 1) and the column."""
    out: list[dict[str, Any]] = []
    for n, raw in enumerate(rows, start=1):
        raw = _mapping(raw)
        unknown = sorted(set(raw) - set(SURVEY_COLUMNS))
        if unknown:
            raise FilingDetailsError(f"第 {n} 行：未知的列 {', '.join(unknown)}", f"Row {n}: unknown column {unknown}")
        if all(_is_blank(raw.get(k)) for k in SURVEY_COLUMNS):
            continue
        row: dict[str, Any] = {}
        for key in SURVEY_COLUMNS:
            zh, en = COLUMN_NAMES[key]
            zh_where, en_where = f"第 {n} 行“{zh}”", f"Row {n}, {en}"
            if key == "personal_info":
                row[key] = _personal(raw.get(key), zh_where, en_where)
            else:
                row[key] = _text(raw.get(key), MAX_CELL, zh_where, en_where)
        if not row["name"]:
            raise FilingDetailsError(
                f"第 {n} 行没有数据名称：请填写数据名称（没有名称的行无法打印到备案表上），或删除这一行。",
                f"Row {n} has no data name: give it one (a row without a name cannot be printed), or delete the row.",
            )
        if row["data_class"] and row["data_class"] not in DATA_CLASSES:
            raise FilingDetailsError(
                f"第 {n} 行“数据级别”：请选择核心数据、重要数据或一般数据。",
                f"Row {n}, data class: choose core, important or general.",
            )
        out.append(row)
    if len(out) > MAX_ROWS:
        raise FilingDetailsError(
            f"数据资源调查表最多 {MAX_ROWS} 行。", f"The data survey takes at most {MAX_ROWS} rows."
        )
    return out


def with_data_survey(stored: Mapping[str, Any] | None, rows: Iterable[Mapping[str, Any]]) -> dict[str, Any]:
    """The stored dict with the data survey replaced by `rows` (cleaned by `clean_survey_rows`)."""
    return _with_filing(stored, data_survey=clean_survey_rows(rows))


def apply_editor_state(base: list[dict[str, Any]], state: Mapping[str, Any] | None) -> list[dict[str, Any]]:
    """The rows after a data grid's edits (Streamlit's editing state: ``edited_rows`` {position: {column:
    value}}, ``added_rows`` [{column: value}], ``deleted_rows`` [position]) are applied to `base`."""
    state = _mapping(state)
    rows = [dict(r) for r in base]
    for pos, changes in _mapping(state.get("edited_rows")).items():
        i = int(pos)
        if 0 <= i < len(rows):
            rows[i].update(_mapping(changes))
    deleted = {int(i) for i in state.get("deleted_rows") or ()}
    kept = [r for i, r in enumerate(rows) if i not in deleted]
    added = [dict(_mapping(r)) for r in state.get("added_rows") or ()]
    return kept + added


def log_evidence_from(stored: Mapping[str, Any] | None) -> str:
    return _stored_text(_mapping(stored).get(LOG_EVIDENCE))


def with_log_evidence(stored: Mapping[str, Any] | None, text: str | None) -> dict[str, Any]:
    """The stored dict with the log-retention evidence set (an empty text removes it)."""
    value = _text(text, MAX_LOG_EVIDENCE, "日志留存依据", "Log retention evidence")
    out = dict(_mapping(stored))
    if value:
        out[LOG_EVIDENCE] = value
    else:
        out.pop(LOG_EVIDENCE, None)
    return out


PLAN_SUBMITTED = "protection_plan_submitted_on"  # when the protection work plan was last submitted (2025 rules, Q23)


def plan_submitted_from(stored: Mapping[str, Any] | None) -> date | None:
    """The stored submission date of the protection work plan (an unreadable value reads as none)."""
    value = _mapping(stored).get(PLAN_SUBMITTED)
    try:
        return date.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return None


def with_plan_submitted(stored: Mapping[str, Any] | None, day: date | None, today: date) -> dict[str, Any]:
    """The stored dict with the protection plan's submission date set (None removes it); a date after today is
    refused."""
    out = dict(_mapping(stored))
    if day is None:
        out.pop(PLAN_SUBMITTED, None)
        return out
    if not isinstance(day, date) or day > today:
        raise FilingDetailsError(
            f"保护工作方案报送日期（{day}）不能晚于今天（{today}）。",
            f"The protection plan's submission date ({day}) cannot be after today ({today}).",
        )
    out[PLAN_SUBMITTED] = day.isoformat()
    return out


# The asset inventory the protection work plan lists (2025 rules, Q23 names the five kinds): internet-facing
# resources, base environment, network devices, system software, security products.
ASSETS = "assets"
ASSET_KINDS = ("internet", "environment", "network", "software", "security")
ASSET_KIND_NAMES = {
    "internet": ("互联网资源", "internet-facing resources"),
    "environment": ("基础环境", "base environment"),
    "network": ("网络设备", "network devices"),
    "software": ("系统软件", "system software"),
    "security": ("网络安全产品", "security products"),
}
ASSET_COLUMNS = ("kind", "name", "details", "quantity")


@dataclass(frozen=True)
class AssetRow:
    """One line of a system's asset inventory: its kind (ASSET_KINDS), name, details (model, version, address,
    domain) and quantity (as the unit writes it)."""

    kind: str
    name: str
    details: str = ""
    quantity: str = ""


def assets_from(stored: Mapping[str, Any] | None) -> list[AssetRow]:
    """The stored inventory (``stored["filing"]["assets"]``); rows of an unknown kind or without a name dropped."""
    raw = _mapping(_mapping(stored).get(FILING)).get(ASSETS)
    rows = []
    for r in raw if isinstance(raw, list) else []:
        r = _mapping(r)
        kind, name = _stored_text(r.get("kind")), _stored_text(r.get("name"))
        if kind in ASSET_KINDS and name:
            rows.append(AssetRow(kind, name, _stored_text(r.get("details")), _stored_text(r.get("quantity"))))
    return rows


def with_assets(stored: Mapping[str, Any] | None, rows: Iterable[Mapping[str, Any]]) -> dict[str, Any]:
    """The stored dict with the asset inventory replaced by `rows`: empty rows dropped; a row needs a kind of
    ASSET_KINDS and a name. Raises FilingDetailsError naming the row (from 1) and the column."""
    out: list[dict[str, str]] = []
    for n, raw in enumerate(rows, start=1):
        raw = _mapping(raw)
        if all(_is_blank(raw.get(k)) for k in ASSET_COLUMNS):
            continue
        row = {k: _text(raw.get(k), MAX_CELL, f"资产第 {n} 行", f"Asset row {n}") for k in ASSET_COLUMNS}
        if row["kind"] not in ASSET_KINDS:
            raise FilingDetailsError(
                f"资产第 {n} 行：请选择资产类别（互联网资源、基础环境、网络设备、系统软件或网络安全产品）。",
                f"Asset row {n}: choose a kind (internet, environment, network, software or security).",
            )
        if not row["name"]:
            raise FilingDetailsError(f"资产第 {n} 行没有名称：请填写名称，或删除这一行。",
                                     f"Asset row {n} has no name: give it one, or delete the row.")  # fmt: skip
        out.append(row)
    if len(out) > MAX_ROWS:
        raise FilingDetailsError(f"资产清单最多 {MAX_ROWS} 行。", f"The asset inventory takes at most {MAX_ROWS} rows.")
    return _with_filing(stored, assets=out)


# The 2025 filing form's graded-object table asks, beyond the system's own fields, for coded answers (code lists
# in mlps/controls/filing_codes.yaml, marked R) and, for an internet-facing object, where it is reached from.
# Kept in ``stored["filing"]["form"]``; the codes are checked against the lists by the caller's FilingCodes.
FORM = "form"
FORM_CODE_FIELDS = ("business_type", "service_scope", "service_targets", "deployment_scope", "network_nature")
FORM_MULTI_FIELDS = ("interconnection",)
FORM_TEXT_FIELDS = ("source_ips", "domains", "protocols_ports", "parent_unit")
FORM_NAMES = {
    "business_type": ("业务类型", "business type"),
    "service_scope": ("服务范围", "service scope"),
    "service_targets": ("服务对象", "service targets"),
    "deployment_scope": ("覆盖范围", "deployment scope"),
    "network_nature": ("网络性质", "network nature"),
    "interconnection": ("系统互联情况", "interconnection"),
    "source_ips": ("互联网访问源地址（IP）", "source IP addresses"),
    "domains": ("域名", "domain names"),
    "protocols_ports": ("协议与端口", "protocols and ports"),
    "parent_unit": ("上级系统所属单位", "the parent system's unit"),
}


@dataclass(frozen=True)
class FormDetails:
    """The graded-object table's extras as stored: codes as strings ('' when not chosen)."""

    business_type: str = ""
    service_scope: str = ""
    service_targets: str = ""
    deployment_scope: str = ""
    network_nature: str = ""
    interconnection: tuple[str, ...] = ()
    source_ips: str = ""
    domains: str = ""
    protocols_ports: str = ""
    parent_unit: str = ""


def form_details_from(stored: Mapping[str, Any] | None) -> FormDetails:
    raw = _mapping(_mapping(_mapping(stored).get(FILING)).get(FORM))
    multi = raw.get("interconnection")
    return FormDetails(
        **{k: _stored_text(raw.get(k)) for k in (*FORM_CODE_FIELDS, *FORM_TEXT_FIELDS)},
        interconnection=tuple(_stored_text(v) for v in multi if _stored_text(v)) if isinstance(multi, list) else (),
    )


def with_form_details(stored: Mapping[str, Any] | None, values: Mapping[str, Any], codes: Any) -> dict[str, Any]:
    """The stored dict with the graded-object extras set from `values` (keys of FORM_NAMES; a key not given keeps
    its stored value). `codes` is the FilingCodes the coded answers must belong to. Raises FilingDetailsError
    naming the field."""
    current: dict[str, Any] = dataclasses.asdict(form_details_from(stored))
    for key, value in values.items():
        if key not in FORM_NAMES:
            raise FilingDetailsError(f"未知的栏目：{key}", f"Unknown field: {key}")
        zh, en = FORM_NAMES[key]
        if key in FORM_MULTI_FIELDS:
            items = [_text(v, MAX_CELL, zh, en) for v in (value or ())]
            chosen = [codes.code_of(key, v) for v in items if v]
        elif key in FORM_CODE_FIELDS:
            items = [_text(value, MAX_CELL, zh, en)]
            chosen = [codes.code_of(key, items[0])] if items[0] else []
        else:
            current[key] = _text(value, MAX_NOTE, zh, en)
            continue
        bad = [v for v, c in zip([v for v in items if v], chosen, strict=True) if not c]
        if bad:
            raise FilingDetailsError(f"{zh}：“{bad[0]}”不是代码表中的代码。",
                                     f"{en}: '{bad[0]}' is not a code of the list.")
        current[key] = chosen if key in FORM_MULTI_FIELDS else (chosen[0] if chosen else "")
    clean = {k: v for k, v in current.items() if v}
    return _with_filing(stored, **{FORM: clean})
