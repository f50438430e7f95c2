"""The Requirements page: pick a level and extensions, filter, read an item's guidance, switch language."""

from __future__ import annotations


def items_table(at):
    """The main requirements table (the one with a requirement column)."""
    for d in at.dataframe:
        cols = list(d.value.columns)
        if "要求" in cols or "Requirement" in cols:
            return d.value
    raise AssertionError("no requirements table on the page")


def test_opens_on_level_3_in_chinese_with_all_211_items(app):
    assert not app.exception
    assert app.title[0].value == "等级保护要求目录"
    df = items_table(app)
    assert len(df) == 211
    assert df.iloc[0]["编号"] == "L3-PES1-01"
    assert any("第3级：共 211 项，当前显示 211 项" in m.value for m in app.markdown)


def test_filters_by_category_importance_and_text(app):
    app.multiselect(key="req_categories.zh").set_value(["PES"]).run()
    assert len(items_table(app)) == 22
    app.multiselect(key="req_tiers.zh").set_value(["key"]).run()
    df = items_table(app)
    assert set(df["重要程度"]) == {"关键"} and 0 < len(df) < 22
    app.multiselect(key="req_categories.zh").set_value([]).run()
    app.multiselect(key="req_tiers.zh").set_value([]).run()
    app.text_input(key="req_text").input("L3-CES1-17").run()
    df = items_table(app)
    assert list(df["编号"]) == ["L3-CES1-17"]
    assert df.iloc[0]["控制点"] == "入侵防范"


def test_extensions_add_their_items(app):
    app.multiselect(key="req_extensions.zh").set_value(["cloud", "mobile"]).run()
    assert len(items_table(app)) == 211 + 46 + 19


def test_level_2_and_what_changes_from_level_1(app):
    app.selectbox(key="req_level.zh").set_value(2).run()
    assert len(items_table(app)) == 135
    labels = [e.label for e in app.expander]
    assert "从第1级到第2级的变化" in labels


def test_switching_to_english_keeps_the_filters_and_translates_the_table(app):
    app.selectbox(key="req_level.zh").set_value(2).run()
    app.multiselect(key="req_categories.zh").set_value(["CES"]).run()
    app.radio(key="lang").set_value("en").run()
    assert app.title[0].value == "MLPS requirement catalogue"
    df = items_table(app)
    assert len(df) == 23
    assert list(df.columns)[:4] == ["Id", "Category", "Control point", "Requirement"]
    assert not any("\u4e00" <= ch <= "\u9fff" for ch in df.iloc[0]["Requirement"])


def test_selecting_a_row_shows_what_the_assessor_will_ask_to_see(app):
    app.text_input(key="req_text").input("L3-PES1-03").run()
    app.session_state["req_table"] = {"selection": {"rows": [0], "columns": []}}
    app.run()
    captions = [c.value for c in app.caption]
    assert "测评时会查看什么" in captions
    assert any("8.1.1.2 a)" in c for c in captions)


def test_big_data_items_show_their_category_and_printed_unit_as_agencies_write_them(app):
    app.multiselect(key="req_extensions.zh").set_value(["bigdata"]).run()
    app.text_input(key="req_text").input("BDS-L3-05").run()
    df = items_table(app)
    assert list(df["编号"]) == ["安全计算环境 BDS-L3-05"]
    app.radio(key="lang").set_value("en").run()
    assert list(items_table(app)["Id"]) == ["Computing environment BDS-L3-05"]
