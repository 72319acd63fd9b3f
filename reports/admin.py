from django.contrib import admin

from reports.models import ReportFile


@admin.register(ReportFile)
class ReportFileAdmin(admin.ModelAdmin):
    list_display = ("owner", "year", "format", "connection", "size", "created_at")
    list_filter = ("format", "year")
    search_fields = ("owner__username",)
