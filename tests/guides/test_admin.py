"""Editors (staff with two-factor) write guides with every step kind in the admin, preview drafts and publish."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from guides.models import Guide, RightsPage, Status, Step
from tests.factories import make_user, signed_in_client
from tests.guides.factories import add_step, make_guide, make_topic

pytestmark = pytest.mark.django_db

STEP_FIELDS = [
    "order",
    "kind",
    "title",
    "body_markdown",
    "timer_seconds",
    "video_url",
    "transcript",
    "activity_type",
    "prompt",
    "options",
    "scale_low",
    "scale_high",
]


@pytest.fixture
def editor_client() -> Client:
    return signed_in_client(make_user("editor@example.org", is_staff=True, is_superuser=True))


@pytest.fixture(autouse=True)
def _media_in_a_temporary_folder(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = tmp_path


def _guide_form(topic_id: int, steps: list[dict[str, Any]], **guide: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "topic": topic_id,
        "title": "Coping with flashbacks",
        "slug": "coping-with-flashbacks",
        "summary": "What flashbacks are and what can help.",
        "audience": "victim",
        "minutes": "15",
        "order": "0",
        "status": "draft",
        "steps-TOTAL_FORMS": str(len(steps)),
        "steps-INITIAL_FORMS": "0",
        "steps-MIN_NUM_FORMS": "0",
        "steps-MAX_NUM_FORMS": "1000",
        **guide,
    }
    for index, step in enumerate(steps):
        for name in STEP_FIELDS:
            data[f"steps-{index}-{name}"] = step.get(name, "")
        for name in ("video_file", "captions_file"):
            if name in step:
                data[f"steps-{index}-{name}"] = step[name]
    return data


def _every_kind(**video: Any) -> list[dict[str, Any]]:
    return [
        {"order": "10", "kind": "information", "title": "What flashbacks are", "body_markdown": "They are **normal**."},
        {"order": "20", "kind": "video", "title": "A short film", "body_markdown": "Watch when ready.", **video},
        {
            "order": "30",
            "kind": "technique",
            "title": "Grounding",
            "body_markdown": "Name five things.",
            "timer_seconds": "60",
        },
        {
            "order": "40",
            "kind": "activity",
            "title": "What you notice",
            "activity_type": "checklist",
            "prompt": "Which of these happen?",
            "options": "Bad dreams\nSudden fear\n",
        },
        {"order": "50", "kind": "tips", "title": "Tips", "body_markdown": "- Be kind to yourself"},
    ]


def test_an_editor_creates_and_publishes_a_guide_with_every_step_kind(editor_client: Client) -> None:
    topic = make_topic()
    captions = SimpleUploadedFile("film.vtt", b"WEBVTT\n\n00:00.000 --> 00:02.000\nHello\n", content_type="text/vtt")
    video = SimpleUploadedFile("film.mp4", b"\x00\x00\x00\x18ftypmp42", content_type="video/mp4")
    data = _guide_form(
        topic.pk, _every_kind(video_file=video, captions_file=captions), status="published", members_only="on"
    )

    response = editor_client.post("/admin/guides/guide/add/", data)

    assert response.status_code == 302, response.content.decode()[-3000:]
    guide = Guide.objects.get(slug="coping-with-flashbacks")
    assert guide.status == Status.PUBLISHED and guide.members_only and guide.minutes == 15
    kinds = [step.kind for step in guide.ordered_steps()]
    assert kinds == ["information", "video", "technique", "activity", "tips"]
    checklist = guide.steps.get(kind="activity")
    assert checklist.options == ["Bad dreams", "Sudden fear"]
    assert "<strong>normal</strong>" in guide.steps.get(kind="information").body_html

    person = signed_in_client(make_user("person@example.org"))
    film = person.get("/guides/coping-with-flashbacks/steps/2/").content.decode()
    video_step = guide.steps.get(kind="video")
    assert f'src="/guides/steps/{video_step.pk}/video/"' in film
    assert f'<track kind="captions" src="/guides/steps/{video_step.pk}/captions/"' in film
    served = person.get(f"/guides/steps/{video_step.pk}/video/")
    assert served["Content-Type"] == "video/mp4"
    assert b"".join(served.streaming_content).startswith(b"\x00\x00\x00\x18ftyp")
    assert person.get(f"/guides/steps/{video_step.pk}/captions/")["Content-Type"].startswith("text/vtt")
    assert Client().get(f"/guides/steps/{video_step.pk}/video/").status_code == 404  # members only
    assert "Bad dreams" in person.get("/guides/coping-with-flashbacks/steps/4/").content.decode()


def test_a_video_without_captions_or_a_transcript_cannot_be_published(editor_client: Client) -> None:
    topic = make_topic()
    steps = _every_kind(video_url="https://player.vimeo.com/video/123")
    response = editor_client.post("/admin/guides/guide/add/", _guide_form(topic.pk, steps, status="published"))

    assert response.status_code == 200
    assert "needs captions or a transcript before the guide can be published" in response.content.decode()
    assert not Guide.objects.exists()

    # As a draft it can be saved, and published once the transcript is written.
    response = editor_client.post("/admin/guides/guide/add/", _guide_form(topic.pk, steps))
    assert response.status_code == 302
    guide = Guide.objects.get()
    response = editor_client.post("/admin/guides/guide/", {"action": "publish", "_selected_action": [guide.pk]})
    guide.refresh_from_db()
    assert guide.status == Status.DRAFT
    Step.objects.filter(kind="video").update(transcript="A woman talks about flashbacks.")
    editor_client.post("/admin/guides/guide/", {"action": "publish", "_selected_action": [guide.pk]})
    guide.refresh_from_db()
    assert guide.status == Status.PUBLISHED


def test_a_video_link_must_come_from_an_allowed_host(editor_client: Client, settings: Any) -> None:
    topic = make_topic()
    steps = _every_kind(video_url="https://tracker.example/embed/1", transcript="Words.")
    response = editor_client.post("/admin/guides/guide/add/", _guide_form(topic.pk, steps))
    assert "Links must be https:// embed links from an allowed host" in response.content.decode()
    assert not Guide.objects.exists()

    steps = _every_kind(video_url="https://www.youtube-nocookie.com/embed/abc", transcript="Words.")
    assert (
        editor_client.post("/admin/guides/guide/add/", _guide_form(topic.pk, steps, status="published")).status_code
        == 302
    )
    html = Client().get("/guides/coping-with-flashbacks/steps/2/").content.decode()
    assert '<iframe class="app-guides-video-frame__player" src="https://www.youtube-nocookie.com/embed/abc"' in html
    assert "Read the transcript" in html


def test_the_csp_lets_in_frames_only_from_the_allowed_video_hosts(client: Client) -> None:
    csp = client.get("/guides/")["Content-Security-Policy"]
    assert "frame-src https://www.youtube-nocookie.com https://player.vimeo.com" in csp
    assert "media-src 'self'" in csp
    assert "frame-ancestors 'none'" in csp


def test_an_activity_needs_a_question_and_checklist_choices(editor_client: Client) -> None:
    topic = make_topic()
    steps = [{"order": "10", "kind": "activity", "title": "Tick", "activity_type": "checklist"}]
    html = editor_client.post("/admin/guides/guide/add/", _guide_form(topic.pk, steps)).content.decode()
    assert "Write the question the person answers." in html
    assert "Give the checklist choices" in html
    assert not Guide.objects.exists()


def test_staff_preview_a_draft_exactly_as_a_person_will_see_it(editor_client: Client) -> None:
    guide = make_guide("draft-guide", title="A draft guide", status=Status.DRAFT, steps=2)
    add_step(guide, kind="activity", title="Your thoughts", activity_type="text", prompt="What do you think?")

    overview = editor_client.get("/guides/preview/draft-guide/").content.decode()
    assert "A draft guide" in overview and "Preview" in overview and "Status: draft." in overview
    assert 'href="/guides/preview/draft-guide/steps/1/"' in overview
    step = editor_client.get("/guides/preview/draft-guide/steps/3/").content.decode()
    assert "Step 3 of 3" in step
    assert "What do you think?" in step and "<textarea" in step
    assert "/save/" not in step  # nothing is saved from a preview
    change_page = editor_client.get(f"/admin/guides/guide/{guide.pk}/change/").content.decode()
    assert 'href="/guides/preview/draft-guide/"' in change_page


def test_editors_maintain_rights_pages(editor_client: Client, client: Client) -> None:
    response = editor_client.post(
        "/admin/guides/rightspage/add/",
        {
            "slug": "time-off-work",
            "title": "Time off work for court",
            "summary": "What your employer must allow.",
            "order": "10",
            "body_markdown": "## Witnesses\n\nYou can ask for time off.",
            "status": "draft",
        },
    )
    assert response.status_code == 302
    assert client.get("/rights/time-off-work/").status_code == 404
    assert "You can ask for time off." in editor_client.get("/rights/preview/time-off-work/").content.decode()
    RightsPage.objects.filter(slug="time-off-work").update(status="published")
    assert "You can ask for time off." in client.get("/rights/time-off-work/").content.decode()


def test_the_admin_lists_open(editor_client: Client) -> None:
    make_guide("listed", steps=1)
    for url in (
        "/admin/guides/topic/",
        "/admin/guides/guide/",
        "/admin/guides/rightspage/",
        "/admin/guides/guide/add/",
    ):
        assert editor_client.get(url).status_code == 200, url


def test_people_are_not_editors(alice_client: Client) -> None:
    assert alice_client.get("/admin/guides/guide/").status_code == 302


def test_an_uploaded_video_is_served_whole_or_in_the_parts_a_browser_asks_for(client: Client) -> None:
    guide = make_guide("with-video", steps=0)
    step = add_step(guide, kind="video", title="Film", transcript="Words.")
    step.video_file.save("film.webm", SimpleUploadedFile("film.webm", b"0123456789"))

    whole = client.get(f"/guides/steps/{step.pk}/video/")
    assert (whole.status_code, whole["Content-Type"], whole["Accept-Ranges"]) == (200, "video/webm", "bytes")
    assert b"".join(whole.streaming_content) == b"0123456789"
    part = client.get(f"/guides/steps/{step.pk}/video/", headers={"Range": "bytes=2-5"})
    assert (part.status_code, part.content, part["Content-Range"]) == (206, b"2345", "bytes 2-5/10")
    open_ended = client.get(f"/guides/steps/{step.pk}/video/", headers={"Range": "bytes=7-"})
    assert (open_ended.content, open_ended["Content-Range"]) == (b"789", "bytes 7-9/10")
    last = client.get(f"/guides/steps/{step.pk}/video/", headers={"Range": "bytes=-3"})
    assert (last.content, last["Content-Range"]) == (b"789", "bytes 7-9/10")
    assert client.get(f"/guides/steps/{step.pk}/video/", headers={"Range": "nonsense"}).status_code == 200
    guide.status = Status.DRAFT
    guide.save()
    assert client.get(f"/guides/steps/{step.pk}/video/").status_code == 404


# --- Tagging with what happened ----------------------------------------------------------------


def test_editors_tag_a_guide_with_the_crime_types_it_helps_with(editor_client: Client) -> None:
    topic = make_topic()
    page = editor_client.get("/admin/guides/guide/add/").content.decode()
    assert 'value="burglary"' in page and "Helps with" in page

    response = editor_client.post(
        "/admin/guides/guide/add/", _guide_form(topic.pk, [], crime_types=["burglary", "theft-or-robbery"])
    )

    assert response.status_code == 302, response.content.decode()[:2000]
    assert Guide.objects.get(slug="coping-with-flashbacks").crime_types == ["burglary", "theft-or-robbery"]
    assert (
        "Burglary (someone broke into my home), Theft or robbery"
        in editor_client.get("/admin/guides/guide/").content.decode()
    )


def test_editors_tag_a_topic(editor_client: Client) -> None:
    topic = make_topic()
    response = editor_client.post(
        f"/admin/guides/topic/{topic.pk}/change/",
        {
            "slug": topic.slug,
            "title": topic.title,
            "summary": topic.summary,
            "order": "1",
            "audience": "victim",
            "published": "on",
            "crime_types": ["fraud"],
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    topic.refresh_from_db()
    assert topic.crime_types == ["fraud"]


def test_an_unknown_crime_type_is_refused(editor_client: Client) -> None:
    topic = make_topic()
    response = editor_client.post("/admin/guides/guide/add/", _guide_form(topic.pk, [], crime_types=["piracy"]))
    assert response.status_code == 200
    assert not Guide.objects.filter(slug="coping-with-flashbacks").exists()
