"""Slack: slash command, thread replies, a private-answer modal, on slack-bolt's async app.

Install with the ``slack`` extra: ``pip install 'dialoogbot[slack]'``.
"""
