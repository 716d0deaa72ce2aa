"""Domain errors that are not about a single field (those are Django ValidationErrors)."""


class Conflict(Exception):
    """The action does not fit the object's current state (e.g. publishing a draft)."""
