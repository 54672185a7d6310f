"""Reading and writing rounds, answers, the inbox and the outbox, in the core's own types.

The core works with ``Round`` values and the types of ``bot.store``; this module is the
only place that knows how they are laid out in tables. Every method runs inside the
caller's transaction. Where the core handles many things at once (a batch of answers,
a chunk of due rounds), there is a ``_many`` method that does it in a few set-based
statements rather than a few statements per thing.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import bindparam, case, delete, func, insert, or_, select, tuple_, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from bot.model import (
    Answer,
    Cadence,
    ChannelRef,
    InboundEvent,
    Member,
    Person,
    Previous,
    Review,
    ReviewPhase,
    Round,
    RoundSettings,
    Status,
    Step,
    StepKind,
    StepState,
    Verdict,
    VerdictKind,
)
from bot.outbound import CONTENT, Content, Post, QuestionPost, recipient
from bot.store import (
    AnswerTarget,
    ConcurrentUpdate,
    Erased,
    InboxEntry,
    PendingMessage,
    Purged,
)
from bot.synthesis import ActionRow, Synthesis
from storage import privacy
from storage.events import decode, encode
from storage.models import (
    AnswerRow,
    InboxRow,
    OutboxRow,
    ParticipantRow,
    PersonRow,
    PostRow,
    RoundRow,
    RoundStepRow,
    VerdictRow,
)
from storage.privacy import reference


@dataclass(frozen=True, slots=True)
class Observed:
    """What the database says about the whole installation, for the metrics."""

    rounds: dict[str, int] = field(default_factory=dict)  # by status
    answers: int = 0
    dead_letters: dict[str, int] = field(default_factory=dict)  # by platform
    oldest_pending: dict[str, datetime] = field(default_factory=dict)  # by platform


class Repository:
    """``bot.store.Unit`` on SQLAlchemy: one session, inside one transaction."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    def savepoint(self) -> AbstractAsyncContextManager[object]:
        return self.session.begin_nested()

    # --- rounds -------------------------------------------------------------------------

    async def get(self, round_id: int, *, message_id: str | None = None) -> Round | None:
        """The round with all its answers, or with only the answer given as ``message_id``.

        An answer, edit or deletion concerns one message, and ``save`` writes only the
        answers that differ, so loading just that message keeps an answer's cost flat
        however many answers the round already holds.
        """
        row = await self.session.get(RoundRow, round_id, populate_existing=True)
        return None if row is None else await self._load(row, message_id)

    async def get_many(self, round_ids: Sequence[int]) -> dict[int, Round]:
        """Several rounds without their answers, in three queries whatever their number:
        what stepping a chunk of due rounds needs.

        The rounds' rows are locked until the transaction ends (``FOR UPDATE``; SQLite's
        transactions hold its one write lock anyway), so a command that changes one of
        them meanwhile waits and then finds the new version, and ``save_many`` needs no
        per-row check that PostgreSQL's executemany could not report.
        """
        if not round_ids:
            return {}
        # plain rows, not ORM objects: a chunk of 50 rounds has 1,550 steps
        rows = await self.session.execute(
            select(RoundRow.__table__)
            .where(RoundRow.id.in_(list(round_ids)))
            .order_by(RoundRow.id)
            .with_for_update()
        )
        steps: dict[int, list[Step]] = {}
        for st in await self.session.execute(
            select(RoundStepRow.__table__)
            .where(RoundStepRow.round_id.in_(list(round_ids)))
            .order_by(RoundStepRow.round_id, RoundStepRow.position)
        ):
            steps.setdefault(st.round_id, []).append(_step(st))
        people: dict[int, list[tuple[str, bool, Person]]] = {}
        for row in await self.session.execute(
            select(
                ParticipantRow.round_id, ParticipantRow.role, ParticipantRow.quiet,
                PersonRow.platform, PersonRow.user_id, PersonRow.name,
            )
            .join(PersonRow, PersonRow.id == ParticipantRow.person_id)
            .where(
                ParticipantRow.round_id.in_(list(round_ids)),
                or_(ParticipantRow.role != "member", ParticipantRow.quiet.is_(True)),
            )
        ):  # fmt: skip
            person = Person(row.platform, row.user_id, row.name)
            people.setdefault(row.round_id, []).append((row.role, row.quiet, person))
        return {
            row.id: _round(row, tuple(steps.get(row.id, ())), people.get(row.id, []), ())
            for row in rows
        }

    async def undelivered_many(self, rounds: Sequence[Round]) -> set[int]:
        """Of these rounds, those whose channel has not received all they said yet."""
        if not rounds:
            return set()
        found = await self.session.scalars(
            select(OutboxRow.round_id)
            .where(
                tuple_(OutboxRow.round_id, OutboxRow.recipient).in_(
                    [(r.id, str(r.channel)) for r in rounds]
                ),
                OutboxRow.sent_at.is_(None),
                OutboxRow.dead_at.is_(None),
            )
            .distinct()
        )
        return {round_id for round_id in found if round_id is not None}

    async def active(self, channel: ChannelRef) -> Round | None:
        active = [s.value for s in Status if s.active]
        return await self._first(channel, RoundRow.status.in_(active))

    async def latest(self, channel: ChannelRef) -> Round | None:
        return await self._first(channel, None)

    async def _first(self, channel: ChannelRef, condition: Any) -> Round | None:
        query = select(RoundRow).where(
            RoundRow.platform == channel.platform,
            RoundRow.channel_id == channel.channel_id,
            RoundRow.thread_id == (channel.thread_id or ""),
        )
        if condition is not None:
            query = query.where(condition)
        query = query.order_by(RoundRow.id.desc()).limit(1)
        query = query.execution_options(populate_existing=True)
        row = (await self.session.scalars(query)).first()
        return None if row is None else await self._load(row)

    async def spoken(self, channel: ChannelRef, person: Person) -> str | None:
        """The language of the round a message here is about: the channel's newest round,
        else (a private chat) the newest round the person takes part in on this platform.
        None where neither says: the installation's."""
        in_channel = (
            select(RoundRow.settings)
            .where(
                RoundRow.platform == channel.platform,
                RoundRow.channel_id == channel.channel_id,
                RoundRow.thread_id == (channel.thread_id or ""),
            )
            .order_by(RoundRow.id.desc())
            .limit(1)
        )
        settings = (await self.session.scalars(in_channel)).first()
        if settings is None:
            theirs = (
                select(RoundRow.settings)
                .join(ParticipantRow, ParticipantRow.round_id == RoundRow.id)
                .join(PersonRow, PersonRow.id == ParticipantRow.person_id)
                .where(
                    RoundRow.platform == channel.platform,
                    PersonRow.platform == person.platform,
                    PersonRow.user_id == person.user_id,
                )
                .order_by(RoundRow.id.desc())
                .limit(1)
            )
            settings = (await self.session.scalars(theirs)).first()
        return None if settings is None else settings.get("language")

    async def all(self) -> list[RoundRow]:
        return list(await self.session.scalars(select(RoundRow).order_by(RoundRow.id)))

    async def insert(self, rnd: Round) -> Round:
        row = RoundRow(**_round_columns(rnd), version=1)
        self.session.add(row)
        try:
            await self.session.flush()
        except IntegrityError:
            # another round became active in this channel at the same moment
            raise ConcurrentUpdate(rnd.channel) from None
        rnd = rnd.evolve(id=row.id, version=row.version)
        await self.session.execute(
            insert(RoundStepRow), [_step_values(rnd.id, i, st) for i, st in enumerate(rnd.steps)]
        )
        await self._save_people(None, rnd)
        return rnd

    async def save(self, before: Round, after: Round) -> Round:
        """Write ``after`` over ``before``; fails if the stored round is not ``before``."""
        result = await self.session.execute(
            update(RoundRow)
            .where(RoundRow.id == before.id, RoundRow.version == before.version)
            .values(**_changed_columns(before, after), version=before.version + 1, lease_until=None)
        )
        if result.rowcount != 1:  # type: ignore[attr-defined]
            raise ConcurrentUpdate(before.id)
        added = after.steps[len(before.steps) :]  # a terugblik planned after the round
        if added:
            await self.session.execute(
                insert(RoundStepRow),
                [_step_values(after.id, len(before.steps) + i, st) for i, st in enumerate(added)],
            )
        for position, (old, new) in enumerate(zip(before.steps, after.steps, strict=False)):
            if old != new:
                await self.session.execute(
                    update(RoundStepRow)
                    .where(RoundStepRow.round_id == after.id, RoundStepRow.position == position)
                    .values(state=new.state.value, posted_at=new.posted_at)
                )
        await self._save_people(before, after)
        await self.save_answers(before, after)
        await self.save_verdicts(before, after)
        await self.save_members(before, after)
        return after.evolve(version=before.version + 1)

    async def save_members(self, before: Round, after: Round) -> None:
        """Where each member of a network round is: their participant row's progress."""
        old = {m.person.key: m for m in before.members}
        for member in after.members:
            if old.get(member.person.key) == member:
                continue
            person_id = await self.person_id(member.person, member.joined_at)
            statement = self._insert(ParticipantRow).values(
                round_id=after.id, person_id=person_id, role="member", quiet=False,
                joined_at=member.joined_at, progress=member.position,
                remind_at=member.reminded_at,
            )  # fmt: skip
            await self.session.execute(
                statement.on_conflict_do_update(
                    index_elements=["round_id", "person_id"],
                    set_={
                        "progress": statement.excluded.progress,
                        "remind_at": statement.excluded.remind_at,
                    },
                )
            )

    async def save_verdicts(self, before: Round, after: Round) -> None:
        """Add the verdicts ``after`` has beyond ``before``, without the round's version.

        Verdicts are facts, like answers: a group pressing *klopt* at the same moment are
        independent inserts, never a queue behind one lock. A later word of a person
        counts instead of an earlier one, so nothing is ever updated."""
        for verdict in after.verdicts[len(before.verdicts) :]:
            person_id = await self.person_id(verdict.person, verdict.given_at)
            await self.session.execute(
                insert(VerdictRow).values(
                    round_id=after.id,
                    person_id=person_id,
                    kind=verdict.kind.value,
                    text=verdict.text,
                    given_at=verdict.given_at,
                )
            )

    async def save_many(self, pairs: Sequence[tuple[Round, Round]]) -> None:
        """``save`` for rounds read with ``get_many`` (so locked) in this transaction: one
        statement per shape of change (executemany) instead of several per round. Where
        the driver reports rows per executemany, a round that changed underneath still
        raises ConcurrentUpdate."""
        simple: dict[tuple[str, ...], list[dict[str, Any]]] = {}
        steps: list[dict[str, Any]] = []
        for before, after in pairs:
            if (
                before.answers != after.answers
                or before.verdicts != after.verdicts
                or before.members != after.members
                or len(before.steps) != len(after.steps)
                or before.quiet != after.quiet
                or before.coordinators != after.coordinators
            ):
                await self.save(before, after)
                continue
            changed = _changed_columns(before, after)
            simple.setdefault(tuple(sorted(changed)), []).append(
                {**changed, "b_id": before.id, "b_version": before.version}
            )
            steps += [
                {"b_round": after.id, "b_position": i, "state": n.state.value,
                 "posted_at": n.posted_at}
                for i, (o, n) in enumerate(zip(before.steps, after.steps, strict=True))
                if o != n
            ]  # fmt: skip
        for columns, rows in simple.items():
            statement = (
                update(RoundRow)
                .where(RoundRow.id == bindparam("b_id"))
                .where(RoundRow.version == bindparam("b_version"))
                .values(
                    {
                        **{c: bindparam(c) for c in columns},
                        "version": RoundRow.version + 1,
                        "lease_until": None,
                    }
                )
            )
            connection = await self.session.connection()
            outcome = await connection.execute(statement, rows)
            exact = connection.dialect.supports_sane_multi_rowcount
            if exact and outcome.rowcount != len(rows):
                raise ConcurrentUpdate([r["b_id"] for r in rows])
        if steps:
            connection = await self.session.connection()
            await connection.execute(
                update(RoundStepRow)
                .where(RoundStepRow.round_id == bindparam("b_round"))
                .where(RoundStepRow.position == bindparam("b_position"))
                .values(state=bindparam("state"), posted_at=bindparam("posted_at")),
                steps,
            )

    async def _save_people(self, before: Round | None, after: Round) -> None:
        """Participants for who started the round, who coordinates and who asked for quiet."""
        roles = {after.started_by.key: "starter"}
        for key in sorted(after.coordinators):
            roles.setdefault(key, "coordinator")
        changed = {
            key
            for key in roles.keys() | after.quiet | (before.quiet if before else frozenset())
            if before is None
            or (key in before.quiet) != (key in after.quiet)
            or (key in roles and key not in before.coordinators | {before.started_by.key})
        }
        names = {after.started_by.key: after.started_by.name}
        for key in sorted(changed):
            platform, _, user_id = key.partition(":")
            person_id = await self.person_id(
                Person(platform, user_id, names.get(key, user_id)),
                after.created_at,
                keep_name=key not in names,
            )
            await self._participate(
                after.id, person_id, roles.get(key, "member"), after.created_at,
                quiet=key in after.quiet,
            )  # fmt: skip

    async def person_id(self, person: Person, seen: datetime, *, keep_name: bool = False) -> int:
        """The person's row, made on first sight; the name is the latest one seen, unless
        ``keep_name`` (a coordinator named in the settings, whose name is not known)."""
        statement = self._insert(PersonRow).values(
            platform=person.platform, user_id=person.user_id, name=person.name,
            first_seen=seen,
        )  # fmt: skip
        target = ["platform", "user_id"]
        if keep_name:
            statement = statement.on_conflict_do_update(
                index_elements=target, set_={"platform": statement.excluded.platform}
            )
        else:
            statement = statement.on_conflict_do_update(
                index_elements=target, set_={"name": statement.excluded.name}
            )
        return int((await self.session.execute(statement.returning(PersonRow.id))).scalar_one())

    async def _participate(
        self, round_id: int, person_id: int, role: str, at: datetime, *, quiet: bool | None = None
    ) -> None:
        statement = self._insert(ParticipantRow).values(
            round_id=round_id, person_id=person_id, role=role, quiet=bool(quiet), joined_at=at
        )
        if quiet is None:
            statement = statement.on_conflict_do_nothing(index_elements=["round_id", "person_id"])
        else:
            statement = statement.on_conflict_do_update(
                index_elements=["round_id", "person_id"],
                set_={"quiet": statement.excluded.quiet, "role": _stronger_role(statement)},
            )
        await self.session.execute(statement)

    async def save_answers(self, before: Round, after: Round) -> None:
        """Write the answers that differ, without touching the round row.

        Answers are facts about one message each, so storing one never competes with
        other answers for the round's version: fifty people answering at the same moment
        are fifty independent inserts. A redelivered message id inserts nothing.
        """
        old = {a.message_id: a for a in before.answers}
        new = {a.message_id: a for a in after.answers}
        gone = [m for m in old if m not in new]
        if gone:
            await self.session.execute(
                delete(AnswerRow).where(
                    AnswerRow.round_id == after.id, AnswerRow.message_id.in_(gone)
                )
            )
        for message_id, answer in new.items():
            if message_id not in old:
                person_id = await self.person_id(answer.person, answer.given_at)
                await self.session.execute(
                    self._insert(AnswerRow)
                    .values(**_answer_values(after.id, person_id, answer))
                    .on_conflict_do_nothing(index_elements=["round_id", "message_id"])
                )
                await self._participate(after.id, person_id, "member", answer.given_at)
            elif old[message_id] != answer:
                await self.session.execute(
                    update(AnswerRow)
                    .where(AnswerRow.round_id == after.id, AnswerRow.message_id == message_id)
                    .values(text=answer.text, edited_at=answer.edited_at)
                )

    async def claim_due(self, now: datetime, lease: timedelta) -> list[int]:
        """Take the rounds that have a step due, in one atomic statement.

        Only one process gets a given round until the lease runs out or the round is saved;
        SQLite ignores SELECT … FOR UPDATE, so the claim is an UPDATE … RETURNING.
        """
        result = await self.session.execute(
            update(RoundRow)
            .where(
                RoundRow.wake_at <= now,
                # a finished round wakes once more for its terugblik
                RoundRow.status.in_(
                    [
                        Status.SCHEDULED.value,
                        Status.RUNNING.value,
                        Status.REVIEWING.value,
                        Status.FINISHED.value,
                    ]
                ),
                or_(RoundRow.lease_until.is_(None), RoundRow.lease_until < now),
            )
            .values(lease_until=now + lease)
            .returning(RoundRow.id)
        )
        return sorted(result.scalars().all())

    async def release_round(self, round_id: int, until: datetime) -> None:
        """Let the scheduler look at a claimed round again from ``until`` on."""
        await self.session.execute(
            update(RoundRow).where(RoundRow.id == round_id).values(lease_until=until)
        )

    async def _load(self, row: RoundRow, message_id: str | None = None) -> Round:
        steps = await self.session.scalars(
            select(RoundStepRow)
            .where(RoundStepRow.round_id == row.id)
            .order_by(RoundStepRow.position)
        )
        # the people the round value names: who started it, coordinators, the quiet ones
        people = await self.session.execute(
            select(ParticipantRow.role, ParticipantRow.quiet, PersonRow)
            .join(PersonRow, PersonRow.id == ParticipantRow.person_id)
            .where(
                ParticipantRow.round_id == row.id,
                or_(ParticipantRow.role != "member", ParticipantRow.quiet.is_(True)),
            )
        )
        found: tuple[Answer, ...] = ()
        if message_id != "":  # "" asks for the round without answers
            query = (
                select(AnswerRow, PersonRow)
                .join(PersonRow, PersonRow.id == AnswerRow.person_id)
                .where(AnswerRow.round_id == row.id)
            )
            if message_id is not None:
                query = query.where(AnswerRow.message_id == message_id)
            answers = await self.session.execute(query.order_by(AnswerRow.id))
            found = tuple(_answer(a, _person(p)) for a, p in answers)
        verdicts: tuple[Verdict, ...] = ()
        if row.review is not None:
            rows = await self.session.execute(
                select(VerdictRow, PersonRow)
                .join(PersonRow, PersonRow.id == VerdictRow.person_id)
                .where(VerdictRow.round_id == row.id)
                .order_by(VerdictRow.id)
            )
            verdicts = tuple(
                Verdict(_person(p), VerdictKind(v.kind), v.text, v.given_at) for v, p in rows
            )
        members: tuple[Member, ...] = ()
        if row.settings.get("network"):
            joined = await self.session.execute(
                select(ParticipantRow, PersonRow)
                .join(PersonRow, PersonRow.id == ParticipantRow.person_id)
                .where(ParticipantRow.round_id == row.id, ParticipantRow.progress.is_not(None))
                .order_by(ParticipantRow.joined_at, ParticipantRow.id)
            )
            members = tuple(
                Member(_person(p), m.joined_at, m.progress or 0, m.remind_at) for m, p in joined
            )
        return _round(
            row,
            tuple(_step(st) for st in steps),
            [(role, quiet, _person(p)) for role, quiet, p in people],
            found,
            verdicts,
            members,
        )

    async def member_round(self, person: Person) -> Round | None:
        """The network round this person joined last: what a message in their private
        conversation with the bot is about (a closed one too: a late answer is kept)."""
        found = (
            await self.session.scalars(
                select(RoundRow.id)
                .join(ParticipantRow, ParticipantRow.round_id == RoundRow.id)
                .join(PersonRow, PersonRow.id == ParticipantRow.person_id)
                .where(
                    # a closed round still takes a late answer (it joins the record)
                    RoundRow.status.in_(
                        [Status.RUNNING.value, Status.REVIEWING.value, Status.FINISHED.value]
                    ),
                    RoundRow.platform == person.platform,
                    ParticipantRow.progress.is_not(None),
                    PersonRow.platform == person.platform,
                    PersonRow.user_id == person.user_id,
                )
                .order_by(ParticipantRow.joined_at.desc())
                .limit(1)
            )
        ).first()
        return None if found is None else await self.get(found)

    async def find_direct_answer(self, platform: str, message_id: str) -> int | None:
        """The round that holds an answer given in a private conversation, by its
        conversation-qualified message id."""
        return (
            await self.session.scalars(
                select(AnswerRow.round_id)
                .join(RoundRow, RoundRow.id == AnswerRow.round_id)
                .where(RoundRow.platform == platform, AnswerRow.message_id == message_id)
                .limit(1)
            )
        ).first()

    async def reviewing_for(self, person: Person) -> Round | None:
        """The round in review that this person takes part in, when there is just one:
        what a command typed in a private chat, which has no round, is about."""
        ids = list(
            await self.session.scalars(
                select(RoundRow.id)
                .join(ParticipantRow, ParticipantRow.round_id == RoundRow.id)
                .join(PersonRow, PersonRow.id == ParticipantRow.person_id)
                .where(
                    RoundRow.status == "reviewing",
                    RoundRow.platform == person.platform,
                    PersonRow.platform == person.platform,
                    PersonRow.user_id == person.user_id,
                )
                .distinct()
                .limit(2)
            )
        )
        return await self.get(ids[0]) if len(ids) == 1 else None

    # --- the inbox: events kept before they are acknowledged ----------------------------

    async def receive(self, event: InboundEvent, now: datetime) -> int | None:
        """Keep an event; None if this delivery id was kept before (a platform's retry)."""
        statement = (
            self._insert(InboxRow)
            .values(
                platform=event.channel.platform,
                event_id=event.event_id,
                payload=encode(event),
                received_at=now,
                next_attempt_at=now,
                attempts=0,
            )
            .on_conflict_do_nothing(index_elements=["platform", "event_id"])
            .returning(InboxRow.id)
        )
        return (await self.session.execute(statement)).scalar()

    async def receive_many(self, events: Sequence[InboundEvent], now: datetime) -> list[int | None]:
        """``receive`` for events that arrived together: one statement for those with a
        delivery id (matched back by it), one each for the rest."""
        by_id = {(e.channel.platform, e.event_id): e for e in events if e.event_id is not None}
        ids: dict[tuple[str, str | None], int] = {}
        if by_id:
            statement = self._insert(InboxRow).values(
                [
                    {"platform": e.channel.platform, "event_id": e.event_id,
                     "payload": encode(e), "received_at": now, "next_attempt_at": now,
                     "attempts": 0}
                    for e in by_id.values()
                ]
            )  # fmt: skip
            kept = await self.session.execute(
                statement.on_conflict_do_nothing(index_elements=["platform", "event_id"])
                .returning(InboxRow.id, InboxRow.platform, InboxRow.event_id)
            )  # fmt: skip
            ids = {(row.platform, row.event_id): row.id for row in kept}
        result: list[int | None] = []
        seen: set[tuple[str, str | None]] = set()
        for event in events:
            key = (event.channel.platform, event.event_id)
            if event.event_id is None:
                result.append(await self.receive(event, now))
            else:
                # the same delivery twice in one batch is kept once
                result.append(None if key in seen else ids.get(key))
                seen.add(key)
        return result

    async def claim_inbox(
        self, now: datetime, lease: timedelta, *, ids: list[int] | None = None, limit: int = 50
    ) -> list[InboxEntry]:
        """Take events to work on: by id (right after they arrived), or those due again."""
        free = (
            InboxRow.done_at.is_(None),
            InboxRow.next_attempt_at <= now,
            or_(InboxRow.claimed_until.is_(None), InboxRow.claimed_until < now),
        )
        if ids is not None:
            chosen: Any = InboxRow.id.in_(ids)
        else:
            chosen = InboxRow.id.in_(
                select(InboxRow.id)
                .where(*free)
                .order_by(InboxRow.id)
                .limit(limit)
                .with_for_update(skip_locked=True)
                .scalar_subquery()
            )
        result = await self.session.execute(
            update(InboxRow)
            .where(chosen, *free)
            .values(claimed_until=now + lease, attempts=InboxRow.attempts + 1)
            .returning(InboxRow.id, InboxRow.payload, InboxRow.received_at, InboxRow.attempts)
        )
        return [
            InboxEntry(r.id, decode(r.payload), r.received_at, r.attempts)
            for r in sorted(result.all(), key=lambda r: r.id)
        ]

    async def inbox_done(self, inbox_id: int, now: datetime, outcome: str) -> None:
        await self.session.execute(
            update(InboxRow)
            .where(InboxRow.id == inbox_id)
            .values(done_at=now, claimed_until=None, outcome=outcome[:2000])
        )

    async def inbox_done_many(self, inbox_ids: Sequence[int], now: datetime) -> None:
        await self.session.execute(
            update(InboxRow)
            .where(InboxRow.id.in_(list(inbox_ids)))
            .values(done_at=now, claimed_until=None, outcome="ok")
        )

    async def inbox_later(self, inbox_id: int, at: datetime, outcome: str) -> None:
        await self.session.execute(
            update(InboxRow)
            .where(InboxRow.id == inbox_id)
            .values(next_attempt_at=at, claimed_until=None, outcome=outcome[:2000])
        )

    async def forget_events(self, before: datetime) -> None:
        """Platforms retry within minutes; older handled events only take space."""
        await self.session.execute(
            delete(InboxRow).where(InboxRow.done_at.is_not(None), InboxRow.done_at < before)
        )

    # --- messages -----------------------------------------------------------------------

    async def answer_target(
        self,
        channel: ChannelRef,
        *,
        reply_to: str | None = None,
        round_id: int | None = None,
        step_index: int | None = None,
    ) -> AnswerTarget | None:
        """What an answer needs to know, in one query: the round, its channel and the step
        it answers, found by the question's message id or named outright."""
        if reply_to is not None:
            return (await self.answer_targets([(channel, reply_to)])).get((channel, reply_to))
        if round_id is None or step_index is None:
            return None
        row = (
            await self.session.execute(
                select(
                    RoundRow.id, RoundRow.platform, RoundRow.channel_id, RoundRow.thread_id,
                    RoundRow.settings, RoundStepRow.position, RoundStepRow.kind,
                    RoundStepRow.ref, RoundStepRow.state, RoundStepRow.posted_at,
                )
                .join(RoundStepRow, RoundStepRow.round_id == RoundRow.id)
                .where(RoundRow.id == round_id, RoundStepRow.position == step_index)
            )
        ).first()  # fmt: skip
        if row is None:
            return None
        return AnswerTarget(
            round_id=row.id,
            channel=ChannelRef(row.platform, row.channel_id, row.thread_id or None),
            step_index=row.position,
            step=_step(row),
            own_first=bool(row.settings.get("own_first")),
            language=row.settings.get("language"),
        )

    async def answer_targets(
        self, replies: Sequence[tuple[ChannelRef, str]]
    ) -> dict[tuple[ChannelRef, str], AnswerTarget]:
        """``answer_target`` for many replies in one query, keyed by (channel, reply_to)."""
        if not replies:
            return {}
        keys = {(c.platform, c.channel_id, reply_to) for c, reply_to in replies}
        query = (
            select(
                PostRow.platform, PostRow.channel_id, PostRow.message_id,
                RoundRow.id, RoundRow.platform.label("round_platform"),
                RoundRow.channel_id.label("round_channel"), RoundRow.thread_id,
                RoundRow.settings, RoundStepRow.position, RoundStepRow.kind, RoundStepRow.ref,
                RoundStepRow.state, RoundStepRow.posted_at,
            )
            .join(RoundRow, RoundRow.id == PostRow.round_id)
            .join(
                RoundStepRow,
                (RoundStepRow.round_id == RoundRow.id)
                & (RoundStepRow.position == PostRow.step_index),
            )
            .where(tuple_(PostRow.platform, PostRow.channel_id, PostRow.message_id).in_(keys))
        )  # fmt: skip
        found: dict[tuple[str, str, str], AnswerTarget] = {}
        for row in await self.session.execute(query):
            found[(row.platform, row.channel_id, row.message_id)] = AnswerTarget(
                round_id=row.id,
                channel=ChannelRef(row.round_platform, row.round_channel, row.thread_id or None),
                step_index=row.position,
                step=_step(row),
                own_first=bool(row.settings.get("own_first")),
                language=row.settings.get("language"),
            )
        return {
            (channel, reply_to): found[(channel.platform, channel.channel_id, reply_to)]
            for channel, reply_to in replies
            if (channel.platform, channel.channel_id, reply_to) in found
        }

    async def add_answers(self, answers: Sequence[tuple[int, Answer]]) -> set[tuple[int, str]]:
        """Keep many answers in three statements; returns the (round, message) kept now,
        leaving out messages kept before."""
        if not answers:
            return set()
        people = {a.person.key: a for _round_id, a in answers}
        statement = self._insert(PersonRow).values(
            [
                {"platform": a.person.platform, "user_id": a.person.user_id,
                 "name": a.person.name, "first_seen": a.given_at}
                for a in people.values()
            ]
        )  # fmt: skip
        statement = statement.on_conflict_do_update(
            index_elements=["platform", "user_id"], set_={"name": statement.excluded.name}
        ).returning(PersonRow.id, PersonRow.platform, PersonRow.user_id)
        ids = {
            f"{row.platform}:{row.user_id}": row.id for row in await self.session.execute(statement)
        }
        kept = await self.session.execute(
            self._insert(AnswerRow)
            .values([_answer_values(r, ids[a.person.key], a) for r, a in answers])
            .on_conflict_do_nothing(index_elements=["round_id", "message_id"])
            .returning(AnswerRow.round_id, AnswerRow.message_id, AnswerRow.person_id)
        )
        new = {(row.round_id, row.message_id): row.person_id for row in kept}
        joined = {(round_id, person_id) for (round_id, _m), person_id in new.items()}
        if joined:
            first = {(r, ids[a.person.key]): a.given_at for r, a in reversed(answers)}
            await self.session.execute(
                self._insert(ParticipantRow)
                .values(
                    [
                        {"round_id": r, "person_id": p, "role": "member", "quiet": False,
                         "joined_at": first[(r, p)]}
                        for r, p in sorted(joined)
                    ]
                )
                .on_conflict_do_nothing(index_elements=["round_id", "person_id"])
            )  # fmt: skip
        return set(new)

    async def add_answer(self, round_id: int, answer: Answer) -> bool:
        """Keep one answer; False if this message was kept before."""
        return (round_id, answer.message_id) in await self.add_answers([(round_id, answer)])

    async def is_post(self, channel: ChannelRef, message_id: str) -> bool:
        """Whether ``message_id`` is something the bot posted in this chat."""
        found = await self.session.scalars(
            select(PostRow.id).where(
                PostRow.platform == channel.platform,
                PostRow.channel_id == channel.channel_id,
                PostRow.message_id == message_id,
            )
        )
        return found.first() is not None

    async def in_flight(self, channel: ChannelRef) -> bool:
        """Whether a message to this channel is queued or being sent right now.

        A reply can only refer to a post that is not recorded yet while one is.
        """
        found = await self.session.scalars(
            select(OutboxRow.id)
            .where(
                OutboxRow.recipient == str(channel),
                OutboxRow.sent_at.is_(None),
                OutboxRow.dead_at.is_(None),
            )
            .limit(1)
        )
        return found.first() is not None

    async def find_answer(self, channel: ChannelRef, message_id: str) -> int | None:
        """The round that holds the answer given as ``message_id`` in this channel."""
        return (
            await self.session.scalars(
                select(AnswerRow.round_id)
                .join(RoundRow, RoundRow.id == AnswerRow.round_id)
                .where(
                    RoundRow.platform == channel.platform,
                    RoundRow.channel_id == channel.channel_id,
                    AnswerRow.message_id == message_id,
                )
                .limit(1)
            )
        ).first()

    async def message_ids(self, channel: ChannelRef) -> list[str]:
        """Every message id known in a channel: the bot's posts and people's answers."""
        posts = await self.session.scalars(
            select(PostRow.message_id).where(
                PostRow.platform == channel.platform, PostRow.channel_id == channel.channel_id
            )
        )
        answers = await self.session.scalars(
            select(AnswerRow.message_id)
            .join(RoundRow, RoundRow.id == AnswerRow.round_id)
            .where(RoundRow.platform == channel.platform, RoundRow.channel_id == channel.channel_id)
        )
        return [*posts, *answers]

    async def enqueue(
        self, round_id: int | None, posts: Sequence[Post], now: datetime, *, language: str | None
    ) -> int:
        """Queue messages; returns how many were queued (a ``once`` message only once)."""
        return await self.enqueue_many([(round_id, post) for post in posts], now, language=language)

    async def enqueue_many(
        self, posts: Sequence[tuple[int | None, Post]], now: datetime, *, language: str | None
    ) -> int:
        """Queue the messages of several rounds: one statement for all but ``once`` ones.
        ``language`` is what they are rendered in when sent (None: the installation's)."""
        plain = [_outbox_values(r, p, now, language) for r, p in posts if p.once is None]
        if plain:
            await self.session.execute(insert(OutboxRow), plain)
        queued = len(plain)
        for round_id, post in posts:
            if post.once is not None:
                result = await self.session.execute(
                    self._insert(OutboxRow)
                    .values(**_outbox_values(round_id, post, now, language))
                    .on_conflict_do_nothing(index_elements=["once_key"])
                    .returning(OutboxRow.id)
                )
                queued += result.first() is not None
        return queued

    async def claim_outbox(
        self,
        platform: str,
        now: datetime,
        lease: timedelta,
        *,
        limit: int = 100,
        channel_id: str | None = None,
    ) -> list[PendingMessage]:
        """Take due messages for delivery, at most one per recipient, atomically.

        A message waits while an earlier one to the same recipient is unsent and not dead
        (being sent, or waiting for its retry): recipients see messages in order. On
        PostgreSQL the candidates are locked with SKIP LOCKED and every condition is
        repeated in the outer UPDATE, because after waiting for a lock PostgreSQL re-checks
        only the outer statement's conditions; SQLite runs the statement under its single
        writer lock. Each claim carries a new token that later writes must show.
        """
        earlier = aliased(OutboxRow)
        held_back = (
            select(earlier.id)
            .where(
                earlier.recipient == OutboxRow.recipient,
                earlier.id < OutboxRow.id,
                earlier.sent_at.is_(None),
                earlier.dead_at.is_(None),
            )
            .exists()
        )
        conditions = [
            OutboxRow.platform == platform,
            OutboxRow.sent_at.is_(None),
            OutboxRow.dead_at.is_(None),
            OutboxRow.next_attempt_at <= now,
            or_(OutboxRow.claimed_until.is_(None), OutboxRow.claimed_until < now),
            ~held_back,
        ]
        if channel_id is not None:
            conditions.append(OutboxRow.channel_id == channel_id)
        candidates = (
            select(OutboxRow.id)
            .where(*conditions)
            .order_by(OutboxRow.id)
            .limit(limit)
            .with_for_update(skip_locked=True)
            .scalar_subquery()
        )
        token = str(uuid.uuid4())
        result = await self.session.execute(
            update(OutboxRow)
            .where(OutboxRow.id.in_(candidates), *conditions[:5])
            .values(claimed_until=now + lease, claim_token=token, attempts=OutboxRow.attempts + 1)
            .returning(
                OutboxRow.id,
                OutboxRow.round_id,
                OutboxRow.channel_id,
                OutboxRow.thread_id,
                OutboxRow.recipient,
                OutboxRow.step_index,
                OutboxRow.content,
                OutboxRow.attempts,
                OutboxRow.progress,
                OutboxRow.created_at,
                OutboxRow.language,
            )
        )
        return [
            PendingMessage(
                id=r.id,
                round_id=r.round_id,
                channel=ChannelRef(platform, r.channel_id, r.thread_id or None),
                recipient=r.recipient,
                step_index=r.step_index,
                content=CONTENT.validate_python(r.content),
                attempts=r.attempts,
                token=token,
                created_at=r.created_at,
                progress=dict(r.progress or {}),
                language=r.language,
            )
            for r in sorted(result.all(), key=lambda r: r.id)
        ]

    async def record_part(self, message: PendingMessage, now: datetime, lease: timedelta) -> bool:
        """Save the parts sent so far and renew the claim; False if the claim is lost."""
        result = await self.session.execute(
            update(OutboxRow)
            .where(OutboxRow.id == message.id, OutboxRow.claim_token == message.token)
            .values(progress=dict(message.progress), claimed_until=now + lease)
        )
        return bool(result.rowcount)  # type: ignore[attr-defined]

    async def mark_sent(self, message: PendingMessage, message_id: str, now: datetime) -> bool:
        """Record a delivery; False (and nothing written) if the claim is no longer ours."""
        result = await self.session.execute(
            update(OutboxRow)
            .where(OutboxRow.id == message.id, OutboxRow.claim_token == message.token)
            .values(
                sent_at=now,
                content=reference(message.content.model_dump(mode="json")),
                message_id=message_id,
                last_error=None,
                claim_token=None,
                claimed_until=None,
                progress=dict(message.progress),
            )
        )
        if not result.rowcount:  # type: ignore[attr-defined]
            return False
        if message.round_id is not None and message.recipient == str(message.channel):
            # what the bot posted in a channel, so replies to it can be matched
            await self.session.execute(
                self._insert(PostRow)
                .values(
                    round_id=message.round_id,
                    step_index=message.step_index,
                    platform=message.channel.platform,
                    channel_id=message.channel.channel_id,
                    message_id=message_id,
                )
                .on_conflict_do_nothing(index_elements=["platform", "channel_id", "message_id"])
            )
        return True

    async def mark_failed(
        self, message: PendingMessage, error: str, *, retry_at: datetime | None, now: datetime
    ) -> bool:
        """Give the message back for a retry at ``retry_at``, or (None) to the dead letters."""
        values: dict[str, Any] = {
            "last_error": error[:2000],
            "claim_token": None,
            "claimed_until": None,
            "progress": dict(message.progress),
        }
        if retry_at is None:
            values["dead_at"] = now
        else:
            values["next_attempt_at"] = retry_at
        result = await self.session.execute(
            update(OutboxRow)
            .where(OutboxRow.id == message.id, OutboxRow.claim_token == message.token)
            .values(**values)
        )
        return bool(result.rowcount)  # type: ignore[attr-defined]

    async def waiting(self, ids: Sequence[int]) -> list[tuple[int, int | None, Content]]:
        """Outbox messages not yet sent: id, round, and what they will say."""
        rows = await self.session.execute(
            select(OutboxRow.id, OutboxRow.round_id, OutboxRow.content)
            .where(OutboxRow.id.in_(ids), OutboxRow.sent_at.is_(None), OutboxRow.dead_at.is_(None))
            .order_by(OutboxRow.id)
        )
        return [
            (row_id, round_id, CONTENT.validate_python(content))
            for row_id, round_id, content in rows
        ]

    async def rewrite(self, outbox_id: int, content: Content | None) -> None:
        """Change what a waiting message will say, or (None) drop it."""
        if content is None:
            await self.session.execute(delete(OutboxRow).where(OutboxRow.id == outbox_id))
            return
        await self.session.execute(
            update(OutboxRow)
            .where(OutboxRow.id == outbox_id)
            .values(content=content.model_dump(mode="json"))
        )

    # --- people's own data ----------------------------------------------------------------

    async def personal_data(self, platform: str, user_id: str) -> dict[str, Any] | None:
        return await privacy.export(self.session, platform, user_id)

    async def erase_person(self, platform: str, user_id: str, now: datetime) -> Erased | None:
        return await privacy.erase(self.session, platform, user_id, now)

    async def purge(
        self, now: datetime, *, rounds_after: timedelta, messages_after: timedelta, dry_run: bool
    ) -> Purged:
        return await privacy.purge(
            self.session,
            now,
            rounds_after=rounds_after,
            messages_after=messages_after,
            dry_run=dry_run,
        )

    async def progress_message(self, round_id: int) -> str | None:
        """The platform id of a network round's progress message as it shows now in its
        channel, which later progress is edited into: the first one, or the one an
        adapter posted anew when that was gone (the last one recorded; a channel's
        messages are sent in order, so none is still on its way)."""
        row = await self.session.get(RoundRow, round_id)
        if row is None:
            return None
        channel = ChannelRef(row.platform, row.channel_id, row.thread_id or None)
        rows = await self.session.execute(
            select(OutboxRow.message_id, OutboxRow.content)
            .where(
                OutboxRow.round_id == round_id,
                OutboxRow.recipient == str(channel),
                OutboxRow.message_id.is_not(None),
            )
            .order_by(OutboxRow.id.desc())
        )
        return next((m for m, content in rows if content.get("type") == "progress"), None)

    async def question_message(self, round_id: int, step_index: int) -> str | None:
        """The platform id of a step's question in the round's channel: its thread."""
        return (
            await self.session.scalars(
                select(PostRow.message_id)
                .where(PostRow.round_id == round_id, PostRow.step_index == step_index)
                .order_by(PostRow.id)
                .limit(1)
            )
        ).first()

    async def first_message(self, round_id: int) -> str | None:
        """The platform id of the round's first message (its welcome): the round's thread."""
        return (
            await self.session.scalars(
                select(PostRow.message_id)
                .where(PostRow.round_id == round_id)
                .order_by(PostRow.id)
                .limit(1)
            )
        ).first()

    async def add_post(
        self, channel: ChannelRef, message_id: str, round_id: int, step_index: int
    ) -> None:
        await self.session.execute(
            self._insert(PostRow)
            .values(
                round_id=round_id,
                step_index=step_index,
                platform=channel.platform,
                channel_id=channel.channel_id,
                message_id=message_id,
            )
            .on_conflict_do_nothing(index_elements=["platform", "channel_id", "message_id"])
        )

    # --- for health and metrics (read only) ------------------------------------------------

    async def stuck_outbox(self, platform: str, before: datetime) -> bool:
        """Whether a message for ``platform`` created before ``before`` is neither sent nor
        dead: one probe of the outbox's partial index of pending messages."""
        query = (
            select(OutboxRow.id)
            .where(
                OutboxRow.platform == platform,
                OutboxRow.sent_at.is_(None),
                OutboxRow.dead_at.is_(None),
                OutboxRow.created_at < before,
            )
            .limit(1)
        )
        return (await self.session.execute(query)).first() is not None

    async def observed(self) -> Observed:
        """Rounds by status, answers kept, dead letters and the oldest pending message."""
        rounds = await self.session.execute(
            select(RoundRow.status, func.count()).group_by(RoundRow.status)
        )
        answers = await self.session.scalar(select(func.count()).select_from(AnswerRow))
        dead = await self.session.execute(
            select(OutboxRow.platform, func.count())
            .where(OutboxRow.dead_at.is_not(None))
            .group_by(OutboxRow.platform)
        )
        pending = await self.session.execute(
            select(OutboxRow.platform, func.min(OutboxRow.created_at))
            .where(OutboxRow.sent_at.is_(None), OutboxRow.dead_at.is_(None))
            .group_by(OutboxRow.platform)
        )
        return Observed(
            rounds={status: count for status, count in rounds},
            answers=answers or 0,
            dead_letters={platform: count for platform, count in dead},
            oldest_pending={platform: at for platform, at in pending if at is not None},
        )

    def _insert(self, table: type[Any]) -> Any:
        dialect = self.session.bind.dialect.name if self.session.bind else "sqlite"
        return (postgresql_insert if dialect == "postgresql" else sqlite_insert)(table)


# --- mapping ----------------------------------------------------------------------------


def _changed_columns(before: Round, after: Round) -> dict[str, Any]:
    """The round's columns that differ: a tick writes its times, not its settings."""
    old, new = _round_columns(before), _round_columns(after)
    return {key: value for key, value in new.items() if old[key] != value}


def _outbox_values(
    round_id: int | None, post: Post, now: datetime, language: str | None
) -> dict[str, Any]:
    return {
        "language": language,
        "round_id": round_id,
        "platform": post.channel.platform,
        "channel_id": post.channel.channel_id,
        "thread_id": post.channel.thread_id or "",
        "recipient": recipient(post.channel, post.content),
        # only a question's message is something people answer by replying to
        "step_index": post.content.step_index if isinstance(post.content, QuestionPost) else None,
        "content": post.content.model_dump(mode="json"),
        "created_at": now,
        "next_attempt_at": now,
        "progress": {},
        "attempts": 0,
        "once_key": post.once,
    }


def _stronger_role(statement: Any) -> Any:
    """On a second participation, a starter or coordinator stays one."""
    return case(
        (ParticipantRow.role.in_(["starter", "coordinator"]), ParticipantRow.role),
        else_=statement.excluded.role,
    )


def _round_columns(rnd: Round) -> dict[str, Any]:
    s = rnd.settings
    return {
        "platform": rnd.channel.platform,
        "channel_id": rnd.channel.channel_id,
        "thread_id": rnd.channel.thread_id or "",
        "card_id": s.card_id,
        "status": rnd.status.value,
        "settings": {
            "roles": list(s.roles),
            "questions": list(s.questions),
            "cadence": str(s.cadence),
            "time_of_day": s.time_of_day.strftime("%H:%M"),
            "timezone": s.timezone,
            "weekdays": sorted(s.weekdays),
            "skip_dates": [d.isoformat() for d in s.skip_dates],
            "anonymous": s.anonymous,
            "begin": s.begin.isoformat() if s.begin else None,
            "review": str(s.review) if s.review else None,
            "network": s.network,
            "closes": s.closes.isoformat() if s.closes else None,
            "remind_every": s.remind_every,
            "hours": [h.strftime("%H:%M") for h in s.hours],
            "own_first": s.own_first,
            "retention_days": s.retention_days,
            "language": s.language,
        },
        "review": _review_json(rnd.review),
        "previous": _previous_json(rnd.previous),
        "created_at": rnd.created_at,
        "next_due": rnd.next_due,
        "remind_at": rnd.remind_at,
        "wake_at": min((t for t in (rnd.next_due, rnd.remind_at) if t is not None), default=None),
        "paused_at": rnd.paused_at,
        "finished_at": rnd.finished_at,
        "keep_until": keep_until(rnd),
    }


def keep_until(rnd: Round) -> datetime | None:
    """An ended round is kept as long as its welcome said; an active one until it ends."""
    if rnd.status.active:
        return None
    return (rnd.finished_at or rnd.created_at) + timedelta(days=rnd.settings.retention_days)


def _step_values(round_id: int, position: int, step: Step) -> dict[str, Any]:
    return {
        "round_id": round_id,
        "position": position,
        "kind": step.kind.value,
        "ref": step.ref,
        "state": step.state.value,
        "posted_at": step.posted_at,
    }


def _step(row: Any) -> Step:
    """A step from its row (an ORM object or a plain row: both have the attributes)."""
    return Step(StepKind(row.kind), row.ref, StepState(row.state), row.posted_at)


def _person(row: PersonRow) -> Person:
    return Person(row.platform, row.user_id, row.name)


def _round(
    row: Any,
    steps: tuple[Step, ...],
    people: list[tuple[str, bool, Person]],
    answers: tuple[Answer, ...],
    verdicts: tuple[Verdict, ...] = (),
    members: tuple[Member, ...] = (),
) -> Round:
    s = row.settings
    settings = RoundSettings(
        card_id=row.card_id,
        roles=tuple(s["roles"]),
        questions=tuple(s["questions"]),
        cadence=Cadence.parse(s["cadence"]),
        time_of_day=time.fromisoformat(s["time_of_day"]),
        timezone=s["timezone"],
        weekdays=frozenset(s["weekdays"]),
        skip_dates=tuple(date.fromisoformat(d) for d in s["skip_dates"]),
        anonymous=s["anonymous"],
        begin=date.fromisoformat(s["begin"]) if s["begin"] else None,
        review=Cadence.parse(s["review"]) if s.get("review") else None,
        network=s.get("network", False),
        closes=date.fromisoformat(s["closes"]) if s.get("closes") else None,
        remind_every=s.get("remind_every", 3),
        hours=tuple(time.fromisoformat(h) for h in s.get("hours", ["08:00", "18:00"])),  # type: ignore[arg-type]
        own_first=s.get("own_first", False),
        retention_days=s.get("retention_days", 365),
        language=s.get("language"),
    )
    starter = next(p for role, _quiet, p in people if role == "starter")
    return Round(
        id=row.id,
        channel=ChannelRef(row.platform, row.channel_id, row.thread_id or None),
        settings=settings,
        status=Status(row.status),
        steps=steps,
        coordinators=frozenset(p.key for role, _q, p in people if role != "member"),
        created_at=row.created_at,
        started_by=starter,
        next_due=row.next_due,
        remind_at=row.remind_at,
        quiet=frozenset(p.key for _role, quiet, p in people if quiet),
        paused_at=row.paused_at,
        finished_at=row.finished_at,
        answers=answers,
        review=_review(row.review),
        verdicts=verdicts,
        previous=_previous(row.previous),
        members=members,
        erased=row.erased,
        version=row.version,
    )


def _review_json(review: Review | None) -> dict[str, Any] | None:
    if review is None:
        return None
    return {
        "phase": review.phase.value,
        "opened_at": review.opened_at.isoformat(),
        "draft": review.draft.model_dump(mode="json"),
        "kern": review.kern,
        "dream": review.dream,
        "until": review.until.isoformat() if review.until else None,
        "published_at": review.published_at.isoformat() if review.published_at else None,
    }


def _review(data: dict[str, Any] | None) -> Review | None:
    if data is None:
        return None

    def moment(value: str | None) -> datetime | None:
        return datetime.fromisoformat(value) if value else None

    opened = moment(data["opened_at"])
    assert opened is not None
    return Review(
        phase=ReviewPhase(data["phase"]),
        opened_at=opened,
        draft=Synthesis.model_validate(data["draft"]),
        kern=data.get("kern"),
        dream=data.get("dream"),
        until=moment(data.get("until")),
        published_at=moment(data.get("published_at")),
    )


def _previous_json(previous: Previous | None) -> dict[str, Any] | None:
    if previous is None:
        return None
    return {
        "round_id": previous.round_id,
        "start": previous.start.isoformat() if previous.start else None,
        "end": previous.end.isoformat() if previous.end else None,
        "participants": previous.participants,
        "themes": [[title, list(terms)] for title, terms in previous.themes],
        "actions": [a.model_dump(mode="json") for a in previous.actions],
        "followed_up": previous.followed_up,
    }


def _previous(data: dict[str, Any] | None) -> Previous | None:
    if data is None:
        return None
    return Previous(
        round_id=data["round_id"],
        start=date.fromisoformat(data["start"]) if data["start"] else None,
        end=date.fromisoformat(data["end"]) if data["end"] else None,
        participants=data["participants"],
        themes=tuple((title, tuple(terms)) for title, terms in data["themes"]),
        actions=tuple(ActionRow.model_validate(a) for a in data["actions"]),
        followed_up=data.get("followed_up", 0),
    )


def _answer_values(round_id: int, person_id: int, answer: Answer) -> dict[str, Any]:
    return {
        "round_id": round_id,
        "step_index": answer.step_index,
        "person_id": person_id,
        "message_id": answer.message_id,
        "text": answer.text,
        "private": answer.private,
        "given_at": answer.given_at,
        "edited_at": answer.edited_at,
    }


def _answer(row: AnswerRow, person: Person) -> Answer:
    return Answer(
        step_index=row.step_index,
        person=person,
        message_id=row.message_id,
        text=row.text,
        given_at=row.given_at,
        private=row.private,
        edited_at=row.edited_at,
    )


__all__ = [
    "AnswerTarget",
    "ConcurrentUpdate",
    "InboxEntry",
    "PendingMessage",
    "Repository",
]
