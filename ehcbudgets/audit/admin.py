from django.contrib import admin

from .models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """Read only: nobody can add, change or delete an audit event through the admin."""

    list_display = ("created_at", "council", "actor_label", "action", "summary")
    list_filter = ("council", "action")
    search_fields = ("summary", "actor_label", "object_id")
    readonly_fields = [f.name for f in AuditEvent._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
