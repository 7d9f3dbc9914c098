"""Pages of the simulator. Public, no login; answers live in the session only."""

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from solidarite.rules.results import HouseholdResult
from solidarite.schemes.services import get_catalog
from solidarite.simulator import answers as session_answers
from solidarite.simulator.forms import HouseholdSizeForm, QuestionsForm
from solidarite.simulator.questions import deciding_questions, next_page
from solidarite.simulator.summary import OUTSIDE_MESSAGE, build_results, summary_text


def _evaluate(answers: session_answers.Answers) -> HouseholdResult:
    return get_catalog().evaluate(answers.as_household())


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
def questions(request: HttpRequest) -> HttpResponse:
    answers = session_answers.load(request)
    if not answers.started:
        return redirect("simulator_start")
    catalog = get_catalog()
    result = _evaluate(answers)
    page = next_page(deciding_questions(catalog, answers, result))
    if not page:
        return redirect("simulator_results")
    form = QuestionsForm(page, request.POST or None)
    if request.method == "POST" and form.is_valid():
        for key, value in form.answers():
            answers.set(key, value)
        session_answers.save(request, answers)
        return redirect("simulator_questions")
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
    }
    return render(request, "simulator/questions.html", context)


def results(request: HttpRequest) -> HttpResponse:
    answers = session_answers.load(request)
    if not answers.started:
        return redirect("simulator_start")
    context = build_results(get_catalog(), answers, _evaluate(answers))
    context["outside_message"] = OUTSIDE_MESSAGE
    return render(request, "simulator/results.html", context)


def download(request: HttpRequest) -> HttpResponse:
    answers = session_answers.load(request)
    if not answers.started:
        return redirect("simulator_start")
    text = summary_text(build_results(get_catalog(), answers, _evaluate(answers)))
    response = HttpResponse(text, content_type="text/plain; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="mes-aides-solidarite.txt"'
    response["Cache-Control"] = "no-store"
    return response


@require_POST
def erase(request: HttpRequest) -> HttpResponse:
    session_answers.erase(request)
    messages.success(request, _("Vos réponses ont été effacées."))
    return redirect("simulator_start")
