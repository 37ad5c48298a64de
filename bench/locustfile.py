"""Mixed journeys for `make soak` (run by bench/soak.py through locust, headless).

Each simulated person takes the next seeded account (pages.seed_codes), signs in with its
password and a real authenticator code, then reads guides, writes diary entries, does the
impact check and asks for a caseworker or out-of-hours contact, as people would. Every write
the server acknowledged (a redirect after a POST) goes to SOAK_ACKS as one JSON line, and every
request to SOAK_REQUESTS (time, name, status, milliseconds), for bench/soak.py's accounting.
"""

from __future__ import annotations

import datetime
import itertools
import json
import os
import random
import re
import sys
import threading
import time
import uuid
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from locust import HttpUser, between, events, task

from pages.seed_codes import SEED_PASSWORD, seed_code, seed_email

WIZARD = "sign_in_view-current_step"
NUMBERS = itertools.count(int(os.environ.get("SOAK_FIRST_PERSON", "0")))
LOCK = threading.Lock()
ACKS = open(os.environ.get("SOAK_ACKS", os.devnull), "a", buffering=1)  # noqa: SIM115
REQUESTS = open(os.environ.get("SOAK_REQUESTS", os.devnull), "a", buffering=1)  # noqa: SIM115
HIDDEN = re.compile(r'<input type="hidden" name="([^"]+)" value="([^"]*)"')
GUIDE_LINK = re.compile(r'href="(/guides/[a-z0-9-]+/)"')
IMPACT_ANSWERS = {
    "safe_now": "yes",
    "worried_about_harm": "no",
    "daily_life": "a_little",
    "harm_thoughts": "no",
    "someone_to_talk_to": "yes",
}
CONTACT = {
    "name": "Sam",
    "contact_method": "phone",
    "phone": "07700 900982",
    "safe_times": "any",
    "voicemail_safe": "no",
    "help_topics": "feelings",
}


@events.request.add_listener
def _record(request_type: str, name: str, response_time: float, response: Any, **_: Any) -> None:
    status = getattr(response, "status_code", 0) or 0
    with LOCK:
        REQUESTS.write(
            json.dumps({"t": time.time(), "name": f"{request_type} {name}", "status": status, "ms": response_time})
            + "\n"
        )


def acknowledge(kind: str, key: str, person: int) -> None:
    with LOCK:
        ACKS.write(json.dumps({"t": time.time(), "kind": kind, "key": key, "person": person}) + "\n")


class Person(HttpUser):
    wait_time = between(0.5, 2)

    def on_start(self) -> None:
        self.number = next(NUMBERS)
        self.signed_in = False
        self.guides: list[str] = []
        self.sign_in()

    def hidden(self, path: str) -> dict[str, str]:
        """The page's hidden fields (CSRF token, submission keys), or nothing if it failed."""
        with self.client.get(
            path, name=path if "/guides/" not in path else "/guides/[guide]/", catch_response=True
        ) as response:
            if response.status_code != 200:
                response.failure(f"{response.status_code}")
                return {}
            return dict(HIDDEN.findall(response.text))

    def post(self, path: str, data: dict[str, Any], *, name: str | None = None) -> Any:
        # Redirects are the acknowledgement: not followed, so the answer to the write itself counts.
        with self.client.post(
            path, data=data, allow_redirects=False, name=name or path, catch_response=True
        ) as response:
            if response.status_code in {200, 302, 303, 429}:
                response.success()
            return response

    def sign_in(self) -> None:
        fields = self.hidden("/account/sign-in/")
        if not fields:
            return
        email = seed_email(self.number)
        self.post(
            "/account/sign-in/",
            {**fields, WIZARD: "auth", "auth-username": email, "auth-password": SEED_PASSWORD},
        )
        answer = self.post("/account/sign-in/", {**fields, WIZARD: "token", "token-otp_token": seed_code(self.number)})
        self.signed_in = answer.status_code == 302

    @task(5)
    def read_guides(self) -> None:
        response = self.client.get("/guides/")
        if response.status_code == 200:
            self.guides = GUIDE_LINK.findall(response.text) or self.guides
        if self.guides:
            self.client.get(random.choice(self.guides), name="/guides/[guide]/")  # noqa: S311

    @task(3)
    def write_in_the_diary(self) -> None:
        if not self.signed_in:
            return self.sign_in()
        fields = self.hidden("/diary/new/")
        if "csrfmiddlewaretoken" not in fields:
            return None
        # The form's own key when the page carries one; otherwise one of ours, as a resend would keep.
        fields["submission_id"] = fields.get("submission_id") or str(uuid.uuid4())
        response = self.post(
            "/diary/new/",
            {
                **fields,
                "date": datetime.date.today().isoformat(),
                "mood": str(random.randint(1, 5)),  # noqa: S311
                "text": f"A day during the soak, from person {self.number}.",
            },
        )
        if response.status_code == 302:
            acknowledge("diary", fields["submission_id"], self.number)
        return None

    @task(2)
    def check_impact(self) -> None:
        fields = self.hidden("/get-support/check/")
        if fields:
            self.post("/get-support/check/", {**fields, **IMPACT_ANSWERS})

    @task(1)
    def ask_for_a_caseworker(self) -> None:
        if not self.signed_in:
            return self.sign_in()
        self.ask("/get-support/caseworker/")
        return None

    @task(1)
    def ask_out_of_hours(self) -> None:
        self.ask("/get-support/out-of-hours/")

    def ask(self, path: str) -> None:
        fields = self.hidden(path)
        token = fields.get("submission_token") or str(uuid.uuid4())
        response = self.post(path, {**fields, **CONTACT, "submission_token": token})
        if response.status_code == 302:
            acknowledge("request", token, self.number)
