"""Celery tasks for the accounts: thin, they load ids and call one service."""

from celery import shared_task
from django.contrib.auth import get_user_model

from reports.services import accounting_rebuild


@shared_task(bind=True, max_retries=3, default_retry_delay=30)
def accounting_rebuild_task(self, user_id: int) -> int | None:
    """Rebuild a user's accounts after a sync or a change of settings; returns the run id."""
    user = get_user_model().objects.filter(pk=user_id).first()
    if user is None:
        return None  # the user was deleted meanwhile: nothing to rebuild
    return accounting_rebuild(user=user).pk
