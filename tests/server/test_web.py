def test_deep_links_get_the_app_shell_with_a_strict_csp(client):
    for path in ("/", "/signin", "/join/abc123", "/reset", "/reset/abc", "/log",
                 "/log/0b1e2b8e-7a41-4c2f-9c11-2a6f3c1d9e55", "/doors/1/2/print", "/doors/1/2/paper"):
        response = client.get(path)
        response.close()
        assert response.status_code == 200 and response.mimetype == "text/html"
        assert "no-cache" in response.headers["Cache-Control"]
        assert "script-src 'self';" in response.headers["Content-Security-Policy"]
        assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_only_the_matching_worker_may_compile_webassembly(client):
    worker = client.get("/matching-worker.js")
    worker.close()
    shell = client.get("/")
    shell.close()
    assert worker.status_code == 200
    assert "script-src 'self' 'wasm-unsafe-eval';" in worker.headers["Content-Security-Policy"]
    assert "wasm-unsafe-eval" not in shell.headers["Content-Security-Policy"]


def test_openapi_document_describes_the_api(client):
    spec = client.get("/api/openapi.json").json
    assert spec["openapi"].startswith("3.")
    assert "/api/auth/login" in spec["paths"] and "/api/campaigns/{campaign_id}/invites" in spec["paths"]


def test_every_link_in_the_openapi_document_leads_to_an_operation_in_it(client):
    """A client (and the fuzzer's stateful tests) follows a response's links: one to a path that is not there
    (a survey question's once named /questions/questions/{id}) is a broken promise."""
    spec = client.get("/api/openapi.json").json
    links = [(f"{method.upper()} {path} {status}", name, link["operationRef"])
             for path, methods in spec["paths"].items() for method, operation in methods.items()
             if isinstance(operation, dict)  # not a path's shared "parameters"
             for status, response in operation.get("responses", {}).items()
             for name, link in response.get("links", {}).items()]
    assert len(links) >= 10
    for where, name, ref in links:
        path, method = ref.removeprefix("#/paths/").rsplit("/", 1)
        path = path.replace("~1", "/").replace("~0", "~")
        assert method in spec["paths"].get(path, {}), f"{where}: link {name} leads to {method.upper()} {path}"


def test_interactive_docs_load_their_assets_from_this_server(client):
    response = client.get("/api/docs")
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "/vendor/swagger-ui/swagger-ui-bundle.js" in page
    assert "https://" not in page.split("<body")[1]  # works with no internet


def test_a_dead_link_opened_in_a_browser_gets_the_app_and_a_404(client):
    """The app shows "page not found" in the person's language; before, a fresh browser read raw JSON."""
    page = client.get("/no/such/page", headers={"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"})
    page.close()
    assert page.status_code == 404
    assert page.mimetype == "text/html" and b'<main id="main">' in page.data
    assert page.headers["Cache-Control"] == "no-cache"
    assert "script-src 'self'" in page.headers["Content-Security-Policy"]


def test_a_program_or_an_api_path_still_gets_the_json_404(client):
    for path, accept in [("/no/such/page", "application/json"), ("/no/such/page", "*/*"),
                         ("/api/no/such/thing", "text/html")]:
        answer = client.get(path, headers={"Accept": accept})
        assert answer.status_code == 404 and answer.json["code"] == 404, (path, accept)
    assert client.post("/no/such/page", headers={"Accept": "text/html"}).json["code"] in (404, 405)
