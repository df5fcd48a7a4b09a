"""The pages the service serves from its own package: the web page, the widget and the demo portal."""

from __future__ import annotations

from fastapi.testclient import TestClient


def test_web_page_and_widget_are_served(open_client: TestClient):
    page = open_client.get("/")
    assert page.status_code == 200 and "<html" in page.text
    widget = open_client.get("/widget.js")
    assert widget.status_code == 200 and "javascript" in widget.headers["content-type"]


def test_demo_portal_points_its_widget_at_the_serving_host(open_client: TestClient):
    demo = open_client.get("/demo")
    assert demo.status_code == 200
    assert '<script src="http://testserver/widget.js" data-endpoint="http://testserver">' in demo.text
    assert "127.0.0.1:8000" not in demo.text
