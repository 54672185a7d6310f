"""The full record that goes with an outcome post, as a document to download or print.

The channel shows the outcome short; the record holds everything (the outcome, then
every answer per role and question), typeset as A4 PDF by ``bot.paper``. Typesetting is
CPU work of up to a second for a large round, so it runs in a worker thread rather than
holding up the event loop that acknowledges the platform's events. Should it fail (a
broken install, a font gone missing), the Markdown record goes instead: a record in a
plainer form is better than an outcome post that never gets its record, retried until
it is given up on.
"""

from __future__ import annotations

import asyncio
import json
import logging
from dataclasses import dataclass
from typing import Any

from bot.i18n import _
from bot.paper import record_pdf
from bot.render import summary_markdown
from bot.summary import Summary

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Document:
    data: bytes
    filename: str
    title: str


async def record_document(summary: Summary) -> Document:
    title = _("Verslag ronde {id}").format(id=summary.round_id)
    try:
        pdf = await asyncio.to_thread(record_pdf, summary)
    except Exception:
        log.exception("the PDF record of round %s failed; sending Markdown", summary.round_id)
    else:
        return Document(pdf, f"dialoog-ronde-{summary.round_id}.pdf", title)
    markdown = summary_markdown(summary).encode()
    return Document(markdown, f"dialoog-ronde-{summary.round_id}.md", title)


def data_document(data: dict[str, Any]) -> Document:
    """``/dialoog mijngegevens``: what is kept about a person, as a JSON file for them."""
    text = json.dumps(data, ensure_ascii=False, indent=2)
    return Document(text.encode(), "mijngegevens.json", _("Wat dialoogbot over je bewaart"))
