"""The forum in the admin, for agency staff: every post (the hidden ones too) with its author's first name only,
its answers and moderations; hiding a post or showing it again goes through the services, with the reason the
author is told. Posts are written by participants on the forum and answered there, never added or deleted here
(a post is kept: hidden, not deleted)."""

from typing import Any

from django import forms
from django.contrib import admin
from django.db.models import QuerySet
from django.forms import ModelForm
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from accounts.web import request_user
from core.admin import NEWEST_FIRST, ServiceAdmin, copy_saved

from . import permissions, services, validators
from .models import REASON_MAX, Answer, Moderation, Post


class PostAdminForm(ModelForm[Post]):
    """Only `hidden` changes here, with the reason for the change."""

    reason = forms.CharField(
        label=_("reason for hiding or showing again"),
        max_length=REASON_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Needed when you hide the post or show it again: the author is told this reason."),
    )

    class Meta:
        model = Post
        fields = ["hidden"]


class AnswerInline(admin.TabularInline[Answer, Post]):
    model = Answer
    readonly_fields = ["created_at", "author", "office", "previous_status", "status", "body"]
    fields = list(readonly_fields)
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # the program answers on the forum's page of the post


class ModerationInline(admin.TabularInline[Moderation, Post]):
    model = Moderation
    readonly_fields = ["created_at", "action", "moderator", "office", "reason"]
    fields = list(readonly_fields)
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # a moderation is the service's record of hiding or showing


@admin.register(Post)
class PostAdmin(ServiceAdmin):
    form = PostAdminForm
    list_display = [
        "title",
        "author_first_name",
        "kecamatan",
        "category",
        "status",
        "supporters",
        "hidden",
        "created_at",
    ]
    list_filter = ["status", "category", "hidden"]
    list_select_related = ["kecamatan"]
    search_fields = ["title"]
    ordering = NEWEST_FIRST
    fieldsets = [
        (None, {"fields": ["title", "body", "category", "kecamatan", "author_first_name", "created_at"]}),
        (_("Where it stands"), {"fields": ["status", "answered_at", "supporters"]}),
        (_("Moderation"), {"fields": ["hidden", "hidden_at", "hidden_reason", "reason"]}),
    ]
    readonly_fields = [
        "title", "body", "category", "kecamatan", "author_first_name", "created_at", "status", "answered_at",
        "supporters", "hidden_at", "hidden_reason",
    ]  # fmt: skip
    inlines = [AnswerInline, ModerationInline]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Post]:
        return Post.objects.with_author_name()

    @admin.display(description=_("author (first name)"))
    def author_first_name(self, obj: Post) -> str:
        return obj.author_name

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # participants post on the forum

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # a post is kept: hidden, with the reason, never deleted

    def service_check(self, obj: Post, data: dict[str, Any], acting_user: User) -> None:
        if bool(data.get("hidden")) == obj.hidden:
            return
        permissions.can_moderate(acting_user, obj).enforce()
        validators.check_reason(data.get("reason") or "")

    def save_model(self, request: HttpRequest, obj: Post, form: ModelForm[Post], change: bool) -> None:
        stored = Post.objects.with_author_name().get(pk=obj.pk)
        if obj.hidden == stored.hidden:
            return
        move = services.post_hide if obj.hidden else services.post_unhide
        saved = move(post=stored, reason=form.cleaned_data["reason"], acting_user=request_user(request))
        copy_saved(saved, obj)

    def save_related(self, request: HttpRequest, form: ModelForm[Post], formsets: Any, change: bool) -> None:
        """The inlines are read-only: answers and moderations are the services' records."""
