"""The state machine of a round: (round, event, now) → (new round, posts, replies).

Pure on purpose: no database, no network, no clock of its own. Everything a round does
over weeks can be replayed in a test in milliseconds by feeding events and moving ``now``,
and the service around it can save the new state and the messages it asks for in one
transaction, which is what makes a restart safe.

Rules worth knowing:
- one step per tick: after downtime the round goes on where it stopped instead of
  flooding the channel with every step it missed;
- a skipped step is never posted; a paused round posts nothing but still takes answers;
- answers are accepted in every state (late answers count, nothing typed is lost).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta

from bot import asking, network, review, texts
from bot.commands import FOLLOWUP_DEFAULT, Action, ActionCommand, help_text
from bot.i18n import _, ngettext
from bot.model import (
    Answer,
    AnswerDeleted,
    AnswerEdited,
    AnswerGiven,
    ChannelRef,
    Person,
    Previous,
    Round,
    RoundSettings,
    Status,
    Step,
    StepKind,
    StepState,
)
from bot.outbound import (
    AnswerShown,
    AnswersPost,
    NoticePost,
    Post,
    QuestionPost,
    ReminderPost,
    Reply,
    SummaryPost,
)
from bot.school_days import first_due, local, next_due, reminder_due
from bot.summary import Labels, compile_summary, step_label
from bot.values import CommandError, check_closes
from dialogues.cards import Card


@dataclass(frozen=True, slots=True)
class Outcome:
    """What should happen: the round as it is now, and what to say."""

    round: Round | None
    posts: tuple[Post, ...] = ()
    replies: tuple[Reply, ...] = ()


def plan_steps(card: Card, settings: RoundSettings) -> tuple[Step, ...]:
    """Opening, the chosen questions in card order, droomvraag, then the evaluation:
    as far as the card has them (only the questions are on every card)."""
    for role in settings.roles:
        if card.role(role) is None:
            raise CommandError(
                _("{word} {role} bestaat niet op deze kaart; kies uit {roles}.").format(
                    word=card.role_words[0].capitalize(),
                    role=role,
                    roles=", ".join(str(r.number) for r in card.roles),
                )
            )
    for number in settings.questions:
        if card.question(number) is None:
            raise CommandError(
                _(
                    "Vraag {number} staat niet op deze kaart (de vragen lopen van {first} tot "
                    "{last})."
                ).format(
                    number=number,
                    first=card.questions()[0][1].number,
                    last=card.questions()[-1][1].number,
                )
            )
    chosen_all = not settings.roles and not settings.questions
    questions = [
        Step(StepKind.QUESTION, q.number)
        for role, q in card.questions()
        if chosen_all or role.number in settings.roles or q.number in settings.questions
    ]
    return (
        *([Step(StepKind.OPENING, "opening")] if card.opening is not None else []),
        *questions,
        *([Step(StepKind.DROOMVRAAG, "droomvraag")] if card.droomvraag is not None else []),
        *(Step(StepKind.EVALUATION, e.key) for e in card.evaluation),
    )


def new_round(
    *,
    channel: ChannelRef,
    person: Person,
    settings: RoundSettings,
    card: Card,
    now: datetime,
    coordinators: Iterable[str] = (),
    previous: Previous | None = None,
) -> Round:
    """A round that has not posted anything yet; due now unless it begins later.

    The caller saves it (which gives it an id) and then ticks it, so the opening is posted
    at once and through the same path as every later step.
    """
    steps = plan_steps(card, settings)
    due = now
    if settings.begin is not None:
        due = max(now, first_due(settings.begin, settings))
    return Round(
        id=0,
        channel=channel,
        settings=settings,
        status=Status.SCHEDULED,
        steps=steps,
        coordinators=frozenset({person.key, *coordinators}),
        created_at=now,
        started_by=person,
        next_due=due,
        previous=previous,
    )


def scheduled_notice(rnd: Round) -> Post | None:
    """Tell the channel when a round that begins later will begin."""
    if rnd.status is not Status.SCHEDULED or rnd.next_due is None:
        return None
    text = _("{name} heeft een dialoogronde gepland; de eerste vraag verschijnt {when}.").format(
        name=rnd.started_by.name, when=texts.moment(rnd.next_due, rnd.settings.timezone)
    )
    return Post(rnd.channel, NoticePost(round_id=rnd.id, text=text))


def tick(rnd: Round, now: datetime, card: Card, *, caught_up: bool = True) -> Outcome:
    """Post the step that is due, or the summary after the last one, or the reminders.

    ``caught_up`` is False while the round's channel has not yet received what the round
    said before. Then nothing new is said: the round follows its delivery, so a channel
    whose platform lags never gets several steps in a burst, and the summary is never
    compiled before people have seen the last question.
    """
    if not caught_up:
        return Outcome(rnd)
    if rnd.status is Status.REVIEWING:
        if rnd.next_due is not None and rnd.next_due <= now:
            return Outcome(*review.window_over(rnd, now))
        return Outcome(rnd)
    if rnd.status is Status.FINISHED:
        if rnd.next_due is not None and rnd.next_due <= now:
            return _ask_followup(rnd, now, card)
        return Outcome(rnd)
    if rnd.settings.network:
        return _network_tick(rnd, now, card)
    if rnd.next_due is None or rnd.next_due > now:
        if rnd.status is Status.RUNNING and rnd.remind_at is not None and rnd.remind_at <= now:
            return _remind(rnd, card)
        return Outcome(rnd)
    posts: list[Post] = []
    if rnd.status is Status.SCHEDULED:
        rnd = rnd.evolve(status=Status.RUNNING)
        posts.append(Post(rnd.channel, NoticePost(round_id=rnd.id, text=texts.intro(rnd, card))))
    elif rnd.status is not Status.RUNNING:
        return Outcome(rnd)

    index = rnd.next_step_index
    closing = rnd.current_step_index
    if closing is not None and rnd.settings.own_first:
        posts.extend(answers_shown(rnd, closing, card))
    if index is None and rnd.settings.review is not None:
        rnd, said = review.open_review(rnd, now, card)
        return Outcome(rnd, (*posts, *said))
    if index is None:
        rnd = rnd.evolve(status=Status.FINISHED, finished_at=now, next_due=None, remind_at=None)
        summary = compile_summary(card, rnd, now)
        posts.append(Post(rnd.channel, SummaryPost(round_id=rnd.id, summary=summary)))
        return Outcome(rnd, tuple(posts))

    due = next_due(now, rnd.settings)
    steps = list(rnd.steps)
    steps[index] = replace(steps[index], state=StepState.POSTED, posted_at=now)
    rnd = rnd.evolve(
        steps=tuple(steps), next_due=due, remind_at=reminder_due(now, due, rnd.settings)
    )
    posts.append(Post(rnd.channel, question_post(rnd, index, card, answer_until=due)))
    return Outcome(rnd, tuple(posts))


def _network_tick(rnd: Round, now: datetime, card: Card) -> Outcome:
    """A network round on the clock: it opens, reminds those behind, and closes."""
    due = rnd.next_due is not None and rnd.next_due <= now
    if rnd.status is Status.SCHEDULED and due:
        return Outcome(*network.open_round(rnd, now, card))
    if rnd.status is not Status.RUNNING:
        return Outcome(rnd)
    if due:
        return Outcome(*network.close(rnd, now, card))
    if rnd.remind_at is not None and rnd.remind_at <= now:
        return Outcome(*network.remind(rnd, now, card))
    return Outcome(rnd)


def answers_shown(rnd: Round, index: int, card: Card) -> list[Post]:
    """Eerst zelf: the step closes, so everyone's answers to it go into its thread."""
    labels = Labels.of(rnd)
    shown = [
        AnswerShown(author=labels.author(a.person, private=a.private), text=a.text)
        for a in sorted(rnd.answers, key=lambda a: (a.given_at, a.message_id))
        if a.step_index == index
    ]
    if not shown:
        return []
    step = rnd.steps[index]
    label, _role, _text = step_label(card, step.kind, step.ref)
    content = AnswersPost(round_id=rnd.id, step_index=index, label=label, answers=shown)
    return [Post(rnd.channel, content)]


def needs_answers(rnd: Round, now: datetime) -> bool:
    """Whether ticking the round now reads its answers (reminders and the summary do),
    so the tick of a round that only posts its next question need not load them."""
    stepping = rnd.next_due is not None and rnd.next_due <= now
    if rnd.status in (Status.REVIEWING, Status.FINISHED):
        # the window's end counts who checked; the terugblik asks who named an action
        return stepping
    if rnd.settings.network:
        # closing compiles the outcome; reminders read how far each member is
        return stepping or (rnd.remind_at is not None and rnd.remind_at <= now)
    if stepping:
        # the summary reads them; so does eerst-zelf, which shows the closed step's answers
        return rnd.next_step_index is None or rnd.settings.own_first
    return rnd.remind_at is not None and rnd.remind_at <= now


def delivered(rnd: Round, step_index: int, at: datetime) -> Round:
    """The question of ``step_index`` reached the channel at ``at``: count from there.

    A step's answer window is the time people actually had, not the time since the
    engine decided to post it; a platform that delivered late moves the next step later.
    """
    if rnd.status is not Status.RUNNING or rnd.current_step_index != step_index:
        return rnd
    if rnd.settings.network:
        return rnd  # each member keeps their own pace; the round keeps its closing date
    due = next_due(at, rnd.settings)
    if rnd.next_due is None or due <= rnd.next_due:
        return rnd
    return rnd.evolve(next_due=due, remind_at=reminder_due(at, due, rnd.settings))


def _remind(rnd: Round, card: Card) -> Outcome:
    """Once per question: a private nudge to each participant who has not answered it.

    Participants are the people the round knows (whoever started it or answered in it),
    minus those who asked for no reminders.
    """
    index = rnd.current_step_index
    rnd = rnd.evolve(remind_at=None)
    if index is None:
        return Outcome(rnd)
    answered = {a.person.key for a in rnd.answers if a.step_index == index}
    step = rnd.steps[index]
    _label, _role, text = step_label(card, step.kind, step.ref)
    posts = tuple(
        Post(
            rnd.channel,
            ReminderPost(
                round_id=rnd.id,
                step_index=index,
                label=texts.step_name(card, step),
                text=text,
                answer_until=rnd.next_due,
                timezone=rnd.settings.timezone,
                platform=person.platform,
                user_id=person.user_id,
                name=person.name,
            ),
        )
        for key, person in sorted(rnd.participants().items())
        if key not in answered and key not in rnd.quiet
    )
    return Outcome(rnd, posts)


def question_post(
    rnd: Round, index: int, card: Card, answer_until: datetime | None
) -> QuestionPost:
    """The step as the channel's question, numbered among the steps not skipped."""
    counted = [i for i, s in enumerate(rnd.steps) if s.state is not StepState.SKIPPED]
    return asking.question(rnd, index, card, order=counted, answer_until=answer_until)


# --- commands --------------------------------------------------------------------------

_COORDINATOR_ONLY = {
    Action.PAUSE,
    Action.RESUME,
    Action.NEXT,
    Action.SKIP,
    Action.SUMMARY,
    Action.STOP,
    Action.OUTCOME,
    Action.PROPOSE,
    Action.PUBLISH,
    Action.FOLLOWUP,
    Action.CLOSE,
    Action.FREE,
}
# what a network round does differently: joining, going on, skipping one's own question
_NETWORK = {Action.JOIN, Action.CONTINUE, Action.CLOSE}
# what only makes sense while questions are still being asked
_STEPPING = {Action.PAUSE, Action.RESUME, Action.NEXT, Action.SKIP}


def is_coordinator(rnd: Round, person: Person, is_admin: bool) -> bool:
    return is_admin or person.key in rnd.coordinators


def command(
    rnd: Round | None,
    cmd: ActionCommand,
    person: Person,
    now: datetime,
    card: Card | None,
    *,
    is_admin: bool = False,
) -> Outcome:
    """Carry out a command other than start on the channel's round (if there is one).

    ``rnd`` is the channel's active round, or for status and summary its latest one.
    """
    if cmd.action is Action.HELP:
        return _reply(rnd, person, help_text())
    if cmd.action in (Action.CARDS, Action.MY_DATA, Action.FORGET_ME):
        # about the cards on offer or a person's own data, not about a round: the service
        # answers these, it knows the cards and reaches the store
        return Outcome(rnd)
    if rnd is None or card is None:
        return _reply(rnd, person, _("Er loopt hier geen ronde. Start er een met: /dialoog start"))
    if cmd.action is Action.STATUS and rnd.settings.network and rnd.status is Status.RUNNING:
        mine = network.status(rnd, person, is_coordinator(rnd, person, is_admin))
        return _reply(rnd, person, mine)
    if cmd.action is Action.STATUS:
        return _reply(rnd, person, texts.status_line(rnd, card, review.status_phrase(rnd)))
    if cmd.action is Action.REMINDERS:
        return _reminders(rnd, cmd, person)
    if cmd.action is Action.SKIP and rnd.settings.network and rnd.status is Status.RUNNING:
        return Outcome(*network.skip(rnd, person, card))  # one's own current question
    if cmd.action in _COORDINATOR_ONLY and not is_coordinator(rnd, person, is_admin):
        return _reply(
            rnd,
            person,
            _("Alleen een coördinator van deze ronde mag dat (coördinator: {name}).").format(
                name=rnd.started_by.name
            ),
        )
    if cmd.action is Action.SUMMARY:
        summary = compile_summary(card, rnd, now)
        return Outcome(rnd, (Post(rnd.channel, SummaryPost(round_id=rnd.id, summary=summary)),))
    if cmd.action is Action.FOLLOWUP:
        return _followup(rnd, cmd, person, now, card)
    if cmd.action is Action.FREE:
        return _free(rnd, cmd, person, now)
    if rnd.settings.network and cmd.action in _NETWORK:
        return _network_command(rnd, cmd, person, now, card, is_admin=is_admin)
    if cmd.action in _NETWORK:
        return _reply(rnd, person, _("Dat hoort bij een netwerkronde; deze ronde is er geen."))
    if cmd.action is Action.OUTCOME:
        if cmd.edit is None:
            return Outcome(*review.show(rnd, person, now, card))
        return Outcome(*review.edit(rnd, cmd.edit, person))
    if not rnd.status.active:
        return _reply(
            rnd, person, _("Deze ronde is al afgelopen. Start een nieuwe met: /dialoog start")
        )
    if cmd.action is Action.PROPOSE:
        return Outcome(*review.propose(rnd, person, now, card))
    if cmd.action is Action.PUBLISH:
        return Outcome(*review.publish(rnd, person, now, card))
    if cmd.action is Action.VERDICT:
        return Outcome(*review.verdict(rnd, cmd, person, now))
    if rnd.status is Status.REVIEWING and cmd.action in _STEPPING:
        return _reply(
            rnd,
            person,
            _("Alle stappen zijn gesloten; de uitkomst wordt nu opgemaakt en gecontroleerd."),
        )
    handler = _HANDLERS[cmd.action]
    return handler(rnd, cmd, person, now, card)


def _followup(rnd: Round, cmd: ActionCommand, person: Person, now: datetime, card: Card) -> Outcome:
    """Plan the terugblik: a step weeks after the round, asked in the channel and, to
    everyone who named an action, privately with their own action quoted."""
    if rnd.status is not Status.FINISHED:
        return _reply(rnd, person, _("Een terugblik plan je als de ronde is afgerond."))
    if any(s.kind is StepKind.FOLLOWUP and s.state is not StepState.PENDING for s in rnd.steps):
        return _reply(rnd, person, _("De terugblik van deze ronde is al gesteld."))
    wait = int(cmd.argument) if cmd.argument else FOLLOWUP_DEFAULT.days
    day = local(now, rnd.settings.timezone).date() + timedelta(days=wait)
    due = first_due(day, rnd.settings)
    steps = rnd.steps
    if not any(s.kind is StepKind.FOLLOWUP for s in steps):
        steps = (*steps, Step(StepKind.FOLLOWUP, "terugblik"))
    rnd = rnd.evolve(steps=steps, next_due=due)
    text = _(
        "Terugblik gepland: {when}. Wie een actie noemde, krijgt dan persoonlijk de vraag hoe "
        "het ging; de antwoorden komen bij het verslag van deze ronde."
    ).format(when=texts.moment(due, rnd.settings.timezone))
    return _reply(rnd, person, text)


def _ask_followup(rnd: Round, now: datetime, card: Card) -> Outcome:
    """The terugblik is due: in the channel, and privately to each who named an action."""
    index = next(i for i, s in enumerate(rnd.steps) if s.kind is StepKind.FOLLOWUP)
    steps = list(rnd.steps)
    steps[index] = replace(steps[index], state=StepState.POSTED, posted_at=now)
    rnd = rnd.evolve(steps=tuple(steps), next_due=None, remind_at=None)
    posts: list[Post] = [Post(rnd.channel, question_post(rnd, index, card, answer_until=None))]
    actions = next((i for i, s in enumerate(rnd.steps) if s.ref == "acties"), None)
    _label, _role, question = step_label(card, StepKind.FOLLOWUP, "terugblik")
    named: dict[str, list[str]] = {}
    people: dict[str, Person] = {}
    for a in sorted(rnd.answers, key=lambda a: a.given_at):
        if a.step_index == actions:
            named.setdefault(a.person.key, []).append(a.text)
            people[a.person.key] = a.person
    for key, said in named.items():
        who = people[key]
        quote = _("Je nam je voor: «{action}»").format(action=" ".join(said))
        posts.append(
            Post(
                rnd.channel,
                ReminderPost(
                    round_id=rnd.id,
                    step_index=index,
                    label=_("de terugblik"),
                    text=f"{quote}\n\n{question}",
                    timezone=rnd.settings.timezone,
                    platform=who.platform,
                    user_id=who.user_id,
                    name=who.name,
                    kind="terugblik",
                ),
            )
        )
    return Outcome(rnd, tuple(posts))


def _network_command(
    rnd: Round, cmd: ActionCommand, person: Person, now: datetime, card: Card, *, is_admin: bool
) -> Outcome:
    if cmd.action is Action.JOIN:
        return Outcome(*network.join(rnd, person, now, card))
    if cmd.action is Action.CONTINUE:
        member = rnd.member(person)
        if member is None:
            return Outcome(*network.join(rnd, person, now, card))
        return Outcome(*network.ask(rnd, member, card))
    # Action.CLOSE: coordinators only (checked before); now, or on another date
    if rnd.status is not Status.RUNNING:
        return _reply(rnd, person, _("De netwerkronde is niet open."))
    if cmd.argument is None:
        return Outcome(*network.close(rnd, now, card))
    day = date.fromisoformat(cmd.argument)
    try:
        check_closes(day, local(now, rnd.settings.timezone).date())
    except CommandError as exc:
        return _reply(rnd, person, str(exc))
    return Outcome(*network.move_close(rnd, day))


def _free(rnd: Round, cmd: ActionCommand, person: Person, now: datetime) -> Outcome:
    """Add days off to a running round and say what that changes."""
    if not rnd.status.active:
        return _reply(rnd, person, _("Deze ronde is al afgelopen."))
    if not cmd.argument:
        return _reply(rnd, person, _("Gebruik: vrij JJJJ-MM-DD of vrij JJJJ-MM-DD..JJJJ-MM-DD."))
    added = {date.fromisoformat(d) for d in cmd.argument.split(",")}
    settings = replace(rnd.settings, skip_dates=tuple(sorted(set(rnd.settings.skip_dates) | added)))
    rnd = rnd.evolve(settings=settings)
    zone = settings.timezone
    days = len(added)
    said = ngettext("{n} vrije dag toegevoegd.", "{n} vrije dagen toegevoegd.", days).format(n=days)
    if settings.network:
        rnd = rnd.evolve(remind_at=network.next_check(now, rnd) if rnd.remind_at else None)
        if settings.closes is not None:
            said += " " + _(
                "Op die dagen komen er geen herinneringen; de ronde sluit nog steeds {when}."
            ).format(when=texts.moment(network.closing_moment(rnd), zone))
        return _reply(rnd, person, said)
    posted = [s.posted_at for s in rnd.steps if s.posted_at is not None]
    if rnd.status is Status.RUNNING and rnd.next_due is not None and posted:
        due = next_due(max(posted), settings)
        rnd = rnd.evolve(next_due=due, remind_at=reminder_due(max(posted), due, settings))
        said += " " + _("De volgende stap komt nu {when}.").format(when=texts.moment(due, zone))
    elif rnd.status is Status.SCHEDULED and settings.begin is not None:
        due = max(now, first_due(settings.begin, settings))
        rnd = rnd.evolve(next_due=due)
        said += " " + _("De ronde begint nu {when}.").format(when=texts.moment(due, zone))
    return _reply(rnd, person, said)


def _pause(rnd: Round, cmd: ActionCommand, person: Person, now: datetime, card: Card) -> Outcome:
    if rnd.status is Status.PAUSED:
        return _reply(rnd, person, _("De ronde staat al op pauze. Verder gaan? /dialoog hervat"))
    rnd = rnd.evolve(status=Status.PAUSED, paused_at=now)
    text = _(
        "{name} heeft de ronde gepauzeerd. Antwoorden op eerdere vragen blijven welkom."
    ).format(name=person.name)
    return Outcome(rnd, (Post(rnd.channel, NoticePost(round_id=rnd.id, text=text)),))


def _resume(rnd: Round, cmd: ActionCommand, person: Person, now: datetime, card: Card) -> Outcome:
    if rnd.status is not Status.PAUSED:
        return _reply(rnd, person, _("De ronde staat niet op pauze."))
    begun = rnd.current_step_index is not None
    due = max(rnd.next_due or now, now)
    rnd = rnd.evolve(
        status=Status.RUNNING if begun else Status.SCHEDULED, paused_at=None, next_due=due
    )
    text = _("{name} heeft de ronde hervat; de volgende stap volgt {when}.").format(
        name=person.name, when=texts.moment(due, rnd.settings.timezone) if due > now else _("nu")
    )
    resumed = Post(rnd.channel, NoticePost(round_id=rnd.id, text=text))
    after = tick(rnd, now, card)
    return Outcome(after.round, (resumed, *after.posts))


def _next(rnd: Round, cmd: ActionCommand, person: Person, now: datetime, card: Card) -> Outcome:
    if rnd.status is Status.PAUSED:
        return _reply(rnd, person, _("De ronde staat op pauze. Eerst verder? /dialoog hervat"))
    return tick(rnd.evolve(next_due=now), now, card)


def _skip(rnd: Round, cmd: ActionCommand, person: Person, now: datetime, card: Card) -> Outcome:
    if cmd.argument is None:
        index = rnd.next_step_index
    else:
        index = next(
            (i for i, s in enumerate(rnd.steps) if s.ref == cmd.argument),
            None,
        )
        if index is None:
            return _reply(
                rnd, person, _("Vraag {ref} hoort niet bij deze ronde.").format(ref=cmd.argument)
            )
        if rnd.steps[index].state is not StepState.PENDING:
            return _reply(
                rnd,
                person,
                _("Vraag {ref} is al gesteld of overgeslagen.").format(ref=cmd.argument),
            )
    if index is None:
        return _reply(rnd, person, _("Er is geen vraag meer om over te slaan."))
    steps = list(rnd.steps)
    steps[index] = replace(steps[index], state=StepState.SKIPPED)
    rnd = rnd.evolve(steps=tuple(steps))
    label, _role, _text = step_label(card, steps[index].kind, steps[index].ref)
    return _reply(
        rnd, person, _("Overgeslagen: {label}. Die stap wordt niet gesteld.").format(label=label)
    )


def _stop(rnd: Round, cmd: ActionCommand, person: Person, now: datetime, card: Card) -> Outcome:
    rnd = rnd.evolve(
        status=Status.CANCELLED, finished_at=now, next_due=None, remind_at=None, paused_at=None
    )
    text = _(
        "{name} heeft de ronde gestopt. De coördinator kan de antwoorden nog opvragen met "
        "/dialoog samenvatting."
    ).format(name=person.name)
    return Outcome(rnd, (Post(rnd.channel, NoticePost(round_id=rnd.id, text=text)),))


def _reminders(rnd: Round, cmd: ActionCommand, person: Person) -> Outcome:
    """Anyone may switch their own reminders for this round off, or on again."""
    if cmd.argument == "off":
        rnd = rnd.evolve(quiet=rnd.quiet | {person.key})
        return _reply(rnd, person, _("Je krijgt in deze ronde geen herinneringen meer."))
    rnd = rnd.evolve(quiet=rnd.quiet - {person.key})
    return _reply(rnd, person, _("Je krijgt weer een herinnering als een vraag nog open staat."))


_HANDLERS = {
    Action.PAUSE: _pause,
    Action.RESUME: _resume,
    Action.NEXT: _next,
    Action.SKIP: _skip,
    Action.STOP: _stop,
}


def _reply(rnd: Round | None, person: Person, text: str) -> Outcome:
    return Outcome(rnd, replies=(Reply(person, text),))


# --- answers ---------------------------------------------------------------------------


def accept(
    step: Step | None,
    event: AnswerGiven,
    step_index: int,
    now: datetime,
    *,
    own_first: bool = False,
) -> tuple[Answer | None, tuple[Reply, ...]]:
    """The answer to keep (if any) and what to tell its author, from the step alone.

    An answer needs nothing of the round but the step it answers: a step that was posted
    stays posted, so this can be decided without the round's version, and any number of
    answers to one step are independent facts.
    """
    if step is None or step.state is not StepState.POSTED:
        return None, (Reply(event.person, _("Op deze vraag kun je (nog) niet antwoorden.")),)
    if own_first and event.private:
        # eerst-zelf: given out of sight, and shown to the group (with a name) when the
        # step closes, in its thread
        given = Answer(step_index, event.person, event.message_id, event.text, now)
        text = _(
            "Dank je, je antwoord is bewaard. Als de stap sluit, zet ik alle antwoorden in "
            "de draad."
        )
        return given, (Reply(event.person, text),)
    given = Answer(
        step_index=step_index,
        person=event.person,
        message_id=event.message_id,
        text=event.text,
        given_at=now,
        private=event.private,
    )
    if not event.private:
        return given, ()
    text = _(
        "Dank je, je antwoord is bewaard. Het verschijnt pas in de eindsamenvatting, "
        "zonder je naam."
    )
    return given, (Reply(event.person, text),)


def answer(rnd: Round, event: AnswerGiven, step_index: int, now: datetime) -> Outcome:
    """Keep an answer in the round value. A redelivered message (same id) is kept once."""
    if any(a.message_id == event.message_id for a in rnd.answers):
        return Outcome(rnd)
    step = rnd.steps[step_index] if 0 <= step_index < len(rnd.steps) else None
    given, replies = accept(step, event, step_index, now)
    if given is not None:
        rnd = rnd.evolve(answers=(*rnd.answers, given))
    return Outcome(rnd, replies=replies)


def edit(rnd: Round, event: AnswerEdited, now: datetime) -> Outcome:
    """An edit replaces the answer's text, if it is the author's own answer.

    Edits of messages that are not answers are not ours to keep.
    """
    answers = tuple(
        replace(a, text=event.text, edited_at=now)
        if a.message_id == event.message_id and a.person.key == event.person.key
        else a
        for a in rnd.answers
    )
    return Outcome(rnd.evolve(answers=answers))


def delete(rnd: Round, event: AnswerDeleted) -> Outcome:
    """A deletion removes the answer; when the platform says who deletes, only their own."""
    answers = tuple(
        a
        for a in rnd.answers
        if a.message_id != event.message_id
        or (event.person is not None and a.person.key != event.person.key)
    )
    return Outcome(rnd.evolve(answers=answers))


__all__ = [
    "Outcome",
    "accept",
    "answer",
    "command",
    "delete",
    "delivered",
    "edit",
    "is_coordinator",
    "needs_answers",
    "new_round",
    "plan_steps",
    "question_post",
    "scheduled_notice",
    "tick",
]
