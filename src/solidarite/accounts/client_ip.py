"""The client's address, as login throttling must see it.

Behind the reverse proxy of docs/deploy.md, every request comes from the proxy's address and the
client's is in X-Forwarded-For. That header is believed only when the request comes from a proxy
listed in SOLIDARITE_TRUSTED_PROXIES (addresses or networks): the client address is then the
right-most entry that is not itself a trusted proxy. Anyone else sending the header is ignored,
so nobody can pose as someone else's address to lock their account.
"""

import ipaddress
from functools import lru_cache

from django.conf import settings
from django.http import HttpRequest

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@lru_cache(maxsize=8)
def _networks(proxies: tuple[str, ...]) -> tuple[Network, ...]:
    return tuple(ipaddress.ip_network(p, strict=False) for p in proxies)


def _trusted(address: str, networks: tuple[Network, ...]) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in networks)


def client_ip(request: HttpRequest) -> str:
    """REMOTE_ADDR, or the forwarded client address when REMOTE_ADDR is a trusted proxy."""
    remote = str(request.META.get("REMOTE_ADDR", ""))
    networks = _networks(tuple(settings.SOLIDARITE_TRUSTED_PROXIES))
    if not networks or not _trusted(remote, networks):
        return remote
    forwarded = str(request.META.get("HTTP_X_FORWARDED_FOR", ""))
    hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
    for hop in reversed(hops):
        if not _trusted(hop, networks):
            try:
                return str(ipaddress.ip_address(hop))
            except ValueError:
                return remote  # a malformed header: fall back to the proxy's address
    return remote
