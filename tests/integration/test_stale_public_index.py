"""make run on an old .data: a public index made before fields joined is found and re-created (DynamoDB Local)."""
from __future__ import annotations

import pytest

from tests.conftest import comment_data, make_service, make_site

pytestmark = pytest.mark.ddblocal


def test_a_stale_public_index_is_recreated_and_shows_the_new_fields(ddblocal_store, keyring, clock):
    from chalicelib.storage import PUBLIC_FIELDS, PUBLIC_INDEX, table_schema

    store = ddblocal_store
    store.client.delete_table(TableName=store.table)
    old = table_schema()
    for index in old["GlobalSecondaryIndexes"]:
        if index["IndexName"] == PUBLIC_INDEX:  # as a table made before origin_id, closed, first_comment_at
            index["Projection"]["NonKeyAttributes"] = [f for f in PUBLIC_FIELDS if f not in ("origin_id", "closed", "first_comment_at", "moderator")]
    store.client.create_table(TableName=store.table, **old)
    make_site(store, moderation="auto")
    service = make_service(store, keyring, clock)
    service.submit("blog", comment_data(post_id="p"))
    service.set_closed("blog", "p", True)
    assert service.list_public("blog", "p")["closed"] is False  # the stale index hides the post's state

    assert store.rebuild_stale_public_index(wait_seconds=0.05) is True
    assert service.list_public("blog", "p")["closed"] is True
    assert store.rebuild_stale_public_index(wait_seconds=0.05) is False  # once only
