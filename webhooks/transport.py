"""Where a webhook may be sent, and sending it (standard library only:
``http.client``; the portal has no HTTP client library among its
dependencies).

Against server-side request forgery an endpoint's host is resolved and every
address it resolves to must be a public one: no loopback, link-local,
private, shared, multicast, reserved or unspecified address (IPv4 inside
IPv6 included), unless ``PORTAL_WEBHOOKS_ALLOW_PRIVATE`` allows them for
development. The check is made when the endpoint is saved and again at each
delivery, and the connection goes to the very address that was checked (the
name is not resolved a second time, so DNS cannot change it in between);
TLS still verifies the certificate against the host name. Redirects are not
followed: a 3xx answer is a failed attempt.
"""

import http.client
import ipaddress
import socket
import ssl
import time
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.utils.translation import gettext as _

from portal.errors import ApplicationError


class UrlRefused(ApplicationError):
    """The URL may not receive webhooks (a 400 on the ``url`` field)."""

    def __init__(self, message):
        super().__init__(message, code="invalid", field="url")


@dataclass(frozen=True)
class Target:
    scheme: str
    host: str
    port: int
    path: str
    address: str


def _refusal(ip) -> str | None:
    """Why ``ip`` may not be called, or None."""
    if isinstance(ip, ipaddress.IPv6Address):
        embedded = ip.ipv4_mapped or ip.sixtofour or (ip.teredo or (None, None))[1]
        if embedded is not None:
            return _refusal(embedded)
    if ip.is_loopback:
        return _("a loopback address")
    if ip.is_link_local:
        return _("a link-local address")
    if ip.is_multicast:
        return _("a multicast address")
    if ip.is_unspecified:
        return _("an unspecified address")
    if ip.is_private:
        return _("a private address")
    if ip.is_reserved or not ip.is_global:
        return _("a reserved address")
    return None


def _resolve(host: str, port: int) -> list[str]:
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError):
        raise UrlRefused(
            _("The host name %(host)s cannot be resolved.") % {"host": host}
        ) from None
    addresses = []
    for _family, _type, _proto, _name, sockaddr in infos:
        if sockaddr[0] not in addresses:
            addresses.append(sockaddr[0])
    return addresses


def check_url(url: str) -> Target:
    """The address to call for ``url``, or ``UrlRefused`` saying why not."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise UrlRefused(_("Enter a valid URL.")) from None
    scheme = (parts.scheme or "").lower()
    if scheme not in ("http", "https"):
        raise UrlRefused(_("The URL must start with https:// or http://."))
    host = parts.hostname
    if not host:
        raise UrlRefused(_("The URL must name a host."))
    if parts.username or parts.password:
        raise UrlRefused(_("The URL may not contain a user name or password."))
    port = port or (443 if scheme == "https" else 80)
    addresses = _resolve(host, port)
    if not addresses:
        raise UrlRefused(
            _("The host name %(host)s cannot be resolved.") % {"host": host}
        )
    if not settings.PORTAL_WEBHOOKS_ALLOW_PRIVATE:
        for address in addresses:
            why = _refusal(ipaddress.ip_address(address.split("%", 1)[0]))
            if why:
                raise UrlRefused(
                    _(
                        "Webhooks are not sent to %(host)s: it resolves to "
                        "%(address)s, %(why)s. Use a public address."
                    )
                    % {"host": host, "address": address, "why": why}
                )
    path = parts.path or "/"
    if parts.query:
        path += "?" + parts.query
    return Target(scheme, host, port, path, addresses[0])


class _PinnedHTTPConnection(http.client.HTTPConnection):
    """Connects to the address that was checked, whatever the name now
    resolves to (the Host header still names the host)."""

    def __init__(self, target: Target, timeout: float):
        super().__init__(target.host, target.port, timeout=timeout)
        self.target = target

    def connect(self):
        self.sock = socket.create_connection(
            (self.target.address, self.target.port), self.timeout
        )


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    def __init__(self, target: Target, timeout: float):
        self.tls = ssl.create_default_context()
        super().__init__(target.host, target.port, timeout=timeout, context=self.tls)
        self.target = target

    def connect(self):
        sock = socket.create_connection(
            (self.target.address, self.target.port), self.timeout
        )
        # The certificate is checked against the host name of the URL.
        self.sock = self.tls.wrap_socket(sock, server_hostname=self.target.host)


@dataclass(frozen=True)
class Answer:
    status_code: int
    duration_ms: int


def post(url: str, body: bytes, headers: dict[str, str], *, timeout: float) -> Answer:
    """POST ``body`` once; the answer's status, or an exception (``UrlRefused``
    or an ``OSError`` / ``http.client.HTTPException`` of the connection)."""
    target = check_url(url)
    connection_class = (
        _PinnedHTTPSConnection if target.scheme == "https" else _PinnedHTTPConnection
    )
    connection = connection_class(target, timeout)
    started = time.monotonic()
    try:
        connection.request("POST", target.path, body=body, headers=headers)
        response = connection.getresponse()
        # The answer's body is not needed; a little is read so that the
        # connection closes cleanly.
        response.read(1024)
        status = response.status
    finally:
        connection.close()
    return Answer(status, int((time.monotonic() - started) * 1000))
