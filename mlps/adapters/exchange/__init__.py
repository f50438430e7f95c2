"""Excel round-trip of assessment results: export an assessment as .xlsx in the layout agencies use, and import
that layout or the agencies' own workbooks into a checked ImportPlan shown before anything is written.

Pure core: bytes in, bytes or plans out; no database, no Streamlit.
"""

from mlps.adapters.exchange.vocabulary import Issue
from mlps.adapters.exchange.xlsx_export import ExportMeta, export_xlsx, is_formula_like, sheet_name
from mlps.adapters.exchange.xlsx_import import ImportPlan, RowMatch, SheetPlan, plan_import
from mlps.adapters.exchange.xlsx_read import ImportLimits

__all__ = [
    "ExportMeta",
    "ImportLimits",
    "ImportPlan",
    "Issue",
    "RowMatch",
    "SheetPlan",
    "export_xlsx",
    "is_formula_like",
    "plan_import",
    "sheet_name",
]
