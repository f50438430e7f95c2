"""What applies to a system: its profile, which extensions apply, the statement of applicability, and keyword
suggestions. One job per module: profile.py (the description of a system), extensions.py (which extension
requirements apply, the cloud platform findings), statement.py (applicable / not applicable / inherited per
item), suggest.py (flags suggested from free text). The Excel file of the statement is an adapter:
mlps.adapters.exchange.soa_xlsx."""

from mlps.rules.applicability.extensions import (  # noqa: F401
    ExtensionDecision,
    Finding,
    applicable_extensions,
    decide_extensions,
    extension_clause,
    platform_findings,
)
from mlps.rules.applicability.profile import (  # noqa: F401
    CLOUD_ROLE_WORDS,
    EXTENSIONS,
    HIGH_RISK_FIELDS,
    PLATFORM_FIELDS,
    PROFILE_BOOL_FIELDS,
    PROFILE_FIELDS,
    SCOPE_UNIT,
    CloudPlatform,
    CloudRole,
    SystemProfile,
    profile_from_dict,
    profile_to_dict,
)
from mlps.rules.applicability.statement import (  # noqa: F401
    HOSTED_INHERITS,
    ROW_FIELDS,
    STATUS_INPUT,
    STATUS_WORDS,
    InheritRule,
    Override,
    SoaRow,
    Statement,
    Status,
    apply_overrides,
    parse_overrides,
    statement_frame,
    statement_of_applicability,
    statement_rows,
    statement_to_dict,
)
from mlps.rules.applicability.suggest import (  # noqa: F401
    CLAUSE_BREAK,
    CLOUD_BRANDS,
    KEYWORDS,
    NEGATION,
    NEGATION_WINDOW,
    FlagSuggestion,
    apply_suggestions,
    suggest_flags,
    suggestion_to_dict,
    unreflected_suggestions,
)
