"""Opening a pull request against a local server that answers as GitHub's REST API does."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from efficiency.remediate.github import GitHubError, open_pull_request, repo_slug


class FakeGitHub:
    """``POST /repos/{owner}/{repo}/pulls``: 201 with the pull request, 422 when one for the
    same head exists (GitHub's "A pull request already exists" validation error), 401 for a
    wrong token."""

    def __init__(self, token: str) -> None:
        self.requests: list[tuple[str, dict[str, str], dict[str, Any]]] = []
        heads: set[str] = set()
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                outer.requests.append((self.path, dict(self.headers), body))
                if self.headers.get("Authorization") != f"Bearer {token}":
                    self.reply(
                        401,
                        {
                            "message": "Bad credentials",
                            "documentation_url": "https://docs.github.com/rest",
                        },
                    )
                    return
                if body["head"] in heads:
                    self.reply(
                        422,
                        {
                            "message": "Validation Failed",
                            "errors": [
                                {
                                    "resource": "PullRequest",
                                    "code": "custom",
                                    "message": f"A pull request already exists for {body['head']}.",
                                }
                            ],
                        },
                    )
                    return
                heads.add(body["head"])
                owner_repo = self.path.removeprefix("/repos/").removesuffix("/pulls")
                self.reply(
                    201,
                    {
                        "number": len(heads),
                        "state": "open",
                        "title": body["title"],
                        "html_url": f"https://github.com/{owner_repo}/pull/{len(heads)}",
                    },
                )

            def reply(self, status: int, data: dict[str, Any]) -> None:
                raw = json.dumps(data).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json; charset=utf-8")
                self.send_header("Content-Length", str(len(raw)))
                self.end_headers()
                self.wfile.write(raw)

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


@pytest.fixture
def github() -> Iterator[FakeGitHub]:
    fake = FakeGitHub("t0ken")
    yield fake
    fake.server.shutdown()


def test_opens_a_pull_request_with_the_api_headers(github: FakeGitHub) -> None:
    url = open_pull_request(github.url, "t0ken", "shop/checkout", "efficiency/x/1", "main",
                            "Hoist re.compile", "## body")  # fmt: skip
    assert url == "https://github.com/shop/checkout/pull/1"
    path, headers, body = github.requests[0]
    assert path == "/repos/shop/checkout/pulls"
    assert headers["Accept"] == "application/vnd.github+json"
    assert headers["X-GitHub-Api-Version"] == "2022-11-28"
    assert body == {"title": "Hoist re.compile", "head": "efficiency/x/1", "base": "main",
                    "body": "## body", "maintainer_can_modify": True}  # fmt: skip


def test_github_errors_carry_github_reason(github: FakeGitHub) -> None:
    args = ("shop/checkout", "efficiency/x/1", "main", "t", "b")
    open_pull_request(github.url, "t0ken", *args)
    with pytest.raises(GitHubError, match=r"HTTP 422.*already exists"):
        open_pull_request(github.url, "t0ken", *args)
    with pytest.raises(GitHubError, match=r"HTTP 401\): Bad credentials"):
        open_pull_request(github.url, "wrong", *args)
    with pytest.raises(GitHubError, match="unreachable"):
        open_pull_request("http://127.0.0.1:9", "t0ken", *args)


@pytest.mark.parametrize(
    ("url", "slug"),
    [
        ("git@github.com:shop/checkout.git", "shop/checkout"),
        ("https://github.com/shop/checkout", "shop/checkout"),
        ("https://github.com/shop/checkout.git/", "shop/checkout"),
        ("ssh://git@github.example.com/shop/checkout.git", "shop/checkout"),
    ],
)
def test_owner_and_name_from_the_remote_url(url: str, slug: str) -> None:
    assert repo_slug(url) == slug


def test_a_remote_without_owner_is_refused() -> None:
    with pytest.raises(GitHubError, match="github_repo"):
        repo_slug("/srv/git/checkout")
