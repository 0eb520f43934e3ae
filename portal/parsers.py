"""The API's parsers: DRF's, with limits on what a request may make the
server do while it is read."""

from django.utils.translation import gettext as _
from rest_framework import exceptions, parsers


class JSONParser(parsers.JSONParser):
    """DRF's JSON parser, refusing documents nested deeper than
    ``MAX_DEPTH`` (Python's parser would recurse until it fails; no input
    of the API nests more than a few levels)."""

    MAX_DEPTH = 50

    def parse(self, stream, media_type=None, parser_context=None):
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError:
            too_deep = True
        else:
            too_deep = _depth_exceeds(data, self.MAX_DEPTH)
        if too_deep:
            raise exceptions.ParseError(
                _("JSON parse error - nested deeper than %(depth)d levels.")
                % {"depth": self.MAX_DEPTH}
            )
        return data


def _depth_exceeds(data, limit: int) -> bool:
    """Whether lists and objects nest deeper than ``limit`` (iterative, so
    it never recurses itself)."""
    pending = [(data, 1)]
    while pending:
        value, depth = pending.pop()
        if isinstance(value, dict):
            value = value.values()
        elif not isinstance(value, list):
            continue
        if depth > limit:
            return True
        pending.extend((item, depth + 1) for item in value)
    return False
