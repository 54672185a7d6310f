"""The card format, and loading cards with errors that point at file, line and field.

A card is data, not code: facilitators should be able to fix a typo or write a new card
without touching Python. That only works if a broken card explains itself in terms of the
YAML file the author is looking at, so every validation error is mapped back to a line.

Only the numbered questions are required. The opening, the droomvraag and the evaluation
are what the Dialoogkaart asks; a shorter card (a reaction round) can do without them,
and every part of the bot that shows a card leaves out what the card does not have.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)

CARDS_DIR = Path(__file__).resolve().parent

NonEmpty = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
QuestionNumber = Annotated[str, StringConstraints(pattern=r"^[1-9][0-9]*\.[1-9][0-9]*$")]
CardId = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9-]*$")]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Question(_Strict):
    number: QuestionNumber
    text: NonEmpty
    # True where the source lost words and the card completes them; shown to nobody
    # as a question difference, but kept so the card stays honest about its source.
    reconstructed: bool = False
    note: str | None = None


class Role(_Strict):
    """A numbered part of a card with its questions: a role on the Dialoogkaart, a theme
    or a section on other cards (``Card.role_word`` says which)."""

    number: int = Field(ge=1)
    title: NonEmpty
    description: NonEmpty
    questions: list[Question] = Field(min_length=1)

    @model_validator(mode="after")
    def _numbers_belong_to_role(self) -> Role:
        for q in self.questions:
            if q.number.split(".")[0] != str(self.number):
                raise ValueError(
                    f"vraag {q.number} hoort niet bij rol {self.number}: "
                    f"nummers in deze rol beginnen met '{self.number}.'"
                )
        return self


class Opening(_Strict):
    question: NonEmpty
    invitation: NonEmpty


class Droomvraag(_Strict):
    """The card's closing step, looking ahead; the outcome gathers its answers as the
    group's dream. A card words its own (title and text), or has none."""

    title: NonEmpty
    text: NonEmpty


class EvaluationQuestion(_Strict):
    # The summary groups the outcome by these keys: insights, actions, whom to involve.
    key: Literal["inzichten", "acties", "betrekken"]
    label: NonEmpty
    text: NonEmpty


class Usage(_Strict):
    """How groups use the card: the welcome, ``cards show`` and the paper format say it."""

    text: NonEmpty
    settings: list[NonEmpty] = Field(default_factory=list)


class Footnote(_Strict):
    term: NonEmpty
    text: NonEmpty


class Source(_Strict):
    publisher: NonEmpty
    author: NonEmpty | None = None
    # the publication the card is drawn from, when it is not the card itself
    document: NonEmpty | None = None
    url: str | None = None
    members: list[NonEmpty] = Field(default_factory=list)


# What a card's numbered parts are, in the singular and the plural.
ROLE_WORDS: dict[str, tuple[str, str]] = {
    "rol": ("rol", "rollen"),
    "thema": ("thema", "thema’s"),
    "onderdeel": ("onderdeel", "onderdelen"),
}


class Card(_Strict):
    id: CardId
    title: NonEmpty
    # The language of the card's texts; a translation says which card it renders.
    language: Literal["nl", "en"] = "nl"
    # The id of the card this one translates: same roles, same question numbers, one to
    # one. Whether that card exists, and matches, is checked across cards, not here.
    translation_of: CardId | None = None
    purpose: NonEmpty
    usage: Usage | None = None
    # True when the questions were written for dialoogbot from the source, rather than
    # quoted from it: the card says so wherever its source is named.
    written_for_dialoogbot: bool = False
    role_word: Literal["rol", "thema", "onderdeel"] = "rol"
    opening: Opening | None = None
    roles: list[Role] = Field(min_length=1)
    droomvraag: Droomvraag | None = None
    evaluation: list[EvaluationQuestion] = Field(default_factory=list)
    footnotes: list[Footnote] = Field(default_factory=list)
    source: Source

    @field_validator("translation_of")
    @classmethod
    def _not_of_itself(cls, value: str | None, info: ValidationInfo) -> str | None:
        if value is not None and value == info.data.get("id"):
            raise ValueError(
                f"kaart ‘{value}’ kan geen vertaling van zichzelf zijn: "
                "noem de id van de kaart die deze kaart vertaalt"
            )
        return value

    @model_validator(mode="after")
    def _unique_numbers(self) -> Card:
        seen: set[str] = set()
        for role in self.roles:
            for q in role.questions:
                if q.number in seen:
                    raise ValueError(f"vraagnummer {q.number} komt twee keer voor")
                seen.add(q.number)
        roles = [r.number for r in self.roles]
        if len(set(roles)) != len(roles):
            raise ValueError("elk rolnummer mag maar één keer voorkomen")
        keys = [e.key for e in self.evaluation]
        twice = [k for k in keys if keys.count(k) > 1]
        if twice:
            raise ValueError(f"evaluatievraag ‘{twice[0]}’ komt twee keer voor")
        return self

    @property
    def role_words(self) -> tuple[str, str]:
        """("rol", "rollen"), ("thema", "thema’s"): how sentences name the numbered parts."""
        return ROLE_WORDS[self.role_word]

    @property
    def asks_actions(self) -> bool:
        """Whether the card asks who will do what: only then has its outcome actions."""
        return any(e.key == "acties" for e in self.evaluation)

    def origin(self) -> str:
        """The source as one line: document, publisher, author, as far as they are known."""
        s = self.source
        return "; ".join(x for x in (s.document, s.publisher, s.author) if x)

    def first_sentence(self) -> str:
        """The purpose's first sentence: what a list of cards says about this one."""
        purpose = " ".join(self.purpose.split())
        match = re.match(r"(.+?[.?!])(\s|$)", purpose)
        return match[1] if match else f"{purpose}."

    def questions(self) -> list[tuple[Role, Question]]:
        """Every numbered question in card order, with its role."""
        return [(role, q) for role in self.roles for q in role.questions]

    def role(self, number: int) -> Role | None:
        return next((r for r in self.roles if r.number == number), None)

    def question(self, number: str) -> tuple[Role, Question] | None:
        return next(((r, q) for r, q in self.questions() if q.number == number), None)


# --- loading ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CardProblem:
    line: int | None
    field: str
    message: str


class CardError(Exception):
    """A card that cannot be used, with every problem found, each at its line."""

    def __init__(self, path: Path, problems: list[CardProblem]) -> None:
        self.path = path
        self.problems = problems
        super().__init__(str(self))

    @property
    def line(self) -> int | None:
        return self.problems[0].line

    @property
    def field(self) -> str:
        return self.problems[0].field

    @property
    def message(self) -> str:
        return self.problems[0].message

    def __str__(self) -> str:
        return "\n".join(
            f"{self.path}:{p.line if p.line is not None else '-'}: {p.field}: {p.message}"
            for p in self.problems
        )


class _CardLoader(yaml.SafeLoader):
    """SafeLoader that keeps ``1.1`` a string: question numbers are labels, not floats."""


_CardLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:float"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def load_card(path: Path | str) -> Card:
    """Read and validate one card file; every failure is a CardError naming file and line."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise CardError(path, [CardProblem(None, "-", "bestand bestaat niet")]) from None
    except UnicodeDecodeError as exc:
        problem = CardProblem(None, "-", f"geen UTF-8-tekst (byte {exc.start})")
        raise CardError(path, [problem]) from None
    except OSError as exc:
        raise CardError(path, [CardProblem(None, "-", exc.strerror or str(exc))]) from None
    try:
        node = yaml.compose(text, Loader=_CardLoader)
        data = yaml.load(text, Loader=_CardLoader)  # a SafeLoader subclass
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else None
        problem = CardProblem(line, "-", f"geen geldige YAML: {exc.problem or exc.context}")
        raise CardError(path, [problem]) from None
    except yaml.YAMLError as exc:
        raise CardError(path, [CardProblem(None, "-", f"geen geldige YAML: {exc}")]) from None
    if not isinstance(data, dict) or node is None:
        problem = CardProblem(
            1, "-", "een kaart is een YAML-mapping met velden als id, title en roles"
        )
        raise CardError(path, [problem])
    try:
        return Card.model_validate(data)
    except ValidationError as exc:
        problems = [
            CardProblem(_line_of(node, err["loc"]), _field_name(err["loc"]), _message(err))
            for err in exc.errors()
        ]
        raise CardError(path, problems) from None


def _line_of(node: yaml.Node, loc: tuple[int | str, ...]) -> int:
    """The line of the YAML node at ``loc``, or of the nearest parent that exists."""
    line = node.start_mark.line + 1
    for part in loc:
        found: yaml.Node | None = None
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                if key.value == str(part):
                    found, line = value, key.start_mark.line + 1  # where the key is written
                    break
        elif (
            isinstance(node, yaml.SequenceNode) and isinstance(part, int) and part < len(node.value)
        ):
            found = node.value[part]
            line = found.start_mark.line + 1
        if found is None:
            return line
        node = found
    return line


def _field_name(loc: tuple[int | str, ...]) -> str:
    name = ""
    for part in loc:
        name += f"[{part}]" if isinstance(part, int) else (f".{part}" if name else str(part))
    return name or "(kaart)"


_MESSAGES = {
    "missing": "verplicht veld ontbreekt",
    "extra_forbidden": "onbekend veld (controleer de spelling)",
    "string_too_short": "mag niet leeg zijn",
    "too_short": "mag niet leeg zijn",
    "string_type": "verwacht tekst",
    "int_type": "verwacht een geheel getal",
    "int_parsing": "verwacht een geheel getal",
    "bool_type": "verwacht true of false",
    "bool_parsing": "verwacht true of false",
    "list_type": "verwacht een lijst (regels die met '-' beginnen)",
    "model_type": "verwacht velden met waarden (een mapping)",
    "dict_type": "verwacht velden met waarden (een mapping)",
}


def _message(err: Any) -> str:
    kind = err["type"]
    loc = err["loc"]
    if kind == "string_pattern_mismatch":
        if loc and loc[-1] == "number":
            return "verwacht een vraagnummer als 1.1 (rolnummer, punt, vraagnummer)"
        if loc and loc[-1] in ("id", "translation_of"):
            return "alleen kleine letters, cijfers en streepjes, bijvoorbeeld mijn-kaart"
    if kind == "literal_error":
        return f"kies uit: {err['ctx']['expected']}"
    if kind == "greater_than_equal":
        return f"moet minstens {err['ctx']['ge']} zijn"
    if kind == "value_error":
        return str(err["msg"]).removeprefix("Value error, ")
    return _MESSAGES.get(kind, str(err["msg"]))


def card_paths() -> list[Path]:
    """By name without the suffix, so a translation (``dialoogkaart-en``) follows its
    source (``dialoogkaart``) in every list."""
    return sorted(CARDS_DIR.glob("*.yaml"), key=lambda path: path.stem)


@cache
def load_builtin_cards() -> dict[str, Card]:
    """The cards shipped in this folder, by id; loaded once per process."""
    cards: dict[str, Card] = {}
    for path in card_paths():
        card = load_card(path)
        if card.id in cards:
            problem = CardProblem(1, "id", f"kaart-id '{card.id}' bestaat al")
            raise CardError(path, [problem])
        cards[card.id] = card
    return cards


def get_card(card_id: str) -> Card:
    """A built-in card; ``dialogues.catalogue`` adds the cards of a folder."""
    cards = load_builtin_cards()
    if card_id not in cards:
        raise unknown_card(card_id, cards)
    return cards[card_id]


def unknown_card(card_id: str, known: Iterable[str]) -> KeyError:
    """The error for a card id nobody offers, naming the ones there are."""
    return KeyError(f"Kaart ‘{card_id}’ bestaat niet; beschikbaar: {', '.join(sorted(known))}.")


def line_of(path: Path, loc: tuple[int | str, ...]) -> int | None:
    """The line of a field in a card file that loads: for problems found beyond one file,
    such as an id another card already has."""
    try:
        node = yaml.compose(path.read_text(encoding="utf-8"), Loader=_CardLoader)
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        return None
    return None if node is None else _line_of(node, loc)
