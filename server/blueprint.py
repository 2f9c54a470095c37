"""The API's blueprint: flask-smorest's, reading arguments through ``server.request_input``, and documenting every
error a view can answer.

The OpenAPI document has no catch-all "default" response: each operation lists its own error codes, so a client
(or a fuzzer checking status codes) knows what to expect. Some come with the kind of view and are added here: a
request body can be malformed (400) or too large (413), a signed-in view can be refused (401), a campaign view is
404 outside the caller's campaigns and 403 below its role (``server.scoping.requires_role``). The rest each view
declares with ``@blp.errors(...)``. A view that needs a token says which (``SECURITY_SCHEMES``), and a response
names the operations it leads to (``@blp.links(...)``), so clients and a stateful fuzzer can follow them.
"""

import re
from copy import deepcopy
from http import HTTPStatus

from flask_smorest import Blueprint as SmorestBlueprint

from server.request_input import Parser

SECURITY_SCHEMES = {
    "bearer": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT",
               "description": "The 15-minute access token that sign-in, join and refresh return."},
    "refreshCookie": {"type": "apiKey", "in": "cookie", "name": "refresh_token_cookie",
                      "description": "Set by sign-in and join; sent with the X-CSRF-TOKEN header (docs/auth.md)."},
}


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

    def links(self, status: int, **targets: tuple[str, str, dict]):
        """Document the operations a response leads to: ``name=(method, path, {parameter: expression})``, with the
        path under this blueprint's prefix (or from ``/api/``); the prefix's own parameters are carried over."""
        prefix = re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", self.url_prefix or "")

        def link(method: str, path: str, parameters: dict) -> dict:
            full = path if path.startswith("/api/") else prefix + path
            carried = {name: f"$request.path.{name}" for name in re.findall(r"{(\w+)}", prefix)
                       if f"{{{name}}}" in full}
            return {"operationRef": "#/paths/" + full.replace("~", "~0").replace("/", "~1") + "/" + method,
                    "parameters": {**carried, **parameters}}

        links = {name: link(*target) for name, target in targets.items()}
        return self.doc(responses={status: {"links": links}})  # an int, as flask-smorest keys its responses

    @staticmethod
    def _prepare_errors_doc(doc, doc_info, **_kwargs):
        codes = set(doc_info.get("errors", ()))
        if "requestBody" in doc:
            codes |= {400, 413, 422}  # not JSON (or a bad form); larger than the limit; a field that is wrong
        # (a parameter may be a name, as the ETag decorator's If-None-Match is: a header, never a query)
        if any(isinstance(p, dict) and p.get("in") == "query" for p in doc.get("parameters", ())):
            codes.add(422)
        responses = doc.setdefault("responses", {})
        for code in sorted(codes):
            if code not in responses and str(code) not in responses:
                responses[code] = HTTPStatus(code).name  # flask-smorest's response of that name, in the error shape
        if 401 in codes:
            doc.setdefault("security", [{"bearer": []}])
        return doc
