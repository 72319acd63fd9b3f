"""One shared state per key: nonces and rate counters must come from one backend.

Processes that coordinate a key through Redis and processes that use files (or memory) do not
see each other's nonces or counters; together on one key they earn invalid nonces and rate-limit
rejections. A sync therefore records which backend serves its connection's key and refuses to
run through another one while that record is fresh (settings.KRAKEN_STATE_GUARD_SECONDS, a day
by default, as long as Redis keeps a key's nonce). After that, another backend may take over.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from accounts.models import KrakenConnection

log = logging.getLogger(__name__)

REFUSED = (
    "Refused: this connection's API key is in use through {theirs} shared state, and this "
    "process uses {mine} shared state; two would hand out clashing nonces. Run every worker and "
    "command with the same REDIS_URL (or KRAKEN_STATE_DIR)."
)


def state_backend_claim(*, connection: KrakenConnection, backend: str) -> str | None:
    """Record `backend` as the one serving the key; the refusal message if another holds it.

    The record is per connection, the check per key: every connection with the same key
    (fingerprint) counts, since Kraken counts nonces per key.
    """
    now = timezone.now()
    fresh_after = now - timedelta(seconds=settings.KRAKEN_STATE_GUARD_SECONDS)
    own = KrakenConnection.objects.filter(pk=connection.pk)
    same_key = KrakenConnection.objects.filter(key_fingerprint=connection.key_fingerprint)
    with transaction.atomic():
        # A write first: on SQLite it takes the write lock before the read (PostgreSQL: row locks).
        if not own.update(state_backend_seen_at=F("state_backend_seen_at")):
            return None  # the connection is gone; the sync notices on its own
        list(same_key.select_for_update().order_by("pk").values_list("pk", flat=True))
        theirs = (
            same_key.exclude(state_backend__in=("", backend))
            .filter(state_backend_seen_at__gte=fresh_after)
            .values_list("state_backend", flat=True)
            .first()
        )
        if theirs is None:
            own.update(state_backend=backend, state_backend_seen_at=now)
            return None
    log.warning(
        "connection %s: refused a sync through %s; its key is served by %s",
        connection.pk,
        backend,
        theirs,
    )
    theirs_kind, mine_kind = _kind(theirs), _kind(backend)
    if theirs_kind == mine_kind:
        theirs_kind = f"another {theirs_kind}"
    return REFUSED.format(theirs=theirs_kind, mine=mine_kind)


def _kind(backend: str) -> str:
    return backend.split(":", 1)[0]
