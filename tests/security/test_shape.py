"""Issue 11, items 15-18: the shape that makes the rules hold. State machines are data and the
only code that assigns a status; `cases` and `payments` do not import each other's workflow;
every date decision uses the Paris date; every error a person reads speaks their language."""

import ast
import datetime as dt
import re
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation
from hypothesis import given, settings
from hypothesis import strategies as st

from solidarite.accounts.models import Organisation
from solidarite.cases import files
from solidarite.cases.models import CaseFile, FileStatus
from solidarite.cases.transitions import TransitionError
from solidarite.contracts import workflow
from solidarite.core import clock as platform_clock
from solidarite.payments import batches, envelopes, states
from solidarite.payments.models import Payment, PaymentStatus
from tests.payments.helpers import eligible_file, envelope

SRC = Path(__file__).resolve().parents[2] / "src" / "solidarite"
PO = SRC / "locale" / "en" / "LC_MESSAGES" / "django.po"


def _modules(under: str = "") -> list[Path]:
    return [p for p in (SRC / under).rglob("*.py") if "migrations" not in p.parts]


def _functions_assigning_status(path: Path) -> set[str]:
    """Names of the functions of `path` that assign a `status` (attribute, update or create)."""
    found: set[str] = set()

    class Visitor(ast.NodeVisitor):
        def __init__(self) -> None:
            self.stack: list[str] = ["<module>"]

        def visit_FunctionDef(self, node: ast.FunctionDef) -> None:
            self.stack.append(node.name)
            self.generic_visit(node)
            self.stack.pop()

        def visit_Assign(self, node: ast.Assign) -> None:
            for target in node.targets:
                if isinstance(target, ast.Attribute) and target.attr == "status":
                    found.add(self.stack[-1])
            self.generic_visit(node)

        def visit_Call(self, node: ast.Call) -> None:
            name = node.func.attr if isinstance(node.func, ast.Attribute) else ""
            if name in {"update", "create", "bulk_create"} and any(
                k.arg == "status" for k in node.keywords
            ):
                found.add(self.stack[-1])
            self.generic_visit(node)

    Visitor().visit(ast.parse(path.read_text(), str(path)))
    return found


# 15. State machines as data -----------------------------------------------------------------


def test_no_file_or_payment_status_is_assigned_outside_a_transition_function() -> None:
    allowed = {
        "cases/files.py": {"move"},
        "cases/transitions.py": {"move"},  # referrals
        "payments/states.py": {"move"},
        "payments/batches.py": {"validate", "cancel"},  # the batch's own status
        "cases/follow_up.py": {"set_action_status", "record_appointment"},  # actions, meetings
        "plans/services.py": {"update_measure"},  # a plan measure's status
        # a costing run: queued -> running -> done | failed | cancelled
        "costing/runner.py": {"execute", "cancel", "_finish"},
    }
    for path in _modules():
        relative = str(path.relative_to(SRC))
        if relative.startswith(("core/demo/", "rules/")):
            continue
        assigning = _functions_assigning_status(path)
        assert assigning <= allowed.get(relative, set()), (relative, assigning)


@settings(max_examples=60, deadline=None)
@given(
    source=st.sampled_from(list(PaymentStatus)),
    target=st.sampled_from(list(PaymentStatus)),
    actor=st.sampled_from(["finance", "case_worker", "system"]),
)
def test_a_payment_moves_only_along_its_table(
    source: PaymentStatus, target: PaymentStatus, actor: str
) -> None:
    payment = Payment(pk=None, status=source, amount=1)
    step = states.STEPS.get((source, target))
    if step is not None and actor in step.who:
        return  # allowed moves are exercised on the database by the payment tests
    with pytest.raises(states.PaymentStepError):
        states.move.__wrapped__([payment], target, None, actor)  # type: ignore[attr-defined]


@pytest.mark.django_db
@pytest.mark.parametrize("status", list(FileStatus))
def test_a_file_offers_exactly_the_steps_its_table_allows(
    client: Client, ccas: Organisation, people: dict[str, Any], status: FileStatus
) -> None:
    file = eligible_file(ccas)
    CaseFile.objects.filter(pk=file.pk).update(status=status, exit_reason="other")
    file.refresh_from_db()
    offered = files.available(people["worker"], file)
    assert set(offered) == {n for n, s in files.STEPS.items() if status in s.sources}
    # referents record exits, nothing else
    assert set(files.available(people["referent"], file)) == set(offered) & {"close"}
    for name, step in files.STEPS.items():
        if status not in step.sources:
            with pytest.raises(TransitionError):
                files.move(file, name, people["worker"], "motif")
    client.force_login(people["worker"])
    page = client.get(reverse("cases_file", args=[file.pk])).content.decode()
    assert (reverse("cases_file_close", args=[file.pk]) in page) == ("close" in offered)
    assert (reverse("cases_file_sign", args=[file.pk]) in page) == ("sign" in offered)


# 16. One direction between apps -------------------------------------------------------------


def _imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
            names |= {f"{node.module}.{alias.name}" for alias in node.names}
    return names


def test_cases_and_payments_do_not_import_each_others_workflow() -> None:
    for path in _modules("cases"):
        bad = {
            n
            for n in _imports(path)
            if n.startswith(("solidarite.payments", "solidarite.contracts"))
        }
        assert not bad, (path, bad)
    for path in _modules("payments"):
        bad = {n for n in _imports(path) if n.startswith("solidarite.contracts")}
        assert not bad, (path, bad)


def test_month_arithmetic_is_dateutils() -> None:
    for path in _modules():
        tree = ast.parse(path.read_text())
        defined = {n.name for n in ast.walk(tree) if isinstance(n, ast.FunctionDef)}
        assert "add_months" not in defined, path


# 17. One "today" ----------------------------------------------------------------------------


def test_no_date_decision_reads_the_server_clock_directly() -> None:
    pattern = re.compile(r"\b(date\.today\(\)|datetime\.now\(\)|datetime\.utcnow\(\))")
    for path in _modules():
        relative = str(path.relative_to(SRC))
        if relative.startswith("rules/"):  # the engine takes its date as an argument
            continue
        assert not pattern.search(path.read_text()), relative


@pytest.mark.django_db
def test_just_after_midnight_in_paris_it_is_already_the_new_month(
    ccas: Organisation, people: dict[str, Any], clock: Any
) -> None:
    """00:30 in Paris on 1 April is 22:30 UTC on 31 March: the server's UTC date would refuse
    April's batch as "in advance" and count contract bounds from the wrong day."""
    moment = clock(dt.date(2026, 4, 1), hour=0, minute=30)
    assert moment.astimezone(dt.UTC).date() == dt.date(2026, 3, 31)
    assert platform_clock.today() == dt.date(2026, 4, 1)
    envelope(ccas, contracts=1)
    low, high = workflow.start_bounds(platform_clock.today())
    assert (low, high) == (dt.date(2026, 3, 1), dt.date(2026, 7, 1))
    file = workflow.sign_contract(eligible_file(ccas), people["worker"], dt.date(2026, 3, 1), "X")
    assert file.status == FileStatus.ACTIVE
    from solidarite.payments import bank

    bank.save_bank_account(file.person, "Jeune0 Exemple", "FR7630001007941234567890185")
    prepared = batches.prepare(dt.date(2026, 4, 1), people["preparer"])
    assert prepared.batch.month == dt.date(2026, 4, 1)
    assert prepared.added == 2  # March and April


# 18. Every message a user reads is translatable ---------------------------------------------


def test_the_english_catalogue_is_complete() -> None:
    text = PO.read_text()
    assert "#, fuzzy" not in text
    assert "\n#| " not in text  # stale hints of fuzzy entries (one broke msgfmt once)
    entries = text.split("\n\n")[1:]
    empty = [e for e in entries if re.search(r'msgstr(\[\d\])? ""\s*\Z', e.strip())]
    assert empty == []


@pytest.mark.django_db
def test_service_errors_speak_english_on_english_pages(
    ccas: Organisation, chenove: Organisation, people: dict[str, Any], clock: Any
) -> None:
    clock(dt.date(2026, 3, 10))
    with translation.override("en"):
        with pytest.raises(TransitionError, match="request a catch-up"):
            workflow.sign_contract(eligible_file(ccas), people["worker"], dt.date(2025, 1, 1), "X")
        with pytest.raises(batches.BatchError, match="current month or a past one"):
            batches.prepare(dt.date(2026, 5, 1), people["preparer"])
        with pytest.raises(envelopes.NotProvider, match="only that organisation funds it"):
            envelopes.check_provider("aide_jeunes_besancon", chenove.pk)
        with pytest.raises(TransitionError, match="not allowed to take this step"):
            files.move(eligible_file(ccas, 2), "sign", people["referent"])
