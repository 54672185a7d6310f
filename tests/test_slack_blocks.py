"""Slack rendering on its own: inert user text, and messages within Slack's limits."""

from __future__ import annotations

from pathlib import Path

import yaml

from adapters.slack import blocks, translate
from bot.model import StepKind, StepState
from bot.summary import Summary, SummaryAnswer, SummaryItem


def item(index: int, answers: list[str]) -> SummaryItem:
    return SummaryItem(
        step_index=index, kind=StepKind.QUESTION, ref=f"1.{index}", label=f"1.{index}",
        role="Rol", question="Vraag?", state=StepState.POSTED,
        answers=[SummaryAnswer(author="Bram", text=t) for t in answers],
        respondents=["Bram"], respondent_count=1,
    )  # fmt: skip


def summary(items: list[SummaryItem]) -> Summary:
    return Summary(
        round_id=1, card_id="k", card_title="Kaart <!channel>", channel="slack:C1",
        timezone="Europe/Amsterdam", status="finished", final=True, anonymous=False,
        generated_at="2026-11-23T08:00:00Z", steps_asked=len(items), participant_count=1,
        opening=None, questions=items, droomvraag=None, evaluation=[], participation=[],
    )  # fmt: skip


def test_fallback_text_is_escaped() -> None:
    assert blocks.fallback("<!channel> & <@U1>") == "&lt;!channel&gt; &amp; &lt;@U1&gt;"


def test_a_40000_character_answer_fits_slacks_limits() -> None:
    messages = blocks.summary(
        summary([item(1, ["x" * 40_000]), *[item(i, ["kort"]) for i in range(2, 30)]])
    )
    assert len(messages) > 1
    for message in messages:
        assert len(message["blocks"]) <= blocks.BLOCK_LIMIT
        for block in message["blocks"]:
            text = block.get("text", {}).get("text", "")
            assert len(text) <= blocks.SECTION_LIMIT
    joined = "".join(
        b["text"]["text"] for m in messages for b in m["blocks"] if b.get("type") == "section"
    )
    assert joined.count("x") == 40_000
    assert "&lt;!channel&gt;" in messages[0]["text"]


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
