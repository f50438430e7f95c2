"""The expert review opinion form (专家评审意见表) that accompanies a level-2+ filing, as PDF and as an editable
Word file from the same blocks (docmodel): the object and its proposed level on the first page; on one page of its
own the panel's opinion, the conclusion ticked from what was recorded, and the signatures, so the opinion and the
names that stand behind it are never on different sheets. An opinion not yet recorded leaves the box empty for
the panel to write in."""

from __future__ import annotations

from mlps.adapters.reports import docmodel as dm
from mlps.adapters.reports.grading_report import check_grading
from mlps.adapters.reports.layout import check_lang
from mlps.adapters.reports.missing import MissingField, check, missing
from mlps.adapters.reports.render_pdf import render_pdf
from mlps.adapters.reports.texts import level_label, tx, word
from mlps.rules.domain import GradingRecord, Organisation, System

DEFAULT_PANEL_SIZE = 5  # rows for signatures; panels are usually three or five experts
CONCLUSIONS = ("agree", "adjust", "disagree")


def missing_expert_review_fields(
    org: Organisation, system: System, grading: GradingRecord | None
) -> list[MissingField]:
    """Required fields the expert review form lacks."""
    out = check(org, "organisation", ("name",)) + check(system, "system", ("name", "business_description"))
    if grading is None:
        return [*out, missing("grading.record")]
    return out + check(grading, "grading", ("graded_on",))


def expert_conclusion(opinion: str) -> str:
    """The conclusion a recorded opinion states: 'disagree' when it says 不同意 (or disagree), 'adjust' when it
    suggests another level (调整 / adjust), 'agree' when it says 同意 (or agree); '' when it says none of these, and
    then nothing is ticked and the form lists the conclusion as still to be filled in."""
    text = opinion.strip().lower()
    if "不同意" in text or "disagree" in text:
        return "disagree"
    if "调整" in text or "adjust" in text:
        return "adjust"
    if "同意" in text or "agree" in text:
        return "agree"
    return ""


def expert_review_document(
    org: Organisation, system: System, grading: GradingRecord, lang: str = "zh", panel_size: int = DEFAULT_PANEL_SIZE
) -> dm.Document:
    check_lang(lang)
    if not 1 <= panel_size <= 15:
        raise ValueError(f"panel_size must be 1 to 15, not {panel_size}")
    check_grading(grading)

    def f(key: str) -> str:
        return tx("fields", key, lang)

    chosen = expert_conclusion(grading.expert_opinion)
    level = level_label(grading.level, lang)
    options = [("agree", tx("expert", "agree", lang, level=level)), ("adjust", tx("expert", "adjust", lang)),
               ("disagree", tx("expert", "disagree", lang))]  # fmt: skip
    ticks = tuple(dm.ticks([o], chosen, show_codes=False) for o in options)
    heads = ("#", *(tx("expert", k, lang) for k in ("col_name", "col_unit", "col_title", "col_role", "col_signature")))
    panel = tuple((str(n), "", "", "", "", "") for n in range(1, panel_size + 1))
    on = grading.expert_review_on.isoformat() if grading.expert_review_on else ""
    blocks: tuple[dm.Block, ...] = (
        dm.Title(tx("expert", "title", lang)),
        dm.Heading(tx("expert", "basic", lang)),
        dm.fields(
            (f("organisation.name"), org.name),
            (f("system.name"), system.name),
            (f("system.object_type"), word("object_types", system.object_type, lang)),
            (f("system.business_description"), system.business_description),
            (f("grading.business_level"), level_label(grading.business_level, lang)),
            (f("grading.service_level"), level_label(grading.service_level, lang)),
            (tx("expert", "proposed", lang), level_label(grading.level, lang, full=True)),
            (f("grading.graded_on"), grading.graded_on.isoformat() if grading.graded_on else ""),
            (tx("expert", "reviewed_on", lang), on),
        ),
        dm.Break(),
        dm.Together((
            dm.Heading(tx("expert", "opinion", lang)),
            dm.Box(grading.expert_opinion.strip() or tx("expert", "opinion_blank", lang), 45),
            dm.Heading(tx("expert", "conclusion", lang)),
            *(dm.Para(t.text()) for t in ticks),
            dm.Heading(tx("expert", "panel", lang)),
            dm.Grid(heads, panel, (0.35, 1, 1.8, 1, 1, 1.3), tall_rows=True),
            dm.fields((tx("expert", "leader", lang), ""), (tx("common", "date", lang), on), tall=[0]),
        )),
    )  # fmt: skip
    todo = [m.label(lang) for m in missing_expert_review_fields(org, system, grading)]
    if grading.expert_opinion.strip() and not chosen:
        todo.append(tx("docs2025", "conclusion_unclear", lang))
    return dm.Document(tx("expert", "title", lang), org.name, system.name, lang, blocks, missing=tuple(todo))


def build_expert_review_form(
    org: Organisation, system: System, grading: GradingRecord, lang: str = "zh", *, panel_size: int = DEFAULT_PANEL_SIZE
) -> bytes:
    """The expert review opinion form as PDF bytes, with `panel_size` blank signature rows."""
    if grading is None:
        raise ValueError(f"system '{system.name}' has no grading record: grade it first")
    return render_pdf(expert_review_document(org, system, grading, lang, panel_size))


def build_expert_review_docx(
    org: Organisation, system: System, grading: GradingRecord, lang: str = "zh", *, panel_size: int = DEFAULT_PANEL_SIZE
) -> bytes:
    """The same form as an editable Word file."""
    if grading is None:
        raise ValueError(f"system '{system.name}' has no grading record: grade it first")
    from mlps.adapters.reports.render_docx import render_docx  # python-docx loads only when Word is asked for

    return render_docx(expert_review_document(org, system, grading, lang, panel_size))
