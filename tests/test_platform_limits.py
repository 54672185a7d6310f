"""Every rendering fits what Slack and Telegram accept, and nothing it must show goes missing.

Hypothesis builds outcomes of 1 to 300 participants, at every phase (none, the
coordinator's draft, the group's check, published), with texts of 1 to 40,000
characters (words, line breaks, emoji outside the BMP, mentions and markup), renders
them for Slack and Telegram (the channel post, the draft, the edit modal), and checks
each message against the platforms' limits (``tests/platform_limits.py``), that the key
message can still be read whole across the blocks and messages it was split over, that
every action and addition shows with its number and author, and that nobody is ranked.
Explicit cases pin the extremes.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from adapters.slack import blocks
from adapters.slack.translate import (
    ADDITION_ACTION,
    AGREE_ACTION,
    EDIT_ACTION,
    JOIN_ACTION,
    OBJECTION_ACTION,
    PROPOSE_ACTION,
)
from adapters.telegram import format as fmt
from bot.brief import edit_commands, record_note
from bot.model import ReviewPhase, Status, StepKind
from bot.outbound import DraftPost, NoticePost, ProgressPost, QuestionPost, ReminderPost
from bot.summary import Comparison, Outcome, Participation, Period, Remark, Summary
from bot.synthesis import ActionRow, Contrast, Dream, Synthesis, Theme
from tests.platform_limits import (
    SLACK_FALLBACK_LIMIT,
    slack_message_problems,
    slack_refusal,
    slack_view_problems,
    telegram_parse,
    telegram_refusal,
    telegram_text_problems,
)
from tests.summary_fixture import anonymous_summary
from tests.summary_fixture import summary as fixed_summary

NOW = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)
WORDS = [
    "de", "school", "leraren", "opleiden", "samen", "beeld", "ĳs", "café", "e\u0301",
    "\n", "\n\n", " ", "😀", "👩‍👩‍👧", "👍🏽", "𝔸𝔹ℂ", "<!channel>", "<!here>", "<@U123>",
    "<#C1|x>", "*vet*", "_schuin_", "~weg~", "`code`", "<b>", "</b>", "<i>x</i>", "&",
    "&amp;", "&lt;", "<script>", ">", "<", '"', "'", "…", "|", "#",
]  # fmt: skip
CHARACTERS = st.characters(blacklist_categories=("Cs", "Cc"))
CHUNKS = st.one_of(st.sampled_from(WORDS), st.text(CHARACTERS, min_size=1, max_size=12))


@st.composite
def texts(draw: st.DrawFn, max_size: int) -> str:
    """A text of 1 to ``max_size`` characters, tiled from a few drawn words and fragments."""
    base = " ".join(draw(st.lists(CHUNKS, min_size=1, max_size=20)))
    size = draw(st.one_of(st.integers(1, max_size), st.integers(max_size * 3 // 4, max_size)))
    return (base * (size // len(base) + 1))[:size]


@st.composite
def outcomes(draw: st.DrawFn) -> Summary:
    """A round's outcome at any phase, with 1 to 300 people and text up to 40,000 long."""
    count = draw(st.integers(1, 300))
    anonymous = draw(st.booleans())
    bases = draw(st.lists(texts(70), min_size=1, max_size=8))
    names = []
    for n in range(count):
        suffix = f" #{n}"
        who = f"deelnemer {n}" if anonymous else bases[n % len(bases)][: 80 - len(suffix)]
        names.append(who + suffix)
    short = draw(st.lists(texts(300), min_size=1, max_size=8))
    longs = draw(st.lists(texts(40_000), max_size=2))

    def text(n: int) -> str:
        return longs[n % len(longs)] if longs and n % 97 == 5 else short[n % len(short)]

    acting = draw(st.integers(0, count))
    actions = [
        ActionRow(
            author=None if n % 7 == 3 else names[n],  # a private answer's action: no name
            what=text(n),
            with_whom=short[(n + 1) % len(short)] if n % 2 else None,
            yields=short[(n + 2) % len(short)] if n % 3 == 0 else None,
            by_when=date(2027, 1 + n % 12, 1) if n % 4 == 0 else None,
        )
        for n in range(acting)
    ]
    themes = [
        Theme(
            title=draw(texts(150)),
            terms=["tijd"],
            refs=["1.1", "droomvraag", "inzichten"][: 1 + n % 3],
            people=2 + n,
            sources=[],
        )
        for n in range(draw(st.integers(0, 5)))
    ]
    contrasts = [
        Contrast(ref=f"1.{n}", label=f"1.{n}", kind="verschil", shared_terms=["uur"], sides=[])
        for n in range(draw(st.integers(0, 3)))
    ]
    remarks = draw(st.integers(0, count))
    additions = [Remark(author=names[n], text=text(n + 1), given_at=NOW) for n in range(remarks)]
    objections = [Remark(author=names[-1], text=text(3), given_at=NOW)] if remarks % 2 else []
    phase = draw(st.sampled_from([None, *ReviewPhase]))
    outcome = Outcome(
        phase=phase,
        kern=draw(st.one_of(st.none(), texts(2000), texts(40_000))),
        dream=draw(st.one_of(st.none(), texts(2000))),
        synthesis=Synthesis(
            enough=bool(themes),
            note=None if themes else "Te weinig antwoorden om iets samen te vatten.",
            themes=themes,
            contrasts=contrasts,
            dream=Dream(recurring=themes[:2], alone=[]),
            actions=actions,
        ),
        until=NOW if phase is not None else None,
        published_at=NOW if phase is ReviewPhase.PUBLISHED else None,
        asked=count,
        agreed=remarks // 2,
        additions=additions,
        objections=objections,
    )
    comparison = None
    if draw(st.booleans()):
        comparison = Comparison(
            previous_round_id=1,
            previous_period=Period(start=date(2025, 10, 6), end=date(2025, 10, 17)),
            participants_before=count // 2,
            participants_now=count,
            themes_new=[t.title for t in themes],
            themes_gone=draw(st.lists(texts(150), max_size=30)),
            themes_kept=[],
            actions_before=actions[:10],
        )
    return outcome_summary(outcome, names, anonymous=anonymous, comparison=comparison)


def outcome_summary(
    outcome: Outcome,
    names: list[str],
    *,
    anonymous: bool = False,
    comparison: Comparison | None = None,
) -> Summary:
    # participation names only the chart on paper may show, never the channel
    counted = [Participation(author=f"Geteld{n}", answered=n) for n in range(len(names))]
    return Summary(
        round_id=123_456_789, card_id="dialoogkaart", card_title="Dialoogkaart <!channel> & <b>",
        card_purpose="Doel", channel="slack:C1", timezone="Europe/Amsterdam",
        status=Status.FINISHED if outcome.phase is ReviewPhase.PUBLISHED else Status.REVIEWING,
        final=outcome.phase in (None, ReviewPhase.PUBLISHED), anonymous=anonymous,
        generated_at=NOW, period=Period(start=date(2026, 11, 2), end=date(2026, 11, 20)),
        steps_asked=8, participant_count=len(names), answer_count=len(names) * 3,
        outcome=outcome, opening=None, roles=[], droomvraag=None, evaluation=[],
        participation=[] if anonymous else counted, comparison=comparison,
    )  # fmt: skip


def squash(text: str) -> str:
    """Text without its whitespace: a split may fall on a space or a line break."""
    return re.sub(r"\s+", "", text)


def slack_texts(messages: list[dict[str, Any]]) -> list[str]:
    """Every text the messages show, in order."""
    return [o["text"] for o in slack_objects(messages)]


def slack_objects(messages: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Every text object the messages hold: block texts, context elements, button labels."""
    objects = []
    for message in messages:
        for block in message["blocks"]:
            if "text" in block:
                objects.append(block["text"])
            for element in block.get("elements", []):
                text = element.get("text")
                objects.append(text if isinstance(text, dict) else element)
    return objects


def telegram_text(messages: list[str]) -> str:
    return "".join(telegram_parse(m)[0] for m in messages)


def assert_slack_fits(messages: list[dict[str, Any]]) -> None:
    assert messages
    for message in messages:
        assert slack_message_problems(message, text_limit=SLACK_FALLBACK_LIMIT) == []


def assert_telegram_fits(messages: list[str]) -> None:
    assert messages
    for message in messages:
        assert telegram_text_problems(message) == []


def action_ids(messages: list[dict[str, Any]]) -> list[list[str]]:
    """The buttons' action ids, per message."""
    return [
        [e["action_id"] for b in m["blocks"] if b["type"] == "actions" for e in b["elements"]]
        for m in messages
    ]


def draft_of(s: Summary) -> DraftPost:
    return DraftPost(round_id=s.round_id, platform="slack", user_id="U1", name="Anna", summary=s)


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(s=outcomes())
def test_every_outcome_fits_both_platforms_and_shows_what_it_must(s: Summary) -> None:
    o = s.outcome
    slack = blocks.outcome(s)
    assert_slack_fits(slack)
    assert all(obj["type"] == "plain_text" for obj in slack_objects(slack))  # user text is inert
    buttons = action_ids(slack)
    if o.phase is ReviewPhase.CHECK:  # the check's buttons, under the first message
        assert buttons[0] == [AGREE_ACTION, ADDITION_ACTION, OBJECTION_ACTION]
    assert not any(buttons[1:])
    telegram = fmt.outcome(s, footer=[record_note()])
    assert_telegram_fits(telegram)
    drafted = blocks.draft(draft_of(s), "C1")
    assert_slack_fits(drafted)
    assert action_ids(drafted)[0] == (
        [EDIT_ACTION, PROPOSE_ACTION] if o.phase is ReviewPhase.DRAFT else []
    )
    assert_telegram_fits(fmt.outcome(s, draft=True, footer=edit_commands(button="Voorleggen")))
    assert slack_view_problems(blocks.edit_modal(s, {"round_id": 1, "channel": "C1"})) == []

    # the buttons sit under the first message, which may end inside a long key message
    read = [{**m, "blocks": [b for b in m["blocks"] if b["type"] != "actions"]} for m in slack]
    on_slack = squash("".join(slack_texts(read)))
    on_telegram = squash(telegram_text(telegram))
    shown = [on_slack, on_telegram]
    if o.kern:  # the coordinator's key message, whole however long
        assert all(squash(o.kern) in where for where in shown)
    for n, action in enumerate(o.synthesis.actions, start=1):
        who = action.author or "(privé)"
        assert all(squash(f"{n}.{who}:") in where for where in shown), n
    for remark in o.additions:
        assert all(squash(f"{remark.author}:") in where for where in shown)
    for theme in o.synthesis.themes:
        title = " ".join(theme.title.split())
        if len(title) < 100:
            assert all(squash(title) in where for where in shown)
    for counted in s.participation:  # nobody is ranked by how much they answered
        assert all(counted.author not in where for where in shown)


def test_an_outcome_of_200_participants() -> None:
    names = [f"Deelnemer {n:03} <!channel> *Schoolleider* & <b>collega</b>" for n in range(200)]
    actions = [
        ActionRow(author=n, what=f"Actie van {n}: " + "tekst " * 40, with_whom="het bestuur")
        for n in names
    ]
    remarks = [Remark(author=n, text="Aanvulling " * 30, given_at=NOW) for n in names]
    outcome = Outcome(
        phase=ReviewPhase.CHECK, kern="Kern", synthesis=Synthesis(enough=True, actions=actions),
        until=NOW, asked=200, additions=remarks,
    )  # fmt: skip
    s = outcome_summary(outcome, names)
    slack = blocks.outcome(s)
    assert_slack_fits(slack)
    assert len(slack) > 1  # too much for one message: split, the buttons on the first
    assert action_ids(slack)[0] == [AGREE_ACTION, ADDITION_ACTION, OBJECTION_ACTION]
    telegram = fmt.outcome(s)
    assert_telegram_fits(telegram)
    on_slack = "\n".join(slack_texts(slack))
    on_telegram = telegram_text(telegram)
    for n, name in enumerate(names, start=1):
        line = f"{n}. {name}: Actie van {name}: tekst"
        assert line in on_slack
        assert line in on_telegram
        assert f"{name}: Aanvulling Aanvulling" in on_telegram
    assert on_telegram.index(f"1. {names[0]}") < on_telegram.index(f"200. {names[-1]}")


def test_no_names_lists_and_no_ranking_in_the_channel() -> None:
    s = fixed_summary()
    for text in [*slack_texts(blocks.outcome(s)), telegram_text(fmt.outcome(s))]:
        assert "Beantwoord door" not in text
        assert "stappen beantwoord" not in text
        assert "Daan Visser" not in text  # he answered, but has no action or addition
    anonymous = anonymous_summary()
    shown = " ".join([*slack_texts(blocks.outcome(anonymous)), *fmt.outcome(anonymous)])
    assert "deelnemer A" in shown
    for name in ("Anna", "Bram", "Fatima", "Daan"):
        assert name not in shown


def test_a_40000_character_kern_with_mentions_and_tags() -> None:
    kern = ("<!channel> @everyone <b>vet</b> & 😀 *ster* <@U1> " * 1200)[:40_000]
    outcome = Outcome(phase=ReviewPhase.PUBLISHED, kern=kern, synthesis=Synthesis(enough=False))
    s = outcome_summary(outcome, ["Bram"])
    slack = blocks.outcome(s)
    assert_slack_fits(slack)
    sections = [b for m in slack for b in m["blocks"] if b["type"] == "section"]
    assert all(b["text"]["type"] == "plain_text" for b in sections)
    assert squash(kern) in squash("".join(b["text"]["text"] for b in sections))
    assert all("<!channel>" not in m["text"] for m in slack)  # the notification text
    telegram = fmt.outcome(s)
    assert_telegram_fits(telegram)
    assert squash(kern) in squash(telegram_text(telegram))
    assert all("&lt;b&gt;vet&lt;/b&gt; &amp; 😀" in m for m in telegram[1:])
    assert "<b>vet" not in "".join(telegram)


def test_emoji_count_twice_for_telegram() -> None:
    kern = "😀" * 39_999 + "!"  # 80,000 UTF-16 code units
    outcome = Outcome(phase=None, kern=kern, synthesis=Synthesis(enough=False))
    s = outcome_summary(outcome, ["Bram"])
    telegram = fmt.outcome(s)
    assert_telegram_fits(telegram)
    assert kern in telegram_text(telegram)
    assert_slack_fits(blocks.outcome(s))


def test_the_edit_modal_holds_what_fits_and_says_how_to_change_the_rest() -> None:
    def modal(actions: int) -> dict[str, Any]:
        rows = [
            ActionRow(author=f"Naam {n} <!here>", what="x" * 5000, with_whom="y" * 3000)
            for n in range(actions)
        ]
        themes = [Theme(title="t" * 150, terms=[], refs=["1.1"], people=2, sources=[])] * 5
        outcome = Outcome(
            phase=ReviewPhase.DRAFT, kern="k" * 2000, dream="d" * 2000,
            synthesis=Synthesis(enough=True, themes=themes, actions=rows),
        )  # fmt: skip
        view = blocks.edit_modal(outcome_summary(outcome, ["a"]), {"round_id": 1, "channel": "C1"})
        assert slack_view_problems(view) == []
        return view

    def ids(view: dict[str, Any]) -> list[str]:
        return [b.get("block_id", "") for b in view["blocks"]]

    few = ids(modal(20))
    assert {
        "kern",
        "droom",
        "thema:5",
        "actie:20:wanneer",
        "actie:20:met",
        "actie:20:oplevert",
    } <= (set(few))
    many = modal(300)
    assert "actie:80:wanneer" in ids(many)
    assert "actie:1:met" not in ids(many)  # dates only, when everything would not fit
    assert "actie:300:wanneer" not in ids(many)
    note = many["blocks"][-1]["elements"][0]["text"]
    assert "/dialoog uitkomst actie" in note


def test_button_data_stays_within_telegrams_64_bytes() -> None:
    from adapters.telegram import translate as telegram_translate

    for verb in ("klopt", "aanvulling", "bezwaar", "voorleggen", "doe-mee"):
        data = telegram_translate.callback_data(verb, 10**18 - 1)
        assert len(data.encode()) <= 64
        assert telegram_translate.callback_target(data) == (verb, 10**18 - 1)
    assert telegram_translate.callback_target("dialoog:stop:1") is None
    assert telegram_translate.callback_target(None) is None


def reminder(text: str, name: str = "Anna") -> ReminderPost:
    return ReminderPost(
        round_id=1, step_index=3, label="Vraag 2.4 <!channel>", text=text, answer_until=NOW,
        timezone="Europe/Amsterdam", platform="slack", user_id="U1", name=name,
    )  # fmt: skip


def test_a_reminder_at_the_extremes_still_fits_one_message() -> None:
    question = ("Hoe <b>ondersteun</b> je <!channel> & 😀 *leraren*? " * 900)[:40_000]
    r = reminder(question, name="<!channel> " + "N" * 69)
    message = blocks.reminder(r, "C1")
    assert_slack_fits([message])
    slack_shown = "".join(slack_texts([message]))
    assert question[:2000] in slack_shown
    telegram = fmt.reminder(r)
    assert telegram_text_problems(telegram) == []
    shown = telegram_parse(telegram)[0]
    assert question[:2000] in shown
    assert "…" in shown  # shortened where it must be, and visibly so
    assert "/dialoog herinneringen uit" in shown

    ordinary = reminder("Wat zie je in je partnerschap?")
    assert "Wat zie je in je partnerschap?" in telegram_parse(fmt.reminder(ordinary))[0]
    assert "…" not in telegram_parse(fmt.reminder(ordinary))[0]
    assert_slack_fits([blocks.reminder(ordinary, "C1")])


def test_a_notice_at_the_extremes_is_split_not_cut() -> None:
    # 40,000 characters that Slack may count as more than 150,000: over 50 sections
    text = ("Welkom <!channel> 😀𝔸\n\n" + "&&<> " * 8000)[:40_000]
    n = NoticePost(round_id=1, text=text)
    slack = blocks.notice(n)
    assert_slack_fits(slack)
    assert len(slack) > 1
    assert squash(text) == squash("".join(slack_texts(slack)))
    telegram = fmt.notice(n)
    assert_telegram_fits(telegram)
    assert squash(text) == squash(telegram_text(telegram))
    assert blocks.notice(NoticePost(round_id=1, text="kort")) == [
        {"text": "kort", "blocks": [blocks.plain_sections("kort")[0]]}
    ]


def test_a_question_and_its_modal_at_the_extremes() -> None:
    q = QuestionPost(
        round_id=1, step_index=0, step_number=1, step_count=31, kind=StepKind.QUESTION,
        ref="1.1", label="L" * 200, role="<!channel> rol", text="Vraag & <b>? 😀 " * 12_000,
        invitation="Deel je beelden " * 200, answer_until=NOW, timezone="Europe/Amsterdam",
        reconstructed=True,
    )  # fmt: skip
    message = blocks.question(q)
    assert_slack_fits([message])
    marked = "(begin van de vraag aangevuld door dialoogbot)"
    assert marked in slack_texts([message])
    assert any(b["type"] == "actions" for b in message["blocks"])
    telegram = fmt.question(q, dm_hint="Start een privégesprek " * 100)
    assert telegram_text_problems(telegram) == []
    assert "Vraag &amp; &lt;b&gt;? 😀" in telegram
    assert f"<i>{marked}</i>" in telegram
    first = next(b for b in message["blocks"] if b["type"] == "section")["text"]["text"]
    view = blocks.private_modal({"round_id": 1, "step_index": 0, "channel": "C1"}, first * 40)
    assert slack_view_problems(view) == []


def test_a_network_announcement_at_the_extremes_keeps_its_button_in_view() -> None:
    text = ("Welkom <!channel> 😀𝔸\n\n" + "&&<> " * 8000)[:40_000]
    slack = blocks.notice(NoticePost(round_id=10**18 - 1, text=text, join=True))
    assert_slack_fits(slack)
    assert len(slack) > 1
    assert action_ids(slack)[0] == [JOIN_ACTION]  # under the message the channel shows
    assert not any(action_ids(slack)[1:])
    read = [{**m, "blocks": [b for b in m["blocks"] if b["type"] != "actions"]} for m in slack]
    assert squash(text) == squash("".join(slack_texts(read)))
    short = blocks.notice(NoticePost(round_id=1, text="Welkom", join=True))
    assert len(short) == 1
    assert action_ids(short) == [[JOIN_ACTION]]


def test_a_privately_asked_question_at_the_extremes() -> None:
    q = QuestionPost(
        round_id=1, step_index=0, step_number=3, step_count=31, kind=StepKind.QUESTION,
        ref="4.4", label="L" * 200, role="<!channel> rol", text="Vraag & <b>? 😀 " * 12_000,
        invitation="Deel je beelden " * 200, answer_until=NOW, timezone="Europe/Amsterdam",
        reconstructed=True, platform="slack", user_id="U1", name="<!channel> " + "N" * 69,
    )  # fmt: skip
    marked = "(begin van de vraag aangevuld door dialoogbot)"
    message = blocks.question(q)  # a question with a person goes to them privately
    assert message == blocks.private_question(q)
    assert_slack_fits([message])
    shown = slack_texts([message])
    assert marked in shown
    assert any(t.startswith("Vraag 3 van 31 · de ronde sluit ") for t in shown)
    assert any("/dialoog overslaan" in t for t in shown)
    assert not any(b["type"] == "actions" for b in message["blocks"])  # no thread, no modal
    assert message["text"].startswith("Vraag 3 van 31 · ")
    telegram = fmt.private_question(q)
    assert telegram_text_problems(telegram) == []
    assert "Vraag &amp; &lt;b&gt;? 😀" in telegram
    assert f"<i>{marked}</i>" in telegram
    assert "<i>Vraag 3 van 31 · de ronde sluit " in telegram
    assert "/dialoog overslaan" in telegram
    plain = q.model_copy(
        update={"label": "4.4", "text": "Wat zie je?", "invitation": None, "reconstructed": False}
    )
    assert marked not in "".join(slack_texts([blocks.private_question(plain)]))
    assert "Wat zie je?" in telegram_parse(fmt.private_question(plain))[0]
    assert "…" not in telegram_parse(fmt.private_question(plain))[0]


def test_progress_shows_counts_on_both_platforms() -> None:
    for joined, done, is_open in [(0, 0, True), (1, 0, True), (300, 299, True), (12, 7, False)]:
        p = ProgressPost(
            round_id=1, joined=joined, done=done, underway=joined - done, closes=NOW,
            timezone="Europe/Amsterdam", open=is_open, edit_of="123",
        )  # fmt: skip
        slack = blocks.progress(p)
        assert_slack_fits([slack])
        telegram = fmt.progress(p)
        assert telegram_text_problems(telegram) == []
        shown = [slack["blocks"][0]["text"]["text"], telegram_parse(telegram)[0]]
        if joined:
            assert all(f"{done} van {joined} deelnemer" in t for t in shown)
        assert all(("gesloten" in t) is not is_open for t in shown)


def test_the_validators_catch_what_the_platforms_refuse() -> None:
    section = {"type": "section", "text": {"type": "plain_text", "text": "x"}}
    too_long = {"type": "context", "elements": [{"type": "plain_text", "text": "y" * 3375}]}
    assert slack_message_problems({"text": "t", "blocks": [section] * 50}) == []
    assert slack_message_problems({"text": "t", "blocks": [section] * 51})
    assert slack_message_problems({"text": "t", "blocks": [too_long]})
    assert slack_message_problems({"text": "t", "blocks": [{"type": "context", "elements": []}]})
    eleven = {"type": "context", "elements": [section["text"]] * 11}
    assert slack_message_problems({"text": "t", "blocks": [eleven]})
    header = {"type": "header", "text": {"type": "plain_text", "text": "&" * 31}}  # 155
    assert slack_message_problems({"text": "t", "blocks": [header]})
    assert slack_refusal("chat.postMessage", {"text": "t", "blocks": [too_long]}) == (
        "invalid_blocks"
    )
    big = {"type": "section", "text": {"type": "plain_text", "text": "z" * 2500}}
    assert slack_refusal("chat.postMessage", {"text": "t", "blocks": [big] * 4}) is None
    assert slack_refusal("chat.postMessage", {"text": "t", "blocks": [big] * 5}) == (
        "msg_blocks_too_long"  # undocumented, but Slack refuses about 12,000 in all
    )
    assert slack_refusal("chat.postMessage", {"text": "x" * 40_001}) == "msg_too_long"
    assert slack_refusal("chat.postMessage", {"text": "x" * 40_000}) is None

    assert telegram_text_problems("<b>a &amp; b</b> &lt;i&gt; &#x27; &#128512;") == []
    assert telegram_parse("<b>a &amp; b</b>")[0] == "a & b"
    assert telegram_text_problems("😀" * 2048) == []
    assert telegram_text_problems("😀" * 2049)  # 4,098 UTF-16 code units
    assert telegram_text_problems("<b>" + "a" * 4096 + "</b>") == []
    assert telegram_text_problems("<b>open")
    assert telegram_text_problems("<b><i>x</b></i>")
    assert telegram_text_problems("<script>x</script>")
    assert telegram_text_problems("a < b")
    assert telegram_text_problems("a & b")
    assert telegram_text_problems(" \n ")
    assert telegram_text_problems("<b>x</b>" * 101)
    refusal = telegram_refusal("sendMessage", {"text": "a" * 4097})
    assert refusal is not None
    assert refusal["description"] == "Bad Request: message is too long"
    assert telegram_refusal("sendMessage", {"text": "<b>", "parse_mode": "HTML"}) is not None
    assert telegram_refusal("sendMessage", {"text": "<b>", "parse_mode": None}) is None
