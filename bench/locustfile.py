"""Mixed journeys for `make soak` (run by bench/soak.py through locust, headless).

Each simulated person takes the next seeded account (pages.seed_codes), signs in with its
password and a real authenticator code, then reads guides, writes diary entries, does the
impact check and asks for a caseworker or out-of-hours contact, as people would. Every write
the server acknowledged (a redirect after a POST) goes to SOAK_ACKS as one JSON line, and every
request to SOAK_REQUESTS (time, name, status, milliseconds), for bench/soak.py's accounting.
"""

from __future__ import annotations

import contextlib
import datetime
import fcntl
import json
import os
import random
import re
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from locust import HttpUser, between, events, task
from locust.clients import HttpSession
from websockets.exceptions import WebSocketException
from websockets.sync.client import ClientConnection, connect
from websockets.typing import Origin

from pages.seed_codes import SEED_PASSWORD, seed_code, seed_email

WIZARD = "sign_in_view-current_step"
FIRST_PERSON = int(os.environ.get("SOAK_FIRST_PERSON", "0"))
COUNTERS = Path(os.environ.get("SOAK_COUNTERS") or tempfile.gettempdir())
SUPPORTERS = [key for key in os.environ.get("SOAK_SUPPORTERS", "").split(",") if key]
CHAT_PAIRS = int(os.environ.get("SOAK_CHAT_PAIRS", "0"))
CHAT_ROUNDS = 5
# Seconds a person spends on a page before the next step (reading, writing): SOAK_THINK_SECONDS "low,high".
THINK = tuple(float(n) for n in os.environ.get("SOAK_THINK_SECONDS", "5,15").split(","))
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
    answer = {"t": time.time(), "name": f"{request_type} {name}", "status": status, "ms": response_time}
    if status >= 500 and "Traceback" in (getattr(response, "text", "") or ""):
        answer["trace"] = True
    with LOCK:
        REQUESTS.write(json.dumps(answer) + "\n")


def next_number(counter: str) -> int:
    """The next number from a counter shared by every locust process (a locked file)."""
    with open(COUNTERS / f"{counter}.count", "a+") as file:
        fcntl.flock(file, fcntl.LOCK_EX)
        file.seek(0)
        number = int(file.read() or "0")
        file.seek(0)
        file.truncate()
        file.write(str(number + 1))
    return number


def address(number: int, *, block: int = 0) -> str:
    """An address of each simulated person's own (sent as X-Forwarded-For, a private range)."""
    return f"10.{block}.{number // 250}.{number % 250 + 1}"


def acknowledge(kind: str, key: str, person: int) -> None:
    with LOCK:
        ACKS.write(json.dumps({"t": time.time(), "kind": kind, "key": key, "person": person}) + "\n")


class Person(HttpUser):
    wait_time = between(THINK[0], THINK[1])

    def on_start(self) -> None:
        self.number = FIRST_PERSON + next_number("person")
        self.client.headers["X-Forwarded-For"] = address(self.number)
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


class Socket:
    """One side's websocket through nginx to Daphne, and the message texts it has seen arrive."""

    def __init__(self, user: HttpUser, path: str, cookie: str, forwarded_for: str, resume: dict[str, Any]) -> None:
        self.user, self.path, self.cookie, self.forwarded_for, self.resume = user, path, cookie, forwarded_for, resume
        self.connection: ClientConnection | None = None
        self.seen: set[str] = set()
        self.last_seq = 0

    def open(self) -> bool:
        self.close()
        url = str(self.user.host).replace("http://", "ws://") + self.path
        began = time.perf_counter()
        try:
            self.connection = connect(
                url,
                origin=Origin(str(self.user.host)),
                additional_headers={"Cookie": f"sessionid={self.cookie}", "X-Forwarded-For": self.forwarded_for},
                open_timeout=15,
                legacy=True,  # one connection, reopened by Socket.open (the page's own reconnecting)
            )
            # As the page does on (re)connecting: what came after the last message seen.
            self.connection.send(json.dumps({**self.resume, "last_seq": self.last_seq}))
        except (OSError, WebSocketException, TimeoutError) as error:
            self.connection = None
            fire(self.user, "WS", f"connect {self.path}", began, error)
            return False
        fire(self.user, "WS", f"connect {self.path}", began, None)
        return True

    def close(self) -> None:
        if self.connection is not None:
            with contextlib.suppress(Exception):
                self.connection.close()
            self.connection = None

    def send(self, frame: dict[str, Any], *, timeout: float = 15) -> dict[str, Any] | None:
        """Send one message; the server's answer to it ("sent" with its number, or "error"), or None."""
        if self.connection is None and not self.open():
            return None
        assert self.connection is not None
        try:
            self.connection.send(json.dumps(frame))
            deadline = time.monotonic() + timeout
            while (left := deadline - time.monotonic()) > 0:
                answer = json.loads(self.connection.recv(timeout=left))
                if answer.get("type") == "message":
                    self.seen.add(answer.get("text", ""))
                    self.last_seq = max(self.last_seq, int(answer.get("seq") or 0))
                elif (answer.get("type") == "sent" and answer.get("client_id") == frame.get("client_id")) or answer.get(
                    "type"
                ) == "error":
                    return dict(answer)
        except (OSError, WebSocketException, TimeoutError, ValueError):
            self.close()
        return None


def fire(user: HttpUser, kind: str, name: str, began: float, error: BaseException | None) -> None:
    """A websocket step in locust's figures (and SOAK_REQUESTS: 101 when it worked, 0 when not)."""

    class Answer:
        status_code = 101 if error is None else 0
        text = ""

    user.environment.events.request.fire(
        request_type=kind,
        name=name,
        response_time=(time.perf_counter() - began) * 1000,
        response_length=0,
        response=Answer(),
        exception=error,
        context={},
    )


class ChatPair(HttpUser):
    """A visitor starts a chat; a seeded chat supporter takes the next one waiting; both exchange
    messages over the websocket; the visitor ends it. Every message the server acknowledged
    ("sent", with its number) goes to SOAK_ACKS with the unique text it carried."""

    fixed_count = CHAT_PAIRS
    abstract = not (CHAT_PAIRS and SUPPORTERS)
    wait_time = between(2, 5)

    def on_start(self) -> None:
        self.number = next_number("chat")
        self.supporter_key = SUPPORTERS[self.number % len(SUPPORTERS)]
        self.chats = 0
        self.staff = HttpSession(
            base_url=self.host, request_event=self.environment.events.request, user=self, pool_manager=None
        )
        self.staff.cookies.set("sessionid", self.supporter_key)
        self.staff.headers["X-Forwarded-For"] = address(self.number, block=2)

    def csrf(self, session: Any, path: str, name: str) -> str:
        response = session.get(path, name=name)
        return dict(HIDDEN.findall(response.text)).get("csrfmiddlewaretoken", "") if response.status_code == 200 else ""

    @task
    def chat(self) -> None:
        # Each chat a new visitor, from an address of their own.
        self.chats += 1
        self.visitor_address = f"10.1.{self.number % 250}.{self.chats % 250 + 1}"
        self.client.headers["X-Forwarded-For"] = self.visitor_address
        self.client.cookies.clear()
        token = self.csrf(self.client, "/chat/", "/chat/")
        if not token:
            return
        started = self.client.post(
            "/chat/",
            {"csrfmiddlewaretoken": token, "safe_now": "yes", "nickname": f"Soak {self.number}", "topic": ""},
            allow_redirects=False,
            name="/chat/ (start)",
        )
        if started.status_code != 302 or "/chat/talk/" not in started.headers.get("Location", ""):
            return
        acknowledge("chat-started", "", self.number)
        visitor_cookie = self.client.cookies.get("sessionid") or ""
        conversation = self.take_next()
        visitor = Socket(self, "/ws/chat/", visitor_cookie, self.visitor_address, {"type": "resume"})
        supporter = None
        if conversation:
            supporter = Socket(
                self,
                "/ws/chat/console/",
                self.supporter_key,
                address(self.number, block=2),
                {"type": "resume", "conversation": conversation},
            )
        try:
            self.converse(visitor, supporter)
        finally:
            visitor.close()
            if supporter is not None:
                supporter.close()
            self.end_chat()

    def take_next(self) -> int:
        """The supporter takes the next chat waiting (perhaps another pair's visitor): its number, or 0."""
        for _ in range(5):
            token = self.csrf(self.staff, "/staff/chat/", "/staff/chat/")
            if token:
                taken = self.staff.post(
                    "/staff/chat/take/", {"csrfmiddlewaretoken": token}, allow_redirects=False, name="/staff/chat/take/"
                )
                if match := re.search(r"/staff/chat/(\d+)/$", taken.headers.get("Location", "")):
                    return int(match.group(1))
                # An error page may have come after the chat was taken: the console lists the supporter's chats.
                console = self.staff.get("/staff/chat/", name="/staff/chat/")
                if mine := [int(pk) for pk in re.findall(r'href="/staff/chat/(\d+)/"', console.text)]:
                    return max(mine)
            time.sleep(2)
        return 0

    def converse(self, visitor: Socket, supporter: Socket | None) -> None:
        sides: list[tuple[Socket, dict[str, Any]]] = [(visitor, {"type": "send"})]
        if supporter is not None:
            sides.append((supporter, {"type": "send", "conversation": supporter.resume["conversation"]}))
        for _ in range(CHAT_ROUNDS):
            for side, frame in list(sides):
                text = f"soak {uuid.uuid4()}"
                deadline = time.monotonic() + 60
                while time.monotonic() < deadline:
                    began = time.perf_counter()
                    answer = side.send({**frame, "text": text, "client_id": text[5:45]}, timeout=15)
                    if answer is not None and answer.get("type") == "sent":
                        fire(self, "WS", f"send {side.path}", began, None)
                        acknowledge("chat", text, self.number)
                        break
                    waiting = (
                        answer is not None and answer.get("code") == "not_active" and "ended" not in answer["message"]
                    )
                    if waiting or (answer is not None and answer.get("code") == "too_fast"):
                        time.sleep(1)  # not taken yet, or too quick: as a person would, wait and send again
                        continue
                    if answer is not None:
                        sides.remove((side, frame))  # refused for good (the chat ended): this side stops
                        break
                    # No answer (the socket dropped, a part is down): was it stored? Reconnect and look,
                    # as the page does, before sending again; then never twice.
                    fire(self, "WS", f"send {side.path}", began, RuntimeError(str(answer)))
                    time.sleep(2)
                    if side.open():
                        side.send({"type": "ping"} if side is visitor else {**frame, "type": "ping"}, timeout=3)
                    if text in side.seen:
                        acknowledge("chat", text, self.number)
                    break
                else:
                    sides.remove((side, frame))  # never taken within a minute: this side stops
                time.sleep(random.uniform(0.5, 2))  # noqa: S311

    def end_chat(self) -> None:
        for _ in range(10):
            token = self.csrf(self.client, "/chat/talk/end/", "/chat/talk/end/")
            if token:
                ended = self.client.post(
                    "/chat/talk/end/",
                    {"csrfmiddlewaretoken": token},
                    allow_redirects=False,
                    name="/chat/talk/end/",
                )
                if ended.status_code == 302:
                    acknowledge("chat-ended", "", self.number)
                    return
            time.sleep(3)
