"""Run an ASGI app under uvicorn on a socket bound here first, so that a busy port or an
address this host does not have is one clear :class:`BindError`, not uvicorn's log line."""

from __future__ import annotations

import errno
import socket
from typing import Any


class BindError(Exception):
    """The API cannot listen where it was told to."""


def free_port(host: str = "127.0.0.1") -> int:
    """A TCP port on ``host`` that nothing listens on now (the kernel's pick; another process
    may still take it before the caller binds it)."""
    with socket.socket() as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])


def bind_listener(host: str, port: int) -> socket.socket:
    """A listening TCP socket on ``host:port``; :class:`BindError` says why not."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host.strip("[]"), port))
        sock.listen(2048)
    except OSError as exc:
        sock.close()
        where = f"[{host}]:{port}" if family == socket.AF_INET6 else f"{host}:{port}"
        if exc.errno == errno.EADDRINUSE:
            why = "the port is in use (another server, or efficiency already running?); " \
                  "choose another with --port or api.port"  # fmt: skip
        elif exc.errno == errno.EADDRNOTAVAIL:
            why = "this host has no such address (--host or api.host)"
        elif exc.errno == errno.EACCES:
            why = "permission denied (ports below 1024 need privileges)"
        else:
            why = exc.strerror or str(exc)
        raise BindError(f"cannot listen on {where}: {why}") from None
    except socket.gaierror as exc:
        sock.close()
        raise BindError(f"cannot listen on {host}:{port}: {exc.strerror}") from None
    return sock


def serve(app: Any, sock: socket.socket) -> None:
    """Serve ``app`` on the bound ``sock`` until SIGINT/SIGTERM (logging as configured by
    :func:`efficiency.logs.setup_logging`)."""
    import uvicorn

    config = uvicorn.Config(app, log_config=None, log_level="info")
    uvicorn.Server(config).run(sockets=[sock])
