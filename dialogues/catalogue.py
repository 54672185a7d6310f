"""The cards on offer: the built-in ones, and those a school puts in a folder of its own.

A coordinator adds a card by putting a YAML file in ``DIALOOGBOT_CARDS_DIR``; no code
changes. One broken file must not take the bot down nor hide the other cards, so every
file in that folder is loaded on its own: a file that fails is refused with its file,
line and field (kept in ``problems``, for the log at start and ``cards validate``) and
the others are offered. A card whose id is already taken is refused the same way: a
school adapts a built-in card by giving its copy an id of its own, never by shadowing
the original, so a round's ``card_id`` always means one card.

The built-in cards ship with the code: one of those broken is a bug, and raises.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from dialogues.cards import (
    Card,
    CardError,
    CardProblem,
    card_paths,
    line_of,
    load_builtin_cards,
    load_card,
    unknown_card,
)

SUFFIXES = (".yaml", ".yml")


@dataclass(frozen=True, slots=True)
class Catalogue:
    """Cards by id, built-in first and then the folder's in file-name order."""

    cards: Mapping[str, Card]
    # where each card was read from, to name the file that has an id first
    paths: Mapping[str, Path] = field(default_factory=dict)
    problems: tuple[CardError, ...] = ()

    def get(self, card_id: str) -> Card:
        """The card with this id; a KeyError whose message lists the ids there are."""
        if card_id not in self.cards:
            raise unknown_card(card_id, self.cards)
        return self.cards[card_id]

    def offered(self) -> list[Card]:
        return list(self.cards.values())


def folder_paths(folder: Path) -> list[Path]:
    """The card files in a folder, in name order; other files are not cards."""
    return sorted(p for p in folder.iterdir() if p.is_file() and p.suffix in SUFFIXES)


@cache
def load_catalogue(folder: Path | None = None) -> Catalogue:
    """The built-in cards plus those in ``folder``; loaded once per process and folder."""
    cards = dict(load_builtin_cards())
    paths = dict(zip(cards, card_paths(), strict=True))  # loaded in this order, one each
    problems: list[CardError] = []
    for path in folder_paths(folder) if folder is not None else []:
        try:
            card = load_card(path)
            check_id_is_free(card, path, paths)
        except CardError as exc:
            problems.append(exc)
            continue
        cards[card.id] = card
        paths[card.id] = path
    return Catalogue(cards, paths, tuple(problems))


def check_id_is_free(card: Card, path: Path, paths: Mapping[str, Path]) -> None:
    """Raise a CardError, at the id's line, when another file already has this card's id;
    also for a card checked before it goes into the folder."""
    known = paths.get(card.id)
    if known is not None and known.resolve() != path.resolve():
        message = f"kaart-id ‘{card.id}’ bestaat al ({known}); geef deze kaart een eigen id"
        raise CardError(path, [CardProblem(line_of(path, ("id",)), "id", message)])
