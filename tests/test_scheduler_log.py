"""The scheduler's own skips stay out of the log; its other warnings stay in."""

from __future__ import annotations

import logging

import pytest

import bot.scheduler  # noqa: F401  (installs the filter)


def test_a_skipped_wake_is_not_a_warning_but_other_warnings_are(
    caplog: pytest.LogCaptureFixture,
) -> None:
    logger = logging.getLogger("apscheduler.scheduler")
    with caplog.at_level(logging.WARNING, logger="apscheduler.scheduler"):
        logger.warning(
            'Execution of job "wake" skipped: maximum number of running instances reached (1)'
        )
        logger.warning('Run time of job "wake" was missed by 0:00:05')
    assert [r.getMessage() for r in caplog.records] == [
        'Run time of job "wake" was missed by 0:00:05'
    ]
