"""Dialogue cards as data: the YAML files in this folder, their loader and validator, and
the catalogue of cards on offer (these, plus those in a school's own folder)."""
