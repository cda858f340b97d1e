"""Directive import: from a dispatch's text to a reviewable TOML file of tasks and agencies."""
