"""Model fields whose values are encrypted at rest (see encryption.crypto).

The database only ever holds tokens. A row read from the database keeps its tokens sealed
until a field is first read, and then opens them with the row's owner id as associated data,
so a token moved to another person's row raises ``DecryptionError`` instead of showing anything.
Writing plaintext into a query (``filter(text=...)``, ``update(text=...)``) raises ``TypeError``:
every write goes through ``Model.save()``, which seals the value.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from django.db import models
from django.db.models.query_utils import DeferredAttribute

from encryption import crypto


class Sealed(str):
    """A token as stored in the database: never plaintext."""

    __slots__ = ()


class SealedAttribute(DeferredAttribute):
    """Holds a sealed token or its plaintext in the instance, and opens the token on first read."""

    field: EncryptedField

    def __get__(self, instance: Any, cls: Any = None) -> Any:
        if instance is None:
            return self
        value = super().__get__(instance, cls)
        if isinstance(value, Sealed):
            value = self.field.open(instance, value)
            instance.__dict__[self.field.attname] = value
        return value

    def __set__(self, instance: Any, value: Any) -> None:
        instance.__dict__[self.field.attname] = value


class EncryptedField(models.TextField):
    """Base for encrypted fields: subclasses say how a value becomes bytes and back."""

    descriptor_class = SealedAttribute
    # For django-stubs: what a model attribute holds is up to each subclass (text, or JSON data).
    _pyi_private_set_type: Any
    _pyi_private_get_type: Any

    def __init__(self, *args: Any, owner_field: str = "owner", **kwargs: Any) -> None:
        self.owner_field = owner_field
        super().__init__(*args, **kwargs)

    def deconstruct(self) -> Any:
        name, path, args, kwargs = super().deconstruct()
        if self.owner_field != "owner":
            kwargs["owner_field"] = self.owner_field
        return name, path, args, kwargs

    # -- what subclasses define --
    def encode(self, value: Any) -> bytes:
        raise NotImplementedError

    def decode(self, raw: bytes) -> Any:
        raise NotImplementedError

    # -- sealing and opening --
    def associated_data(self, owner_id: Any) -> bytes:
        """Binds a token to its table, column and owner: moved anywhere else, it does not open."""
        if owner_id is None:
            raise ValueError(f"{self.model.__name__}.{self.name} cannot be sealed or opened without an owner.")
        return f"{self.model._meta.db_table}.{self.column}:{owner_id}".encode()

    def owner_id(self, instance: Any) -> Any:
        return getattr(instance, f"{self.owner_field}_id")

    def seal(self, instance: Any, value: Any) -> Sealed:
        return self.seal_for(self.owner_id(instance), value)

    def open(self, instance: Any, token: Sealed) -> Any:
        return self.open_for(self.owner_id(instance), token)

    def seal_for(self, owner_id: Any, value: Any) -> Sealed:
        return Sealed(crypto.keyring().seal(self.encode(value), aad=self.associated_data(owner_id)))

    def sealer(self) -> Callable[[Any, Any], Sealed]:
        """``seal_for`` for many rows at once: the keyring and this column's associated data are looked up once."""
        ring = crypto.keyring()
        prefix = self.associated_data("").decode()

        def seal(owner_id: Any, value: Any) -> Sealed:
            if owner_id is None:
                raise ValueError(f"{self.model.__name__}.{self.name} cannot be sealed without an owner.")
            return Sealed(ring.seal(self.encode(value), aad=f"{prefix}{owner_id}".encode()))

        return seal

    def open_for(self, owner_id: Any, token: str) -> Any:
        """Open a token read without its row (``values_list``): the caller names the owner."""
        return self.decode(crypto.keyring().open(token, aad=self.associated_data(owner_id)))

    # -- Django's hooks --
    def from_db_value(self, value: Any, expression: Any, connection: Any) -> Any:
        return None if value is None else Sealed(value)

    def pre_save(self, model_instance: Any, add: bool) -> Any:
        value = getattr(model_instance, self.attname)
        return None if value is None else self.seal(model_instance, value)

    def get_prep_value(self, value: Any) -> Any:
        if value is None or isinstance(value, Sealed):
            return value
        raise TypeError(
            f"{self.model.__name__}.{self.name} is encrypted: it cannot be compared or written in a query, only saved."
        )

    def value_to_string(self, obj: Any) -> str:
        """Serialisers (dumpdata) get the sealed token, never the plaintext."""
        value = obj.__dict__.get(self.attname)
        return str(value if isinstance(value, Sealed) else self.seal(obj, getattr(obj, self.attname)))


class EncryptedTextField(EncryptedField):
    def encode(self, value: Any) -> bytes:
        return str(value).encode()

    def decode(self, raw: bytes) -> str:
        return raw.decode()


class EncryptedJSONField(EncryptedField):
    """JSON-able data (here: short lists of words), sealed as one token."""

    def encode(self, value: Any) -> bytes:
        return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode()

    def decode(self, raw: bytes) -> Any:
        return json.loads(raw)

    def to_python(self, value: Any) -> Any:
        return value
