"""Telegram: groups, supergroups and forum topics, on python-telegram-bot (v22).

Install with the ``telegram`` extra: ``pip install 'dialoogbot[telegram]'``.
"""
