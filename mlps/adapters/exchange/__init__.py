"""Excel round-trip of assessment results: export an assessment as .xlsx in the layout agencies use, and import
that layout or the agencies' own workbooks into a checked ImportPlan shown before anything is written.

The import by job: `xlsx_read` reads the sheets (bounded), `xlsx_values` reads one cell's value, `xlsx_context`
holds the catalogue side, `xlsx_columns` locates a sheet's header and columns, `xlsx_rows` maps its rows to
items, `xlsx_plan` is the plan a person reviews and `xlsx_import` builds it from a workbook. Applying a reviewed
plan is a use case: `mlps.services.agency_import.confirm_workbook` (through the repository's one import write).

Pure core: bytes in, bytes or plans out; no database, no Streamlit.
"""

from mlps.adapters.exchange.vocabulary import Issue
from mlps.adapters.exchange.xlsx_export import ExportMeta, export_xlsx, is_formula_like, sheet_name
from mlps.adapters.exchange.xlsx_import import plan_import
from mlps.adapters.exchange.xlsx_plan import ImportPlan, RowMatch, SheetPlan
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
