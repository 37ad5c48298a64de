"""Dropdowns are drawn by one template (templates/django/forms/widgets/select.html), options inline."""

from __future__ import annotations

from django import forms


class Choosing(forms.Form):
    colour = forms.ChoiceField(
        choices=[("", "Any"), ("red", "Red <b>"), ("Blues", [("navy", "Navy"), ("sky", "Sky & sea")])],
        required=False,
    )
    several = forms.MultipleChoiceField(choices=[("1", "One"), ("2", "Two")], widget=forms.SelectMultiple)


def test_the_chosen_option_is_selected_and_labels_are_escaped() -> None:
    html = str(Choosing({"colour": "sky", "several": ["2"]})["colour"])
    assert html.startswith('<select name="colour" class="govuk-select" id="id_colour"')
    assert '<option value="">Any</option>' in html
    assert '<option value="red">Red &lt;b&gt;</option>' in html
    assert '<optgroup label="Blues">' in html
    assert '<option value="sky" selected>Sky &amp; sea</option>' in html
    assert html.count(" selected") == 1


def test_several_can_be_selected_and_only_the_empty_choice_starts_selected() -> None:
    form = Choosing({"several": ["1", "2"]})
    several = str(form["several"])
    assert several.startswith('<select name="several" class="govuk-select" required id="id_several" multiple')
    assert several.count(" selected") == 2
    unchosen = str(Choosing()["colour"])
    assert unchosen.count(" selected") == 1
    assert '<option value="" selected>Any</option>' in unchosen


def test_the_diary_month_filter_keeps_the_chosen_month(alice_client, alice) -> None:  # type: ignore[no-untyped-def]
    import datetime

    from tests.diary.helpers import make_entry

    make_entry(alice, date=datetime.date(2026, 3, 2), text="March")
    make_entry(alice, date=datetime.date(2026, 4, 2), text="April")
    page = alice_client.get("/diary/", {"month": "2026-03"}).content.decode()
    assert '<option value="2026-03" selected>' in page
    assert '<option value="2026-04">' in page
