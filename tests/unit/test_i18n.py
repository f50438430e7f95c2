"""Every UI string exists in Chinese and English; Chinese is the default."""

from mlps.i18n import messages, t


def test_every_message_has_both_languages():
    for key, entry in messages().items():
        assert set(entry) == {"zh", "en"}, key
        assert entry["zh"].strip() and entry["en"].strip(), key


def test_chinese_is_the_default_and_placeholders_are_filled():
    assert t("req.summary", level=3, total=211, shown=5) == "第3级：共 211 项，当前显示 5 项"
    assert t("req.summary", "en", level=3, total=211, shown=5) == "Level 3: 211 items, 5 shown"
    assert t("req.summary", "fr", level=3, total=1, shown=1).startswith("第3级")


def test_an_unknown_key_is_visible_not_silent():
    assert t("no.such.key") == "⟦no.such.key⟧"
