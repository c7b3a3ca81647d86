"""Escalation's guards: no internal address, no plain-text key, no key in any page.

The end-to-end calls through classify() are in test_services.py; these need no model.
"""

import json
import re
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from django.db import connection, connections, transaction
from django.urls import reverse

from audit.models import AuditEvent
from slm import crypto, egress
from slm.escalation import Endpoint, EscalationFailed, chat
from slm.models import LLMEndpoint
from tenancy.context import org_context

PUBLIC = "93.184.215.14"  # a globally routable address (example.com's)


@pytest.fixture
def public_dns(monkeypatch):
    """Every host name resolves to one public address (the tests run offline)."""
    answers: dict[str, list[str]] = {}

    def resolve(host, port):
        return answers.get(host, [PUBLIC])

    monkeypatch.setattr(egress, "_resolve", resolve)
    return answers


# --- Internal addresses ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("address", "reason"),
    [
        ("127.0.0.1", "loopback"),
        ("10.1.2.3", "private"),
        ("172.16.0.1", "private"),
        ("192.168.1.1", "private"),
        ("169.254.169.254", "link-local"),  # the cloud metadata service
        ("0.0.0.0", "unspecified"),
        ("224.0.0.1", "multicast"),
        ("240.0.0.1", "reserved"),
        ("100.64.0.1", "not globally routable"),  # carrier-grade NAT
        ("::1", "loopback"),
        ("::", "unspecified"),
        ("fe80::1", "link-local"),
        ("fc00::1", "private"),
        ("ff02::1", "multicast"),
        ("::ffff:127.0.0.1", "loopback"),  # IPv4-mapped IPv6
        ("::ffff:169.254.169.254", "link-local"),
        ("::ffff:10.0.0.1", "private"),
    ],
)
def test_internal_addresses_are_refused(public_dns, settings, address, reason):
    settings.SLM_ESCALATION_ALLOWED_HOSTS = []
    public_dns["llm.example.com"] = [address]
    with pytest.raises(egress.EndpointRefused, match=f"a {reason} address"):
        egress.check_url("https://llm.example.com/v1")


def test_literal_internal_address_in_the_url_is_refused(settings):
    settings.SLM_ESCALATION_ALLOWED_HOSTS = []
    with pytest.raises(egress.EndpointRefused, match=re.escape("169.254.169.254, a link-local")):
        egress.check_url("https://169.254.169.254/latest/meta-data")
    with pytest.raises(egress.EndpointRefused, match="loopback"):
        egress.check_url("https://[::ffff:7f00:1]/v1")


def test_one_internal_answer_among_public_ones_is_enough_to_refuse(public_dns, settings):
    settings.SLM_ESCALATION_ALLOWED_HOSTS = []
    public_dns["llm.example.com"] = [PUBLIC, "10.0.0.5"]
    with pytest.raises(egress.EndpointRefused, match=re.escape("10.0.0.5")):
        egress.check_url("https://llm.example.com/v1")


def test_a_public_https_endpoint_is_accepted(public_dns, settings):
    settings.SLM_ESCALATION_ALLOWED_HOSTS = []
    target = egress.check_url("https://llm.example.com:8443/v1/")
    assert (target.host, target.port, target.base_path, target.addresses) == (
        "llm.example.com",
        8443,
        "/v1",
        (PUBLIC,),
    )


@pytest.mark.parametrize(
    ("url", "fragment"),
    [
        ("http://llm.example.com/v1", "Use https://"),  # the key would travel in clear
        ("ftp://llm.example.com/v1", "http:// or https://"),
        ("https://user:pw@llm.example.com/v1", "not in the URL"),
        ("https:///v1", "no host name"),
    ],
)
def test_malformed_or_unsafe_urls_are_refused(public_dns, settings, url, fragment):
    settings.SLM_ESCALATION_ALLOWED_HOSTS = []
    with pytest.raises(egress.EndpointRefused, match=fragment):
        egress.check_url(url)


def test_the_allow_list_admits_named_hosts_and_networks(public_dns, settings):
    public_dns["llm.corp.internal"] = ["10.20.0.7"]
    settings.SLM_ESCALATION_ALLOWED_HOSTS = ["llm.corp.internal"]
    assert egress.check_url("http://llm.corp.internal/v1").addresses == ("10.20.0.7",)
    settings.SLM_ESCALATION_ALLOWED_HOSTS = ["10.20.0.0/16"]
    assert egress.check_url("https://llm.corp.internal/v1").addresses == ("10.20.0.7",)
    assert egress.check_url("http://10.20.0.8/v1").addresses == ("10.20.0.8",)
    # A network admits its addresses, not others.
    settings.SLM_ESCALATION_ALLOWED_HOSTS = ["10.30.0.0/16"]
    with pytest.raises(egress.EndpointRefused, match="private"):
        egress.check_url("https://llm.corp.internal/v1")


def test_allow_list_is_read_from_the_environment_and_malformed_entries_fail(monkeypatch):
    from django.core.exceptions import ImproperlyConfigured

    from config.env import env_host_allowlist

    monkeypatch.setenv("SLM_ESCALATION_ALLOWED_HOSTS", "LLM.corp.internal, 10.0.0.0/8,::1")
    assert env_host_allowlist("SLM_ESCALATION_ALLOWED_HOSTS") == [
        "llm.corp.internal",
        "10.0.0.0/8",
        "::1",
    ]
    monkeypatch.setenv("SLM_ESCALATION_ALLOWED_HOSTS", "10.0.0.0/33")
    with pytest.raises(ImproperlyConfigured, match="SLM_ESCALATION_ALLOWED_HOSTS"):
        env_host_allowlist("SLM_ESCALATION_ALLOWED_HOSTS")


# --- The call itself ---------------------------------------------------------------------


class _Echo(BaseHTTPRequestHandler):
    seen: list = []

    def do_POST(self):
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        _Echo.seen.append((self.headers["Host"], self.headers.get("Authorization"), body))
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(json.dumps({"choices": [{"message": {"content": "pong"}}]}).encode())

    def log_message(self, *args):
        pass


@pytest.fixture
def local_server():
    server = HTTPServer(("127.0.0.1", 0), _Echo)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    _Echo.seen = []
    yield server.server_port
    server.shutdown()
    server.server_close()


def endpoint(url, key=""):
    return Endpoint(base_url=url, model="m", timeout_seconds=5, api_key=key)


def test_the_connection_goes_to_the_checked_address(
    transactional_db, local_server, monkeypatch, settings
):
    # `.invalid` never resolves in real DNS: reaching the server proves the connection used
    # the address that was checked, not a second lookup an attacker's DNS could change.
    settings.SLM_ESCALATION_ALLOWED_HOSTS = ["llm.pinned.invalid"]
    monkeypatch.setattr(egress, "_resolve", lambda host, port: ["127.0.0.1"])
    answer = chat(endpoint(f"http://llm.pinned.invalid:{local_server}/v1", "k"), [])
    assert answer == "pong"
    [(host, auth, _body)] = _Echo.seen
    assert host == f"llm.pinned.invalid:{local_server}" and auth == "Bearer k"


def test_https_is_really_tls_to_the_checked_address(
    transactional_db, local_server, monkeypatch, settings
):
    # The local server speaks plain HTTP: an https:// endpoint must fail the TLS handshake
    # (with a clear reason, not a crash), never fall back to plain text.
    settings.SLM_ESCALATION_ALLOWED_HOSTS = ["llm.pinned.invalid"]
    monkeypatch.setattr(egress, "_resolve", lambda host, port: ["127.0.0.1"])
    with pytest.raises(EscalationFailed, match="failed"):
        chat(endpoint(f"https://llm.pinned.invalid:{local_server}/v1", "k"), [])
    assert _Echo.seen == []


def test_an_internal_endpoint_is_not_contacted(transactional_db, local_server, settings):
    settings.SLM_ESCALATION_ALLOWED_HOSTS = []
    with pytest.raises(EscalationFailed, match="loopback"):
        chat(endpoint(f"http://127.0.0.1:{local_server}/v1"), [])
    assert _Echo.seen == []


def test_the_call_is_refused_inside_a_transaction(db, local_server, settings):
    from slm.escalation import EscalationInTransaction

    settings.SLM_ESCALATION_ALLOWED_HOSTS = ["127.0.0.1"]
    assert connection.in_atomic_block  # the test-wide transaction
    with pytest.raises(EscalationInTransaction):
        chat(endpoint(f"http://127.0.0.1:{local_server}/v1"), [])
    assert _Echo.seen == []


# --- The key at rest ---------------------------------------------------------------------


def raw_key_column(endpoint_id, org_id, using="default"):
    with transaction.atomic(using=using), connections[using].cursor() as cursor:
        # Row-level security binds every role here but the system one: name the tenant.
        cursor.execute("SELECT set_config('app.org_id', %s, true)", [str(org_id)])
        cursor.execute("SELECT * FROM slm_llmendpoint WHERE id = %s", [endpoint_id])
        columns = [c.name for c in cursor.description]
        return dict(zip(columns, cursor.fetchone(), strict=True))


def save_form(client, url, **fields):
    data = {"base_url": "https://llm.example.com/v1", "model": "big", "timeout_seconds": 20}
    return client.post(url, {**data, **fields})


def test_the_key_is_stored_encrypted_and_never_shown_again(client_for, cast, public_dns):
    url = reverse("slm:llm_endpoint", kwargs={"org_slug": cast.org_a.slug})
    client = client_for(cast.alice)
    assert save_form(client, url, api_key="sk-live-0123456789", enabled="on").status_code == 302
    with org_context(cast.org_a):
        stored = LLMEndpoint.objects.get()
    row = raw_key_column(stored.pk, cast.org_a.pk)
    assert "api_key" not in row  # the plain-text column is gone
    assert "sk-live-0123456789" not in json.dumps(row, default=str)
    assert crypto.decrypt(row["api_key_encrypted"]) == "sk-live-0123456789"
    page = client.get(url).content.decode()
    assert "sk-live-0123456789" not in page and row["api_key_encrypted"] not in page
    assert "A key is stored" in page and "Remove the stored API key" in page
    # A refused save does not echo the typed key back either.
    refused = save_form(client, url, base_url="https://10.0.0.1/v1", api_key="sk-typed-again")
    assert refused.status_code == 400 and "sk-typed-again" not in refused.content.decode()
    with org_context(cast.org_a):
        events = list(AuditEvent.objects.filter(action="llm_endpoint.updated"))
    assert events and all("sk-live" not in json.dumps([e.before, e.after]) for e in events)


def test_an_empty_key_keeps_it_and_remove_clears_it(client_for, cast, public_dns):
    url = reverse("slm:llm_endpoint", kwargs={"org_slug": cast.org_a.slug})
    client = client_for(cast.alice)
    save_form(client, url, api_key="sk-first")
    save_form(client, url, model="bigger")  # no key typed: keep it
    with org_context(cast.org_a):
        stored = LLMEndpoint.objects.get()
    assert stored.model == "bigger" and crypto.decrypt(stored.api_key_encrypted) == "sk-first"
    both = save_form(client, url, api_key="sk-new", clear_api_key="on")
    assert both.status_code == 400 and "Either type a new API key" in both.content.decode()
    assert save_form(client, url, clear_api_key="on").status_code == 302
    with org_context(cast.org_a):
        assert LLMEndpoint.objects.get().api_key_encrypted == ""
    assert "no API key" in client.get(url).content.decode()


def test_saving_an_internal_endpoint_is_a_form_error(client_for, cast, public_dns, settings):
    settings.SLM_ESCALATION_ALLOWED_HOSTS = []
    public_dns["llm.corp.internal"] = ["192.168.0.10"]
    url = reverse("slm:llm_endpoint", kwargs={"org_slug": cast.org_a.slug})
    response = save_form(client_for(cast.alice), url, base_url="https://llm.corp.internal/v1")
    assert response.status_code == 400
    assert "resolves to 192.168.0.10, a private address" in response.content.decode()
    with org_context(cast.org_a):
        assert not LLMEndpoint.objects.exists()


def test_a_key_that_no_longer_decrypts_falls_back_with_a_clear_reason(cast, settings):
    from cryptography.fernet import Fernet

    from slm.escalation import endpoint_for_context

    with org_context(cast.org_a):
        stored = LLMEndpoint(
            organization=cast.org_a, base_url="https://llm.example.com/v1", model="m"
        )
        stored.enabled = True
        stored.set_api_key("sk-old")
        stored.save()
    settings.FIELD_ENCRYPTION_KEYS = [Fernet.generate_key().decode()]  # the key was lost
    with org_context(cast.org_a):
        config = endpoint_for_context()
    assert config.api_key == "" and "FIELD_ENCRYPTION_KEY" in config.key_error
    assert "sk-old" not in repr(config)


def test_keys_rotate_newest_first(settings):
    from cryptography.fernet import Fernet

    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    settings.FIELD_ENCRYPTION_KEYS = [old]
    token = crypto.encrypt("sk-1")
    settings.FIELD_ENCRYPTION_KEYS = [new, old]
    assert crypto.decrypt(token) == "sk-1"
    assert Fernet(new).decrypt(crypto.encrypt("sk-2").encode()) == b"sk-2"


@pytest.mark.django_db(transaction=True, databases=["default", "owner"])
def test_existing_plain_text_keys_are_encrypted_by_the_migration(cast_rows):
    from django.db.migrations.executor import MigrationExecutor

    org_id = cast_rows
    owner = connections["owner"]  # migrations run as the owner role
    executor = MigrationExecutor(owner)
    executor.migrate([("slm", "0002_alter_modelinvocation_outcome")])
    with transaction.atomic(using="owner"), owner.cursor() as cursor:
        cursor.execute("SELECT set_config('app.org_id', %s, true)", [str(org_id)])
        cursor.execute(
            "INSERT INTO slm_llmendpoint (organization_id, base_url, model, api_key, enabled,"
            " timeout_seconds) VALUES (%s, 'https://llm.example.com/v1', 'm', 'sk-plain',"
            " true, 30) RETURNING id",
            [org_id],
        )
        endpoint_id = cursor.fetchone()[0]
    executor = MigrationExecutor(owner)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes("slm"))
    row = raw_key_column(endpoint_id, org_id, using="owner")
    assert "api_key" not in row and "sk-plain" not in row["api_key_encrypted"]
    assert crypto.decrypt(row["api_key_encrypted"]) == "sk-plain"


@pytest.fixture
def cast_rows(live_cast):
    return live_cast.org_a.pk
