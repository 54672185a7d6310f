"""Network rounds: each participant goes through the card privately, at their own pace.

A team in one school can follow one question a day together; leaders of different schools
cannot (other weeks, other holidays, other meetings). In a network round the channel only
announces the round and shows progress ("7 van 12 zijn klaar, 3 zijn onderweg", never who
is behind); whoever joins is asked the card's questions one at a time in a private
conversation with the bot, the next when they answer or skip the current one, until the
round closes on its date. The outcome is then compiled exactly as for a team round.

Pure rules like the engine: (round, what someone did, now) -> (round, messages). The
clock's part is the closing date and the reminders, which come only to those who joined
and are behind relative to the closing date, at most once per ``remind_every`` school
days, on school days, within the round's hours.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot import asking, review, texts
from bot.i18n import _, ngettext
from bot.model import (
    Answer,
    AnswerGiven,
    Member,
    Person,
    Round,
    Status,
    StepKind,
    StepState,
)
from bot.outbound import (
    DirectNotice,
    NoticePost,
    Post,
    ProgressPost,
    ReminderPost,
    Reply,
    SummaryPost,
)
from bot.school_days import is_school_day, local
from bot.summary import Labels, compile_summary, step_label
from dialogues.cards import Card

Result = tuple[Round, tuple[Post, ...], tuple[Reply, ...]]
_SEARCH_DAYS = 400


# --- the calendar ------------------------------------------------------------------------


def closing_moment(rnd: Round) -> datetime:
    """The end of the closing day's hours: a round that closes on Friday takes Friday."""
    s = rnd.settings
    assert s.closes is not None
    return datetime.combine(s.closes, s.hours[1], ZoneInfo(s.timezone)).astimezone(UTC)


def next_check(after: datetime, rnd: Round) -> datetime:
    """The next moment reminders may go out: a school day, within the round's hours."""
    s = rnd.settings
    zone = ZoneInfo(s.timezone)
    at = min(max(s.time_of_day, s.hours[0]), _before(s.hours[1]))
    day = after.astimezone(zone).date()
    for _n in range(_SEARCH_DAYS):
        moment = datetime.combine(day, at, zone).astimezone(UTC)
        if moment > after and is_school_day(day, s):
            return moment
        day += timedelta(days=1)
    return closing_moment(rnd)


def _before(end: time) -> time:
    """A minute before the hours end, so a check is inside them, not on their edge."""
    moment = datetime.combine(date(2000, 1, 1), end) - timedelta(minutes=1)
    return moment.time()


def school_days(start: date, end: date, rnd: Round) -> int:
    """School days after ``start`` up to and including ``end``."""
    count, day = 0, start
    while day < end:
        day += timedelta(days=1)
        count += is_school_day(day, rnd.settings)
    return count


def within_hours(moment: datetime, rnd: Round) -> bool:
    s = rnd.settings
    here = local(moment, s.timezone)
    return is_school_day(here.date(), s) and s.hours[0] <= here.time() < s.hours[1]


# --- the round ---------------------------------------------------------------------------


def open_round(rnd: Round, now: datetime, card: Card) -> tuple[Round, tuple[Post, ...]]:
    """The round begins: every step can be answered from now on, by whoever joins."""
    steps = tuple(
        replace(s, state=StepState.POSTED, posted_at=now)
        if s.state is StepState.PENDING and s.kind is not StepKind.FOLLOWUP
        else s
        for s in rnd.steps
    )
    rnd = rnd.evolve(
        status=Status.RUNNING,
        steps=steps,
        next_due=closing_moment(rnd),
        remind_at=next_check(now, rnd),
    )
    return rnd, (
        Post(rnd.channel, NoticePost(round_id=rnd.id, text=announcement(rnd, card), join=True)),
        progress(rnd),
    )


def announcement(rnd: Round, card: Card) -> str:
    steps = len(questions(rnd))
    lines = [
        _("Welkom bij de netwerkronde ‘{title}’.").format(title=card.title),
        card.purpose,
        _(
            "Iedereen gaat in eigen tempo door de {steps} vragen, in een privégesprek met "
            "mij: de volgende vraag komt als je de vorige beantwoordt of overslaat. Stoppen "
            "en later verder gaan kan altijd (/dialoog verder). De ronde sluit {when}; daarna "
            "volgt de uitkomst hier."
        ).format(
            steps=steps,
            when=texts.moment(closing_moment(rnd), rnd.settings.timezone),
        ),
        _("Doe mee met /dialoog doe-mee (of de knop hieronder)."),
    ]
    if rnd.settings.own_first:
        lines.append(
            _("Je ziet de antwoorden van de anderen op een vraag nadat je zelf hebt geantwoord.")
        )
    if rnd.settings.anonymous:
        lines.append(_("Deze ronde is anoniem: in de uitkomst staan geen namen."))
    lines.append(_("Coördinator: {name}.").format(name=rnd.started_by.name))
    return "\n\n".join(lines)


def questions(rnd: Round) -> list[int]:
    """The steps a participant goes through: all but a later terugblik."""
    return [i for i, s in enumerate(rnd.steps) if s.kind is not StepKind.FOLLOWUP]


def progress(rnd: Round) -> Post:
    """The channel's one progress message, edited in place where the platform can."""
    total = len(questions(rnd))
    done = sum(1 for m in rnd.members if m.position >= total)
    return Post(
        rnd.channel,
        ProgressPost(
            round_id=rnd.id,
            joined=len(rnd.members),
            done=done,
            underway=len(rnd.members) - done,
            closes=closing_moment(rnd) if rnd.settings.closes else None,
            timezone=rnd.settings.timezone,
            open=rnd.status is Status.RUNNING,
        ),
    )


def join(rnd: Round, person: Person, now: datetime, card: Card) -> Result:
    """Join, or come back: either way the person is asked where they are."""
    if rnd.status is not Status.RUNNING:
        return rnd, (), (Reply(person, _closed(rnd)),)
    member = rnd.member(person)
    if member is not None:
        return ask(rnd, member, card)
    member = Member(person=person, joined_at=now, position=_first_open(rnd, person, 0))
    rnd = rnd.evolve(members=(*rnd.members, member))
    rnd, posts, replies = ask(rnd, member, card)
    text = _("Je doet mee; de eerste vraag staat in je privégesprek met mij.")
    return rnd, (progress(rnd), *posts), (*replies, Reply(person, text))


def ask(rnd: Round, member: Member, card: Card) -> Result:
    """The member's current question, privately; or that they are done."""
    order = questions(rnd)
    if member.position >= len(order):
        return rnd, (_direct(rnd, member.person, _done_text(rnd)),), ()
    index = order[member.position]
    return rnd, (_question(rnd, index, member, card),), ()


def answer(
    rnd: Round, member: Member, event: AnswerGiven, message_id: str, now: datetime, card: Card
) -> Result:
    """A private message from a member: the answer to the question they are on."""
    order = questions(rnd)
    if member.position >= len(order):
        text = _(
            "Je hebt alle vragen gehad. Iets aanpassen? Wijzig je eerdere bericht; de ronde "
            "sluit {when}."
        ).format(when=texts.moment(closing_moment(rnd), rnd.settings.timezone))
        return rnd, (), (Reply(event.person, text),)
    index = order[member.position]
    given = Answer(
        step_index=index,
        person=event.person,
        message_id=message_id,
        text=event.text,
        given_at=now,
    )
    rnd = rnd.evolve(answers=(*rnd.answers, given))
    if rnd.status is not Status.RUNNING:
        # closed: kept all the same, and shown as a late answer in the record
        moved = replace(member, position=member.position + 1)
        rnd = rnd.evolve(members=tuple(moved if m is member else m for m in rnd.members))
        step = rnd.steps[index]
        label, _role, _text = step_label(card, step.kind, step.ref)
        text = _(
            "De ronde is gesloten; je antwoord op {label} is bewaard en staat als nagekomen "
            "antwoord bij het verslag."
        ).format(label=label)
        return rnd, (), (Reply(event.person, text),)
    posts: list[Post] = []
    if rnd.settings.own_first:
        posts.append(_others(rnd, index, event.person, card))
    rnd, more, _replies = _advance(rnd, member, card)
    return rnd, (*posts, *more), ()


def skip(rnd: Round, person: Person, card: Card) -> Result:
    member = rnd.member(person)
    if member is None or rnd.status is not Status.RUNNING:
        return rnd, (), (Reply(person, _not_member(rnd)),)
    if member.position >= len(questions(rnd)):
        return rnd, (), (Reply(person, _done_text(rnd)),)
    return _advance(rnd, member, card)


def _advance(rnd: Round, member: Member, card: Card) -> Result:
    moved = replace(member, position=_first_open(rnd, member.person, member.position + 1))
    rnd = rnd.evolve(members=tuple(moved if m is member else m for m in rnd.members))
    rnd, posts, replies = ask(rnd, moved, card)
    if moved.position >= len(questions(rnd)):
        posts = (*posts, progress(rnd))
    return rnd, posts, replies


def _first_open(rnd: Round, person: Person, position: int) -> int:
    """From ``position`` on, the first question this person has not answered (an answer
    given before joining, or twice, is not asked for again)."""
    answered = {a.step_index for a in rnd.answers if a.person.key == person.key}
    order = questions(rnd)
    while position < len(order) and order[position] in answered:
        position += 1
    return position


def close(rnd: Round, now: datetime, card: Card) -> tuple[Round, tuple[Post, ...]]:
    """Answers stop being asked for; the outcome follows as for a team round."""
    closed = rnd.evolve(next_due=None, remind_at=None)
    if rnd.settings.review is not None:
        closed, said = review.open_review(closed, now, card)
    else:
        closed = closed.evolve(status=Status.FINISHED, finished_at=now)
        said = (
            Post(
                closed.channel,
                SummaryPost(round_id=closed.id, summary=compile_summary(card, closed, now)),
            ),
        )
    return closed, (progress(closed), *said)


def move_close(rnd: Round, day: date) -> Result:
    """Another closing date; the channel hears it, with the progress message anew."""
    s = rnd.settings
    rnd = rnd.evolve(settings=replace(s, closes=day))
    rnd = rnd.evolve(next_due=closing_moment(rnd))
    text = _("De ronde sluit nu {when}.").format(when=texts.moment(closing_moment(rnd), s.timezone))
    notice = Post(rnd.channel, NoticePost(round_id=rnd.id, text=text))
    return rnd, (notice, progress(rnd)), ()


def remind(rnd: Round, now: datetime, card: Card) -> tuple[Round, tuple[Post, ...]]:
    """Nudge, privately, each member who is behind relative to the closing date."""
    posts: list[Post] = []
    members = list(rnd.members)
    if within_hours(now, rnd):
        opened = min((s.posted_at for s in rnd.steps if s.posted_at is not None), default=now)
        start = local(opened, rnd.settings.timezone).date()
        today = local(now, rnd.settings.timezone).date()
        assert rnd.settings.closes is not None
        span = max(school_days(start, rnd.settings.closes, rnd), 1)
        share = min(school_days(start, today, rnd) / span, 1.0)
        total = len(questions(rnd))
        for i, m in enumerate(members):
            if m.position >= total or m.person.key in rnd.quiet:
                continue
            if m.position >= int(share * total):
                continue  # on pace
            if m.reminded_at is not None:
                since = local(m.reminded_at, rnd.settings.timezone).date()
                if school_days(since, today, rnd) < rnd.settings.remind_every:
                    continue
            members[i] = replace(m, reminded_at=now)
            posts.append(_reminder(rnd, m, card))
    rnd = rnd.evolve(members=tuple(members), remind_at=next_check(now, rnd))
    return rnd, tuple(posts)


def status(rnd: Round, person: Person, coordinator: bool) -> str:
    total = len(questions(rnd))
    member = rnd.member(person)
    lines = []
    if member is None:
        lines.append(_("Je doet nog niet mee: /dialoog doe-mee."))
    elif member.position >= total:
        lines.append(_("Je bent klaar: alle {total} vragen gehad.").format(total=total))
    else:
        lines.append(
            _("Je bent bij vraag {n} van {total}.").format(n=member.position + 1, total=total)
        )
    if rnd.status is Status.RUNNING and rnd.settings.closes is not None:
        lines.append(
            _("De ronde sluit {when}.").format(
                when=texts.moment(closing_moment(rnd), rnd.settings.timezone)
            )
        )
    if coordinator:
        # privately, to the coordinator only: who joined and how far each is
        labels = Labels.of(rnd)
        names = sorted((labels.author(m.person) or "", min(m.position, total)) for m in rnd.members)
        if names:
            lines.append(
                _("Deelnemers: {list}.").format(
                    list=", ".join(f"{name} {done}/{total}" for name, done in names)
                )
            )
        else:
            lines.append(_("Nog niemand doet mee."))
    return " ".join(lines)


def _question(rnd: Round, index: int, member: Member, card: Card) -> Post:
    asked = asking.question(
        rnd, index, card, order=questions(rnd), answer_until=closing_moment(rnd), to=member.person
    )
    return Post(rnd.channel, asked)


def _others(rnd: Round, index: int, person: Person, card: Card) -> Post:
    """What the others answered to this question: shown once your own answer is in."""
    labels = Labels.of(rnd)
    someone = _("iemand")
    said = [
        f"• {labels.author(a.person, private=a.private) or someone}: {a.text}"
        for a in sorted(rnd.answers, key=lambda a: a.given_at)
        if a.step_index == index and a.person.key != person.key
    ]
    step = rnd.steps[index]
    label, _role, _text = step_label(card, step.kind, step.ref)
    if said:
        text = _("Wat de anderen bij {label} zeiden:").format(label=label) + "\n" + "\n".join(said)
    else:
        text = _("Bij {label} ben jij de eerste; de anderen volgen nog.").format(label=label)
    return _direct(rnd, person, text)


def _reminder(rnd: Round, member: Member, card: Card) -> Post:
    order = questions(rnd)
    index = order[member.position]
    step = rnd.steps[index]
    label, _role, text = step_label(card, step.kind, step.ref)
    left = len(order) - member.position
    return Post(
        rnd.channel,
        ReminderPost(
            round_id=rnd.id,
            step_index=index,
            label=_("de netwerkronde"),
            text=ngettext(
                "Je bent bij {label} (nog {n} vraag): {text}\nVerder gaan: /dialoog verder",
                "Je bent bij {label} (nog {n} vragen): {text}\nVerder gaan: /dialoog verder",
                left,
            ).format(label=label, n=left, text=text),
            answer_until=closing_moment(rnd),
            timezone=rnd.settings.timezone,
            platform=member.person.platform,
            user_id=member.person.user_id,
            name=member.person.name,
            kind="netwerk",
        ),
    )


def _direct(rnd: Round, person: Person, text: str) -> Post:
    return Post(
        rnd.channel,
        DirectNotice(
            round_id=rnd.id,
            platform=person.platform,
            user_id=person.user_id,
            name=person.name,
            text=text,
        ),
    )


def _done_text(rnd: Round) -> str:
    return _(
        "Dat was de laatste vraag, dank je wel! Je antwoorden tellen mee in de uitkomst. "
        "Iets aanpassen kan tot de ronde sluit ({when}): wijzig je bericht."
    ).format(when=texts.moment(closing_moment(rnd), rnd.settings.timezone))


def _closed(rnd: Round) -> str:
    if rnd.status is Status.SCHEDULED:
        return _("De netwerkronde begint nog; je hoort het hier als je mee kunt doen.")
    return _("De netwerkronde is gesloten; de uitkomst staat in het kanaal.")


def _not_member(rnd: Round) -> str:
    if rnd.status is not Status.RUNNING:
        return _closed(rnd)
    return _("Je doet nog niet mee: /dialoog doe-mee.")
