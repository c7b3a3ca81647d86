"""N people taking the assessment at once, over HTTP against a real gunicorn.

    PYTHONPATH=platform .venv/bin/python bench/assessment_takers.py [--takers 40]
        [--workers 4] [--port 8765]

Sets up (idempotently) an organisation with N+1 employees and an open campaign on the
shipped ai-fluency-4d framework in the configured database, starts gunicorn with production
settings (DEBUG off; the bench sends X-Forwarded-Proto: https as a TLS proxy would), and
drives takers that each log in, open the assessment, save every section with an answer to
each question and submit. Prints the median and 95th percentile per kind of request and
overall: first one taker alone (the baseline, same run), then N at once. Also prints the
load average before each phase: on a shared machine other work skews the figures.
Earlier attempts of the bench's people are deleted at the start of each phase.
"""

import argparse
import os
import re
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "platform")]
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("DEBUG", "true")  # this process only sets up data

import django  # noqa: E402

django.setup()

import requests  # noqa: E402
from cryptography.fernet import Fernet  # noqa: E402
from django.contrib.auth.hashers import make_password  # noqa: E402
from django.utils import timezone  # noqa: E402

from accounts.models import User  # noqa: E402
from assessments.models import Attempt, Campaign  # noqa: E402
from assessments.services.frameworks import framework_install  # noqa: E402
from tenancy.context import org_context  # noqa: E402
from tenancy.models import Membership, Organization  # noqa: E402

SLUG = "bench-takers"
PASSWORD = "bench-takers-password-1"
TEXT = (
    "Create a 10-slide presentation for all staff on the new expenses policy, which starts "
    "next month. Keep it friendly and give a slide-by-slide outline with speaker notes."
)


def setup(takers: int) -> tuple[Organization, Campaign]:
    org = Organization.objects.filter(slug=SLUG).first() or Organization.objects.create(
        name="Bench takers", slug=SLUG
    )
    hashed = make_password(PASSWORD)  # hashed once: every bench person has it
    with org_context(org):
        version = framework_install(organization=org, slug="ai-fluency-4d")
        campaign = Campaign.objects.filter(name="Bench", version=version).first()
        if campaign is None:
            now = timezone.now()
            campaign = Campaign.objects.create(
                organization=org,
                name="Bench",
                version=version,
                opens_at=now - timezone.timedelta(days=1),
                closes_at=now + timezone.timedelta(days=365),
            )
        for i in range(takers + 1):
            email = f"taker{i:03d}@bench.example"
            user = User.objects.filter(email=email).first()
            if user is None:
                user = User.objects.create(email=email, full_name=f"Taker {i}", password=hashed)
            Membership.objects.get_or_create(
                organization=org,
                user=user,
                defaults={"role": "employee", "job_track": "engineering"},
            )
    return org, campaign


def reset(org: Organization, campaign: Campaign) -> None:
    with org_context(org):
        Attempt.objects.filter(campaign=campaign).delete()


class Taker:
    """One person's browser: a session whose cookies are sent over plain HTTP (gunicorn
    sits behind a TLS proxy in production; the bench plays the proxy)."""

    def __init__(self, base: str, email: str, timings: dict):
        self.base, self.email, self.timings = base, email, timings
        self.http = requests.Session()
        self.http.headers.update(
            {"X-Forwarded-Proto": "https", "Origin": base.replace("http:", "https:")}
        )

    def _timed(self, kind: str, method: str, path: str, **kwargs) -> requests.Response:
        url = self.base + path
        headers = {"Referer": url.replace("http:", "https:")}
        started = time.perf_counter()
        response = self.http.request(method, url, headers=headers, allow_redirects=False, **kwargs)
        elapsed = time.perf_counter() - started
        self.timings.setdefault(kind, []).append(elapsed)
        for cookie in response.cookies:  # Secure cookies, kept for plain HTTP here
            self.http.cookies.set(cookie.name, cookie.value)
        if response.status_code >= 400:
            raise RuntimeError(f"{self.email}: {method} {path} -> {response.status_code}")
        return response

    @staticmethod
    def _csrf(html: str) -> str:
        return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)

    def run(self, campaign_id: int) -> None:
        page = self._timed("login page", "GET", "/accounts/login/")
        self._timed(
            "login",
            "POST",
            "/accounts/login/",
            data={
                "csrfmiddlewaretoken": self._csrf(page.text),
                "username": self.email,
                "password": PASSWORD,
            },
        )
        take = f"/o/{SLUG}/assessments/campaigns/{campaign_id}/take/"
        section, html = 0, self._timed("open section", "GET", take).text
        while True:
            data = _answers(html)
            last = "Submit my answers" in html
            data.update(
                csrfmiddlewaretoken=self._csrf(html),
                section=str(section),
                go="submit" if last else "next",
            )
            response = self._timed("submit" if last else "save section", "POST", take, data=data)
            if last:
                assert "/attempts/" in response.headers.get("Location", ""), response.headers
                return
            section += 1
            html = self._timed("open section", "GET", f"{take}?section={section}").text


def _answers(html: str) -> dict:
    """An answer to every question on the page: first option, first two boxes, a text,
    the first two sentences marked."""
    data: dict = {}
    for name, value in re.findall(
        r'type="radio" id="[^"]+" name="(item-\d+)" value="([^"]+)"', html
    ):
        data.setdefault(name, value)
    for name, value in re.findall(
        r'type="checkbox" id="o-\d+" name="(item-\d+)" value="([^"]+)"', html
    ):
        chosen = data.setdefault(name, [])
        if len(chosen) < 2:
            chosen.append(value)
    for name in re.findall(r'name="(item-\d+-present)"', html):
        data[name] = "1"
    for name in re.findall(r'<textarea id="[^"]+" name="(item-\d+)"', html):
        data[name] = TEXT
    for name, number in re.findall(r'name="(item-\d+)-mark" value="(\d+)"', html):
        if int(number) <= 2:
            data.setdefault(f"{name}-mark", []).append(number)
            data[f"{name}-why-{number}"] = "The figure is wrong: it should be 70%."
    return data


def phase(
    base: str, campaign: Campaign, emails: list[str], ramp: float = 0.0
) -> tuple[dict, float, int]:
    timings: dict = {}
    errors = []
    takers = [Taker(base, email, timings) for email in emails]

    def run(index, taker):
        # Arrivals spread evenly over `ramp` seconds (0: everyone at once).
        time.sleep(ramp * index / max(1, len(takers)))
        try:
            taker.run(campaign.pk)
        except Exception as exc:  # reported, the others go on
            errors.append(str(exc))

    threads = [threading.Thread(target=run, args=(i, t)) for i, t in enumerate(takers)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        print("  errors:", errors[:3], f"({len(errors)} in all)")
    return timings, time.perf_counter() - started, len(emails) - len(errors)


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def report(label: str, timings: dict, wall: float, finished: int, total: int) -> None:
    every = [v for values in timings.values() for v in values]
    print(f"{label}: {finished}/{total} finished in {wall:.1f} s")
    if not every:
        return
    for kind in ["login page", "login", "open section", "save section", "submit"]:
        values = timings.get(kind, [])
        if values:
            print(
                f"  {kind:<13} n={len(values):<4} median {statistics.median(values) * 1000:7.0f} ms"
                f"   p95 {p95(values) * 1000:7.0f} ms"
            )
    print(
        f"  {'all requests':<13} n={len(every):<4} median "
        f"{statistics.median(every) * 1000:7.0f} ms   p95 {p95(every) * 1000:7.0f} ms"
    )
    # Logging in is a password hash (hundreds of ms of CPU by design): the figure for the
    # assessment itself leaves it out.
    taking = [
        v for kind, values in timings.items() if kind not in ("login", "login page") for v in values
    ]
    if taking:
        print(
            f"  {'taking only':<13} n={len(taking):<4} median "
            f"{statistics.median(taking) * 1000:7.0f} ms   p95 {p95(taking) * 1000:7.0f} ms"
        )


def wait_for(port: int, seconds: float = 60) -> None:
    deadline = time.time() + seconds
    while time.time() < deadline:
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.3)
    raise RuntimeError("gunicorn did not start")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--takers", type=int, default=40)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument(
        "--ramp", type=float, default=0.0, help="seconds over which the N takers arrive"
    )
    parser.add_argument(
        "--conn-max-age",
        type=int,
        default=0,
        help="DB_CONN_MAX_AGE for gunicorn (0, the default setting: a connection per request)",
    )
    args = parser.parse_args()
    org, campaign = setup(args.takers)
    emails = [f"taker{i:03d}@bench.example" for i in range(1, args.takers + 1)]
    base = f"http://127.0.0.1:{args.port}"
    env = {
        **os.environ,
        "DEBUG": "false",
        "SECRET_KEY": "bench-only-secret-key-0123456789abcdefghijklmnopqrstuvwxyz",
        "ALLOWED_HOSTS": "127.0.0.1",
        "CSRF_TRUSTED_ORIGINS": base.replace("http:", "https:"),
        "SLM_PRELOAD": "false",
        "DB_CONN_MAX_AGE": str(args.conn_max_age),
        "FIELD_ENCRYPTION_KEY": Fernet.generate_key().decode(),
        "PYTHONPATH": f"{ROOT}:{ROOT / 'platform'}",
    }
    # Production settings serve hashed static file names: collect them (into the ignored
    # staticfiles/) as a deployment does.
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=ROOT,
        env=env,
        check=True,
    )
    server = subprocess.Popen(
        [
            str(Path(sys.executable).with_name("gunicorn")),
            "config.wsgi:application",
            "--workers",
            str(args.workers),
            "--bind",
            f"127.0.0.1:{args.port}",
            "--log-level",
            "warning",
        ],
        cwd=ROOT / "platform",
        env=env,
        start_new_session=True,
    )
    try:
        wait_for(args.port)
        print(
            f"gunicorn, {args.workers} sync workers; {os.cpu_count()} CPUs; "
            f"DB_CONN_MAX_AGE={args.conn_max_age}; arrivals over {args.ramp:.0f} s"
        )
        # Warm-up: every worker imports and connects before anything is timed.
        reset(org, campaign)
        phase(base, campaign, ["taker000@bench.example"] * 1)
        reset(org, campaign)
        print(f"load average before the baseline: {os.getloadavg()[0]:.2f}")
        timings, wall, done = phase(base, campaign, emails[:1])
        report("1 taker (baseline)", timings, wall, done, 1)
        reset(org, campaign)
        print(f"load average before {args.takers} takers: {os.getloadavg()[0]:.2f}")
        timings, wall, done = phase(base, campaign, emails, args.ramp)
        arrival = f"arriving over {args.ramp:.0f} s" if args.ramp else "at once"
        report(f"{args.takers} takers {arrival}", timings, wall, done, args.takers)
        print(f"load average after: {os.getloadavg()[0]:.2f}")
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)


if __name__ == "__main__":
    main()
