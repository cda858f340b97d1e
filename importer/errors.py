"""The one error an import raises: a problem the person importing can understand and fix."""


class DirectiveImportError(Exception):
    """A file that cannot be imported as a directive, worded as `file: problem`."""
