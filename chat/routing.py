"""Websocket routes for the live chat (the chat capability adds its consumers here)."""

from __future__ import annotations

from django.urls import URLPattern

websocket_urlpatterns: list[URLPattern] = []
