"""The PostgreSQL side of search: full-text matching, ranking and highlighted snippets.

Vectors are built as the query runs (titles weighted A, summaries B, step and page text C):
the published content is tens of guides, so a stored vector column and its triggers would
cost more than they save. See ``guides.search`` for how a query becomes groups.
"""

from __future__ import annotations

from typing import Any

from django.contrib.postgres.aggregates import StringAgg
from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank, SearchVector
from django.db.models import Case, F, IntegerField, OuterRef, Subquery, TextField, Value, When
from django.db.models.functions import Coalesce, Concat

from guides.models import Step
from guides.search import START, STOP, Group, Result, best_first, marked_up, plain

CONFIG = "english"
# No length normalisation: titles and summaries (A and B) carry the ranking, tuned on the table of queries in tests.
NORMALISATION = 0
# How much a match counts in the D, C, B and A parts (step and page text is C, titles A).
RANK_WEIGHTS = [0.05, 0.1, 0.6, 1.0]


def _terms(group: Group) -> list[str]:
    terms = [f"{prefix}:*" for prefix in sorted(group.roots)]
    terms += ["(" + " <-> ".join(f"{part}:*" for part in phrase.split()) + ")" for phrase in sorted(group.phrases)]
    return terms


def group_query(group: Group) -> SearchQuery:
    return SearchQuery(" | ".join(_terms(group)), config=CONFIG, search_type="raw")


def any_query(groups: list[Group]) -> SearchQuery:
    return SearchQuery(" | ".join(term for group in groups for term in _terms(group)), config=CONFIG, search_type="raw")


def _annotated(queryset: Any, vector: Any, text: Any, groups: list[Group]) -> Any:
    query = any_query(groups)
    matched = sum(
        (
            Case(When(document=group_query(group), then=Value(1)), default=Value(0), output_field=IntegerField())
            for group in groups
        ),
        start=Value(0, output_field=IntegerField()),
    )
    return (
        queryset.annotate(document=vector)
        .filter(document=query)
        .annotate(
            groups_matched=matched,
            rank=SearchRank(F("document"), query, weights=RANK_WEIGHTS, normalization=Value(NORMALISATION)),
            headline=SearchHeadline(
                text,
                query,
                config=CONFIG,
                start_sel=START,
                stop_sel=STOP,
                max_words=30,
                min_words=15,
                short_word="3",
                highlight_all=False,
            ),
        )
    )


def ranked(groups: list[Group], *, guides: Any, pages: Any) -> list[Result]:
    steps_text = Subquery(
        Step.objects.filter(guide=OuterRef("pk"))
        .order_by()
        .values("guide")
        .annotate(
            text=StringAgg(Concat("title", Value("\n"), "body_markdown", output_field=TextField()), delimiter="\n\n")
        )
        .values("text"),
        output_field=TextField(),
    )
    guide_text = Coalesce(steps_text, Value(""), output_field=TextField())
    guide_vector = (
        SearchVector("title", weight="A", config=CONFIG)
        + SearchVector("summary", "topic__title", weight="B", config=CONFIG)
        + SearchVector(guide_text, weight="C", config=CONFIG)
    )
    page_vector = (
        SearchVector("title", weight="A", config=CONFIG)
        + SearchVector("summary", weight="B", config=CONFIG)
        + SearchVector("body_markdown", weight="C", config=CONFIG)
    )
    results = [
        Result(
            kind="guide",
            item=guide,
            groups_matched=guide.groups_matched,
            score=guide.rank,
            snippet=marked_up(plain(guide.headline)),
        )
        for guide in _annotated(guides, guide_vector, guide_text, groups)
    ]
    results += [
        Result(
            kind="page",
            item=page,
            groups_matched=page.groups_matched,
            score=page.rank,
            snippet=marked_up(plain(page.headline)),
        )
        for page in _annotated(pages, page_vector, F("body_markdown"), groups)
    ]
    results.sort(key=best_first)
    return results
