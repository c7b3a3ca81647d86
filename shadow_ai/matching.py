"""Matching gateway-log hosts to catalogue tools (pure Python, no Django).

A host matches a domain pattern when it *is* the pattern or ends with "." + pattern, compared
label by label, never as a raw string suffix: "chatgpt.com" matches "chatgpt.com" and
"ab.chatgpt.com" but neither "notchatgpt.com" nor "chatgpt.com.evil.example". The most specific
pattern wins (sora.chatgpt.com before chatgpt.com). A "*" label in a pattern stands for exactly
one label ("bedrock-runtime.*.amazonaws.com" matches "bedrock-runtime.eu-west-1.amazonaws.com",
not "bedrock-runtime.amazonaws.com" nor "bedrock-runtime.a.b.amazonaws.com").

Apart from the patterns, a matcher may be given vendor apexes (shadow_ai.catalogue's
VENDOR_APEXES): a host that matches no pattern and *is* one of those names, or "www." + it,
belongs to the apex's tool. Only equality counts, so "openai.com" and "www.openai.com" lead to
ChatGPT while "openai.com.evil.example" and "status.openai.com" do not.

Public-suffix rules come from tldextract's bundled snapshot; nothing is fetched at run time.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable, Mapping, Sequence
from functools import lru_cache

import tldextract

# suffix_list_urls=() and cache_dir=None: use only the snapshot shipped inside the package, so
# matching never touches the network or writes a cache file (workers may run offline).
_EXTRACT = tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None)

MAX_HOST_LENGTH = 253
_MATCH_CACHE_SIZE = 65_536


def normalise_host(raw: str) -> str | None:
    """The canonical form of a host taken from a log line, or None if it is not a host.

    Lower-cases; strips surrounding whitespace, a scheme, a path, user info, a port, IPv6
    brackets and the trailing root dot; converts Unicode names to IDNA (punycode) so that
    "bücher.de" and "xn--bcher-kva.de" are one host. IP addresses come back in their
    canonical text form.
    """
    if not isinstance(raw, str):
        return None
    host = raw.strip()
    if not host:
        return None
    # Logs sometimes carry a URL or "host:port" where a host is expected (CONNECT lines).
    if "://" in host:
        host = host.split("://", 1)[1]
    host = host.split("/", 1)[0].split("?", 1)[0].split("#", 1)[0]
    if "@" in host:
        host = host.rsplit("@", 1)[1]
    if host.startswith("["):
        end = host.find("]")
        if end == -1:
            return None
        host = host[1:end]
    elif host.count(":") == 1:
        name, port = host.split(":")
        if not port.isdigit() and port:
            return None
        host = name
    host = host.rstrip(".").lower()
    if not host:
        return None
    try:
        return str(ipaddress.ip_address(host))
    except ValueError:
        pass
    if not host.isascii():
        try:
            host = host.encode("idna").decode("ascii")
        except UnicodeError:
            return None
    if len(host) > MAX_HOST_LENGTH:
        return None
    labels = host.split(".")
    for label in labels:
        # Underscores occur in real DNS names (service records, some CDNs); anything else
        # outside letters, digits and hyphens means this is not a host.
        if (
            not label
            or len(label) > 63
            or label[0] == "-"
            or label[-1] == "-"
            or not all(c.isalnum() or c in "-_" for c in label)
        ):
            return None
    return host


def registrable_domain(host: str) -> str | None:
    """The registrable domain ("eTLD+1") of a host: "a.b.co.uk" -> "b.co.uk".

    None for IP addresses, bare public suffixes and names under no known suffix (such as
    "openai.com.evil.example", whose ".example" is reserved and never registrable).
    """
    norm = normalise_host(host)
    if norm is None:
        return None
    result = _EXTRACT(norm)
    if not result.suffix or not result.domain:
        return None
    return f"{result.domain}.{result.suffix}"


class HostMatcher:
    """Finds which catalogue (or organisation) tool a host belongs to.

    entries: (key, domain patterns) pairs. A pattern claimed by two different keys is refused
    with ValueError, since the match would otherwise depend on the order of the entries.
    apexes: vendor apex -> key, matched only when no pattern matches the host and the host is
    the apex or its www. subdomain.
    """

    def __init__(
        self,
        entries: Iterable[tuple[str, Sequence[str]]],
        apexes: Mapping[str, str] | None = None,
    ) -> None:
        self._apexes = {apex.lower(): key for apex, key in (apexes or {}).items()}
        self._exact: dict[str, str] = {}
        # Wildcard patterns grouped by label count, so a host is compared only with patterns
        # as long as one of its suffixes.
        self._wild: dict[int, list[tuple[tuple[str, ...], str]]] = {}
        for key, domains in entries:
            if isinstance(domains, str):
                raise TypeError(f"domains of {key!r} must be a sequence of patterns, not a str")
            for raw in domains:
                pattern = raw.strip().lower().rstrip(".")
                if pattern.startswith("*."):
                    # Every pattern already covers its subdomains; "*.x.com" means "x.com".
                    pattern = pattern[2:]
                labels = tuple(pattern.split("."))
                if not pattern or "" in labels:
                    raise ValueError(f"tool {key!r}: empty label in domain pattern {raw!r}")
                if "*" in labels:
                    group = self._wild.setdefault(len(labels), [])
                    for other, other_key in group:
                        if other == labels and other_key != key:
                            raise ValueError(
                                f"domain pattern {pattern!r} is claimed by "
                                f"{other_key!r} and {key!r}"
                            )
                    group.append((labels, key))
                    continue
                if not pattern.isascii():
                    pattern = pattern.encode("idna").decode("ascii")
                previous = self._exact.setdefault(pattern, key)
                if previous != key:
                    raise ValueError(
                        f"domain pattern {pattern!r} is claimed by {previous!r} and {key!r}"
                    )
        self._max_wild = max(self._wild, default=0)
        # Per-instance cache: logs repeat the same few thousand hosts millions of times.
        self.match = lru_cache(maxsize=_MATCH_CACHE_SIZE)(self._match)  # type: ignore[method-assign]

    def __len__(self) -> int:
        return len(self._exact) + sum(len(group) for group in self._wild.values())

    def match(self, host: str) -> str | None:
        """The key of the tool this host belongs to, or None. Accepts raw log hosts."""
        return self._match(host)  # replaced by the cached version in __init__

    def _match(self, host: str) -> str | None:
        norm = normalise_host(host)
        if norm is None:
            return None
        labels = norm.split(".")
        # IP addresses never match a name pattern (no TLD is all digits; IPv6 has colons).
        if ":" in norm or labels[-1].isdigit():
            return None
        count = len(labels)
        # Longest suffix first, so the most specific pattern wins; at equal length an exact
        # pattern beats a wildcard one.
        for start in range(count):
            found = self._exact.get(".".join(labels[start:]))
            if found is not None:
                return found
            length = count - start
            if length <= self._max_wild:
                for pattern, key in self._wild.get(length, ()):
                    if all(
                        p == "*" or p == h for p, h in zip(pattern, labels[start:], strict=True)
                    ):
                        return key
        return self._apexes.get(norm.removeprefix("www."))
