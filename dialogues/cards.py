"""The card format, and loading cards with errors that point at file, line and field.

A card is data, not code: facilitators should be able to fix a typo or write a new card
without touching Python. That only works if a broken card explains itself in terms of the
YAML file the author is looking at, so every validation error is mapped back to a line.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

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
    title: NonEmpty
    text: NonEmpty


class EvaluationQuestion(_Strict):
    # The summary groups the outcome by these keys: insights, actions, whom to involve.
    key: Literal["inzichten", "acties", "betrekken"]
    label: NonEmpty
    text: NonEmpty


class Footnote(_Strict):
    term: NonEmpty
    text: NonEmpty


class Source(_Strict):
    publisher: NonEmpty
    author: NonEmpty
    url: str | None = None
    members: list[NonEmpty] = Field(default_factory=list)


class Card(_Strict):
    id: CardId
    title: NonEmpty
    language: Literal["nl"] = "nl"
    purpose: NonEmpty
    opening: Opening
    roles: list[Role] = Field(min_length=1)
    droomvraag: Droomvraag
    evaluation: list[EvaluationQuestion] = Field(min_length=1)
    footnotes: list[Footnote] = Field(default_factory=list)
    source: Source

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
        return self

    def questions(self) -> list[tuple[Role, Question]]:
        """Every numbered question in card order, with its role."""
        return [(role, q) for role in self.roles for q in role.questions]

    def role(self, number: int) -> Role | None:
        return next((r for r in self.roles if r.number == number), None)

    def question(self, number: str) -> tuple[Role, Question] | None:
        return next(((r, q) for r, q in self.questions() if q.number == number), None)


_ = re  # used by the loader below
