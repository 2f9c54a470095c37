"""The API's blueprint: flask-smorest's, reading arguments through ``server.request_input``, and documenting every
error a view can answer.

The OpenAPI document has no catch-all "default" response: each operation lists its own error codes, so a client
(or a fuzzer checking status codes) knows what to expect. Some come with the kind of view and are added here: a
request body can be malformed (400) or too large (413), a signed-in view can be refused (401), a campaign view is
404 outside the caller's campaigns and 403 below its role (``server.scoping.requires_role``). The rest each view
declares with ``@blp.errors(...)``.
"""

from copy import deepcopy
from http import HTTPStatus

from flask_smorest import Blueprint as SmorestBlueprint

from server.request_input import Parser


def document_errors(view, *codes: int):
    """Note on ``view`` the error codes it can answer; :class:`Blueprint` puts them in the OpenAPI document."""
    view._apidoc = deepcopy(getattr(view, "_apidoc", {}))  # where flask-smorest keeps what its decorators document
    view._apidoc["errors"] = sorted(set(view._apidoc.get("errors", ())) | set(codes))
    return view


class Blueprint(SmorestBlueprint):
    """Every blueprint of the API."""

    ARGUMENTS_PARSER = Parser()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._prepare_doc_cbks.append(self._prepare_errors_doc)

    @staticmethod
    def errors(*codes: int):
        """Document the errors a view answers besides those of its kind, each in the one error shape."""
        return lambda view: document_errors(view, *codes)

    @staticmethod
    def _prepare_errors_doc(doc, doc_info, **_kwargs):
        codes = set(doc_info.get("errors", ()))
        if "requestBody" in doc:
            codes |= {400, 413, 422}  # not JSON (or a bad form); larger than the limit; a field that is wrong
        if any(parameter.get("in") == "query" for parameter in doc.get("parameters", ())):
            codes.add(422)
        responses = doc.setdefault("responses", {})
        for code in sorted(codes):
            responses.setdefault(str(code), HTTPStatus(code).name)  # flask-smorest's response, in the error shape
        return doc
