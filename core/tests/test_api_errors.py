"""Every API error is JSON with a code, a detail and, for bad input, the errors by field (one level: a nested
field under its dotted path), as the schema documents them; nothing changes on a 4xx."""

from typing import Any

import pytest
import yaml
from django.core.exceptions import ValidationError
from rest_framework import exceptions, serializers
from rest_framework.test import APIClient

from core.api import NON_FIELD, ErrorSerializer, error_body, error_responses, exception_handler
from core.decisions import deny
from partners.choices import Step
from partners.tests.api_support import make_partner

pytestmark = pytest.mark.django_db


def handled(exc: Exception) -> tuple[int, Any]:
    response = exception_handler(exc, {})
    assert response is not None
    return response.status_code, response.data


def test_a_refusal_is_409_with_its_code():
    try:
        deny("future_day", "Attendance can be taken from the day itself, not before.").enforce()
    except Exception as exc:
        status, body = handled(exc)
    assert status == 409 and body == {
        "code": "future_day",
        "detail": "Attendance can be taken from the day itself, not before.",
    }


def test_a_services_validation_error_is_400_by_field():
    exc = ValidationError({"starts_at": ValidationError("In the past.", code="past"), "__all__": ["Whole."]})
    status, body = handled(exc)
    assert status == 400 and body["code"] == "invalid"
    assert body["errors"]["starts_at"] == [{"message": "In the past.", "code": "past"}]
    assert body["errors"][NON_FIELD] == [{"message": "Whole.", "code": "invalid"}]


def test_a_message_with_params_is_filled_in():
    status, body = handled(ValidationError("%(n)s seats left.", code="few", params={"n": 3}))
    assert status == 400 and body["errors"][NON_FIELD] == [{"message": "3 seats left.", "code": "few"}]


def test_drf_errors_of_nested_and_list_fields_are_flattened_to_dotted_paths():
    class Inner(serializers.Serializer[Any]):
        name = serializers.CharField()

    class Outer(serializers.Serializer[Any]):
        business = Inner()
        present = serializers.ListField(child=serializers.IntegerField(min_value=1))

    serializer = Outer(data={"business": {}, "present": [1, 0]})
    assert not serializer.is_valid()
    status, body = handled(exceptions.ValidationError(serializer.errors))
    assert status == 400
    assert body["errors"]["business.name"][0]["code"] == "required"
    assert body["errors"]["present.1"][0]["code"] == "min_value"
    assert ErrorSerializer(data=body).is_valid(), ErrorSerializer(data=body).errors


def test_other_drf_errors_keep_their_status_with_a_code():
    status, body = handled(exceptions.NotFound())
    assert status == 404 and body == error_body("not_found", body["detail"]) and body["detail"]
    status, body = handled(exceptions.Throttled(wait=12))
    assert status == 429 and body["code"] == "throttled"


def test_a_malformed_body_is_400_parse_error_and_changes_nothing(agency_staff):
    partner = make_partner(agency_staff, steps=[Step.P2], name="Universitas Pancasila")
    response = partner.client.post("/api/v1/training/sessions/", data="{bukan json", content_type="application/json")
    assert response.status_code == 400 and response.json()["code"] == "parse_error"


def test_a_wrong_method_is_405_json(agency_staff):
    partner = make_partner(agency_staff, steps=[Step.P2], name="Universitas Gunadarma")
    response = partner.client.delete("/api/v1/participants/")
    assert response.status_code == 405 and response.json()["code"] == "method_not_allowed"


def test_the_json_parser_strips_bidirectional_controls(agency_staff):
    from training.tests.factories import PartnerCourseFactory

    partner = make_partner(agency_staff, steps=[Step.P2], name="Universitas Mercu Buana")
    course = PartnerCourseFactory(organiser_partner=partner.organisation)
    response = partner.client.post(
        "/api/v1/training/sessions/",
        {"course": course.pk, "capacity": "\u202e12", "starts_at": "bukan"},
        format="json",
    )
    assert response.status_code == 400
    assert "capacity" not in response.json()["errors"]  # "12" once the control is gone


def test_the_schema_documents_the_error_responses():
    response = APIClient().get("/api/schema/")
    assert response.status_code == 200
    schema = yaml.safe_load(response.content)
    sessions = schema["paths"]["/api/v1/training/sessions/"]
    assert set(sessions["post"]["responses"]) == {"201", "400", "401", "403", "409", "429"}
    assert set(sessions["get"]["responses"]) == {"200", "400", "401", "403", "404", "429"}
    detail = schema["paths"]["/api/v1/participants/{id}/"]["get"]["responses"]
    assert detail["404"]["content"]["application/json"]["schema"]["$ref"] == "#/components/schemas/Error"
    assert set(schema["components"]["schemas"]["Error"]["required"]) == {"code", "detail"}


def test_error_responses_always_include_the_keyed_ones():
    assert set(error_responses()) == {401, 403, 429}
    assert set(error_responses(404, 409)) == {401, 403, 404, 409, 429}


def test_pages_outside_the_api_get_no_etag(client):
    assert "ETag" not in client.get("/")
