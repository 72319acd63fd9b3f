"""Where the server may send requests: https to a public address, or a host the operator allows.

A connection's URLs are typed by its owner, so without a guard anyone who signs up could make the
server send requests to its own network (loopback, private ranges, link-local cloud metadata).
The rule, checked when a URL is saved (``url_problem``) and again on every new socket
(``guarded_adapter``), so a name that later resolves to a private address (DNS rebinding) is
still refused:

* a host on the operator's allow-list (names or IP addresses, any port) may use http or https
  and any address;
* any other host must use https and resolve only to global unicast addresses.

Proxies: a request sent through a proxy opens its socket to the proxy, which resolves the
target itself, so the socket check above never sees the target. Sessions therefore never take
proxies from the environment (HTTP_PROXY, HTTPS_PROXY, ALL_PROXY); an operator who needs one
names it (``KRAKEN_PROXY_URL``), and each request through it is checked here first
(``destination_check``). The proxy resolves the name again, so it should refuse private
destinations as well.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import urlsplit

from requests.adapters import HTTPAdapter
from urllib3 import connection as u3_connection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool

Resolver = Callable[[str, int], list[str]]


class AddressNotAllowed(Exception):
    """A request would go to an address the policy refuses; nothing was sent."""


def resolve(host: str, port: int) -> list[str]:
    """Every address `host` resolves to (IPv4 and IPv6)."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return [str(info[4][0]) for info in infos]


def normalize_host(host: str) -> str:
    host = host.strip().strip("[]").rstrip(".").lower()
    try:
        return str(ipaddress.ip_address(host))
    except ValueError:
        return host


def allowed_set(hosts: Iterable[str]) -> frozenset[str]:
    return frozenset(normalize_host(h) for h in hosts if h.strip())


def is_public_address(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


def url_problem(url: str, *, allowed: Iterable[str], resolver: Resolver = resolve) -> str | None:
    """Why `url` may not be used (a sentence), or None when it may.

    A name that does not resolve now is accepted: the connect-time check still guards it.
    """
    parts = urlsplit(url)
    host = normalize_host(parts.hostname or "")
    if not host:
        return "Enter a full URL with a host name."
    if host in allowed_set(allowed):
        return None
    if parts.scheme != "https":
        return "Kraken's API is reached over https; use an https URL."
    try:
        addresses = [host] if _is_ip(host) else resolver(host, parts.port or 443)
    except (OSError, UnicodeError):
        return None
    if not all(is_public_address(a) for a in addresses):
        return "This address is not allowed: Kraken's API is on the public internet."
    return None


def destination_check(url: str, *, allowed: Iterable[str], resolver: Resolver = resolve) -> None:
    """Raise AddressNotAllowed unless `url` may be requested now (before handing it to a proxy).

    Stricter than ``url_problem``: a name that does not resolve here is refused too.
    """
    parts = urlsplit(url)
    host = normalize_host(parts.hostname or "")
    if host in allowed_set(allowed):
        return
    if parts.scheme != "https":
        raise AddressNotAllowed(f"{host}: not https")
    try:
        addresses = [host] if _is_ip(host) else resolver(host, parts.port or 443)
    except (OSError, UnicodeError) as error:
        raise AddressNotAllowed(f"{host} does not resolve") from error
    if not addresses or not all(is_public_address(a) for a in addresses):
        raise AddressNotAllowed(f"{host} is not a public address")


def _is_ip(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


def _guarded_connection(base: type, allowed: frozenset[str], resolver: Resolver) -> type:
    class Guarded(base):  # type: ignore[misc, valid-type]
        def _new_conn(self) -> socket.socket:
            host = normalize_host(str(self._dns_host))  # type: ignore[has-type]
            addresses = [host] if _is_ip(host) else resolver(host, self.port)
            public = bool(addresses) and all(is_public_address(a) for a in addresses)
            if host not in allowed and not public:
                raise AddressNotAllowed(f"{host} is not a public address")
            # Connect to the address just checked, never to a second resolution of the name.
            self._dns_host = addresses[0]
            try:
                return super()._new_conn()
            finally:
                self._dns_host = host

    return Guarded


class _GuardedAdapter(HTTPAdapter):
    def __init__(self, allowed: frozenset[str], resolver: Resolver, **kwargs: Any) -> None:
        self._allowed = allowed
        self._resolver = resolver
        super().__init__(**kwargs)

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        super().init_poolmanager(*args, **kwargs)
        http_conn = _guarded_connection(u3_connection.HTTPConnection, self._allowed, self._resolver)
        https_conn = _guarded_connection(
            u3_connection.HTTPSConnection, self._allowed, self._resolver
        )
        http_pool = type("GuardedHTTPPool", (HTTPConnectionPool,), {"ConnectionCls": http_conn})
        https_pool = type("GuardedHTTPSPool", (HTTPSConnectionPool,), {"ConnectionCls": https_conn})
        self.poolmanager.pool_classes_by_scheme = {"http": http_pool, "https": https_pool}


def guarded_adapter(*, allowed: Iterable[str], resolver: Resolver = resolve) -> HTTPAdapter:
    """A requests adapter whose every new socket obeys the policy (mount it for http and https)."""
    return _GuardedAdapter(allowed_set(allowed), resolver)
