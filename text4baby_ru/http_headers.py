"""Security headers on every answer, in one place: pages cannot be framed, nothing personal is
cached, content types are not sniffed, and on an https deployment cookies are Secure and
browsers are told to keep to https (HSTS)."""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

STATIC_PREFIX = "/admin/static/"
HSTS = "max-age=31536000"
# Paths whose answers may carry personal data or a session: the pages and the admin API.
_PRIVATE_PREFIXES = ("/admin", "/api/", "/join", "/en/join")


def headers_for(path: str, *, https: bool) -> list[tuple[str, str]]:
    """The security headers an answer to path gets (unless the route set its own)."""
    headers = [("x-content-type-options", "nosniff")]
    if https:
        headers.append(("strict-transport-security", HSTS))
    if path.startswith(STATIC_PREFIX):
        return headers  # scripts and styles: cacheable, never framed on their own
    headers += [
        ("x-frame-options", "DENY"),
        ("content-security-policy", "frame-ancestors 'none'"),
    ]
    if path.startswith(_PRIVATE_PREFIXES):
        headers.append(("cache-control", "no-store"))
    return headers


def _secure(cookie: bytes) -> bytes:
    attributes = [part.strip().lower() for part in cookie.split(b";")[1:]]
    return cookie if b"secure" in attributes else cookie + b"; Secure"


class SecurityHeaders:
    """ASGI middleware that adds headers_for(path) to every HTTP answer and, when the public
    URL is https, marks every cookie Secure (behind a TLS proxy the app itself sees http)."""

    def __init__(self, app: ASGIApp, *, https: bool) -> None:
        self.app = app
        self.https = https

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        extra = headers_for(scope["path"], https=self.https)

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                raw: list[tuple[bytes, bytes]] = list(message.get("headers", []))
                present = {name.lower() for name, _ in raw}
                raw += [(k.encode(), v.encode()) for k, v in extra if k.encode() not in present]
                if self.https:
                    raw = [(k, _secure(v) if k.lower() == b"set-cookie" else v) for k, v in raw]
                message["headers"] = raw
            await send(message)

        await self.app(scope, receive, send_with_headers)
