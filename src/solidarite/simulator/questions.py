"""Which questions to ask next: the unknown inputs that would decide the undecided schemes,
grouped (household, ages, situation, resources, housing), one group per page."""

from dataclasses import dataclass

from solidarite.rules.catalog import Catalog
from solidarite.rules.results import HouseholdResult
from solidarite.rules.variables import Variable
from solidarite.simulator.answers import Answers, QuestionKey

GROUP_ORDER = ("household", "ages", "situation", "resources", "housing")


@dataclass(frozen=True)
class Question:
    variable: Variable
    person: int | None

    @property
    def key(self) -> QuestionKey:
        return (self.variable.name, self.person)


def deciding_questions(
    catalog: Catalog, answers: Answers, result: HouseholdResult
) -> list[Question]:
    """Every (variable, member) whose answer could decide a scheme still undecided."""
    wanted: dict[QuestionKey, Question] = {}
    for item in result.results:
        for name in item.unknown_variables:
            variable = catalog.variables.by_name[name]
            if variable.entity == "household":
                members: list[int | None] = [None]
            elif item.person_index is not None and name not in _via_household(
                catalog, item.scheme_id
            ):
                members = [item.person_index]
            else:
                members = list(range(len(answers.persons)))
            for person in members:
                question = Question(variable, person)
                if not answers.was_asked(question.key):
                    wanted.setdefault(question.key, question)
    return sorted(
        wanted.values(),
        key=lambda q: (
            GROUP_ORDER.index(q.variable.spec.group),
            -1 if q.person is None else q.person,
            q.variable.name,
        ),
    )


def _via_household(catalog: Catalog, scheme_id: str) -> frozenset[str]:
    """Person inputs a person scheme reads only through household aggregates: those are asked
    of every member, the others only of the member concerned."""
    scheme = catalog.schemes[scheme_id]
    read = [catalog.variables.by_name[name] for f in scheme.formulas for name in f.variables]
    through_household: set[str] = set().union(*(v.inputs for v in read if v.entity == "household"))
    direct: set[str] = set().union(*(v.inputs for v in read if v.entity == "person"))
    return frozenset(through_household - direct)


def next_page(questions: list[Question]) -> list[Question]:
    """The questions of the first group that still has some."""
    if not questions:
        return []
    group = questions[0].variable.spec.group
    return [q for q in questions if q.variable.spec.group == group]
