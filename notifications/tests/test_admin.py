from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from notifications.models import Channel, Message, Status

CHANGELIST = reverse("admin:notifications_message_changelist")


def make_messages(count: int, **fields: Any) -> None:
    Message.objects.bulk_create(
        Message(
            channel=Channel.SMS,
            address=f"+62812345{i:05d}",
            template="registration_received",
            context={"full_name": "x", "reference": "r"},
            **fields,
        )
        for i in range(count)
    )


@pytest.mark.parametrize("count", [3, 60])
def test_changelist_runs_a_fixed_number_of_queries(
    admin_client: Client,
    django_assert_max_num_queries: Callable[[int], AbstractContextManager[Any]],
    count: int,
) -> None:
    make_messages(count)

    with django_assert_max_num_queries(4):
        response = admin_client.get(
            CHANGELIST, {"status": Status.PENDING, "channel": "sms", "template": "registration_received"}
        )

    assert response.status_code == 200
    assert len(response.context["cl"].result_list) == min(count, 50)
    assert response.context["cl"].show_full_result_count is False


def test_search_finds_the_exact_address_in_any_spelling(admin_client: Client) -> None:
    make_messages(3)

    response = admin_client.get(CHANGELIST, {"q": "0812-3450-0001"})

    assert [m.address for m in response.context["cl"].result_list] == ["+6281234500001"]


def test_messages_are_read_only(admin_client: Client) -> None:
    make_messages(1)
    message = Message.objects.get()

    response = admin_client.post(
        reverse("admin:notifications_message_change", args=[message.pk]), {"status": Status.SENT}
    )

    assert response.status_code == 403
    message.refresh_from_db()
    assert message.status == Status.PENDING
    assert admin_client.get(reverse("admin:notifications_message_add")).status_code == 403
