"""Pages of the simulator. Public, no login; answers live in the session only."""

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from solidarite.rules.results import HouseholdResult
from solidarite.rules.territory import OTHER
from solidarite.schemes.services import get_catalog, translated
from solidarite.simulator import answers as session_answers
from solidarite.simulator.forms import HouseholdSizeForm, QuestionsForm, initial_value
from solidarite.simulator.questions import Question, deciding_questions, next_page
from solidarite.simulator.summary import OUTSIDE_MESSAGE, build_results, summary_text
from solidarite.territory.directory import places_for_schemes


def _evaluate(answers: session_answers.Answers) -> HouseholdResult:
    return get_catalog().evaluate(answers.as_household())


# A resident reads the nearest few places, not the whole directory.
PLACES_SHOWN = 3


def _with_places(
    request: HttpRequest, answers: session_answers.Answers, context: dict[str, Any]
) -> dict[str, Any]:
    """Each claimable or possible scheme with the places that deliver it (the resident's commune
    first, open soonest first), read through the directory: a confidential address never
    comes out."""
    commune = str(answers.household.get("commune_residence") or "")
    entries = [*context["claimable"], *context["maybe"]]
    found = places_for_schemes(request.user, [entry["id"] for entry in entries], commune)
    for entry in entries:
        entry["places"] = found[entry["id"]][:PLACES_SHOWN]
    return context


@require_http_methods(["GET", "POST"])
def start(request: HttpRequest) -> HttpResponse:
    answers = session_answers.load(request)
    form = HouseholdSizeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        size = form.cleaned_data["size"]
        answers = session_answers.Answers(persons=[{} for _ in range(size)])
        session_answers.save(request, answers)
        return redirect("simulator_questions")
    return render(request, "simulator/start.html", {"form": form, "in_progress": answers.started})


@require_http_methods(["GET", "POST"])
def questions(request: HttpRequest, step: int | None = None) -> HttpResponse:
    """One page of questions at its own address (/simulateur/questions/<step>/), so that the
    "previous" button and the browser's Back both return to a page with its answers kept.
    Past the pages already answered, the next page is the engine's next deciding questions."""
    answers = session_answers.load(request)
    if not answers.started:
        return redirect("simulator_start")
    if step is None:
        step = len(answers.pages) + 1  # /simulateur/questions/: the next page to answer
    elif step < 1 or step > len(answers.pages) + 1:
        return redirect("simulator_step", step=len(answers.pages) + 1)
    catalog = get_catalog()
    # One evaluation per page: the page shown reads it; posting its answers reads the page's
    # questions back (an answered page, or the new page last shown) and evaluates nothing.
    result: HouseholdResult | None = None
    initial: dict[str, Any] = {}
    if step <= len(answers.pages):
        page = _page_questions(answers, answers.pages[step - 1])
        initial = {
            session_answers.key_text(q.key): initial_value(q, answers.value(q.key)) for q in page
        }
    elif request.method == "POST" and answers.pending and answers.pending[0] == step:
        page = _page_questions(answers, answers.pending[1])
    else:
        result = _evaluate(answers)
        page = next_page(deciding_questions(catalog, answers, result))
        if not page:
            return redirect("simulator_results")
        answers.pending = (step, [session_answers.key_text(q.key) for q in page])
        session_answers.save(request, answers)
    form = QuestionsForm(page, request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        for key, value in form.answers():
            answers.set(key, value)
        # Pages after this one may no longer be asked: they are forgotten, their answers kept.
        answers.pages = [
            *answers.pages[: step - 1],
            [session_answers.key_text(q.key) for q in page],
        ]
        answers.pending = None
        session_answers.save(request, answers)
        return redirect("simulator_step", step=step + 1)
    if result is None:
        result = _evaluate(answers)
    # Progress in schemes a resident understands: a scheme counts once, when its answer is
    # known for every member it concerns.
    schemes = {r.scheme_id for r in result.results}
    pending = {r.scheme_id for r in result.results if not r.decided}
    context: dict[str, Any] = {
        "form": form,
        "group": page[0].variable.spec.group,
        "decided": len(schemes - pending),
        "total": len(schemes),
        "persons": answers.persons,
        "previous": step - 1 if step > 1 else None,
    }
    return render(request, "simulator/questions.html", context)


def _page_questions(answers: session_answers.Answers, keys: list[str]) -> list[Question]:
    """The questions of an answered page, as they were asked."""
    variables = get_catalog().variables.by_name
    page = []
    for text in keys:
        key = session_answers.parse_key(text, len(answers.persons))
        if key is not None and key[0] in variables:
            page.append(Question(variables[key[0]], key[1]))
    return page


def results(request: HttpRequest) -> HttpResponse:
    answers = session_answers.load(request)
    if not answers.started:
        return redirect("simulator_start")
    context = _with_places(
        request, answers, build_results(get_catalog(), answers, _evaluate(answers))
    )
    context["outside_message"] = OUTSIDE_MESSAGE
    return render(request, "simulator/results.html", context)


def download(request: HttpRequest) -> HttpResponse:
    answers = session_answers.load(request)
    if not answers.started:
        return redirect("simulator_start")
    text = summary_text(
        _with_places(request, answers, build_results(get_catalog(), answers, _evaluate(answers)))
    )
    response = HttpResponse(text, content_type="text/plain; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="mes-aides-solidarite.txt"'
    response["Cache-Control"] = "no-store"
    return response


@require_POST
def erase(request: HttpRequest) -> HttpResponse:
    session_answers.erase(request)
    messages.success(request, _("Vos réponses ont été effacées."))
    return redirect("simulator_start")


def recap(request: HttpRequest) -> HttpResponse:
    """Every answer given, each with a link to change it alone."""
    answers = session_answers.load(request)
    if not answers.started:
        return redirect("simulator_start")
    variables = get_catalog().variables.by_name
    rows = []
    for key in answers.asked():
        variable = variables.get(key[0])
        if variable is None or not variable.spec.is_input:
            continue
        question = Question(variable, key[1])
        rows.append(
            {
                "who": _("Votre foyer")
                if key[1] is None
                else (
                    _("Vous")
                    if len(answers.persons) == 1
                    else _("Personne %(number)s") % {"number": key[1] + 1}
                ),
                "question": translated(variable.spec.question) or translated(variable.spec.label),
                "answer": _shown_answer(question, answers.value(key)),
                "key": session_answers.key_text(key),
            }
        )
    return render(request, "simulator/recap.html", {"rows": rows})


def _shown_answer(question: Question, value: Any) -> str:
    if value is None:
        return _("Je ne sais pas")
    spec = question.variable.spec
    if spec.type == "bool":
        return _("Oui") if value else _("Non")
    if spec.type == "commune":
        return get_catalog().communes.name(value) if value != OTHER else _("Une autre commune")
    labels = spec.value_labels or {}
    return translated(labels.get(value)) or str(value)


@require_http_methods(["GET", "POST"])
def change(request: HttpRequest, key: str) -> HttpResponse:
    """Change one answer and keep all the others."""
    answers = session_answers.load(request)
    if not answers.started:
        return redirect("simulator_start")
    parsed = session_answers.parse_key(key, len(answers.persons))
    variable = get_catalog().variables.by_name.get(parsed[0]) if parsed else None
    if parsed is None or variable is None or not variable.spec.is_input:
        raise Http404
    if (variable.entity == "person") != (parsed[1] is not None):
        raise Http404
    question = Question(variable, parsed[1])
    initial = {key: initial_value(question, answers.value(parsed))}
    form = QuestionsForm([question], request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        for answer_key, value in form.answers():
            answers.set(answer_key, value)
        session_answers.save(request, answers)
        messages.success(request, _("Votre réponse a été modifiée."))
        return redirect("simulator_recap")
    return render(request, "simulator/change.html", {"form": form})
