"""GET /api/v1/incidents pages: a JSON array, the next page in X-Next-Cursor and Link."""

from __future__ import annotations

from tests.ingest.conftest import ApiServer
from tests.store.test_incident_paging import fill


def test_api_pages_with_headers_and_keeps_a_json_array(api: ApiServer) -> None:
    fill(api.db, 5)
    first = api.client.get("/api/v1/incidents", params={"limit": 2})
    assert first.status_code == 200 and isinstance(first.json(), list)
    assert [i["title"] for i in first.json()] == ["#4", "#3"]
    cursor = first.headers["X-Next-Cursor"]
    assert first.links["next"]["url"].endswith(f"cursor={cursor}")
    titles = [i["title"] for i in first.json()]
    url = first.links["next"]["url"]
    while url:
        page = api.client.get(url)
        titles += [i["title"] for i in page.json()]
        url = page.links.get("next", {}).get("url")
    assert titles == ["#4", "#3", "#2", "#1", "#0"]
    assert api.client.get("/api/v1/incidents", params={"limit": 1001}).status_code == 422
    bad = api.client.get("/api/v1/incidents", params={"cursor": "nope"})
    assert bad.status_code == 422 and bad.json()["error"].startswith("cursor: ")
