"""Outbound HTTP to an organisation's escalation endpoint, guarded against server-side
request forgery.

An admin types the endpoint's URL, and the server - not the admin's browser - connects to
it. Without a guard that would let any tenant's admin reach the platform's own neighbours
(the database, the cloud metadata service at 169.254.169.254, an internal admin panel).
So, at every call and not only when the URL is saved (DNS answers change):

- the host is resolved and every address it resolves to is checked: loopback, private,
  link-local, shared, reserved, multicast and unspecified addresses are refused, also when
  written as IPv4-mapped IPv6, unless SLM_ESCALATION_ALLOWED_HOSTS names the host or the
  address (an LLM on the company network is a legitimate choice - of the operators);
- the connection goes to an address that was checked, never to a fresh lookup, so a DNS
  answer that changes between check and connect (DNS rebinding) cannot slip through;
  HTTPS still verifies the certificate against the host name;
- plain http is accepted only for allow-listed hosts: the API key must not cross the
  internet in clear;
- redirects are not followed (a redirect is a second, unchecked URL).
"""

import http.client
import ipaddress
import socket
import ssl
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings

MAX_RESPONSE_BYTES = 1_000_000

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


class EndpointRefused(ValueError):
    """The URL may not be called; the message says why, in words for the admin."""


@dataclass(frozen=True)
class Target:
    scheme: str
    host: str
    port: int
    base_path: str  # without a trailing slash
    query: str
    addresses: tuple[str, ...]  # checked addresses, in the resolver's order


def _resolve(host: str, port: int) -> list[str]:
    """Every address the host resolves to (a seam for tests that need a public answer)."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(info[4][0] for info in infos))


def internal_reason(address: IPAddress) -> str | None:
    """Why the address is not a public internet address, or None when it is."""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return internal_reason(address.ipv4_mapped)
    for name, flag in (
        ("unspecified", address.is_unspecified),
        ("loopback", address.is_loopback),
        ("link-local", address.is_link_local),
        ("multicast", address.is_multicast),
        ("reserved", address.is_reserved),
        ("private", address.is_private),
    ):
        if flag:
            return name
    if not address.is_global:  # shared (100.64/10), documentation, 6to4 relays, ...
        return "not globally routable"
    return None


def _allowed(host: str, address: IPAddress | None = None) -> bool:
    allowed = settings.SLM_ESCALATION_ALLOWED_HOSTS
    if host.lower().rstrip(".") in allowed:
        return True
    if address is None:
        return False
    mapped = getattr(address, "ipv4_mapped", None)
    for entry in allowed:
        try:
            network = ipaddress.ip_network(entry, strict=False)
        except ValueError:
            continue  # a host name
        if address in network or (mapped is not None and mapped in network):
            return True
    return False


def check_url(url: str) -> Target:
    """Parse, resolve and check `url`; raises EndpointRefused with the reason."""
    parts = urlsplit(url.strip())
    if parts.scheme not in {"http", "https"}:
        raise EndpointRefused("The endpoint must be an http:// or https:// URL.")
    if parts.username or parts.password:
        raise EndpointRefused("Put the API key in its own field, not in the URL.")
    host = parts.hostname
    if not host:
        raise EndpointRefused("The URL has no host name.")
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:
        raise EndpointRefused("The URL's port is not a number between 0 and 65535.") from None
    try:
        addresses = [str(ipaddress.ip_address(host))]  # a literal address: nothing to resolve
    except ValueError:
        try:
            addresses = _resolve(host, port)
        except (OSError, UnicodeError) as exc:
            raise EndpointRefused(f"The host {host} could not be resolved ({exc}).") from None
    if not addresses:
        raise EndpointRefused(f"The host {host} resolves to no address.")
    checked = [ipaddress.ip_address(text.split("%", 1)[0]) for text in addresses]  # no zone id
    for address in checked:
        reason = internal_reason(address)
        if reason and not _allowed(host, address):
            raise EndpointRefused(
                f"The host {host} resolves to {address}, a {reason} address: the platform "
                "does not connect to internal networks (its operators can allow one with "
                "SLM_ESCALATION_ALLOWED_HOSTS)."
            )
    if parts.scheme == "http" and not all(_allowed(host, address) for address in checked):
        raise EndpointRefused(
            "Use https://: plain http would send the API key and the texts unencrypted "
            "(the platform's operators can allow an internal http endpoint with "
            "SLM_ESCALATION_ALLOWED_HOSTS)."
        )
    return Target(
        scheme=parts.scheme,
        host=host,
        port=port,
        base_path=parts.path.rstrip("/"),
        query=parts.query,
        addresses=tuple(addresses),
    )


class _PinnedHTTPConnection(http.client.HTTPConnection):
    """Connects to a checked address, whatever the host name resolves to by now."""

    def __init__(self, host: str, port: int, *, address: str, timeout: float) -> None:
        super().__init__(host, port, timeout=timeout)
        self._address = address

    def connect(self) -> None:
        self.sock = socket.create_connection((self._address, self.port), self.timeout)


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    def __init__(self, host: str, port: int, *, address: str, timeout: float) -> None:
        super().__init__(host, port, timeout=timeout, context=ssl.create_default_context())
        self._address = address

    def connect(self) -> None:
        sock = socket.create_connection((self._address, self.port), self.timeout)
        # SNI and certificate verification use the host name, not the address.
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)


@dataclass(frozen=True)
class Response:
    status: int
    body: bytes


def post(
    target: Target, path: str, body: bytes, headers: dict[str, str], *, timeout: float
) -> Response:
    """POST to a checked target, trying its checked addresses in order. Raises OSError
    (refused, unreachable, timed out) or http.client.HTTPException."""
    connection_class = _PinnedHTTPSConnection if target.scheme == "https" else _PinnedHTTPConnection
    url_path = target.base_path + path + (f"?{target.query}" if target.query else "")
    last_error: OSError | None = None
    for address in target.addresses:
        conn = connection_class(target.host, target.port, address=address, timeout=timeout)
        try:
            try:
                conn.connect()
            except ssl.SSLError:
                raise  # a bad certificate is not cured by another address
            except OSError as exc:  # refused, unreachable, timed out: try the next address
                last_error = exc
                continue
            conn.request("POST", url_path, body=body, headers=headers)
            response = conn.getresponse()
            data = response.read(MAX_RESPONSE_BYTES + 1)
        finally:
            conn.close()
        if len(data) > MAX_RESPONSE_BYTES:
            raise http.client.HTTPException("response larger than 1 MB")
        return Response(status=response.status, body=data)
    assert last_error is not None
    raise last_error
