"""Item ids as people write them, and back.

The catalogue stores one unique id per item (mlps.rules.catalogue). For every scope but big data that id is the
GB/T 28448-2019 test unit itself (`L3-CES1-05`). Big-data units are printed `BDS-L{level}-NN` and numbered again
in each category (GB/T 28448-2019 Annex B, Annex C.2), so the printed unit names an item only together with its
category; the stored id adds the category code, `BDS-L3-CES-05`. Users, agencies' workbooks and our documents
write the category in words and the printed unit: `安全计算环境 BDS-L3-05`. `display_id` is the one place that
turns a stored id into that form (every page, the Excel export and the PDFs call it); `read_bigdata_id` reads
such a text back, and `LEGACY_BIGDATA` is the frozen table from the catalogue's own earlier `BD-…` ids to the
official ones, which migration 0005_bigdata applied to stored rows and the Excel import applies to old files.
"""

from __future__ import annotations

import re
import unicodedata

from mlps.rules.catalogue import BIGDATA_ID, Taxonomy, load_catalogue

# A printed big-data unit, with or without our category code in the middle: BDS-L3-05, BDS-L3-CES-05.
PRINTED_BIGDATA = re.compile(r"(?<![A-Z0-9-])BDS-L(?P<level>[1-4])-(?:(?P<cat>[A-Z]{3})-)?(?P<nn>\d{2})(?![0-9])")
# The catalogue's own ids before it followed Annex B: BD-L3-CES-08.
LEGACY_ID = re.compile(r"(?<![A-Z0-9-])BD-L[1-4]-[A-Z]{3}-\d{2}(?![0-9])")


def _taxonomy(taxonomy: Taxonomy | None) -> Taxonomy:
    return taxonomy if taxonomy is not None else load_catalogue().taxonomy


def display_id(item_id: str, lang: str = "zh", taxonomy: Taxonomy | None = None) -> str:
    """The id as users and agencies write it: the stored id itself, or for big data the category's name and
    the printed unit (`安全计算环境 BDS-L3-05`, `Computing environment BDS-L3-05`)."""
    m = BIGDATA_ID.match(item_id)
    if not m:
        return item_id
    names = _taxonomy(taxonomy).categories.get(m["cat"])
    name = names["zh" if lang == "zh" else "en"] if names else m["cat"]
    return f"{name} BDS-L{m['level']}-{m['nn']}"


def display_ids(item_ids, lang: str = "zh", taxonomy: Taxonomy | None = None) -> str:
    """Several ids for one cell or line, comma-separated, each as `display_id` writes it."""
    return ", ".join(display_id(i, lang, taxonomy) for i in item_ids)


def _category_in(text: str, taxonomy: Taxonomy) -> str | None:
    """The category a text names, by its code or its Chinese or English name (the longest name wins)."""
    folded = unicodedata.normalize("NFKC", text).casefold()
    best: tuple[int, str] | None = None
    for code, names in taxonomy.categories.items():
        for name in (names["zh"], names["en"]):
            n = name.casefold()
            if n and n in folded and (best is None or len(n) > best[0]):
                best = (len(n), code)
    if best:
        return best[1]
    codes = re.findall(r"(?<![A-Z])([A-Z]{3})(?![A-Z])", unicodedata.normalize("NFKC", text).upper())
    return next((c for c in codes if c in taxonomy.categories), None)


def read_bigdata_id(text: str, category: str | None = None, taxonomy: Taxonomy | None = None) -> str | None:
    """The stored id a text names as a big-data unit: `安全计算环境 BDS-L3-05` (category written with it),
    `BDS-L3-05` with the category given (a category column or sheet), `BDS-L3-CES-05` (our stored form), or
    an old `BD-L3-CES-08` through LEGACY_BIGDATA. None when the text names no big-data unit, or names a printed
    unit whose category is nowhere to be found. The caller checks the id against its selection."""
    upper = unicodedata.normalize("NFKC", text).upper()
    old = LEGACY_ID.search(upper)
    if old:
        return LEGACY_BIGDATA.get(old.group(0)) or old.group(0)
    m = PRINTED_BIGDATA.search(upper)
    if not m:
        return None
    cat = m["cat"]
    if cat is None:
        tax = _taxonomy(taxonomy)
        rest = text[: m.start()] + " " + text[m.end() :]
        cat = _category_in(rest, tax) if rest.strip() else None
        cat = cat or (category if category in tax.categories else None)
    if cat is None:
        return None
    return f"BDS-L{m['level']}-{cat}-{m['nn']}"


def _legacy_mapping() -> dict[str, str | None]:
    """Old id -> new id, or None when the old item has no successor. Frozen: it describes the catalogue as it
    was before migration 0005_bigdata and as it is after it; never edit it to follow later catalogue changes."""

    def same(level: int, cat: str, n: int) -> tuple[str, str]:
        return f"BD-L{level}-{cat}-{n:02d}", f"BDS-L{level}-{cat}-{n:02d}"

    m: dict[str, str | None] = {}
    # level 1: Annex H.2 has CNS, CES and CMS; the old PES item has no level-1 counterpart
    m["BD-L1-PES-01"] = None
    m.update([same(1, "CNS", 1), same(1, "CES", 1)])
    # level 2: the old items were already one for one with H.3 and in its order
    m.update([same(2, "PES", 1), same(2, "CNS", 1), same(2, "CMS", 1), same(2, "CMS", 2), same(2, "MMS", 1)])
    m.update(same(2, "CES", n) for n in range(1, 8))
    for level in (3, 4):
        m.update([same(level, "PES", 1), same(level, "CNS", 1), same(level, "CNS", 2)])
        m.update([same(level, "CMS", 1), same(level, "CMS", 2)])
        m.update(same(level, "MMS", n) for n in range(1, 5))
        m[f"BD-L{level}-CMS-03"] = None  # supplier compliance: not in Annex H (its c) binds data recipients)
        # CES: a–g kept their places; the interface access-control item (old 08) is k) = 11 in the standard,
        # so old 09–11 (h–j) move up one place; l–n (12–14) stay
        for n in (1, 2, 3, 4, 5, 6, 7, 12, 13, 14):
            m.update([same(level, "CES", n)])
        m[f"BD-L{level}-CES-08"] = f"BDS-L{level}-CES-11"
        m[f"BD-L{level}-CES-09"] = f"BDS-L{level}-CES-08"
        m[f"BD-L{level}-CES-10"] = f"BDS-L{level}-CES-09"
        m[f"BD-L{level}-CES-11"] = f"BDS-L{level}-CES-10"
    m["BD-L4-CES-15"] = None  # residual data: not in Annex H (its level-4 o) is life-cycle handling by class)
    return m


LEGACY_BIGDATA: dict[str, str | None] = _legacy_mapping()
LEGACY_RETIRED_WHY = {
    "BD-L1-PES-01": "GB/T 22239-2019 H.2 has no physical-environment measure at level 1",
    "BD-L3-CMS-03": "not in GB/T 22239-2019 H.4.4 (its item c) binds recipients of shared data, BDS-L3-CMS-03)",
    "BD-L4-CMS-03": "not in GB/T 22239-2019 H.5.4 (its item c) binds recipients of shared data, BDS-L4-CMS-03)",
    "BD-L4-CES-15": "not in GB/T 22239-2019 H.5.3 (its item o) is life-cycle handling by class, BDS-L4-CES-15)",
}
LEGACY_RETIRED_WHY_ZH = {
    "BD-L1-PES-01": "GB/T 22239-2019 H.2 在第一级没有物理环境方面的措施",
    "BD-L3-CMS-03": "H.4.4 中没有这一要求，其 c) 是约束共享数据的接收方，即 BDS-L3-CMS-03",
    "BD-L4-CMS-03": "H.5.4 中没有这一要求，其 c) 是约束共享数据的接收方，即 BDS-L4-CMS-03",
    "BD-L4-CES-15": "H.5.3 中没有这一要求，其 o) 是按类别分级在全生命周期区别处理数据，即 BDS-L4-CES-15",
}
