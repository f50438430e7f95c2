"""The store's repositories, one module per aggregate; every write audited (audit.py).

Item results use optimistic locking: a save names the version it started from, and a save against a newer version
is refused with who changed it and when (ConflictError), so the second editor's text is kept by the caller and
nothing is overwritten silently."""

from mlps.adapters.store.repository.assessments import (  # noqa: F401
    RESULT_FIELDS,
    Assessment,
    bulk_set_result,
    get_assessment,
    import_results,
    list_assessments,
    results,
    save_result,
    set_assessment_status,
    set_report_date,
    start_assessment,
)
from mlps.adapters.store.repository.attachments import (  # noqa: F401
    Attachment,
    attach,
    attachments,
    blob,
    remove_attachment,
)
from mlps.adapters.store.repository.audit import (  # noqa: F401
    AuditEvent,
    check_lengths,
    history,
    item_history,
    now,
)
from mlps.adapters.store.repository.gradings import (  # noqa: F401
    GRADING_STEP_FIELDS,
    add_grading,
    current_gradings,
    grading_history,
    record_grading_step,
)
from mlps.adapters.store.repository.organisations import (  # noqa: F401
    ORG_FIELDS,
    SYSTEM_FIELDS,
    get_log_retention,
    get_organisation,
    get_system,
    get_system_profile,
    list_organisations,
    list_systems,
    save_organisation,
    save_system,
    set_log_retention,
    set_system_profile,
    update_system_profile,
)
from mlps.adapters.store.repository.ownership import (  # noqa: F401
    organisation_of,
    organisations_holding_blob,
)
