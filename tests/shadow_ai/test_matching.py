"""Host normalisation and catalogue matching, including subdomains and look-alikes."""

import pytest

from shadow_ai.catalogue import load_catalogue
from shadow_ai.matching import HostMatcher, normalise_host, registrable_domain

ENTRIES = [
    ("chatgpt", ["chatgpt.com", "chat.openai.com", "oaiusercontent.com"]),
    ("sora", ["sora.chatgpt.com", "sora.com"]),
    ("gemini", ["gemini.google.com"]),
    ("bedrock", ["bedrock-runtime.*.amazonaws.com", "bedrock.*.amazonaws.com"]),
    ("q", ["q.us-east-1.amazonaws.com"]),
    ("bucher", ["bücher.de"]),
]


@pytest.fixture(scope="module")
def matcher() -> HostMatcher:
    return HostMatcher(ENTRIES)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("ChatGPT.com", "chatgpt.com"),
        ("  chatgpt.com.  ", "chatgpt.com"),
        ("chatgpt.com:443", "chatgpt.com"),
        ("https://user@chatgpt.com:8443/c/abc?x=1", "chatgpt.com"),
        ("[2001:DB8::1]:443", "2001:db8::1"),
        ("2001:db8:0:0::1", "2001:db8::1"),
        ("10.1.2.3:443", "10.1.2.3"),
        ("Bücher.DE", "xn--bcher-kva.de"),
        ("xn--bcher-kva.de", "xn--bcher-kva.de"),
        ("_dmarc.example.com", "_dmarc.example.com"),
        ("", None),
        ("-", None),
        ("a..b", None),
        ("host:notaport", None),
        ("[::1", None),
        ("bad host.com", None),
        ("a" * 64 + ".com", None),
        (".".join(["abcdefghi"] * 26) + ".com", None),
    ],
)
def test_normalise_host(raw: str, expected: str | None) -> None:
    assert normalise_host(raw) == expected


@pytest.mark.parametrize(
    ("host", "expected"),
    [
        ("a.b.co.uk", "b.co.uk"),
        ("chat.openai.com", "openai.com"),
        ("gemini.google.com:443", "google.com"),
        ("openai.com.evil.example", None),  # .example is reserved, never registrable
        ("co.uk", None),  # a bare public suffix
        ("10.0.0.1", None),
        ("localhost", None),
    ],
)
def test_registrable_domain_uses_the_bundled_suffix_list(host: str, expected: str | None) -> None:
    assert registrable_domain(host) == expected


def test_registrable_domain_never_fetches(monkeypatch: pytest.MonkeyPatch) -> None:
    # A fetch of the public suffix list would go through requests; make any attempt fail loudly.
    import requests

    def no_network(*args: object, **kwargs: object) -> None:
        raise AssertionError("tldextract tried to reach the network")

    monkeypatch.setattr(requests.Session, "request", no_network)
    assert registrable_domain("x.y.example.co.jp") == "example.co.jp"


@pytest.mark.parametrize(
    ("host", "expected"),
    [
        ("chatgpt.com", "chatgpt"),
        ("CHATGPT.COM:443", "chatgpt"),
        ("ab.chatgpt.com", "chatgpt"),
        ("files.oaiusercontent.com", "chatgpt"),
        ("chat.openai.com", "chatgpt"),
        ("https://chat.openai.com/backend-api/conversation", "chatgpt"),
        # The most specific pattern wins.
        ("sora.chatgpt.com", "sora"),
        ("videos.sora.chatgpt.com", "sora"),
        ("gemini.google.com", "gemini"),
        ("bedrock-runtime.eu-west-1.amazonaws.com", "bedrock"),
        ("bedrock.us-east-1.amazonaws.com", "bedrock"),
        ("vpce-1.bedrock-runtime.us-east-1.amazonaws.com", "bedrock"),
        ("q.us-east-1.amazonaws.com", "q"),
        ("xn--bcher-kva.de", "bucher"),
        ("shop.bücher.de", "bucher"),
    ],
)
def test_match_known_hosts_and_subdomains(matcher: HostMatcher, host: str, expected: str) -> None:
    assert matcher.match(host) == expected


@pytest.mark.parametrize(
    "host",
    [
        # Look-alikes: the catalogued name appears, but not as the host's own suffix.
        "openai.com.evil.example",
        "chatgpt.com.evil.example",
        "chatgpt-login.example",
        "notchatgpt.com",
        "chatgpt.co",
        "chatgpt.com-login.example",
        "xchat.openai.com",
        "openai.com",  # the shared apex itself is not ChatGPT
        "www.openai.com",
        "google.com",
        "mail.google.com",
        "gemini.google.com.phish.example",
        # A wildcard stands for exactly one label.
        "bedrock-runtime.amazonaws.com",
        "bedrock-runtime.a.b.amazonaws.com",
        "s3.eu-west-1.amazonaws.com",
        "bedrock-runtime.eu-west-1.amazonaws.com.evil.example",
        "q.us-west-2.amazonaws.com",
        "10.0.0.1",
        "",
        "-",
    ],
)
def test_look_alikes_and_unrelated_hosts_do_not_match(matcher: HostMatcher, host: str) -> None:
    assert matcher.match(host) is None


def test_a_pattern_claimed_by_two_tools_is_refused() -> None:
    with pytest.raises(ValueError, match="claimed by 'a' and 'b'"):
        HostMatcher([("a", ["x.example.com"]), ("b", ["x.example.com"])])
    with pytest.raises(ValueError, match="claimed by"):
        HostMatcher([("a", ["bedrock.*.aws.com"]), ("b", ["bedrock.*.aws.com"])])


def test_same_tool_may_repeat_a_pattern_and_star_dot_prefix_is_tolerated() -> None:
    matcher = HostMatcher([("a", ["x.example.com", "*.x.example.com"])])
    assert matcher.match("x.example.com") == "a"
    assert matcher.match("y.x.example.com") == "a"


def test_domains_given_as_a_string_are_refused() -> None:
    with pytest.raises(TypeError):
        HostMatcher([("a", "chatgpt.com")])


def test_empty_matcher_matches_nothing() -> None:
    assert HostMatcher([]).match("chatgpt.com") is None


def test_shipped_catalogue_matches_its_own_domains_and_no_look_alike() -> None:
    entries = load_catalogue()
    matcher = HostMatcher((e.key, e.domains) for e in entries)
    for entry in entries:
        for domain in entry.domains:
            host = domain.replace("*", "eu-west-1")
            assert matcher.match(host) == entry.key, host
            assert matcher.match("sub." + host) == entry.key, host
            assert matcher.match(host + ".evil.example") is None, host
            assert matcher.match(host.replace(".", "-") + ".example") is None, host


def test_a_vendor_apex_and_its_www_match_the_apex_tool_and_nothing_else_does() -> None:
    matcher = HostMatcher(ENTRIES, {"openai.com": "chatgpt"})
    for host in ("openai.com", "www.openai.com", "OpenAI.com:443", "https://openai.com/news/"):
        assert matcher.match(host) == "chatgpt", host
    assert matcher.match("sora.chatgpt.com") == "sora"  # patterns still come first
    for host in (
        "openai.com.evil.example",
        "chatgpt-login.example",
        "openai-com.example",
        "notopenai.com",
        "status.openai.com",  # only the apex and its www., not every host under it
        "www.www.openai.com",
    ):
        assert matcher.match(host) is None, host
    assert HostMatcher(ENTRIES).match("openai.com") is None  # no apexes, no apex match


def test_shipped_vendor_apexes_lead_to_the_vendors_main_tool_but_general_apexes_do_not() -> None:
    from shadow_ai.catalogue import VENDOR_APEXES
    from shadow_ai.demo_logs.sites import LOOKALIKE_SITES

    matcher = HostMatcher(((e.key, e.domains) for e in load_catalogue()), VENDOR_APEXES)
    assert matcher.match("openai.com") == "chatgpt"
    assert matcher.match("www.openai.com") == "chatgpt"
    assert matcher.match("anthropic.com") == "claude"
    assert matcher.match("api.openai.com") == "openai-api"
    assert matcher.match("api.anthropic.com") == "anthropic-api"
    # Apexes of companies selling much besides AI stay unmatched, even where every catalogued
    # domain under them is that company's.
    for host in ("google.com", "www.google.com", "microsoft.com", "www.microsoft.com", "vk.com"):
        assert matcher.match(host) is None, host
    for host, _ in LOOKALIKE_SITES[0].hosts:
        assert matcher.match(host) is None, host
