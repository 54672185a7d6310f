"""The platform-neutral dialogue engine: rounds, commands, scheduling and the summary.

Nothing in this package imports a chat SDK; adapters translate to and from the types in
:mod:`bot.model`.
"""
