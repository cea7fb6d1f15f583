"""Agency staff's pages of partners: the API keys (issue, rotate, revoke) and partners' reads of participants.

A key's secret exists only in the response to the POST that made it: it is rendered there and nowhere else (no
redirect, message, session or log), and core.middleware sends `Cache-Control: no-store` with every logged-in
page, so a browser does not keep it either."""

import csv
import datetime
import itertools
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseBase, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts.web import request_user
from core.pagination import paginate
from core.web import add_service_errors, error_text
from exports.writers import neutralise

from .. import permissions, services
from ..forms import DATETIME_FORMAT, KeyIssueForm, ReadsFilterForm
from ..models import AccessLog, Agreement, PartnerKey
from ..selectors import distinct_participants, key_state, keys_with_use, reads_in_window, recent_reads_since

READS_PER_PAGE = 50


def _may_manage_keys(request: HttpRequest) -> None:
    if not permissions.can_manage_keys(request.user):
        raise PermissionDenied


def _key(prefix: str) -> PartnerKey:
    """A key by its prefix (unique, and not secret: its id holds the hash, which stays out of addresses)."""
    key: PartnerKey = get_object_or_404(PartnerKey.objects.select_related("organisation", "agreement"), prefix=prefix)
    return key


def _back_to(request: HttpRequest, key: PartnerKey) -> str:
    """Where a revocation returns: the page it was asked from (the reads list, the keys), if it is ours."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return target
    return f"{reverse('partners:staff_keys')}?{urlencode({'agreement': key.agreement_id})}"


def _secret_page(request: HttpRequest, key: PartnerKey, secret: str, *, replaced: PartnerKey | None) -> HttpResponse:
    """The one time a secret is shown: in the response to the POST that made it."""
    return render(request, "partners/staff/key_secret.html", {"key": key, "secret": secret, "replaced": replaced})


@login_required
@require_http_methods(["GET", "POST"])
def keys(request: HttpRequest) -> HttpResponse:
    """The keys of one agreement (?agreement=) or of every partner, with their state, last use and reads in the
    last 30 days; and the form to issue a key (POST), whose response shows the secret once."""
    _may_manage_keys(request)
    now = timezone.now()
    agreement = None
    if request.GET.get("agreement", "").isdigit():
        agreement = get_object_or_404(Agreement.objects.select_related("organisation"), pk=request.GET["agreement"])
    form = KeyIssueForm(
        request.POST if request.method == "POST" else None,
        today=timezone.localdate(),
        initial={"agreement": agreement.pk if agreement else None},
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                key, secret = services.key_issue(
                    agreement=form.cleaned_data["agreement"],
                    name=form.cleaned_data["name"],
                    kind=form.cleaned_data["kind"],
                    expires_at=form.expiry(),
                    acting_user=request_user(request),
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                return _secret_page(request, key, secret, replaced=None)
        messages.error(request, _("The key was not issued; see the form below."))
        status = 400
    listed = keys_with_use(now)
    if agreement is not None:
        listed = listed.filter(agreement=agreement)
    page = paginate(listed, request.GET.get("page"))
    rows = [(key, key_state(key, now)) for key in page.items]
    first_day = recent_reads_since(now)
    since = datetime.datetime.combine(first_day, datetime.time()).strftime(DATETIME_FORMAT)
    return render(
        request,
        "partners/staff/keys.html",
        {"page": page, "rows": rows, "form": form, "agreement": agreement, "reads_since": since},
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def key_rotate(request: HttpRequest, prefix: str) -> HttpResponse:
    """Replace a key's secret: GET asks to confirm; POST revokes the old key at once and shows the new secret."""
    _may_manage_keys(request)
    key = _key(prefix)
    if request.method == "POST":
        try:
            new, secret = services.key_rotate(key=key, acting_user=request_user(request))
        except ValidationError as exc:
            messages.error(request, error_text(exc))
            return redirect(_back_to(request, key))
        return _secret_page(request, new, secret, replaced=key)
    return render(
        request,
        "partners/staff/key_confirm.html",
        {"key": key, "action": "rotate", "next": _back_to(request, key), "state": key_state(key, timezone.now())},
    )


@login_required
@require_http_methods(["GET", "POST"])
def key_revoke(request: HttpRequest, prefix: str) -> HttpResponse:
    """Revoke a key: GET asks to confirm; POST revokes it (its next call is refused) and goes back."""
    _may_manage_keys(request)
    key = _key(prefix)
    if request.method == "POST":
        services.key_revoke(key=key, acting_user=request_user(request))
        messages.success(
            request,
            _("The key %(name)s (%(prefix)s) is revoked: its next call is refused.")
            % {"name": key.name, "prefix": key.prefix},
        )
        return redirect(_back_to(request, key))
    return render(
        request,
        "partners/staff/key_confirm.html",
        {"key": key, "action": "revoke", "next": _back_to(request, key), "state": key_state(key, timezone.now())},
    )


def _reads_form(request: HttpRequest) -> ReadsFilterForm:
    return ReadsFilterForm.with_defaults(request.GET, timezone.now())


def _filtered_reads(form: ReadsFilterForm) -> QuerySet[AccessLog]:
    start, end = form.window()
    return reads_in_window(
        start=start, end=end, key=form.cleaned_data["key"], organisation=form.cleaned_data["organisation"]
    )


@login_required
def reads(request: HttpRequest) -> HttpResponse:
    """Partners' reads of participants: one partner's or one key's in a window (by default the last 72 hours,
    what a breach notice within 3 x 24 hours needs), newest first, with the number of different participants
    read, a CSV of the same list and, for one key, the way to revoke it."""
    if not permissions.can_see_reads(request.user):
        raise PermissionDenied
    chosen = bool(request.GET.keys() & {"organisation", "key", "start", "end"})
    form = _reads_form(request)
    context: dict[str, Any] = {"form": form, "chosen": chosen}
    status = 200
    if not chosen:
        form = ReadsFilterForm(initial=dict(form.data))  # the defaults shown, nothing asked yet
        context["form"] = form
    elif form.is_valid():
        listed = _filtered_reads(form)
        key = form.cleaned_data["key"]
        query = form.query()
        context |= {
            "page": paginate(listed, request.GET.get("page"), per_page=READS_PER_PAGE),
            "participants": distinct_participants(listed),
            "key": key,
            "key_state": key_state(key, timezone.now()) if key is not None else None,
            "query": urlencode(query),
            "back": f"{reverse('partners:staff_reads')}?{urlencode(query)}",
        }
    else:
        status = 400
    return render(request, "partners/staff/reads.html", context, status=status)


class _Echo:
    def write(self, value: str) -> str:
        return value


@login_required
def reads_csv(request: HttpRequest) -> HttpResponseBase:
    """The same filtered reads as CSV, streamed row by row (a month of a busy key stays within memory)."""
    if not permissions.can_see_reads(request.user):
        raise PermissionDenied
    form = _reads_form(request)
    if not form.is_valid():
        return render(request, "partners/staff/reads.html", {"form": form, "chosen": True}, status=400)
    header = [
        _("Read at"),
        _("Key"),
        _("Key prefix"),
        _("Partner"),
        _("Participant"),
        _("NIK (masked)"),
        _("Endpoint"),
    ]
    writer = csv.writer(_Echo())
    columns = (
        "at",
        "key__name",
        "key__prefix",
        "organisation__name",
        "participant__full_name",
        "participant__nik_masked",  # stored masked: a month of reads decrypts no NIK
        "endpoint",
    )

    def lines(rows: Iterator[tuple[Any, ...]]) -> Iterator[str]:
        yield writer.writerow(header)
        for at, key_name, prefix, partner, full_name, masked_nik, endpoint in rows:
            yield writer.writerow(
                [
                    timezone.localtime(at).isoformat(timespec="seconds"),
                    neutralise(key_name),
                    prefix,
                    neutralise(partner),
                    neutralise(full_name),
                    masked_nik,
                    neutralise(endpoint),
                ]
            )

    # plain tuples, not models: a month of a busy key is tens of thousands of rows
    rows = _filtered_reads(form).values_list(*columns).iterator(chunk_size=2000)
    response = StreamingHttpResponse(
        itertools.chain(["\ufeff"], lines(rows)),  # the byte-order mark tells spreadsheets it is UTF-8
        content_type="text/csv; charset=utf-8",
    )
    query = form.query()
    filename = f"akses-mitra-{query['start'][:10]}_{query['end'][:10]}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


urls: list[URLPattern] = [
    path("mitra/staf/kunci/", keys, name="staff_keys"),
    path("mitra/staf/kunci/<str:prefix>/ganti/", key_rotate, name="staff_key_rotate"),
    path("mitra/staf/kunci/<str:prefix>/cabut/", key_revoke, name="staff_key_revoke"),
    path("mitra/staf/akses/", reads, name="staff_reads"),
    path("mitra/staf/akses/csv/", reads_csv, name="staff_reads_csv"),
]
