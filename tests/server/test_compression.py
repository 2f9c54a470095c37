"""Responses are compressed for clients that accept it: a phone on a weak signal downloads the app and the
matching buckets several times smaller."""

import gzip

import brotli


def test_the_app_script_is_compressed_for_a_browser(client):
    with client.get("/app.js") as response:
        plain = response.get_data()
    with client.get("/app.js", headers={"Accept-Encoding": "br"}) as response:
        assert response.headers["Content-Encoding"] == "br"
        compressed = response.get_data()
    assert brotli.decompress(compressed) == plain
    assert len(compressed) < len(plain) / 2


def test_api_answers_are_gzipped_when_that_is_all_the_client_accepts(client):
    plain = client.get("/api/openapi.json").get_data()
    response = client.get("/api/openapi.json", headers={"Accept-Encoding": "gzip"})
    assert response.headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(response.get_data()) == plain
    assert "Accept-Encoding" in response.headers["Vary"]


def test_nothing_is_compressed_for_a_client_that_did_not_ask(client):
    assert "Content-Encoding" not in client.get("/api/openapi.json").headers
