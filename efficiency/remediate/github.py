"""Opening a pull request through GitHub's REST API (``POST /repos/{owner}/{repo}/pulls``)."""

from __future__ import annotations

import re

import httpx

#: git@github.com:owner/name.git, https://github.com/owner/name(.git), ssh://git@host/owner/name
_SLUG = re.compile(
    r"^(?:[a-z+]+://(?:[^@/]+@)?[^/]+/|[^@/:]+@[^:/]+:)(?P<owner>[^/:]+)/(?P<name>[^/]+?)"
    r"(?:\.git)?/?$"
)


class GitHubError(Exception):
    """The pull request could not be opened; the message has GitHub's own reason."""


def repo_slug(remote_url: str) -> str:
    """``owner/name`` from a remote URL; raises GitHubError when it has none."""
    match = _SLUG.search(remote_url.strip())
    if not match:
        raise GitHubError(f"cannot tell owner/name from the remote URL {remote_url!r}; "
                          "set remediate.github_repo")  # fmt: skip
    return f"{match['owner']}/{match['name']}"


def open_pull_request(
    api: str,
    token: str,
    slug: str,
    head: str,
    base: str,
    title: str,
    body: str,
    client: httpx.Client | None = None,
) -> str:
    """Open a pull request of ``head`` into ``base``; its ``html_url``."""
    client = client or httpx.Client(timeout=30)
    try:
        response = client.post(
            f"{api.rstrip('/')}/repos/{slug}/pulls",
            json={"title": title, "head": head, "base": base, "body": body,
                  "maintainer_can_modify": True},
            headers={
                "Authorization": f"Bearer {token}",
                "Accept": "application/vnd.github+json",
                "X-GitHub-Api-Version": "2022-11-28",
                "User-Agent": "efficiency",
            },
        )  # fmt: skip
    except httpx.TransportError as exc:
        raise GitHubError(f"GitHub API unreachable at {api}: {exc!r}") from None
    if response.status_code != 201:
        try:
            data = response.json()
            errors = "; ".join(
                str(e.get("message") or e) for e in data.get("errors", []) if isinstance(e, dict)
            )
            reason = data.get("message", "") + (f" ({errors})" if errors else "")
        except ValueError:
            reason = response.text[:300]
        raise GitHubError(
            f"GitHub refused the pull request (HTTP {response.status_code}): {reason}"
        )
    url = response.json().get("html_url")
    if not isinstance(url, str):
        raise GitHubError("GitHub's answer has no html_url")
    return url
