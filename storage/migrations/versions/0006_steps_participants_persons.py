"""A round's steps and people as rows: round_steps, participants, persons

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-27

The round row held its steps, coordinators, starter and quiet list as JSON; every
change to any of them rewrote the row. Steps and participants get tables of their own,
and one person per platform user is referenced by answers and participations, so all of
one person's data is found in one place. Existing rounds are carried over, data included.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from alembic import op

import storage.types

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

_rounds = sa.table(
    "rounds",
    sa.column("id", sa.Integer()),
    sa.column("platform", sa.String()),
    sa.column("steps", sa.JSON()),
    sa.column("coordinators", sa.JSON()),
    sa.column("started_by", sa.JSON()),
    sa.column("quiet", sa.JSON()),
    sa.column("created_at", storage.types.UTCDateTime()),
)
_answers = sa.table(
    "answers",
    sa.column("id", sa.Integer()),
    sa.column("round_id", sa.Integer()),
    sa.column("user_id", sa.String()),
    sa.column("user_name", sa.Text()),
    sa.column("given_at", storage.types.UTCDateTime()),
    sa.column("person_id", sa.Integer()),
)
_persons = sa.table(
    "persons",
    sa.column("id", sa.Integer()),
    sa.column("platform", sa.String()),
    sa.column("user_id", sa.String()),
    sa.column("name", sa.Text()),
    sa.column("first_seen", storage.types.UTCDateTime()),
)
_steps = sa.table(
    "round_steps",
    sa.column("round_id", sa.Integer()),
    sa.column("position", sa.Integer()),
    sa.column("kind", sa.String()),
    sa.column("ref", sa.String()),
    sa.column("state", sa.String()),
    sa.column("posted_at", storage.types.UTCDateTime()),
)
_participants = sa.table(
    "participants",
    sa.column("round_id", sa.Integer()),
    sa.column("person_id", sa.Integer()),
    sa.column("role", sa.String()),
    sa.column("quiet", sa.Boolean()),
    sa.column("joined_at", storage.types.UTCDateTime()),
)


def upgrade() -> None:
    op.create_table(
        "persons",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("platform", sa.String(length=32), nullable=False),
        sa.Column("user_id", sa.String(length=255), nullable=False),
        sa.Column("name", storage.types.UserText(), nullable=False),
        sa.Column("first_seen", storage.types.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_persons")),
        sa.UniqueConstraint("platform", "user_id", name=op.f("uq_persons_platform")),
    )
    op.create_table(
        "round_steps",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("ref", sa.String(length=32), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("posted_at", storage.types.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["round_id"],
            ["rounds.id"],
            name=op.f("fk_round_steps_round_id_rounds"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_round_steps")),
        sa.UniqueConstraint("round_id", "position", name=op.f("uq_round_steps_round_id")),
    )
    op.create_table(
        "participants",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("quiet", sa.Boolean(), nullable=False),
        sa.Column("joined_at", storage.types.UTCDateTime(), nullable=False),
        sa.Column("progress", sa.Integer(), nullable=True),
        sa.Column("next_due", storage.types.UTCDateTime(), nullable=True),
        sa.Column("remind_at", storage.types.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["persons.id"],
            name=op.f("fk_participants_person_id_persons"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["round_id"],
            ["rounds.id"],
            name=op.f("fk_participants_round_id_rounds"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_participants")),
        sa.UniqueConstraint("round_id", "person_id", name=op.f("uq_participants_round_id")),
    )
    op.create_index("ix_participants_person", "participants", ["person_id"])
    with op.batch_alter_table("answers") as batch:
        batch.add_column(sa.Column("person_id", sa.Integer(), nullable=True))

    _carry_over(op.get_bind())

    with op.batch_alter_table("answers") as batch:
        batch.alter_column("person_id", existing_type=sa.Integer(), nullable=False)
        batch.create_foreign_key(
            op.f("fk_answers_person_id_persons"), "persons", ["person_id"], ["id"],
            ondelete="CASCADE",
        )  # fmt: skip
        batch.create_index("ix_answers_person", ["person_id"])
        batch.drop_column("user_id")
        batch.drop_column("user_name")
    with op.batch_alter_table("rounds") as batch:
        batch.drop_column("steps")
        batch.drop_column("coordinators")
        batch.drop_column("started_by")
        batch.drop_column("quiet")


def _carry_over(connection: sa.Connection) -> None:
    """Every round's steps and people, and every answer's person, into the new tables."""
    persons: dict[tuple[str, str], int] = {}

    def person(platform: str, user_id: str, name: str, seen: datetime | None) -> int:
        key = (platform, user_id)
        if key not in persons:
            persons[key] = connection.execute(
                _persons.insert()
                .values(platform=platform, user_id=user_id, name=name,
                        first_seen=seen or datetime.now(UTC))
                .returning(_persons.c.id)
            ).scalar_one()  # fmt: skip
        elif name != user_id:  # a later, real name wins over a placeholder
            connection.execute(
                _persons.update().where(_persons.c.id == persons[key]).values(name=name)
            )
        return persons[key]

    platforms: dict[int, str] = {}
    for row in connection.execute(sa.select(_rounds)).all():
        platforms[row.id] = row.platform
        for position, step in enumerate(row.steps or []):
            posted = step.get("posted_at")
            connection.execute(
                _steps.insert().values(
                    round_id=row.id, position=position, kind=step["kind"], ref=step["ref"],
                    state=step["state"],
                    posted_at=datetime.fromisoformat(posted) if posted else None,
                )
            )  # fmt: skip
        roles: dict[str, tuple[str, str]] = {}
        starter: dict[str, Any] = row.started_by
        roles[f"{starter['platform']}:{starter['user_id']}"] = ("starter", starter["name"])
        for key in row.coordinators or []:
            roles.setdefault(key, ("coordinator", key.partition(":")[2]))
        for key in row.quiet or []:
            roles.setdefault(key, ("member", key.partition(":")[2]))
        for key, (role, name) in roles.items():
            platform, _, user_id = key.partition(":")
            connection.execute(
                _participants.insert().values(
                    round_id=row.id, person_id=person(platform, user_id, name, row.created_at),
                    role=role, quiet=key in (row.quiet or []), joined_at=row.created_at,
                )
            )  # fmt: skip
    joined: set[tuple[int, int]] = set()
    answers = connection.execute(sa.select(_answers).order_by(_answers.c.id)).all()
    for answer in answers:
        person_id = person(
            platforms[answer.round_id], answer.user_id, answer.user_name, answer.given_at
        )
        connection.execute(
            _answers.update().where(_answers.c.id == answer.id).values(person_id=person_id)
        )
        if (answer.round_id, person_id) not in joined:
            joined.add((answer.round_id, person_id))
            exists = connection.execute(
                sa.select(sa.func.count())
                .select_from(_participants)
                .where(
                    _participants.c.round_id == answer.round_id,
                    _participants.c.person_id == person_id,
                )
            ).scalar_one()
            if not exists:
                connection.execute(
                    _participants.insert().values(
                        round_id=answer.round_id, person_id=person_id, role="member",
                        quiet=False, joined_at=answer.given_at,
                    )
                )  # fmt: skip


def downgrade() -> None:
    with op.batch_alter_table("rounds") as batch:
        batch.add_column(sa.Column("steps", sa.JSON(), nullable=True))
        batch.add_column(sa.Column("coordinators", sa.JSON(), nullable=True))
        batch.add_column(sa.Column("started_by", sa.JSON(), nullable=True))
        batch.add_column(sa.Column("quiet", sa.JSON(), nullable=True))
    with op.batch_alter_table("answers") as batch:
        batch.add_column(sa.Column("user_id", sa.String(length=255), nullable=True))
        batch.add_column(sa.Column("user_name", storage.types.UserText(), nullable=True))
    connection = op.get_bind()
    people = {p.id: p for p in connection.execute(sa.select(_persons)).all()}
    for row in connection.execute(sa.select(_rounds.c.id)).all():
        steps = connection.execute(
            sa.select(_steps).where(_steps.c.round_id == row.id).order_by(_steps.c.position)
        ).all()
        members = connection.execute(
            sa.select(_participants).where(_participants.c.round_id == row.id)
        ).all()
        starter = next(people[m.person_id] for m in members if m.role == "starter")

        def key(person_id: int) -> str:
            return f"{people[person_id].platform}:{people[person_id].user_id}"

        connection.execute(
            _rounds.update()
            .where(_rounds.c.id == row.id)
            .values(
                steps=[
                    {"kind": s.kind, "ref": s.ref, "state": s.state,
                     "posted_at": s.posted_at.isoformat() if s.posted_at else None}
                    for s in steps
                ],
                coordinators=sorted(key(m.person_id) for m in members if m.role != "member"),
                started_by={"platform": starter.platform, "user_id": starter.user_id,
                            "name": starter.name},
                quiet=sorted(key(m.person_id) for m in members if m.quiet),
            )
        )  # fmt: skip
    for answer in connection.execute(sa.select(_answers.c.id, _answers.c.person_id)).all():
        who = people[answer.person_id]
        connection.execute(
            _answers.update()
            .where(_answers.c.id == answer.id)
            .values(user_id=who.user_id, user_name=who.name)
        )
    with op.batch_alter_table("answers") as batch:
        batch.alter_column("user_id", existing_type=sa.String(length=255), nullable=False)
        batch.alter_column("user_name", existing_type=storage.types.UserText(), nullable=False)
        batch.drop_index("ix_answers_person")
        batch.drop_constraint(op.f("fk_answers_person_id_persons"), type_="foreignkey")
        batch.drop_column("person_id")
    with op.batch_alter_table("rounds") as batch:
        for column in ("steps", "coordinators", "started_by"):
            batch.alter_column(column, existing_type=sa.JSON(), nullable=False)
    op.drop_index("ix_participants_person", table_name="participants")
    op.drop_table("participants")
    op.drop_table("round_steps")
    op.drop_table("persons")
