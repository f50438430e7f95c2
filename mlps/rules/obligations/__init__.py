"""What the law asks of each system, and by when. settings.py: deadlines, cadences, penalties and texts from
controls/obligations.yaml; duties.py: a system's lifecycle in, its obligations out; exposure.py: the
organisation's exposure; timeline.py: the next 12 months.

Status of an obligation: done (closed by evidence; for a recurring duty the current cycle is covered);
due_soon (open or next cycle within `due_soon_days`); overdue (due date passed, or a standing duty not met);
upcoming (open, due later); not_applicable (the level or the facts do not call for it; the note says why)."""

from mlps.rules.obligations.duties import (  # noqa: F401
    AssessmentDone,
    Change,
    Obligation,
    SystemLifecycle,
    SystemObligations,
    filing_deadline,
    obligations_for,
    validate_lifecycle,
)
from mlps.rules.obligations.exposure import (  # noqa: F401
    Exposure,
    exposure,
)
from mlps.rules.obligations.settings import (  # noqa: F401
    KINDS,
    SETTINGS_FILE,
    STATUS_NAMES,
    Case,
    ObligationSettings,
    Penalty,
    PenaltyTier,
    Severity,
    Status,
    load_settings,
    parse_settings,
    penalty_on,
)
from mlps.rules.obligations.timeline import (  # noqa: F401
    TimelineEntry,
    timeline,
    timeline_frame,
)
