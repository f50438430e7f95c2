"""Requirements: browse the catalogue by level and extensions, filter, and see what changes between levels."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from mlps.i18n import pick, t
from mlps.rules.catalogue import CatalogueError, Item, counts_by_category, level_change, search_items
from mlps.rules.item_ids import display_id
from mlps.rules.levels import protection_name
from mlps.ui.common import catalogue, lang, lang_key, remember, tr


def _item_table(items: list[Item], tax, lg: str) -> pd.DataFrame:
    return pd.DataFrame(
        {
            tr("col.id"): [display_id(i.id, lg, tax) for i in items],
            tr("col.category"): [
                pick(tax.categories[i.category]["zh"], tax.categories[i.category]["en"], lg) for i in items
            ],
            tr("col.control_point"): [i.control_point_name(lg) for i in items],
            tr("col.requirement"): [i.requirement(lg) for i in items],
            tr("col.tier"): [tax.tier_names[i.tier][lg] for i in items],
            tr("col.weight"): [i.weight for i in items],
            tr("col.methods"): [
                "、".join(tax.methods[m][lg] for m in i.methods)
                if lg == "zh"
                else ", ".join(tax.methods[m][lg] for m in i.methods)
                for i in items
            ],
            tr("col.clause"): [i.clause for i in items],
        }
    )


def _detail(item: Item, tax, lg: str) -> None:
    with st.container(border=True):
        st.markdown(f"**{display_id(item.id, lg, tax)}** · {item.control_point_name(lg)} {item.letter})")
        st.text(item.requirement(lg))
        st.caption(tr("req.evidence"))
        st.text(item.evidence(lg))
        methods = ", ".join(tax.methods[m][lg] for m in item.methods)
        st.caption(f"{tr('req.methods')}: {methods} · {tr('req.clause')}: GB/T 22239-2019 {item.clause}")
        if item.prev:
            st.caption(tr("req.prev", level=item.level - 1, id=display_id(item.prev, lg, tax)))
        elif item.level > 1:
            st.caption(tr("req.new_at", level=item.level))
        if item.note:
            st.caption(tr("req.uncertain"))


def _changes(cat, level: int, extensions: list[str], lg: str) -> None:
    if level == 1:
        st.info(tr("req.changes_none"))
        return
    change = level_change(cat, level - 1, tuple(extensions))
    st.write(
        tr(
            "req.changes_summary",
            cps=len(change.new_control_points),
            new=len(change.new_items),
            strong=len(change.strengthened_items),
            dropped=len(change.dropped_items),
        )
    )
    tax = cat.taxonomy
    if change.new_control_points:
        st.caption(tr("req.new_control_points"))
        st.dataframe(
            pd.DataFrame(
                {
                    tr("col.scope"): [tax.scopes[s][lg] for s, _c, _k, _n in change.new_control_points],
                    tr("col.category"): [tax.categories[c][lg] for _s, c, _k, _n in change.new_control_points],
                    tr("col.control_point"): [
                        next(
                            i.control_point_name(lg)
                            for i in change.new_items
                            if i.control_point == k and i.category == c and i.scope == s
                        )
                        for s, c, k, _n in change.new_control_points
                    ],
                }
            ),
            hide_index=True,
        )
    if change.new_items:
        st.caption(tr("req.new_items"))
        st.dataframe(_item_table(change.new_items, tax, lg), hide_index=True)
    if change.dropped_items:
        st.caption(tr("req.dropped_items"))
        st.dataframe(_item_table(change.dropped_items, tax, lg), hide_index=True)


def _valid(key: str, options: list) -> str:
    """Drop remembered choices that the current level and extensions no longer offer."""
    if key in st.session_state:
        st.session_state[key] = [v for v in st.session_state[key] if v in options]
    return key


def render() -> None:
    lg = lang()
    st.title(tr("req.title"))
    st.caption(tr("req.intro"))
    try:
        cat = catalogue()
    except CatalogueError as exc:
        st.error(tr("req.catalogue_error", error=str(exc)))
        return
    tax = cat.taxonomy

    left, right = st.columns([1, 2])
    levels = cat.levels()
    key = lang_key("req_level")
    default = {} if key in st.session_state else {"index": levels.index(3) if 3 in levels else 0}
    level = remember(
        "req_level",
        left.selectbox(
            tr("req.level"),
            levels,
            format_func=lambda n: t("req.level_option", lg, n=n, name=protection_name(n, lg)),
            key=key,
            **default,
        ),
    )
    available = cat.extensions_at(level)
    extensions = remember(
        "req_extensions",
        right.multiselect(
            tr("req.extensions"),
            available,
            format_func=lambda s: tax.scopes[s][lg],
            key=_valid(lang_key("req_extensions"), available),
        ),
    )
    selected = cat.select(level, extensions)

    f1, f2, f3, f4 = st.columns([1, 1, 1, 1.4])
    cat_options = [c for c in tax.categories if any(i.category == c for i in selected)]
    cats = remember(
        "req_categories",
        f1.multiselect(
            tr("req.category"),
            cat_options,
            format_func=lambda c: f"{c} {tax.categories[c][lg]}",
            key=_valid(lang_key("req_categories"), cat_options),
        ),
    )
    cp_names = {i.control_point: i.control_point_name(lg) for i in selected if not cats or i.category in cats}
    cps = remember(
        "req_cps",
        f2.multiselect(
            tr("req.control_point"),
            list(cp_names),
            format_func=cp_names.get,
            key=_valid(lang_key("req_cps"), list(cp_names)),
        ),
    )
    tiers = remember(
        "req_tiers",
        f3.multiselect(
            tr("req.tier"),
            list(tax.tiers),
            format_func=lambda c: tax.tier_names[c][lg],
            key=lang_key("req_tiers"),
        ),
    )
    text = f4.text_input(tr("req.search"), help=tr("req.search_help"), key="req_text")
    shown = search_items(selected, categories=cats, control_points=cps, tiers=tiers, text=text)

    st.write(tr("req.summary", level=level, total=len(selected), shown=len(shown)))
    counts = counts_by_category(selected, tax.category_order)
    with st.expander(tr("req.counts"), expanded=False):
        st.dataframe(
            pd.DataFrame(
                {
                    tr("col.category"): [f"{c} {tax.categories[c][lg]}" for c in counts],
                    tr("col.count"): list(counts.values()),
                }
            ),
            hide_index=True,
        )

    st.subheader(tr("req.table"))
    if not shown:
        st.info(tr("req.empty"))
    else:
        table = _item_table(shown, tax, lg)
        event = st.dataframe(table, hide_index=True, on_select="rerun", selection_mode="single-row", key="req_table")
        rows = event.selection.rows if event is not None and hasattr(event, "selection") else []
        if rows and rows[0] < len(shown):
            _detail(shown[rows[0]], tax, lg)
        else:
            st.caption(tr("req.detail_hint"))
        st.download_button(
            tr("req.download_csv"),
            table.to_csv(index=False).encode("utf-8-sig"),
            file_name=f"mlps-L{level}-requirements.csv",
            mime="text/csv",
        )
    st.caption(tr("req.version", version=cat.version))

    low = max(level - 1, 1)
    with st.expander(tr("req.changes", low=low, high=level) if level > 1 else tr("req.changes_none")):
        _changes(cat, level, extensions, lg)


render()
