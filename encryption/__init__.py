"""Encryption at rest, shared by the apps that keep private text: the keyring (``crypto``),
model fields that hold only sealed tokens (``fields``) and the start-up checks (``checks``).

One keyring, ``DIARY_KEYRING`` (named when the diary was its only user), serves them all.
"""
