from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from simple_history.admin import SimpleHistoryAdmin

from .models import (
    AffectedGroup,
    Agency,
    AuditEvent,
    CoreComponent,
    FormOfAbuse,
    Membership,
    Partnership,
    Recommendation,
    SuccessCriterion,
    User,
)


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ["email"]
    list_display = ["email", "full_name", "is_active", "is_staff"]
    search_fields = ["email", "full_name"]
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        ("Person", {"fields": ("full_name",)}),
        ("Permissions", {"fields": ("is_active", "is_staff", "is_superuser")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "password1", "password2")}),)


class AgencyInline(admin.TabularInline):
    model = Agency
    extra = 0


@admin.register(Partnership)
class PartnershipAdmin(SimpleHistoryAdmin):
    list_display = ["name", "nation", "area"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [AgencyInline]


@admin.register(Membership)
class MembershipAdmin(SimpleHistoryAdmin):
    list_display = ["user", "partnership", "role", "agency", "is_active"]
    list_filter = ["partnership", "role"]
    list_select_related = ["user", "partnership", "agency"]


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = ["created_at", "actor", "kind", "verb", "object_type", "object_id", "partnership"]
    list_filter = ["kind", "partnership"]
    list_select_related = ["actor", "partnership"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


for model in (FormOfAbuse, AffectedGroup, Recommendation, CoreComponent, SuccessCriterion):
    admin.site.register(model, list_display=["number", "name", "code"])
