"""``dialoogbot console``: type as one or more participants and use every command.

Lines starting with ``/dialoog`` are commands; anything else answers the latest question.
A few console-only lines switch person or address an earlier question, the way a thread
reply would on Slack.
"""

from __future__ import annotations

import asyncio
import logging
import sys
from collections.abc import Callable

from adapters.local.channel import LocalChannel, person
from bot.i18n import N_, _
from bot.scheduler import Ticker
from bot.service import DialogueService

log = logging.getLogger(__name__)

CONSOLE_HELP = N_(
    "Console (alles wat niet met / begint, is een antwoord op de laatste vraag):\n"
    "  /dialoog …                een commando, bijvoorbeeld /dialoog start tempo=30s\n"
    "  /als NAAM                 verder typen als iemand anders\n"
    "  /op 1.2 TEKST             antwoorden op een eerdere vraag (ook: opening, droomvraag,\n"
    "                            inzichten, acties, betrekken)\n"
    "  /privé TEKST              privé antwoorden op de laatste vraag\n"
    "  /wijzig u3 TEKST          je bericht u3 aanpassen\n"
    "  /verwijder u3             je bericht u3 verwijderen\n"
    "  /hulp                     deze uitleg\n"
    "  /klaar                    stoppen (of Ctrl-D)"
)


class Console:
    def __init__(self, channel: LocalChannel, name: str, out: Callable[[str], None]) -> None:
        self.channel = channel
        self.who = person(name)
        self.out = out

    async def line(self, text: str) -> bool:
        """Handle one typed line; False when the person wants to stop."""
        text = text.strip()
        if not text:
            return True
        word, _sep, rest = text.partition(" ")
        match word.casefold():
            case "/klaar" | "/exit" | "/quit" | "/done":
                return False
            case "/hulp" | "/?" | "/help":
                self.out(_(CONSOLE_HELP))
            case "/als" | "/as":
                if rest.strip():
                    self.who = person(rest.strip())
                    self.out(_("Je typt nu als {name}.").format(name=self.who.name))
                else:
                    self.out(_("Gebruik: /als NAAM"))
            case "/op" | "/to":
                ref, _sep, answer = rest.strip().partition(" ")
                target = self.channel.question_id(ref.casefold())
                if target is None or not answer.strip():
                    self.out(_("Gebruik: /op VRAAG TEKST, voor een vraag die al gesteld is."))
                else:
                    await self.channel.say(self.who, answer, reply_to=target)
            case "/privé" | "/prive" | "/private":
                if rest.strip():
                    await self.channel.say(self.who, rest, private=True)
                else:
                    self.out(_("Gebruik: /privé TEKST"))
            case "/wijzig" | "/edit":
                message_id, _sep, answer = rest.strip().partition(" ")
                if message_id and answer.strip():
                    await self.channel.edit(self.who, message_id, answer, confirm=True)
                else:
                    self.out(_("Gebruik: /wijzig u3 TEKST"))
            case "/verwijder" | "/delete":
                if rest.strip():
                    await self.channel.delete(self.who, rest.strip(), confirm=True)
                else:
                    self.out(_("Gebruik: /verwijder u3"))
            case _ if word.startswith("/") and not word.casefold().startswith("/dialoog"):
                # a mistyped command must not end up as somebody's answer
                self.out(
                    _("Onbekend commando ‘{word}’; er is niets bewaard. /hulp voor uitleg.").format(
                        word=word
                    )
                )
            case _:
                await self.channel.say(self.who, text)
        return True


async def run_console(
    service: DialogueService,
    *,
    channel_id: str,
    name: str,
    tick: float,
    out: Callable[[str], None] = print,
) -> None:
    channel = LocalChannel(service, channel_id, out=out)
    console = Console(channel, name, out)
    ticker = Ticker(service, channel.deliver, interval=tick)
    out(
        _("Kanaal ‘{channel}’, je typt als {name}. /hulp voor uitleg.").format(
            channel=channel_id, name=console.who.name
        )
    )
    where = await service.where_we_are(channel.channel)
    out(
        where if where is not None else _("Hier loopt nog geen ronde. Start er een: /dialoog start")
    )
    ticker.start()
    try:
        while True:
            line = await asyncio.to_thread(sys.stdin.readline)
            if not line:
                break
            try:
                if not await console.line(line):
                    break
            except Exception as exc:  # the person keeps their console; the log has the rest
                log.exception("console line failed")
                out(
                    _("Er ging iets mis ({error}); probeer het opnieuw.").format(
                        error=exc.__class__.__name__
                    )
                )
    finally:
        await ticker.stop()
