"""The outcome's check in Slack, end to end: real slack-bolt and slack_sdk over HTTP, a fake
Slack on localhost, the service on a movable clock.

A short round closes its last step; the coordinator's direct message carries the draft;
Bewerken opens a modal whose submission edits it; Voorleggen puts it to the channel with
Klopt, Aanvulling and Bezwaar buttons; the group answers; the coordinator publishes.
"""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from adapters.slack import translate
from bot.model import ReviewPhase, Round, Status
from storage.db import Database
from storage.repository import Repository
from tests.platform_limits import slack_message_problems
from tests.slack_harness import CHANNEL, Harness, kind, pdf_text, reply, view_values

ANNA, BRAM, SARA = "UANNA", "UBRAM", "USARA"
# A round of question 1.1 only: opening, 1.1, droomvraag, inzichten, acties, betrekken.
STEPS: list[dict[str, str]] = [
    {
        ANNA: "Samen opleiden kost tijd, en die tijd staat niet in het rooster.",
        BRAM: "Een opleidingsschool met ruimte voor studenten in elk leerteam.",
        SARA: "Ik merk dat er te weinig tijd is voor nabesprekingen met studenten.",
    },
    {
        ANNA: "Dat kan vaker: studenten doen mee in de leerteams.",
        BRAM: "Nog te veel eenrichtingsverkeer tussen opleiders en het team.",
    },
    {
        ANNA: "Elk leerteam heeft een student en begeleiden heeft tijd in het rooster.",
        BRAM: "Studenten blijven na hun opleiding bij ons werken.",
        SARA: "Nabespreektijd staat vast in het rooster van elke begeleider.",
    },
    {ANNA: "De tijd voor begeleiding blijft achter.", BRAM: "Meer samen doen."},
    {
        ANNA: "Begeleidingsuren als eerste in het rooster zetten.",
        SARA: "Nabesprekingen vooraf inplannen.",
    },
    {
        ANNA: "HRM van het bestuur, zodat begeleiding in de gesprekscyclus komt.",
        SARA: "De andere werkplekbegeleiders, om samen een voorstel te maken.",
    },
]
HOSTILE_KERN = "Tijd voor begeleiding gaat voor. <!channel> @everyone *vet* <b>x</b> & <@UBRAM>"
ADDITION = "Ook de nabespreektijd hoort erbij. <!here> _schuin_"


async def the_round(db: Database) -> Round:
    async with db.transaction() as session:
        rnd = await Repository(session).latest(translate.channel(CHANNEL))
    assert rnd is not None
    return rnd


def drafts(slack: Harness) -> list[dict[str, Any]]:
    return [p for p in slack.fake.posts(f"D{ANNA}") if kind(p) == "draft"]


def outcomes(slack: Harness) -> list[dict[str, Any]]:
    return [p for p in slack.fake.posts(CHANNEL) if kind(p) == "summary"]


def texts(post: dict[str, Any]) -> list[str]:
    shown = []
    for block in post["blocks"]:
        if isinstance(block.get("text"), dict):
            shown.append(block["text"]["text"])
        shown += [e["text"] for e in block.get("elements", []) if isinstance(e.get("text"), str)]
    return shown


async def run_to_the_draft(slack: Harness) -> dict[str, Any]:
    """Start a short round with a check, answer every step, move the clock until the last
    step closes; the coordinator's draft, from her direct messages."""
    assert await slack.send.command(ANNA, CHANNEL, "start vragen=1.1 controle=2d tempo=5s") == 200
    await slack.fake.wait_for(lambda: len(slack.questions()) == 1)
    answered = 0
    for _ in range(40):
        if drafts(slack):
            break
        for question in slack.questions()[answered:]:
            for user, text in STEPS[answered].items():
                ts = f"{100 + answered}.{user}"
                await slack.send.event(reply(user, str(question["_ts"]), text, ts))
            answered += 1
        await slack.adapter.idle()
        await slack.step()
    assert answered == len(STEPS)
    assert outcomes(slack) == []  # nothing is the group's conclusion before it checked
    return drafts(slack)[-1]


async def test_the_group_confirms_the_outcome_in_slack(slack: Harness, db: Database) -> None:
    fake = slack.fake
    draft = await run_to_the_draft(slack)
    assert texts(draft)[0].startswith("Concept-uitkomst, alleen voor jou")
    rnd = await the_round(db)
    assert rnd.status is Status.REVIEWING
    assert rnd.review is not None
    assert len(rnd.review.draft.actions) >= 2

    # Bewerken: a modal filled with the draft; its submission edits what changed
    assert await slack.send.click(ANNA, f"D{ANNA}", draft, translate.EDIT_ACTION) == 200
    await fake.wait_for(lambda: len(fake.of("views.open")) == 1)
    view = {**fake.of("views.open")[0]["view"], "id": "VEDIT"}
    changes: dict[str, str | None] = {"kern": HOSTILE_KERN, "actie:1:wanneer": "2027-03-01"}
    values = view_values(view, changes)
    assert await slack.send.submit(ANNA, view, values) == 200
    assert await slack.send.submit(ANNA, view, values) == 200  # submitted twice: kept once
    await slack.adapter.idle()
    rnd = await the_round(db)
    assert rnd.review is not None
    assert rnd.review.kern == HOSTILE_KERN
    assert rnd.review.draft.actions[0].by_when == date(2027, 3, 1)
    edited = fake.of("chat.postEphemeral")
    assert sum("Aangepast" in e["text"] for e in edited) == 2  # kern and date, once each
    await fake.wait_for(lambda: len(drafts(slack)) == 2)  # the draft as it now stands
    assert any(HOSTILE_KERN in t for t in texts(drafts(slack)[-1]))

    # Voorleggen: the outcome goes to the channel, with the check's buttons
    assert await slack.send.click(ANNA, f"D{ANNA}", drafts(slack)[-1], translate.PROPOSE_ACTION)
    await fake.wait_for(lambda: len(outcomes(slack)) == 1)
    check = outcomes(slack)[0]
    assert texts(check)[0].startswith("Klopt dit?")
    buttons = [
        e["action_id"] for b in check["blocks"] if b["type"] == "actions" for e in b["elements"]
    ]
    assert buttons == [
        translate.AGREE_ACTION,
        translate.ADDITION_ACTION,
        translate.OBJECTION_ACTION,
    ]

    # Bram and Sara: Klopt (Bram's click delivered twice, as Socket Mode may); Anna: Aanvulling
    click = slack.send.click_payload(BRAM, CHANNEL, check, translate.AGREE_ACTION)
    assert await slack.send.interaction(click) == 200
    assert await slack.send.interaction(click) == 200
    assert await slack.send.click(SARA, CHANNEL, check, translate.AGREE_ACTION) == 200
    assert await slack.send.click(ANNA, CHANNEL, check, translate.ADDITION_ACTION) == 200
    await fake.wait_for(lambda: len(fake.of("views.open")) == 2)
    remark_view = {**fake.of("views.open")[1]["view"], "id": "VREMARK"}
    assert json.loads(remark_view["private_metadata"])["kind"] == "aanvulling"
    remark_values = view_values(remark_view, {"reactie": ADDITION})
    assert await slack.send.submit(ANNA, remark_view, remark_values) == 200
    # a 40,000-character objection is answered with a word, not kept, not echoed
    assert await slack.send.click(BRAM, CHANNEL, check, translate.OBJECTION_ACTION) == 200
    await fake.wait_for(lambda: len(fake.of("views.open")) == 3)
    huge_view = {**fake.of("views.open")[2]["view"], "id": "VHUGE"}
    huge = ("<!channel> @everyone " * 2000)[:40_000]
    assert (
        await slack.send.submit(BRAM, huge_view, view_values(huge_view, {"reactie": huge})) == 200
    )
    await slack.adapter.idle()
    rnd = await the_round(db)
    assert sorted((v.person.user_id, v.kind.value) for v in rnd.verdicts) == [
        (ANNA, "aanvulling"), (BRAM, "klopt"), (SARA, "klopt"),
    ]  # fmt: skip
    replies = [e["text"] for e in fake.of("chat.postEphemeral")]
    assert any("te lang" in r for r in replies)
    assert not any(huge[:100] in r for r in replies)

    # the coordinator publishes: everyone answered, so the window need not run out
    assert await slack.send.command(ANNA, CHANNEL, "publiceer") == 200
    await fake.wait_for(lambda: len(outcomes(slack)) == 2)
    await slack.adapter.idle()
    published = outcomes(slack)[1]
    shown = texts(published)
    assert shown[0].startswith("Uitkomst: ")
    assert any(t.startswith("Bevestigd door de groep") and "2 van 3" in t for t in shown)
    assert any(ADDITION in t for t in shown)
    assert any(HOSTILE_KERN in t for t in shown)
    assert not any(b["type"] == "actions" for b in published["blocks"])  # nothing to press now
    rnd = await the_round(db)
    assert rnd.status is Status.FINISHED
    assert rnd.review is not None
    assert rnd.review.phase is ReviewPhase.PUBLISHED

    # hostile text is shown as typed and pings nobody: plain_text only, escaped fallback
    for post in [*fake.posts(CHANNEL), *fake.posts(f"D{ANNA}")]:
        assert slack_message_problems(post) == []
        assert "<!channel>" not in post["text"]
        assert "<!here>" not in post["text"]
        for block in post.get("blocks") or []:
            if HOSTILE_KERN in json.dumps(block, ensure_ascii=False):
                assert block["text"]["type"] == "plain_text"
    # the full record goes with both outcome posts, in the round's thread
    uploads = fake.of("files.getUploadURLExternal")
    assert [u["filename"] for u in uploads] == ["dialoog-ronde-1.pdf"] * 2
    completed = fake.of("files.completeUploadExternal")
    assert all(c["thread_ts"] == fake.posts(CHANNEL)[0]["_ts"] for c in completed)
    record = pdf_text(list(fake.uploads.values())[-1])
    assert "bevestigd door 2 van 3" in record.lower()
    assert "Ook de nabespreektijd hoort erbij." in record
    assert "Tijd voor begeleiding gaat voor. <!channel> @everyone *vet* <b>x</b>" in record


async def test_the_draft_cannot_be_edited_once_with_the_group(slack: Harness, db: Database) -> None:
    fake = slack.fake
    draft = await run_to_the_draft(slack)
    await slack.send.click(ANNA, f"D{ANNA}", draft, translate.PROPOSE_ACTION)
    await fake.wait_for(lambda: len(outcomes(slack)) == 1)
    # Bewerken on the old draft: the modal says why not instead of offering an edit
    await slack.send.click(ANNA, f"D{ANNA}", draft, translate.EDIT_ACTION)
    await fake.wait_for(lambda: len(fake.of("views.open")) == 1)
    view = fake.of("views.open")[0]["view"]
    assert "submit" not in view
    assert "niet meer aanpassen" in view["blocks"][0]["text"]["text"]
    # and Voorleggen by someone who is no coordinator is refused by the engine
    await slack.send.click(BRAM, f"D{BRAM}", draft, translate.PROPOSE_ACTION)
    await slack.adapter.idle()
    assert "Alleen een coördinator" in fake.of("chat.postEphemeral")[-1]["text"]
    rnd = await the_round(db)
    assert rnd.review is not None
    assert rnd.review.phase is ReviewPhase.CHECK
