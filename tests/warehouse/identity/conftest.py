"""Identity reads each source's roles (hub, curated list, labels its licences) from `source_info`, which the
Pipeline fills from the registry (`source_info.sync`). These tests open warehouses with `db.connect` directly, so
every warehouse they open gets the registry's declarations the same way."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from collectors import registry
from warehouse import db, source_info


@pytest.fixture(autouse=True)
def declared_sources(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    connect = db.connect

    def connect_and_declare(*args, **kwargs):
        con = connect(*args, **kwargs)
        if not kwargs.get("read_only"):
            source_info.sync(con, registry.SOURCES)
        return con

    monkeypatch.setattr(db, "connect", connect_and_declare)
    yield
