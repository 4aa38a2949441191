"""The API's JSON renderer (issue 17): DRF's JSONRenderer output, encoded by orjson.

Kept apart from zhicheng.api for the same reason as zhicheng.authentication: DRF imports its renderer classes while
`rest_framework.views` loads. The bytes match DRF's compact UTF-8 JSON; what orjson does not encode itself the way
DRF does (dates and times, Decimal, lazy strings, querysets …) goes through DRF's own encoder, and anything orjson
refuses (an integer over 64 bits, a non-string key) falls back to DRF's renderer whole.
"""

from __future__ import annotations

import orjson
from rest_framework.renderers import JSONRenderer
from rest_framework.utils.encoders import JSONEncoder

_drf = JSONEncoder()
_OPTIONS = orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_PASSTHROUGH_DATACLASS


class FastJSONRenderer(JSONRenderer):
    def render(self, data, accepted_media_type=None, renderer_context=None):
        if data is None:
            return b""
        indent = self.get_indent(accepted_media_type, renderer_context or {})
        if indent is None and self.ensure_ascii is False and self.compact:
            try:
                return orjson.dumps(data, default=_drf.default, option=_OPTIONS)
            except (TypeError, orjson.JSONEncodeError):
                pass
        return super().render(data, accepted_media_type, renderer_context)
