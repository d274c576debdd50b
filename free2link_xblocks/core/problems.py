"""Problems found in authored content, reported as ``file:line: step <id>: message``.

Every check in the core returns :class:`Problem` objects rather than raising on the first
one, so an author sees all that is wrong with a file in one run.
"""

from __future__ import annotations

from dataclasses import dataclass, field

ERROR = "error"
WARNING = "warning"


def N_(message: str) -> str:  # noqa: N802 - the conventional name for gettext_noop
    """Mark a message for extraction; it is translated where it is shown."""
    return message


# How a problem names the part of the content it is about.
NODE_KINDS = {"step": N_("step {id}"), "end": N_("end {id}"), "indicator": N_("indicator {id}"),
              "flag": N_("flag {id}")}


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a piece of content.

    ``node_id`` names the step, end or indicator the problem concerns (``None`` for the
    whole block); ``line`` is the source line when the content came from XML.
    """

    template: str
    args: dict = field(default_factory=dict)
    node_id: str | None = None
    line: int | None = None
    severity: str = ERROR
    node_kind: str = "step"

    @property
    def is_error(self) -> bool:
        return self.severity == ERROR

    def message(self, gettext=None) -> str:
        """The message, translated by ``gettext`` when one is given (templates are marked with N_)."""
        template = gettext(self.template) if gettext else self.template
        return template.format(**self.args)

    def format(self, source: str | None = None, gettext=None) -> str:
        """Render as ``source:line: step id: message`` (parts that are unknown are left out)."""
        translate = gettext or (lambda message: message)
        where = []
        if source:
            where.append(source)
        if self.line:
            where.append(str(self.line))
        prefix = ":".join(where)
        parts = [prefix] if prefix else []
        if self.node_id:
            parts.append(translate(NODE_KINDS.get(self.node_kind, NODE_KINDS["step"])).format(id=self.node_id))
        if self.severity == WARNING:
            parts.append(translate(N_("warning")))
        parts.append(self.message(gettext))
        return ": ".join(parts)


class ContentError(ValueError):
    """Raised when content cannot be used; carries every :class:`Problem` found."""

    def __init__(self, problems, source: str | None = None):
        self.problems = [p for p in problems if p.is_error]
        self.source = source
        super().__init__("\n".join(p.format(source) for p in self.problems))


class LearnerError(ValueError):
    """A learner's request the core refuses; the message is shown to them (marked with N_)."""

    def __init__(self, template: str, **params):
        self.template = template
        self.params = params
        super().__init__(template.format(**params))

    def message(self, gettext=None) -> str:
        return (gettext(self.template) if gettext else self.template).format(**self.params)
