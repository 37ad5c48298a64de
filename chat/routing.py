"""Websocket routes for the live chat."""

from __future__ import annotations

from django.urls import URLPattern, path

from chat import consumers

websocket_urlpatterns: list[URLPattern] = [
    path("ws/chat/", consumers.VisitorConsumer.as_asgi()),
    path("ws/chat/console/", consumers.SupporterConsumer.as_asgi()),
]
