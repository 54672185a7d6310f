"""How a step is put to people as a question: the same words in a channel and in a
private chat, so a network round's participant reads what a school team reads.

Its own module because both ``bot.engine`` (the channel's question) and ``bot.network``
(the private one) need it, and the engine already depends on the network rounds.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from bot.model import Person, Round
from bot.outbound import QuestionPost
from bot.summary import invitation, reconstructed, step_label
from dialogues.cards import Card


def question(
    rnd: Round,
    index: int,
    card: Card,
    *,
    order: Sequence[int],
    answer_until: datetime | None,
    to: Person | None = None,
) -> QuestionPost:
    """Step ``index`` as a question, numbered within ``order`` (the steps people are
    asked); ``to`` one person privately, else the channel."""
    step = rnd.steps[index]
    label, role, text = step_label(card, step.kind, step.ref)
    return QuestionPost(
        round_id=rnd.id,
        step_index=index,
        step_number=list(order).index(index) + 1,
        step_count=len(order),
        kind=step.kind,
        ref=step.ref,
        label=label,
        role=role,
        text=text,
        invitation=invitation(card, step.kind),
        reconstructed=reconstructed(card, step.kind, step.ref),
        # eerst-zelf changes how a channel's question is answered; a private question is
        # answered privately anyway (the others' answers follow one's own: bot.network)
        own_first=rnd.settings.own_first and to is None,
        answer_until=answer_until,
        timezone=rnd.settings.timezone,
        anonymous=rnd.settings.anonymous,
        platform=to.platform if to is not None else None,
        user_id=to.user_id if to is not None else None,
        name=to.name if to is not None else None,
    )
