"""The people of bench/load.py, as locust users: each logs in through the real login form (staff with their
authenticator's code) and does what they do on an ordinary day, checking every answer. Run by bench/load.py,
which prepares the plan (BENCH_LOAD_PLAN: who logs in, whose caseload, which NIKs, which key) and checks the
database afterwards; not meant to run on its own.

Every write a user makes is named "write <kind>" in locust's statistics, so the driver can compare how many
succeeded with the rows the database gained."""

import datetime
import hmac
import itertools
import json
import os
import re
import struct
import time
import uuid
from collections.abc import Iterator
from hashlib import sha1
from typing import Any
from urllib.parse import urlencode, urlsplit

from locust import HttpUser, between, events, task

PLAN: dict[str, Any] = json.loads(open(os.environ["BENCH_LOAD_PLAN"]).read())  # noqa: SIM115
ORIGIN = "https://127.0.0.1"  # what the portal sees behind nginx (X-Forwarded-Proto: https, $host)
CODE_PAGE = "/akun/dua-langkah/kode/"


def totp(key_hex: str, at: float) -> str:
    """RFC 6238 with django-otp's defaults (SHA-1, 30 s, 6 digits): the code the person's app shows."""
    counter = struct.pack(">Q", int(at) // 30)
    digest = hmac.new(bytes.fromhex(key_hex), counter, sha1).digest()
    offset = digest[-1] & 0x0F
    number = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return f"{number % 1_000_000:06d}"


def pool(name: str) -> Iterator[dict[str, Any]]:
    """Each prepared person once, then none: two locust users never act as one account."""
    return iter(PLAN[name])


POOLS = {name: pool(name) for name in ("mentors", "bookkeepers", "agency", "registrants")}
DAYS = itertools.count()
# Each write carries a tag of its own; which were sent and which acknowledged goes to BENCH_LOAD_TAGS at the end,
# so the driver tells a lost write (acknowledged, not in the database) from one still under way when locust
# stopped (sent, in the database, never acknowledged).
TAGS: dict[str, list[str]] = {"sent": [], "acknowledged": []}


@events.quitting.add_listener
def _write_tags(environment: Any, **kwargs: Any) -> None:
    with open(os.environ["BENCH_LOAD_TAGS"], "w") as out:
        json.dump(TAGS, out)


def new_tag(kind: str) -> str:
    tag = f"{kind}:{PLAN['run']}:{uuid.uuid4().hex}"
    TAGS["sent"].append(tag)
    return tag


class Person(HttpUser):
    abstract = True
    wait_time = between(0.5, 2.0)
    pool_name = ""

    def on_start(self) -> None:
        # Cookies are kept by hand: production marks them Secure, and the load speaks plain HTTP to nginx, which
        # tells the portal it is TLS (as the real proxy does), so a cookie jar would never send them back.
        self.jar: dict[str, str] = {}
        self.person = next(POOLS[self.pool_name], None) if self.pool_name else None
        if self.person is not None and "sessionid" in self.person:
            self.jar.update(sessionid=self.person["sessionid"], csrftoken=self.person["csrftoken"])
        elif self.person is not None:
            self.log_in()

    def csrf(self) -> str:
        return self.jar.get("csrftoken", "")

    def keep_cookies(self, response: Any) -> None:
        for cookie in response.cookies:
            if cookie.value:
                self.jar[cookie.name] = cookie.value
            else:
                self.jar.pop(cookie.name, None)
        self.client.cookies.clear()

    def post(
        self, path: str, fields: dict[str, Any], name: str, *, expect: str | None, tag: str = "", **extra: Any
    ) -> bool:
        data = {"csrfmiddlewaretoken": self.csrf(), **fields}
        headers = {"Origin": ORIGIN, "Referer": ORIGIN + path}
        body: Any = urlencode(data, doseq=True) if "files" not in extra else data
        if "files" not in extra:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        with self.client.post(
            path,
            data=body,
            headers=headers,
            cookies=dict(self.jar),
            name=name,
            allow_redirects=False,
            catch_response=True,
            **extra,
        ) as response:
            self.keep_cookies(response)
            where = urlsplit(response.headers.get("Location", "")).path
            if response.status_code != 302 or (expect is not None and not re.fullmatch(expect, where)):
                response.failure(f"{response.status_code} {where}")
                return False
            response.success()
            if tag:
                TAGS["acknowledged"].append(tag)
            return True

    def log_in(self) -> None:
        assert self.person is not None
        self.get("/akun/masuk/", "login page")
        self.post(
            "/akun/masuk/",
            {"username": self.person["email"], "password": PLAN["password"]},
            "login",
            expect=None,
        )
        if self.person.get("key"):
            # a code is used once: wait for the next step's code if another user of this key took this one
            self.post(
                CODE_PAGE,
                {"code": totp(self.person["key"], time.time()), "next": "/beranda/"},
                "code",
                expect="/beranda/",
            )

    def get(self, path: str, name: str) -> None:
        with self.client.get(
            path, name=name, cookies=dict(self.jar), allow_redirects=False, catch_response=True
        ) as response:
            self.keep_cookies(response)
            if response.status_code != 200:
                response.failure(f"{response.status_code} {response.headers.get('Location', '')}")


class Mentor(Person):
    """Opens the caseload and logs a visit with a follow-up for one of their participants."""

    weight = 3
    pool_name = "mentors"

    @task
    def visit(self) -> None:
        if self.person is None:
            return
        self.get("/pendampingan/", "caseload")
        participant = self.person["participants"][next(DAYS) % len(self.person["participants"])]
        path = f"/pendampingan/peserta/{participant}/kunjungan/"
        today = datetime.date.today()
        tag = new_tag("visit")
        fields = {
            "date": today.isoformat(),
            "kind": "field",
            "steps": ["P3", "P4"],
            "notes": f"Membahas NIB dan harga jual (uji beban {tag}).",
            "shared": "on",
            "stage": "P4",
            "followups-TOTAL_FORMS": "1",
            "followups-INITIAL_FORMS": "0",
            "followups-MIN_NUM_FORMS": "0",
            "followups-MAX_NUM_FORMS": "10",
            "followups-0-what": "Catat penjualan harian",
            "followups-0-due_date": (today + datetime.timedelta(days=7)).isoformat(),
        }
        self.post(path, fields, "write visit", expect=r"/pendampingan/peserta/\d+/", tag=tag)


class Bookkeeper(Person):
    """Opens the cash book and writes the day's sales."""

    weight = 4
    pool_name = "bookkeepers"

    @task
    def entry(self) -> None:
        if self.person is None:
            return
        self.get("/keuangan/buku-kas/", "cash book")
        tag = new_tag("entry")
        fields = {
            "direction": "in",
            "amount": "150.000",
            "category": "sales",
            "day": datetime.date.today().isoformat(),
            "note": f"uji beban {tag}",
        }
        self.post("/keuangan/buku-kas/", fields, "write cash-book entry", expect=r"/keuangan/buku-kas/", tag=tag)


class Registrant(Person):
    """A new participant through the wizard's four steps, documents included; then reads their home page."""

    weight = 2
    pool_name = "registrants"

    @task
    def register(self) -> None:
        if self.person is not None and self.person.get("done"):
            # the next new participant takes this place (a fresh account, logged in)
            self.person = next(POOLS[self.pool_name], None)
            self.jar = (
                {"sessionid": self.person["sessionid"], "csrftoken": self.person["csrftoken"]} if self.person else {}
            )
        if self.person is None:
            self.get("/", "landing")
            return
        person = self.person
        if not self.post("/pendaftaran/person/", person["person"], "wizard person", expect="/pendaftaran/business/"):
            return
        if not self.post(
            "/pendaftaran/business/", person["business"], "wizard business", expect="/pendaftaran/documents/"
        ):
            return
        files = {
            "ktp": ("ktp.jpg", bytes.fromhex(PLAN["ktp_hex"]), "image/jpeg"),
            "plan_statement": ("rencana.pdf", bytes.fromhex(PLAN["pdf_hex"]), "application/pdf"),
        }
        if not self.post(
            "/pendaftaran/documents/", {}, "wizard documents", expect="/pendaftaran/review/", files=files
        ):
            return
        tag = f"registration:{person['email']}"
        TAGS["sent"].append(tag)
        if self.post("/pendaftaran/review/", {}, "write registration", expect="/beranda/", tag=tag):
            person["done"] = True
        self.get("/beranda/", "home")


class Agency(Person):
    """Agency staff watching the program dashboard."""

    weight = 1
    pool_name = "agency"

    @task
    def dashboard(self) -> None:
        if self.person is not None:
            self.get("/dasbor/", "dashboard")


class Partner(HttpUser):
    """A partner's system reading its consenting participants and businesses through the API, as a client that
    keeps to its key's rate: a 429 (the key's 600 a minute, shared by every user of the plan's one key) is the
    API's answer, counted apart ("throttled"), and the client waits the Retry-After it names."""

    weight = 2
    wait_time = between(0.2, 1.0)

    @task
    def read(self) -> None:
        for path in PLAN["api"]["paths"]:
            with self.client.get(
                path,
                headers={"Authorization": f"Api-Key {PLAN['api']['key']}", "X-Forwarded-Proto": "https"},
                name=f"api {path}",
                catch_response=True,
            ) as response:
                if response.status_code == 429:
                    response.request_meta["name"] = f"api {path} (throttled)"
                    response.success()
                    time.sleep(float(response.headers.get("Retry-After") or 1))
                elif response.status_code != 200:
                    response.failure(str(response.status_code))
