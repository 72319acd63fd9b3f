"""Admin for jobs: a read-only view for operators (cancel with `manage.py jobs cancel ID`)."""

from django.contrib import admin

from jobs.models import Job


@admin.register(Job)
class JobAdmin(admin.ModelAdmin):
    list_display = ("id", "kind", "owner", "target", "state", "started_at", "heartbeat_at")
    list_filter = ("kind", "state")
    search_fields = ("target", "owner__username", "error")
    readonly_fields = [field.name for field in Job._meta.fields]
