"""The resident's answers, kept in their session only: never in a model, a URL or a log."""

from dataclasses import dataclass, field
from typing import Any

from django.http import HttpRequest

SESSION_KEY = "simulator_answers"
MAX_PERSONS = 10


@dataclass
class Answers:
    household: dict[str, Any] = field(default_factory=dict)
    persons: list[dict[str, Any]] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    # The pages already answered, in order, each as its question keys (key_text): the
    # "previous" button and the browser's Back return to them with their answers.
    pages: list[list[str]] = field(default_factory=list)
    # The new page last shown (its step and question keys): its answers are read against it,
    # so that posting them does not evaluate the household a second time.
    pending: tuple[int, list[str]] | None = None

    @property
    def started(self) -> bool:
        return bool(self.persons)

    def as_household(self) -> dict[str, Any]:
        return {"household": self.household, "persons": self.persons}

    def set(self, key: "QuestionKey", value: Any) -> None:
        """Record an answer; None means "I don't know" and is remembered so it is not re-asked."""
        name, person = key
        target = self.household if person is None else self.persons[person]
        if value is None:
            target.pop(name, None)
            if key_text(key) not in self.skipped:
                self.skipped.append(key_text(key))
        else:
            target[name] = value
            if key_text(key) in self.skipped:
                self.skipped.remove(key_text(key))

    def asked(self) -> list["QuestionKey"]:
        """Every question answered or skipped, household first, then each member's."""
        keys: list[QuestionKey] = [(name, None) for name in self.household]
        for index, person in enumerate(self.persons):
            keys += [(name, index) for name in person]
        for text in self.skipped:
            key = parse_key(text, len(self.persons))
            if key is not None and key not in keys:
                keys.append(key)
        return keys

    def value(self, key: "QuestionKey") -> Any:
        name, person = key
        target = self.household if person is None else self.persons[person]
        return target.get(name)

    def was_asked(self, key: "QuestionKey") -> bool:
        name, person = key
        target = self.household if person is None else self.persons[person]
        return name in target or key_text(key) in self.skipped


QuestionKey = tuple[str, int | None]


def key_text(key: QuestionKey) -> str:
    name, person = key
    return f"{name}__{'h' if person is None else person}"


def parse_key(text: str, persons: int) -> QuestionKey | None:
    """The key of `key_text`, or None when it names no member of this household."""
    name, separator, who = text.rpartition("__")
    if not separator or not name:
        return None
    if who == "h":
        return (name, None)
    if who.isdigit() and int(who) < persons:
        return (name, int(who))
    return None


def load(request: HttpRequest) -> Answers:
    data = request.session.get(SESSION_KEY) or {}
    return Answers(
        household=dict(data.get("household", {})),
        persons=[dict(p) for p in data.get("persons", [])],
        skipped=list(data.get("skipped", [])),
        pages=[list(page) for page in data.get("pages", [])],
        pending=_pending(data.get("pending")),
    )


def _pending(raw: Any) -> tuple[int, list[str]] | None:
    if not isinstance(raw, list | tuple) or len(raw) != 2 or not isinstance(raw[0], int):
        return None
    return raw[0], [str(key) for key in raw[1]]


def save(request: HttpRequest, answers: Answers) -> None:
    request.session[SESSION_KEY] = {
        "household": answers.household,
        "persons": answers.persons,
        "skipped": answers.skipped,
        "pages": answers.pages,
        "pending": list(answers.pending) if answers.pending else None,
    }


def erase(request: HttpRequest) -> None:
    request.session.pop(SESSION_KEY, None)
