"""Reading what a client sends, which may be hostile: request bodies, JSON, ids and text in paths.

Whatever arrives, the answer is a 4xx in the app's one error shape, never a 500 or a stall: a body over
``MAX_CONTENT_LENGTH`` (a route that takes uploads sets its own, see :func:`upload`), JSON nested too deep for the
parser, text no database can store (NUL, which PostgreSQL text refuses; lone surrogates, which no encoding can
write), ids past what the id columns hold. Every route reads through here: Flask's ``request.get_json``
(``JSONProvider``), the schemas of flask-smorest (``Parser``, set on ``server.blueprint.Blueprint``) and the URL
map's converters.
"""

import json
import re

from flask import Flask, current_app, request
from flask.json.provider import DefaultJSONProvider
from flask.wrappers import Request as FlaskRequest
from flask_smorest import abort
from webargs import core
from webargs.flaskparser import FlaskParser, is_json_request
from werkzeug.datastructures import CombinedMultiDict
from werkzeug.exceptions import RequestEntityTooLarge
from werkzeug.routing import IntegerConverter, UnicodeConverter, ValidationError
from werkzeug.utils import cached_property
from werkzeug.wsgi import LimitedStream

MAX_ID = 2**31 - 1  # ids are INTEGER columns: PostgreSQL refuses to compare one with a larger number
# a JSON escape that can make text no database stores: \u0000, or half of a surrogate pair
_SUSPECT_ESCAPE = re.compile(r"\\u(?:0000|[dD][89a-fA-F])")
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


class UnusableJSON(ValueError):
    """JSON that parses but cannot be used; ``field`` is the path to the bad part, e.g. ``ops.0.fields.notes``."""

    def __init__(self, message: str, field: str = "_schema"):
        super().__init__(message)
        self.field = field


def loads(text: str | bytes):
    """``json.loads``, refusing nesting deeper than the parser can follow and strings no database can store."""
    if isinstance(text, bytes | bytearray):
        text = text.decode(json.detect_encoding(text), "surrogatepass")  # as json.loads does with bytes
    try:
        value = json.loads(text)
    except RecursionError:
        raise UnusableJSON("Nested too deeply.") from None
    except json.JSONDecodeError:
        raise
    except ValueError:  # Python refuses to read an integer of more than 4,300 digits
        raise UnusableJSON("A number has too many digits.") from None
    # the walk runs only when the text has an escape that could make such a string: raw NUL and lone surrogates
    # cannot be in valid JSON text, so a body without these escapes needs no second look
    if _SUSPECT_ESCAPE.search(text):
        _refuse_unstorable(value)
    return value


def _refuse_unstorable(value) -> None:
    """Find the first string (key or value) holding NUL or a lone surrogate, without recursion."""
    stack = [("", value)]
    while stack:
        path, item = stack.pop()
        if isinstance(item, dict):
            for key, child in item.items():
                where = f"{path}.{key}" if path else key
                if _UNSTORABLE.search(key):
                    raise UnusableJSON("A name holds a character that cannot be stored (NUL or a lone surrogate).",
                                       path or "_schema")
                stack.append((where, child))
        elif isinstance(item, list):
            stack.extend((f"{path}.{index}" if path else str(index), child) for index, child in enumerate(item))
        elif isinstance(item, str) and _UNSTORABLE.search(item):
            raise UnusableJSON("Holds a character that cannot be stored (NUL or a lone surrogate).", path or "_schema")


def _refuse(error: UnusableJSON):
    abort(422, message=str(error), errors={"json": {error.field: [str(error)]}})


class JSONProvider(DefaultJSONProvider):
    """Flask's JSON, reading request bodies through :func:`loads`."""

    def loads(self, s, **kwargs):
        return loads(s)


def upload(setting: str):
    """Mark a view that takes a file: its body may be as large as ``app.config[setting]``."""

    def mark(view):
        view.max_body_setting = setting
        return view

    return mark


class _Capped(LimitedStream):
    """A body sent without a length (chunked), read up to ``maximum`` bytes. werkzeug's own stream stops quietly at
    its limit, so a longer body would be cut short and read as if it were whole; one byte more tells that it goes
    on, and it is refused."""

    def __init__(self, stream, maximum: int):
        super().__init__(stream, maximum + 1, is_max=True)
        self.maximum = maximum

    def readinto(self, b) -> int:
        count = super().readinto(b)
        if self._pos > self.maximum:
            raise RequestEntityTooLarge(f"The body is larger than this request takes ({self.maximum:,} bytes).")
        return count


class Request(FlaskRequest):
    @cached_property
    def stream(self):
        limit = self.max_content_length
        if limit is not None and self.content_length is None and self.environ.get("wsgi.input_terminated"):
            return _Capped(self.environ["wsgi.input"], limit)
        return super().stream

    @property
    def max_content_length(self) -> int | None:
        """The app's limit, or the larger one of a view marked with :func:`upload`."""
        view = current_app.view_functions.get(self.endpoint) if self.endpoint else None
        handler = getattr(getattr(view, "view_class", None), self.method.lower(), None)
        setting = getattr(handler, "max_body_setting", None)
        return current_app.config[setting] if setting else super().max_content_length

    def on_json_loading_failed(self, e: ValueError | None):
        if isinstance(e, UnusableJSON):
            _refuse(e)
        return super().on_json_loading_failed(e)


def _refuse_large_bodies() -> None:
    """A body declared larger than the route takes is refused before anything else runs (sign-in checks, database
    work) and before a byte of it is read. Bodies sent without a length are cut off at the limit as they are read."""
    limit = request.max_content_length
    if limit is not None and request.content_length is not None and request.content_length > limit:
        raise RequestEntityTooLarge(f"The body is larger than this request takes ({limit:,} bytes).")


class Parser(FlaskParser):
    """webargs' parser for flask-smorest's ``@blp.arguments``: JSON through :func:`loads`, and no NUL in a query
    string or a form (percent-decoding gives it; it can never be a value we store or look for)."""

    def _raw_load_json(self, req):
        if not is_json_request(req):
            return core.missing
        try:
            return loads(req.get_data(cache=True))
        except UnusableJSON as exc:
            _refuse(exc)

    def load_querystring(self, req, schema):
        _refuse_nul(req.args, "query")
        return super().load_querystring(req, schema)

    def load_form(self, req, schema):
        """The form's fields and its files as one body: an upload is documented as one multipart schema."""
        _refuse_nul(req.form, "form")
        return self._makeproxy(CombinedMultiDict([req.form, req.files]), schema)


def _refuse_nul(values, location: str) -> None:
    bad = sorted({name for name, value in values.items(multi=True) if "\x00" in name or "\x00" in value})
    if bad:
        message = "Holds a NUL character."
        abort(422, message=message, errors={location: {name.replace("\x00", "\\0"): [message] for name in bad}})


class IdConverter(IntegerConverter):
    """``<int:...>`` for ids: at most ``MAX_ID`` (a larger number is a 404, as an id that does not exist)."""

    def __init__(self, map, *args, **kwargs):
        kwargs.setdefault("max", MAX_ID)
        super().__init__(map, *args, **kwargs)

    def to_python(self, value: str):
        if len(value) > len(str(MAX_ID)):  # before int(), which refuses 4,300 digits with a ValueError
            raise ValidationError()
        return super().to_python(value)


class TextConverter(UnicodeConverter):
    """``<name>`` path parts: never NUL (a 404, as text that matches nothing)."""

    def to_python(self, value: str):
        if "\x00" in value:
            raise ValidationError()
        return value


def init_app(app: Flask) -> None:
    """Before any route is added: the converters are looked up when a rule is made."""
    app.json_provider_class = JSONProvider
    app.json = JSONProvider(app)
    app.request_class = Request
    app.url_map.converters.update(int=IdConverter, default=TextConverter, string=TextConverter)
    app.before_request(_refuse_large_bodies)
