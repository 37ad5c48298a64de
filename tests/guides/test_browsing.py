"""Finding and reading guides and rights pages: public unless members-only, drafts hidden."""

from __future__ import annotations

import pytest
from django.test import Client

from guides.models import Audience, Status, Topic
from tests.guides.factories import add_step, make_guide, make_rights_page, make_topic

pytestmark = pytest.mark.django_db


def test_topics_guides_and_steps_can_be_read_signed_out(client: Client) -> None:
    topic = make_topic("online-crime", title="Online crime")
    make_guide("staying-safe-online", topic=topic, title="Staying safe online", steps=3)

    assert "Online crime" in client.get("/guides/").content.decode()
    page = client.get("/guides/topics/online-crime/").content.decode()
    assert "Staying safe online" in page
    assert "About 5 minutes, 3 steps" in page
    overview = client.get("/guides/staying-safe-online/").content.decode()
    assert "Create a free account" in overview
    step = client.get("/guides/staying-safe-online/steps/2/")
    assert step.status_code == 200
    html = step.content.decode()
    assert "Step 2 of 3" in html
    assert '<progress class="app-progress" max="3" value="2"' in html
    assert 'href="/guides/staying-safe-online/steps/1/"' in html
    assert 'href="/guides/staying-safe-online/steps/3/"' in html
    assert "Create a free account</a> to save your place" in html
    assert "step-save" not in html and "/save/" not in html


def test_topics_and_guides_come_in_the_editors_order(client: Client) -> None:
    second = make_topic("second", title="Second topic", order=20)
    make_topic("first", title="First topic", order=10)
    make_guide("b", topic=second, title="Guide B", order=2, steps=2)
    make_guide("a", topic=second, title="Guide A", order=3, steps=1)
    make_guide("c", topic=second, title="Guide C", order=1, steps=1)
    make_guide("in-first", topic=Topic.objects.get(slug="first"), steps=1)

    topics = client.get("/guides/").content.decode()
    assert topics.index("First topic") < topics.index("Second topic")
    guides = client.get("/guides/topics/second/").content.decode()
    assert guides.index("Guide C") < guides.index("Guide B") < guides.index("Guide A")


def test_a_step_number_past_the_end_is_not_found(client: Client) -> None:
    make_guide("short", steps=2)
    assert client.get("/guides/short/steps/3/").status_code == 404
    assert client.get("/guides/short/steps/0/").status_code == 404


def test_members_only_guides_are_hidden_from_people_signed_out(client: Client, alice_client: Client) -> None:
    topic = make_topic("stalking")
    make_guide("open-guide", topic=topic, steps=1)
    make_guide("members-guide", topic=topic, title="Keeping a record", members_only=True, steps=2)

    assert client.get("/guides/members-guide/").status_code == 404
    assert client.get("/guides/members-guide/steps/1/").status_code == 404
    topic_page = client.get("/guides/topics/stalking/").content.decode()
    assert "Keeping a record" not in topic_page
    assert "1 more guide on this topic for people with an account" in topic_page
    assert "Keeping a record" not in client.get("/guides/search/?q=record").content.decode()

    assert alice_client.get("/guides/members-guide/").status_code == 200
    assert alice_client.get("/guides/members-guide/steps/2/").status_code == 200
    assert "Keeping a record" in alice_client.get("/guides/topics/stalking/").content.decode()


def test_draft_guides_are_hidden_from_everyone_but_staff_preview(client: Client, alice_client: Client) -> None:
    make_guide("work-in-progress", title="Unfinished guide", status=Status.DRAFT, steps=2)
    make_guide("finished", steps=1)

    for visitor in (client, alice_client):
        assert visitor.get("/guides/work-in-progress/").status_code == 404
        assert visitor.get("/guides/work-in-progress/steps/1/").status_code == 404
        assert "Unfinished guide" not in visitor.get("/guides/topics/feeling-safer/").content.decode()
        assert "Unfinished guide" not in visitor.get("/guides/search/?q=unfinished").content.decode()
    assert client.get("/guides/preview/work-in-progress/").status_code == 302  # sign in first
    assert alice_client.get("/guides/preview/work-in-progress/").status_code == 404
    assert alice_client.get("/guides/preview/work-in-progress/steps/1/").status_code == 404


def test_an_unpublished_topic_hides_its_guides(client: Client) -> None:
    topic = make_topic("hidden-topic", title="Hidden topic", published=False)
    make_guide("in-hidden-topic", topic=topic, steps=1)

    assert "Hidden topic" not in client.get("/guides/").content.decode()
    assert client.get("/guides/topics/hidden-topic/").status_code == 404
    assert client.get("/guides/in-hidden-topic/").status_code == 404


def test_supporters_see_the_supporter_topics_first(bob_client: Client, alice_client: Client) -> None:
    victims = make_topic("for-victims", title="Coping after crime", order=1)
    supporters = make_topic("for-supporters", title="Supporting someone", order=2, audience=Audience.SUPPORTER)
    make_guide("coping", topic=victims, steps=1)
    make_guide("supporting", topic=supporters, audience=Audience.SUPPORTER, steps=1)

    for_bob = bob_client.get("/guides/").content.decode()
    assert for_bob.index("Supporting someone") < for_bob.index("Coping after crime")
    for_alice = alice_client.get("/guides/").content.decode()
    assert for_alice.index("Coping after crime") < for_alice.index("Supporting someone")


def test_search_finds_words_in_titles_and_step_content(client: Client) -> None:
    guide = make_guide("sleep-better", title="Sleeping better", steps=1)
    add_step(guide, title="Wind down", body="Try a **warm bath** an hour before bed.")
    make_guide("anger", title="Understanding anger", steps=1)
    make_rights_page(body_markdown="## Compensation\n\nA bath is not covered.")

    by_title = client.get("/guides/search/?q=SLEEPING").content.decode()
    assert "Sleeping better" in by_title and "Understanding anger" not in by_title
    by_body = client.get("/guides/search/?q=warm+bath").content.decode()
    assert "Sleeping better" in by_body
    assert by_body.count("Sleeping better") == 1  # one result, however many steps match
    both_words = client.get("/guides/search/?q=bath+anger").content.decode()
    assert "Nothing matched all your words, so these match some of them." in both_words
    assert "Nothing found" in client.get("/guides/search/?q=zebra").content.decode()
    assert "Your rights" in client.get("/guides/search/?q=compensation").content.decode()


def test_search_puts_guides_with_the_words_in_their_title_first(client: Client) -> None:
    make_guide("first-by-order", title="Feeling calmer", summary="Helps with sleep.", order=1, steps=1)
    guide = make_guide("by-step", title="Coping day to day", order=2, steps=0)
    add_step(guide, title="Rest", body="Sleep matters.")
    make_guide("sleep-guide", title="Sleeping better", order=3, steps=1)

    html = client.get("/guides/search/?q=sleep").content.decode()
    assert html.index("Sleeping better") < html.index("Feeling calmer") < html.index("Coping day to day")


def test_a_search_that_is_too_long_gets_an_error_summary(client: Client) -> None:
    response = client.get("/guides/search/", {"q": "x" * 101})
    assert response.status_code == 400
    html = response.content.decode()
    assert "There is a problem" in html
    assert 'href="#search-q"' in html
    assert 'id="search-q"' in html


def test_rights_pages_are_public_and_drafts_are_not(client: Client) -> None:
    make_rights_page("victims-code", title="Your rights under the Victims' Code")
    make_rights_page("draft-page", title="Not ready yet", status=Status.DRAFT)

    index = client.get("/rights/").content.decode()
    assert "Your rights under the Victims&#x27; Code" in index
    assert "Not ready yet" not in index
    page = client.get("/rights/victims-code/").content.decode()
    assert '<h2 class="govuk-heading-m">The right to information</h2>' in page
    assert client.get("/rights/draft-page/").status_code == 404
    assert client.get("/rights/preview/draft-page/").status_code == 302  # staff only: sign in first


def test_a_stable_step_link_finds_the_step_wherever_it_now_stands(client: Client) -> None:
    guide = make_guide("moving", steps=2)
    third = add_step(guide, title="Third")
    response = client.get(f"/guides/steps/{third.pk}/")
    assert response["Location"] == "/guides/moving/steps/3/"

    guide.steps.filter(title="Step 1").delete()
    assert client.get(f"/guides/steps/{third.pk}/")["Location"] == "/guides/moving/steps/2/"


def test_the_navigation_offers_guides_and_rights(client: Client) -> None:
    html = client.get("/").content.decode()
    assert 'href="/guides/"' in html
    assert 'href="/rights/"' in html
