"""The store as the app sees it: every read and write checked against the signed-in user's role.

Pages never get the raw session factory, only a Workspace; so a viewer cannot change anything, and a user
of organisation A cannot read organisation B, whatever a page does.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from sqlalchemy.orm import sessionmaker

from mlps.adapters.store import repository as repo
from mlps.adapters.store import sessions, users
from mlps.rules.auth import Actor, PermissionDenied, Role
from mlps.rules.domain import GradingRecord, ItemResult, Organisation, Result, System
from mlps.services.policy import checked_in_body, no_store_access, requires


class Workspace:
    """Every public method is declared in the access policy (mlps.services.policy): the role it needs and how
    its organisation is found, or why it checks in its body or needs no check."""

    def __init__(self, sm: sessionmaker, actor: Actor):
        self._sm, self.actor = sm, actor

    # -- helpers
    def _need(self, kind: str, entity_id: int, role: Role, what: str) -> int:
        """The organisation owning entity `kind` `entity_id`, after checking the acting user holds `role` in it."""
        if kind == "organisation":
            org = entity_id
        elif kind == "hazard":
            from mlps.adapters.store import hazards as hz

            org = repo.organisation_of(self._sm, "assessment", hz.assessment_of_hazard(self._sm, entity_id))
        else:
            org = repo.organisation_of(self._sm, kind, entity_id)
        self.actor.require(org, role, what)
        return org

    @property
    def user(self) -> str:
        return self.actor.username

    @no_store_access("answers from the acting user's roles only")
    def can_edit(self, organisation_id: int | None) -> bool:
        return self.actor.can(organisation_id, Role.ASSESSOR)

    @no_store_access("answers from the acting user's roles only")
    def is_org_admin(self, organisation_id: int | None) -> bool:
        return self.actor.can(organisation_id, Role.ADMIN)

    # -- organisations
    @checked_in_body("lists only the organisations the acting user may view")
    def organisations(self) -> list[Organisation]:
        return [o for o in repo.list_organisations(self._sm) if self.actor.can(o.id, Role.VIEWER)]

    @requires(Role.VIEWER, "see this organisation", via="organisation", arg="org_id")
    def get_organisation(self, org_id: int) -> Organisation:
        return repo.get_organisation(self._sm, org_id)

    @checked_in_body("a new organisation: site administrators only; an existing one: its administrators")
    def save_organisation(self, org: Organisation) -> Organisation:
        if org.id is None:
            if not self.actor.is_admin:
                raise PermissionDenied(f"{self.user} may not create organisations (site administrators only)")
            saved = repo.save_organisation(self._sm, org, self.user)
            return saved
        self.actor.require(org.id, Role.ADMIN, "edit the organisation")
        return repo.save_organisation(self._sm, org, self.user)

    # -- systems
    @requires(Role.VIEWER, "see this organisation's systems", via="organisation", arg="org_id")
    def systems(self, org_id: int) -> list[System]:
        return repo.list_systems(self._sm, org_id)

    @requires(Role.VIEWER, "see this system", via="system", arg="system_id")
    def get_system(self, system_id: int) -> System:
        return repo.get_system(self._sm, system_id)

    @checked_in_body("a stored system cannot move to another organisation; then assessors of its organisation")
    def save_system(self, system: System) -> System:
        if system.id is not None:
            owner = repo.organisation_of(self._sm, "system", system.id)
            if owner != system.organisation_id:
                raise PermissionDenied("a system cannot be moved to another organisation")
        self.actor.require(system.organisation_id, Role.ASSESSOR, "edit systems")
        return repo.save_system(self._sm, system, self.user)

    @requires(Role.VIEWER, "see this system", via="system", arg="system_id")
    def system_profile(self, system_id: int) -> dict:
        return repo.get_system_profile(self._sm, system_id)

    @requires(Role.ASSESSOR, "edit systems", via="system", arg="system_id")
    def set_system_profile(self, system_id: int, profile: dict) -> None:
        repo.set_system_profile(self._sm, system_id, profile, self.user)

    @requires(Role.ASSESSOR, "edit systems", via="system", arg="system_id")
    def update_system_profile(self, system_id: int, change) -> dict:
        return repo.update_system_profile(self._sm, system_id, change, self.user)

    @requires(Role.VIEWER, "see this system", via="system", arg="system_id")
    def log_retention(self, system_id: int) -> int | None:
        return repo.get_log_retention(self._sm, system_id)

    @requires(Role.ASSESSOR, "edit systems", via="system", arg="system_id")
    def set_log_retention(self, system_id: int, days: int | None) -> None:
        repo.set_log_retention(self._sm, system_id, days, self.user)

    # -- grading
    @requires(Role.VIEWER, "see this system", via="system", arg="system_id")
    def grading_history(self, system_id: int) -> list[GradingRecord]:
        return repo.grading_history(self._sm, system_id)

    @checked_in_body("viewers of the organisation of every system asked for")
    def current_gradings(self, system_ids: list[int]) -> dict[int, GradingRecord]:
        for sid in system_ids:
            self._need("system", sid, Role.VIEWER, "see this system")
        return repo.current_gradings(self._sm, system_ids)

    @requires(Role.ASSESSOR, "grade systems", via="system", arg="record.system_id")
    def add_grading(self, record: GradingRecord) -> GradingRecord:
        return repo.add_grading(self._sm, record, self.user)

    @requires(Role.ASSESSOR, "record grading steps", via="grading", arg="grading_id")
    def record_grading_step(self, grading_id: int, **fields) -> GradingRecord:
        return repo.record_grading_step(self._sm, grading_id, self.user, **fields)

    # -- assessments
    @requires(Role.VIEWER, "see this system", via="system", arg="system_id")
    def assessments(self, system_id: int) -> list[repo.Assessment]:
        return repo.list_assessments(self._sm, system_id)

    @requires(Role.VIEWER, "see this assessment", via="assessment", arg="assessment_id")
    def get_assessment(self, assessment_id: int) -> repo.Assessment:
        return repo.get_assessment(self._sm, assessment_id)

    @requires(Role.ASSESSOR, "start assessments", via="system", arg="system_id")
    @requires(Role.VIEWER, "copy this assessment", via="assessment", arg="baseline_from", optional=True)
    def start_assessment(self, system_id: int, level: int, extensions: Iterable[str], catalogue_version: str,
                         **kwargs) -> repo.Assessment:  # fmt: skip
        return repo.start_assessment(self._sm, system_id, level, extensions, catalogue_version, self.user, **kwargs)

    @requires(Role.ASSESSOR, "change assessments", via="assessment", arg="assessment_id")
    def set_assessment_status(self, assessment_id: int, status: str) -> repo.Assessment:
        return repo.set_assessment_status(self._sm, assessment_id, status, self.user)

    @requires(Role.VIEWER, "see this assessment", via="assessment", arg="assessment_id")
    def results(self, assessment_id: int) -> list[ItemResult]:
        return repo.results(self._sm, assessment_id)

    @requires(Role.ASSESSOR, "record results", via="assessment", arg="assessment_id")
    def save_result(self, assessment_id: int, item_id: str, **kwargs) -> ItemResult:
        return repo.save_result(self._sm, assessment_id, item_id, self.user, **kwargs)

    @requires(Role.ASSESSOR, "record results", via="assessment", arg="assessment_id")
    def bulk_set_result(self, assessment_id: int, item_ids: Iterable[str], result: Result, assessed_object: str = ""):
        return repo.bulk_set_result(self._sm, assessment_id, item_ids, result, self.user, assessed_object)

    @requires(Role.ASSESSOR, "import results", via="assessment", arg="assessment_id")
    def import_results(
        self, assessment_id: int, rows: list[ItemResult], expected_versions: dict[tuple[str, str], int] | None = None
    ) -> int:
        return repo.import_results(self._sm, assessment_id, rows, self.user, expected_versions)

    @requires(Role.VIEWER, "see this assessment", via="assessment", arg="assessment_id")
    def item_history(self, assessment_id: int, item_id: str) -> list[repo.AuditEvent]:
        return repo.item_history(self._sm, assessment_id, item_id)

    # -- attachments
    @requires(Role.VIEWER, "see this result", via="result", arg="result_id")
    def attachments(self, result_id: int) -> list[repo.Attachment]:
        return repo.attachments(self._sm, result_id)

    @requires(Role.ASSESSOR, "attach files", via="result", arg="result_id")
    def attach(self, result_id: int, data: bytes, name: str, *, max_bytes: int) -> repo.Attachment:
        return repo.attach(self._sm, result_id, data, name, self.user, max_bytes=max_bytes)

    @requires(Role.ASSESSOR, "remove files", via="attachment", arg="attachment_id")
    def remove_attachment(self, attachment_id: int) -> None:
        repo.remove_attachment(self._sm, attachment_id, self.user)

    @checked_in_body("viewers of any organisation holding the file (one file may be attached in several)")
    def blob(self, sha256: str) -> tuple[bytes, str]:
        orgs = repo.organisations_holding_blob(self._sm, sha256)
        if not any(self.actor.can(o, Role.VIEWER) for o in orgs):
            raise PermissionDenied(f"{self.user} may not read this file")
        return repo.blob(self._sm, sha256)

    # -- users: site admins manage every account; an organisation admin sees and manages only the members of the
    # organisations they administer, and creates accounts only as members of one of them
    def _admin_orgs(self) -> set[int]:
        return {o for o, r in self.actor.roles.items() if r == Role.ADMIN}

    @checked_in_body("site administrators: every account; organisation administrators: their organisations' members")
    def users(self) -> list:
        if self.actor.is_admin:
            return users.list_users(self._sm)
        mine = self._admin_orgs()
        if not mine:
            raise PermissionDenied(f"{self.user} may not manage users")
        return [(u, d, a, {o: r for o, r in m.items() if o in mine})
                for u, d, a, m in users.list_users(self._sm) if not a and mine & set(m)]  # fmt: skip

    def _may_manage(self, username: str) -> None:
        if self.actor.is_admin:
            return
        if username not in {u for u, *_ in self.users()}:
            raise PermissionDenied(f"{self.user} may not manage the account {username}")

    @checked_in_body("site administrators; organisation administrators only into an organisation they administer")
    def create_user(self, username: str, password: str, *, is_admin: bool = False, display_name: str = "",
                    email: str = "", organisation_id: int | None = None) -> Actor:  # fmt: skip
        """A site admin creates any account; an organisation admin only an account that is a member (viewer)
        of an organisation they administer (`organisation_id`)."""
        if is_admin and not self.actor.is_admin:
            raise PermissionDenied("only site administrators create site administrators")
        if not self.actor.is_admin and organisation_id not in self._admin_orgs():
            raise PermissionDenied(f"{self.user} may create accounts only in an organisation they administer")
        created = users.create_user(self._sm, username, password, by=self.user, is_admin=is_admin,
                                    display_name=display_name, email=email)  # fmt: skip
        if organisation_id is not None:
            users.set_role(self._sm, created.username, organisation_id, Role.VIEWER, by=self.user)
        return users.actor(self._sm, created.username)

    @requires(Role.ADMIN, "manage this organisation's members", via="organisation", arg="organisation_id")
    def set_role(self, username: str, organisation_id: int, role: Role | None) -> None:
        if not self.actor.is_admin:
            members = {u for u, _d, a, m in users.list_users(self._sm) if not a and organisation_id in m}
            if username not in members:
                raise PermissionDenied(f"{self.user} may change roles only of this organisation's members")
        users.set_role(self._sm, username, organisation_id, role, by=self.user)

    @checked_in_body("site administrators, or an administrator of an organisation the account belongs to")
    def set_email(self, username: str, email: str) -> None:
        self._may_manage(username)
        users.set_email(self._sm, username, email, by=self.user)

    @checked_in_body("site administrators, or an administrator of an organisation the account belongs to")
    def reset_password(self, username: str, password: str) -> None:
        """An admin sets a new password for someone; that account's sessions end."""
        self._may_manage(username)
        users.set_password(self._sm, username, password, by=self.user)
        sessions.revoke_user(self._sm, username)

    @checked_in_body("site administrators, or an administrator of an organisation the account belongs to")
    def unlock(self, username: str) -> bool:
        self._may_manage(username)
        return users.unlock(self._sm, username, by=self.user)

    # -- the signed-in user's own account
    @checked_in_body("the acting user's own account only")
    def my_account(self) -> dict:
        return users.account(self._sm, self.user)

    @checked_in_body("the acting user's own account only")
    def confirm_my_email(self) -> str:
        return users.confirm_email(self._sm, self.user)

    @checked_in_body("the acting user's own account, with its current password")
    def change_my_password(self, current: str, new: str, keep_session: int | None = None) -> None:
        """Needs the current password (PermissionDenied otherwise); other sessions of the account end."""
        if not users.password_matches(self._sm, self.user, current):
            raise PermissionDenied("the current password is wrong")
        users.set_password(self._sm, self.user, new, by=self.user)
        sessions.revoke_user(self._sm, self.user, keep=keep_session)

    @no_store_access("the date")
    def today(self) -> date:
        return date.today()

    # -- remediation plan and portfolio (adapters.store.remediation): viewers read tasks, assessors write them
    @requires(Role.VIEWER, "see this assessment's remediation plan", via="assessment", arg="assessment_id")
    def remediation_tasks(self, assessment_id: int) -> list:
        from mlps.adapters.store import remediation as rem

        return rem.list_tasks(self._sm, assessment_id)

    @requires(Role.ASSESSOR, "plan remediation", via="assessment", arg="assessment_id")
    def create_remediation_tasks(self, assessment_id: int, drafts: list) -> list:
        from mlps.adapters.store import remediation as rem

        return rem.create_tasks(self._sm, assessment_id, drafts, self.user)

    @requires(Role.ASSESSOR, "update remediation tasks", via="task", arg="task_id")
    def update_remediation_task(self, task_id: int, *, expected_version: int, **changes):
        from mlps.adapters.store import remediation as rem

        return rem.update_task(self._sm, task_id, self.user, expected_version=expected_version, **changes)

    @requires(Role.VIEWER, "see this assessment's remediation plan", via="assessment", arg="assessment_id")
    def remediation_events(self, assessment_id: int) -> list:
        from mlps.adapters.store import remediation as rem

        return rem.status_events(self._sm, assessment_id)

    @requires(Role.VIEWER, "see remediation tasks", via="task", arg="task_id")
    def remediation_task_history(self, task_id: int) -> list[repo.AuditEvent]:
        from mlps.adapters.store import remediation as rem

        return repo.history(self._sm, rem.ENTITY, str(task_id))

    @requires(Role.VIEWER, "see this organisation's systems", via="organisation", arg="org_id")
    def portfolio(self, org_id: int):
        """Systems, gradings, assessments and the latest assessments' results of an organisation (bulk reads)."""
        from mlps.adapters.store import remediation as rem
        from mlps.services import collector

        data = rem.portfolio_data(self._sm, org_id)
        data.collected = {s.id: collector.collected_retention(self._sm, s.id) for s in data.systems}
        return data

    @requires(Role.VIEWER, "see this system", via="system", arg="system_id")
    def results_of_assessments(self, system_id: int):
        """Every recorded result of every assessment of a system, as one long frame (for the score trend)."""
        from mlps.adapters.store import remediation as rem

        return rem.results_long(self._sm, [a.id for a in repo.list_assessments(self._sm, system_id)])

    # -- recorded changes of a system (mlps.adapters.store.changes): viewers read them, assessors record them
    @requires(Role.VIEWER, "see this system", via="system", arg="system_id")
    def list_changes(self, system_id: int) -> list:
        from mlps.adapters.store import changes as ch

        return ch.list_changes(self._sm, system_id)

    @requires(Role.ASSESSOR, "record changes of systems", via="system", arg="system_id")
    def add_change(self, system_id: int, on: date, description: str, significant: bool = True):
        from mlps.adapters.store import changes as ch

        return ch.add_change(self._sm, system_id, on, description, significant, self.user, today=self.today())

    # -- the 2025 verdict: report date, method and major risk hazards (adapters.store.hazards)
    @no_store_access("reads through get_assessment")
    def scoring_method(self, assessment_id: int) -> str:
        """The method the assessment is judged by: the one chosen, else the one its report date gets."""
        from mlps.rules.verdict2025 import method_for

        a = self.get_assessment(assessment_id)
        return method_for(a.report_date, a.scoring_method)

    @requires(Role.ASSESSOR, "change assessments", via="assessment", arg="assessment_id")
    def set_report_date(self, assessment_id: int, report_date: date, scoring_method: str | None = None):
        from mlps.rules.scoring_methods import load_scoring_config

        if not isinstance(report_date, date):
            raise ValueError("the report date must be a date (YYYY-MM-DD)")
        known = load_scoring_config().methods
        if scoring_method is not None and scoring_method not in known:
            raise ValueError(f"unknown scoring method '{scoring_method}'; known: {', '.join(known)}")
        return repo.set_report_date(self._sm, assessment_id, self.user, report_date, scoring_method)

    @requires(Role.VIEWER, "see this assessment", via="assessment", arg="assessment_id")
    def hazards(self, assessment_id: int) -> list:
        from mlps.adapters.store import hazards as hz

        return hz.list_hazards(self._sm, assessment_id)

    @requires(Role.VIEWER, "see this organisation's systems", via="organisation", arg="org_id")
    def hazards_of(self, org_id: int, assessment_ids: list[int]) -> dict[int, list]:
        """Hazards of several assessments of one organisation (portfolio); others' assessments are left out."""
        from mlps.adapters.store import hazards as hz

        return hz.hazards_of(self._sm, assessment_ids, org_id)

    def _check_hazard(self, assessment_id: int, hazard) -> None:
        from mlps.rules.catalogue import load_catalogue
        from mlps.rules.hazards import check_hazard

        a = repo.get_assessment(self._sm, assessment_id)
        items = load_catalogue().select(a.level, list(a.extensions))
        check_hazard(hazard, a.level, a.extensions, [i.id for i in items])

    @requires(Role.ASSESSOR, "record major risk hazards", via="assessment", arg="assessment_id")
    def record_hazard(self, assessment_id: int, hazard):
        """Confirm a hazard (a person's decision: its trigger, problems, three-principle judgement, found date).
        Raises HazardError with one clear message and stores nothing when it cannot apply."""
        from mlps.adapters.store import hazards as hz

        self._check_hazard(assessment_id, hazard)
        return hz.add_hazard(self._sm, assessment_id, hazard, self.user)

    @requires(Role.ASSESSOR, "record major risk hazards", via="hazard", arg="hazard_id")
    def update_hazard(self, hazard_id: int, *, expected_version: int, **changes):
        """Change a hazard, e.g. remediated_on + verification when it is remediated (checked like a new one)."""
        from dataclasses import replace

        from mlps.adapters.store import hazards as hz

        assessment_id = hz.assessment_of_hazard(self._sm, hazard_id)
        current = next(h for h in hz.list_hazards(self._sm, assessment_id) if h.id == hazard_id)
        self._check_hazard(assessment_id, replace(current, **{k: tuple(v) if k in ("item_ids", "objects") else v
                                                              for k, v in changes.items()}))  # fmt: skip
        return hz.update_hazard(self._sm, hazard_id, self.user, expected_version=expected_version, **changes)

    @requires(Role.ASSESSOR, "record major risk hazards", via="hazard", arg="hazard_id")
    def remove_hazard(self, hazard_id: int) -> None:
        from mlps.adapters.store import hazards as hz

        hz.remove_hazard(self._sm, hazard_id, self.user)

    @no_store_access("reads through scoring_method and hazards")
    def verdict_inputs(self, assessment_id: int):
        """What the verdict of an assessment needs besides its results: the method (by report date, or chosen)
        and the hazard tally (Q22). One place for the screen, the remediation page and the report."""
        from mlps.rules.hazards import tally

        return self.scoring_method(assessment_id), tally(self.hazards(assessment_id))

    # -- evidence collected from servers (mlps.services.collector): viewers read, assessors import and accept
    @requires(Role.VIEWER, "see this assessment", via="assessment", arg="assessment_id")
    def collector_runs(self, assessment_id: int) -> list:
        from mlps.adapters.store import collector_runs as runs

        return runs.runs(self._sm, assessment_id)

    @requires(Role.ASSESSOR, "import collected evidence", via="assessment", arg="assessment_id")
    def import_collector_bundle(self, assessment_id: int, data: bytes, assessed_object: str = ""):
        from mlps.services import collector

        return collector.import_bundle(self._sm, assessment_id, data, assessed_object, self.user)

    @requires(Role.VIEWER, "see this assessment", via="assessment", arg="assessment.id")
    def collector_view(self, assessment, run, valid_item_ids: set[str], lang: str, current=None):
        from mlps.services import collector

        if run.assessment_id != assessment.id:
            raise PermissionDenied("this collection belongs to another assessment")
        return collector.collection(self._sm, assessment, run, valid_item_ids, lang, current)

    @requires(Role.ASSESSOR, "record results", via="assessment", arg="assessment_id")
    def accept_collector_proposals(self, assessment_id: int, run_id: int, item_ids, replace_items,
                                   valid_item_ids: set[str], lang: str) -> int:  # fmt: skip
        from mlps.adapters.store import collector_runs as runs
        from mlps.services import collector

        run = runs.get_run(self._sm, run_id)
        if run.assessment_id != assessment_id:
            raise PermissionDenied("this collection belongs to another assessment")
        assessment = repo.get_assessment(self._sm, assessment_id)
        return collector.accept(self._sm, assessment, run, item_ids, replace_items, valid_item_ids, lang, self.user)

    @requires(Role.VIEWER, "see this system", via="system", arg="system_id")
    def collected_log_retention(self, system_id: int):
        """The log retention the latest collector bundle of each assessed object of the system shows (the shortest),
        or None (read by the lifecycle builder as the log-retention evidence)."""
        from mlps.services import collector

        return collector.collected_retention(self._sm, system_id)
