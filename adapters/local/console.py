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
from bot.scheduler import Ticker
from bot.service import DialogueService

log = logging.getLogger(__name__)

CONSOLE_HELP = """\
Console (alles wat niet met / begint, is een antwoord op de laatste vraag):
  /dialoog …               een commando, bijvoorbeeld /dialoog start tempo=30s
  /als NAAM                 verder typen als iemand anders
  /op 1.2 TEKST             antwoorden op een eerdere vraag (ook: opening, droomvraag,
                            inzichten, acties, betrekken)
  /privé TEKST              privé antwoorden op de laatste vraag
  /wijzig u3 TEKST          je bericht u3 aanpassen
  /verwijder u3             je bericht u3 verwijderen
  /hulp                     deze uitleg
  /klaar                    stoppen (of Ctrl-D)"""


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
        word, _, rest = text.partition(" ")
        match word.casefold():
            case "/klaar" | "/exit" | "/quit":
                return False
            case "/hulp" | "/?":
                self.out(CONSOLE_HELP)
            case "/als":
                if rest.strip():
                    self.who = person(rest.strip())
                    self.out(f"Je typt nu als {self.who.name}.")
                else:
                    self.out("Gebruik: /als NAAM")
            case "/op":
                ref, _, answer = rest.strip().partition(" ")
                target = self.channel.question_id(ref.casefold())
                if target is None or not answer.strip():
                    self.out("Gebruik: /op VRAAG TEKST, voor een vraag die al gesteld is.")
                else:
                    await self.channel.say(self.who, answer, reply_to=target)
            case "/privé" | "/prive":
                if rest.strip():
                    await self.channel.say(self.who, rest, private=True)
                else:
                    self.out("Gebruik: /privé TEKST")
            case "/wijzig":
                message_id, _, answer = rest.strip().partition(" ")
                if message_id and answer.strip():
                    await self.channel.edit(self.who, message_id, answer, confirm=True)
                else:
                    self.out("Gebruik: /wijzig u3 TEKST")
            case "/verwijder":
                if rest.strip():
                    await self.channel.delete(self.who, rest.strip(), confirm=True)
                else:
                    self.out("Gebruik: /verwijder u3")
            case _ if word.startswith("/") and not word.casefold().startswith("/dialoog"):
                # a mistyped command must not end up as somebody's answer
                self.out(f"Onbekend commando ‘{word}’; er is niets bewaard. /hulp voor uitleg.")
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
    out(f"Kanaal ‘{channel_id}’, je typt als {console.who.name}. /hulp voor uitleg.")
    where = await service.where_we_are(channel.channel)
    out(where if where is not None else "Hier loopt nog geen ronde. Start er een: /dialoog start")
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
                out(f"Er ging iets mis ({exc.__class__.__name__}); probeer het opnieuw.")
    finally:
        await ticker.stop()
