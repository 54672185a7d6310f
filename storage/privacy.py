"""One person's data, found, handed over and erased; and nothing kept longer than it serves.

Answers are personal reflections of named professionals. Everything stored about a person
points at their ``persons`` row, so what is kept about them is found from there: their
answers, verdicts and participations (with their settings), and messages still waiting to
go to them. Sent messages keep a reference (their type and round), never a copy of what
they said, so a sent summary does not hold everyone's answers for as long as the outbox
row lives.

Erasure removes the person's answers, verdicts, participations and name, and the messages
waiting for them; each round they had answered remembers only *that* one participant's
answers were removed at their request (``rounds.erased``), so its outcome can say so.

Retention: a finished or cancelled round goes, with everything that hangs on it (steps,
participations, answers, verdicts, posts, outbox rows), a set time after it ended; round-
less messages (replies to commands) go sooner; a person nothing refers to any more goes
with the last thing that did.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, exists, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.store import Erased, Purged
from storage.models import (
    AnswerRow,
    InboxRow,
    OutboxRow,
    ParticipantRow,
    PersonRow,
    RoundRow,
    RoundStepRow,
    VerdictRow,
)

ENDED = ("finished", "cancelled")
CARRIES_ANSWERS = ("summary", "draft", "answers")
REFERENCE = ("type", "round_id", "step_index")  # all a sent message keeps of itself
# what an inbox row keeps of an event whose sender was erased
ERASED_EVENT: dict[str, Any] = {"erased": True}
ERASED_OUTCOME = "erased at the person's request"


def reference(content: dict[str, Any]) -> dict[str, Any]:
    """What a sent message keeps of itself: what it was, for which round and step."""
    kept: dict[str, Any] = {k: content[k] for k in REFERENCE if k in content}
    return {**kept, "sent": "reference"}


async def export(session: AsyncSession, platform: str, user_id: str) -> dict[str, Any] | None:
    """Everything stored about one person on one platform, as JSON-ready data."""
    person = await _person(session, platform, user_id)
    if person is None:
        return None
    rounds: dict[int, dict[str, Any]] = {}

    async def round_entry(round_id: int) -> dict[str, Any]:
        if round_id not in rounds:
            row = await session.get(RoundRow, round_id)
            assert row is not None
            rounds[round_id] = {
                "round": round_id,
                "channel": f"{row.platform}:{row.channel_id}"
                + (f":{row.thread_id}" if row.thread_id else ""),
                "card": row.card_id,
                "status": row.status,
                "started": _iso(row.created_at),
                "finished": _iso(row.finished_at),
                "participation": None,
                "answers": [],
                "verdicts": [],
            }
        return rounds[round_id]

    for p in await session.scalars(
        select(ParticipantRow).where(ParticipantRow.person_id == person.id)
    ):
        (await round_entry(p.round_id))["participation"] = {
            "role": p.role,
            "joined": _iso(p.joined_at),
            "reminders": "uit" if p.quiet else "aan",
            "progress": p.progress,
        }
    answers = await session.execute(
        select(AnswerRow, RoundStepRow.kind, RoundStepRow.ref)
        .outerjoin(
            RoundStepRow,
            (RoundStepRow.round_id == AnswerRow.round_id)
            & (RoundStepRow.position == AnswerRow.step_index),
        )
        .where(AnswerRow.person_id == person.id)
        .order_by(AnswerRow.round_id, AnswerRow.step_index, AnswerRow.id)
    )
    for answer, kind, ref in answers:
        (await round_entry(answer.round_id))["answers"].append(
            {
                "step": answer.step_index + 1,
                "kind": kind,
                "question": ref,
                "text": answer.text,
                "private": answer.private,
                "given": _iso(answer.given_at),
                "edited": _iso(answer.edited_at),
            }
        )
    for verdict in await session.scalars(
        select(VerdictRow).where(VerdictRow.person_id == person.id).order_by(VerdictRow.id)
    ):
        (await round_entry(verdict.round_id))["verdicts"].append(
            {"kind": verdict.kind, "text": verdict.text, "given": _iso(verdict.given_at)}
        )
    waiting = await session.scalar(
        select(func.count()).select_from(OutboxRow).where(_pending(), _to(platform, user_id))
    )
    return {
        "person": {
            "platform": person.platform,
            "user_id": person.user_id,
            "name": person.name,
            "first_seen": _iso(person.first_seen),
        },
        "rounds": [rounds[k] for k in sorted(rounds)],
        "messages_waiting": waiting or 0,
    }


async def erase(session: AsyncSession, platform: str, user_id: str, now: datetime) -> Erased | None:
    """Remove the person; None if nothing is stored about them."""
    events = await _forget_their_events(session, platform, user_id, now)
    person = await _person(session, platform, user_id)
    if person is None:
        return None
    answered = list(
        await session.scalars(
            select(AnswerRow.round_id).where(AnswerRow.person_id == person.id).distinct()
        )
    )
    answers = await session.execute(delete(AnswerRow).where(AnswerRow.person_id == person.id))
    verdicts = await session.execute(delete(VerdictRow).where(VerdictRow.person_id == person.id))
    await session.execute(delete(ParticipantRow).where(ParticipantRow.person_id == person.id))
    messages = await session.execute(delete(OutboxRow).where(_pending(), _to(platform, user_id)))
    await session.execute(delete(PersonRow).where(PersonRow.id == person.id))
    if answered:
        await session.execute(
            update(RoundRow)
            .where(RoundRow.id.in_(answered))
            .values(erased=RoundRow.erased + 1, version=RoundRow.version + 1)
        )
    fixed = await session.scalars(
        select(RoundRow.id).where(
            or_(
                RoundRow.id.in_(answered) & RoundRow.review.is_not(None),
                # a later round that keeps the actions of one they answered in
                RoundRow.previous["round_id"].as_integer().in_(answered),
            )
        )
    )
    recompose = await session.scalars(
        select(OutboxRow.id).where(
            _pending(),
            OutboxRow.round_id.in_(answered),
            OutboxRow.content["type"].as_string().in_(CARRIES_ANSWERS),
        )
    )
    return Erased(
        rounds=len(answered),
        answers=answers.rowcount,  # type: ignore[attr-defined]
        verdicts=verdicts.rowcount,  # type: ignore[attr-defined]
        messages=messages.rowcount,  # type: ignore[attr-defined]
        recompose=tuple(recompose),
        fixed=tuple(fixed),
        events=events,
    )


async def _forget_their_events(
    session: AsyncSession, platform: str, user_id: str, now: datetime
) -> int:
    """What the person sent that the inbox still holds: events handled in the last days
    (kept to recognise a redelivery) carry their name and words, and an answer not yet
    worked off would be stored after the erasure. Both lose their content; one still
    waiting is closed, so it is never worked off. (An event another process is working
    off at this very moment may still land: see the README.)"""
    theirs = (
        InboxRow.platform == platform,
        InboxRow.payload[("person", "platform")].as_string() == platform,
        InboxRow.payload[("person", "user_id")].as_string() == user_id,
    )
    waiting = await session.execute(
        update(InboxRow)
        .where(*theirs, InboxRow.done_at.is_(None))
        .values(payload=ERASED_EVENT, done_at=now, claimed_until=None, outcome=ERASED_OUTCOME)
    )
    handled = await session.execute(
        update(InboxRow).where(*theirs, InboxRow.done_at.is_not(None)).values(payload=ERASED_EVENT)
    )
    return waiting.rowcount + handled.rowcount  # type: ignore[attr-defined,no-any-return]


async def purge(
    session: AsyncSession,
    now: datetime,
    *,
    rounds_after: timedelta,
    messages_after: timedelta,
    dry_run: bool = False,
) -> Purged:
    """Delete what has been kept long enough (or, ``dry_run``, only count it).

    An ended round goes when the time its welcome promised is over (``keep_until``), or
    sooner when the installation's retention (``rounds_after``) has been lowered since:
    never later than was said, and never later than the installation now allows."""
    old_rounds = select(RoundRow.id).where(
        RoundRow.status.in_(ENDED),
        or_(
            RoundRow.keep_until < now,
            func.coalesce(RoundRow.finished_at, RoundRow.created_at) < now - rounds_after,
        ),
    )
    old_messages = (
        OutboxRow.round_id.is_(None),
        or_(OutboxRow.sent_at < now - messages_after, OutboxRow.dead_at < now - messages_after),
    )
    ids = list(await session.scalars(old_rounds))
    answers = await session.scalar(
        select(func.count()).select_from(AnswerRow).where(AnswerRow.round_id.in_(old_rounds))
    )
    messages = await session.scalar(
        select(func.count()).select_from(OutboxRow).where(*old_messages)
    )
    if not dry_run:
        for start in range(0, len(ids), 500):  # steps, answers, posts… go with them (cascade)
            await session.execute(delete(RoundRow).where(RoundRow.id.in_(ids[start : start + 500])))
        await session.execute(delete(OutboxRow).where(*old_messages))
    # people nothing refers to once those rounds are gone (already gone, unless a dry run)
    orphans = select(PersonRow.id).where(
        PersonRow.first_seen < now - messages_after,
        *(
            ~exists().where(table.person_id == PersonRow.id, table.round_id.not_in(old_rounds))
            for table in (ParticipantRow, AnswerRow, VerdictRow)
        ),
    )
    if dry_run:
        persons = await session.scalar(select(func.count()).select_from(orphans.subquery()))
    else:
        persons = (
            await session.execute(delete(PersonRow).where(PersonRow.id.in_(orphans)))
        ).rowcount  # type: ignore[attr-defined]
    return Purged(len(ids), answers or 0, messages or 0, persons or 0)


async def _person(session: AsyncSession, platform: str, user_id: str) -> PersonRow | None:
    return (
        await session.scalars(
            select(PersonRow).where(PersonRow.platform == platform, PersonRow.user_id == user_id)
        )
    ).first()


def _pending() -> Any:
    return (OutboxRow.sent_at.is_(None)) & (OutboxRow.dead_at.is_(None))


def _to(platform: str, user_id: str) -> Any:
    """Messages addressed to the person: direct ones, and private replies in a channel."""
    escaped = user_id.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return or_(
        OutboxRow.recipient == f"{platform}:user:{user_id}",
        OutboxRow.recipient.like(f"{platform}:%:user:{escaped}", escape="\\"),
    )


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None
