"""A Babel extractor for the handout module: its texts are data, not ``_()`` calls.

Named in ``babel.cfg`` (``[extractors] handout = allyship.i18n.extract:extract_handout``),
it reads ``allyship/core/handout.py`` from the file Babel hands it — so it extracts the
file on disk, not whatever copy is imported — and yields each text with its context
(``handout.handout_messages``) as if it were a ``pgettext`` call.
"""

from __future__ import annotations

import sys
import types
from collections.abc import Iterator
from typing import IO, Any

from allyship.i18n.handout import handout_messages

_MODULE_NAME = "allyship_handout_being_extracted"


def _load(source: str, filename: str) -> types.ModuleType:
    module = types.ModuleType(_MODULE_NAME)
    module.__file__ = filename
    # dataclasses look their module up in sys.modules while the class is made.
    sys.modules[_MODULE_NAME] = module
    try:
        exec(compile(source, filename, "exec"), module.__dict__)  # noqa: S102 - our own file
    finally:
        sys.modules.pop(_MODULE_NAME, None)
    return module


def _line_of(source_lines: list[str], text: str) -> int:
    """The line where ``text`` starts in the source (its first words), for the ``#:``
    reference; 1 when it is assembled from several literals."""
    probe = text[:30]
    for number, line in enumerate(source_lines, 1):
        if probe and probe in line:
            return number
    return 1


def extract_handout(fileobj: IO[bytes], keywords: Any, comment_tags: Any,
                    options: dict[str, Any]) -> Iterator[tuple[int, str, tuple[str, str],
                                                              list[str]]]:
    """Babel's extractor interface: (line, function, (context, message), comments)."""
    source = fileobj.read().decode(options.get("encoding", "utf-8"))
    module = _load(source, getattr(fileobj, "name", "handout.py"))
    lines = source.splitlines()
    for message in handout_messages(module):
        comments = [message.comment] if message.comment else []
        yield _line_of(lines, message.msgid), "pgettext", (message.context, message.msgid), comments
