"""Column types that make SQLite and PostgreSQL store the same values the same way."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import DateTime, Dialect, Text
from sqlalchemy.types import TypeDecorator


class UTCDateTime(TypeDecorator[datetime]):
    """Aware datetimes in, aware UTC out, on every backend.

    SQLite has no time zones and returns naive values; storing naive UTC everywhere and
    attaching UTC on the way out means comparisons like ``next_due <= now`` mean the same
    on both databases.
    """

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        return None if value is None else value.replace(tzinfo=UTC)


class UserText(TypeDecorator[str]):
    """Text exactly as a person typed it, NUL characters included.

    PostgreSQL refuses NUL in text columns; an answer must still be stored intact, so on
    PostgreSQL backslash and NUL are escaped reversibly. SQLite stores the text as is.
    """

    impl = Text
    cache_ok = True

    def process_bind_param(self, value: str | None, dialect: Dialect) -> str | None:
        if value is None or dialect.name != "postgresql":
            return value
        return value.replace("\\", "\\\\").replace("\x00", "\\0")

    def process_result_value(self, value: str | None, dialect: Dialect) -> str | None:
        if value is None or dialect.name != "postgresql" or "\\" not in value:
            return value
        out: list[str] = []
        chars = iter(value)
        for ch in chars:
            if ch == "\\":
                nxt = next(chars, "")
                out.append("\x00" if nxt == "0" else nxt)
            else:
                out.append(ch)
        return "".join(out)
