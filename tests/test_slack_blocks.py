"""Slack rendering on its own: inert user text, messages within Slack's limits, and the
outcome's buttons and modals translated back into the commands they stand for."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path
from typing import Any

import yaml

from adapters.slack import blocks, translate
from bot.model import AnswerEdited, AnswerGiven, ReviewPhase
from bot.outbound import DraftPost, NoticePost
from bot.summary import Summary
from bot.synthesis import ActionRow
from tests.platform_limits import slack_message_problems, slack_view_problems
from tests.slack_harness import view_values
from tests.summary_fixture import summary as fixed_summary


def at_phase(phase: ReviewPhase, **changes: Any) -> Summary:
    s = fixed_summary()
    outcome = s.outcome.model_copy(update={"phase": phase, "published_at": None, **changes})
    return s.model_copy(update={"outcome": outcome, "final": phase is ReviewPhase.PUBLISHED})


def test_fallback_text_is_escaped() -> None:
    assert blocks.fallback("<!channel> & <@U1>") == "&lt;!channel&gt; &amp; &lt;@U1&gt;"


def test_a_40000_character_action_is_a_line_in_the_channel_and_whole_in_the_record() -> None:
    s = fixed_summary()
    actions = [ActionRow(author="Bram <!channel>", what="x" * 40_000), *s.outcome.synthesis.actions]
    synthesis = s.outcome.synthesis.model_copy(update={"actions": actions})
    s = s.model_copy(update={"outcome": s.outcome.model_copy(update={"synthesis": synthesis})})
    messages = blocks.outcome(s)
    assert len(messages) == 1  # what a phone shows: one message
    assert slack_message_problems(messages[0]) == []
    texts = [b["text"]["text"] for b in messages[0]["blocks"] if "text" in b]
    line = next(t for t in texts if t.startswith("1. Bram <!channel>: x"))
    assert len(line.split("\n")[0]) < 250  # clipped, with an ellipsis
    assert "…" in line
    assert "&lt;!channel&gt;" in messages[0]["text"] or "<!channel>" not in messages[0]["text"]


def test_the_check_carries_its_buttons_and_the_published_outcome_none() -> None:
    checking = blocks.outcome(at_phase(ReviewPhase.CHECK, until=fixed_summary().outcome.until))
    actions = [b for b in checking[0]["blocks"] if b["type"] == "actions"]
    assert [e["action_id"] for e in actions[0]["elements"]] == [
        translate.AGREE_ACTION, translate.ADDITION_ACTION, translate.OBJECTION_ACTION,
    ]  # fmt: skip
    assert json.loads(actions[0]["elements"][0]["value"]) == {"round_id": 7}
    shown = [b["text"]["text"] for b in checking[0]["blocks"] if b["type"] == "section"]
    assert any("met de knoppen hieronder" in t for t in shown)
    published = blocks.outcome(fixed_summary())
    assert not any(b["type"] == "actions" for m in published for b in m["blocks"])
    assert any("Bevestigd door de groep" in b.get("text", {}).get("text", "")
               for b in published[0]["blocks"])  # fmt: skip


def test_the_draft_carries_bewerken_and_voorleggen_with_the_rounds_channel() -> None:
    s = at_phase(ReviewPhase.DRAFT)
    post = DraftPost(round_id=7, platform="slack", user_id="UANNA", name="Anna", summary=s)
    message = blocks.draft(post, "C1")[0]
    assert message["blocks"][0]["text"]["text"].startswith("Concept-uitkomst")
    buttons = next(b for b in message["blocks"] if b["type"] == "actions")["elements"]
    assert [b["action_id"] for b in buttons] == [translate.EDIT_ACTION, translate.PROPOSE_ACTION]
    assert json.loads(buttons[1]["value"]) == {"round_id": 7, "channel": "C1"}
    checking = DraftPost(
        round_id=7, platform="slack", user_id="UANNA", name="Anna",
        summary=at_phase(ReviewPhase.CHECK, until=fixed_summary().outcome.until),
    )  # fmt: skip
    assert not any(b["type"] == "actions" for b in blocks.draft(checking, "C1")[0]["blocks"])


def submitted(view: dict[str, Any], changes: dict[str, str | None]) -> dict[str, Any]:
    state = {"values": view_values(view, changes)}
    return {
        "type": "view_submission",
        "user": {"id": "UANNA"},
        "view": {**view, "id": "V42", "state": state},
    }


def test_the_edit_modal_becomes_one_command_per_changed_field() -> None:
    s = at_phase(ReviewPhase.DRAFT)
    view = blocks.edit_modal(s, {"round_id": 7, "channel": "C1"})
    assert slack_view_problems(view) == []
    ids = [b.get("block_id") for b in view["blocks"]]
    assert ids[:4] == ["kern", "droom", "thema:1", "thema:2"]
    assert translate.outcome_edits(submitted(view, {}), "Anna") == []  # nothing changed

    body = submitted(
        view,
        {
            "kern": "Nieuwe kern <!channel>\nmet twee regels",
            "thema:1": "weg",
            "thema:2": "Samen opleiden",
            "actie:1:wanneer": None,  # the date taken away
            "actie:2:wanneer": "2027-03-01",
            "actie:2:oplevert": "Een vaste plek",
            "actie:1:met": "",
        },
    )
    commands = translate.outcome_edits(body, "Anna")
    assert [c.text for c in commands] == [
        "uitkomst kern Nieuwe kern <!channel>\nmet twee regels",
        "uitkomst thema 2 Samen opleiden",
        "uitkomst actie 1 wanneer geen",
        "uitkomst actie 1 met",
        "uitkomst actie 2 wanneer 2027-03-01",
        "uitkomst actie 2 oplevert Een vaste plek",
        "uitkomst thema 1 weg",  # removals last, so every number still means what it showed
        "uitkomst",  # and the draft as it now stands
    ]
    assert {str(c.channel) for c in commands} == {str(translate.channel("C1"))}
    event_ids = [c.event_id for c in commands]
    assert len(set(event_ids)) == len(event_ids)
    again = translate.outcome_edits(body, "Anna")  # the same submission, sent again
    assert [c.event_id for c in again] == event_ids


def test_remarks_and_clicks_are_commands_with_stable_ids() -> None:
    view = blocks.remark_modal("aanvulling", {"round_id": 7, "channel": "C1"})
    assert slack_view_problems(view) == []
    values = {"reactie": {"tekst": {"type": "plain_text_input", "value": "Ook <b>ouders</b>"}}}
    body = {"user": {"id": "USARA"}, "view": {**view, "id": "V7", "state": {"values": values}}}
    remark = translate.remark(body, "Sara")
    assert remark.text == "aanvulling Ook <b>ouders</b>"
    assert remark.event_id == translate.remark(body, "Sara").event_id
    click = {
        "user": {"id": "UBRAM"}, "trigger_id": "t9", "channel": {"id": "C1"},
        "actions": [{"action_id": translate.AGREE_ACTION, "value": '{"round_id": 7}',
                     "action_ts": "1700000000.000100"}],
    }  # fmt: skip
    agree = translate.button_command(click, "Bram", "klopt")
    assert (str(agree.channel), agree.text) == (str(translate.channel("C1")), "klopt")
    assert agree.event_id == "uitkomst_klopt:UBRAM:1700000000.000100"


def test_doe_mee_is_a_join_in_the_rounds_channel_with_a_stable_id() -> None:
    [announcement] = blocks.notice(NoticePost(round_id=7, text="Welkom", join=True))
    button = announcement["blocks"][-1]["elements"][0]
    click = {
        "user": {"id": "UBRAM"}, "trigger_id": "t9", "channel": {"id": "C1"},
        "actions": [{**button, "action_ts": "1700000000.000100"}],
    }  # fmt: skip
    joined = translate.join_command(click, "Bram")
    assert (joined.channel, joined.person.user_id, joined.text) == (
        translate.channel("C1"), "UBRAM", "doe-mee",
    )  # fmt: skip
    assert joined.event_id == "netwerk_doe_mee:UBRAM:1700000000.000100"
    assert translate.join_command(click, "Bram").event_id == joined.event_id  # redelivered
    later = {**click, "actions": [{**button, "action_ts": "1700000009.000100"}]}
    assert translate.join_command(later, "Bram").event_id != joined.event_id  # a new click
    assert blocks.notice(NoticePost(round_id=7, text="Welkom"))[0]["blocks"][-1]["type"] == (
        "section"  # any other notice: no button
    )


def test_a_direct_message_is_a_direct_answer_and_its_edit_an_edit() -> None:
    said = {"channel": "DUSARA", "channel_type": "im", "user": "USARA", "text": "Tijd", "ts": "5.1"}
    answer = translate.message({"event": said, "event_id": "Ev1"}, "UBOT", "Sara")
    assert isinstance(answer, AnswerGiven)
    assert answer.direct
    assert (answer.channel, answer.message_id, answer.text, answer.event_id) == (
        translate.channel("DUSARA"), "5.1", "Tijd", "Ev1",
    )  # fmt: skip
    in_thread = {**said, "thread_ts": "4.0"}  # a thread in the direct message: the same
    assert translate.message({"event": in_thread}, "UBOT", "Sara") == replace(answer, event_id=None)
    own = {**said, "user": "UBOT", "bot_id": "B1"}  # the bot's own question there
    assert translate.message({"event": own}, "UBOT", "dialoogbot") is None
    joined = {**said, "subtype": "channel_join"}
    assert translate.message({"event": joined}, "UBOT", "Sara") is None
    a_file = {**said, "subtype": "file_share", "text": ""}
    assert translate.message({"event": a_file}, "UBOT", "Sara") is None
    changed = {
        "channel": "DUSARA", "channel_type": "im", "subtype": "message_changed", "ts": "6.0",
        "message": {"user": "USARA", "text": "Meer tijd", "ts": "5.1"},
    }  # fmt: skip
    edit = translate.message({"event": changed, "event_id": "Ev2"}, "UBOT", "Sara")
    assert isinstance(edit, AnswerEdited)
    assert (edit.channel, edit.message_id, edit.text) == (
        translate.channel("DUSARA"), "5.1", "Meer tijd",
    )  # fmt: skip
    top_level = {**said, "channel": "C1", "channel_type": "channel"}  # not a thread reply
    assert translate.message({"event": top_level}, "UBOT", "Sara") is None
    assert translate.is_direct("DUSARA")
    assert not translate.is_direct("C1")


def test_mentions_are_recognised_only_at_the_start() -> None:
    assert translate.strip_mention("<@UBOT> status", "UBOT") == "status"
    assert translate.strip_mention("<@UBOT|dialoogbot>  help", "UBOT") == "help"
    assert translate.strip_mention("zie <@UBOT>", "UBOT") is None


def test_the_manifest_asks_for_what_the_adapter_uses() -> None:
    manifest = yaml.safe_load((Path(blocks.__file__).parent / "manifest.yaml").read_text())
    assert manifest["features"]["slash_commands"][0]["command"] == "/dialoog"
    scopes = set(manifest["oauth_config"]["scopes"]["bot"])
    assert scopes == {
        "commands", "chat:write", "app_mentions:read", "channels:history",
        "groups:history", "im:history", "users:read", "im:write", "files:write",
    }  # fmt: skip
    assert manifest["settings"]["socket_mode_enabled"] is True
    assert manifest["settings"]["interactivity"]["is_enabled"] is True  # buttons and modals
    # a network round: people write to the bot in its Messages tab, and it hears them
    assert "message.im" in manifest["settings"]["event_subscriptions"]["bot_events"]
    home = manifest["features"]["app_home"]
    assert home["messages_tab_enabled"] is True
    assert home["messages_tab_read_only_enabled"] is False
