"""The ``dialoogbot`` command: the composition root.

The one place that reads settings and wires storage, the service, the scheduler and a
platform's adapter together. It imports everything and nothing imports it, so every
other import in the project points downward: adapters and storage to the core, the
core to nothing of theirs.
"""
