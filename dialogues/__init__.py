"""Dialogue cards as data: the YAML files in this folder plus their loader and validator."""
