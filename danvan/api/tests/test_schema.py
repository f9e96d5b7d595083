import pytest
from django.apps import apps
from django.contrib.staticfiles import finders
from django.urls import reverse

PATHS = [
    "/api/v1/auth/token/",
    "/api/v1/me/",
    "/api/v1/units/",
    "/api/v1/units/{id}/",
    "/api/v1/units/{id}/memberships/",
]
SWAGGER_FILES = [
    "drf_spectacular_sidecar/swagger-ui-dist/swagger-ui.css",
    "drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js",
    "drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-standalone-preset.js",
]


def test_schema_is_public_openapi_3_with_every_endpoint(api, db):
    response = api.get(reverse("api-schema"), {"format": "json"})

    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    assert set(PATHS) <= set(schema["paths"])
    units = schema["paths"]["/api/v1/units/"]["get"]
    assert {"kind", "parent", "ancestor", "q", "valid_on", "page", "page_size"} <= {
        parameter["name"] for parameter in units["parameters"]
    }
    # The token endpoint needs no credentials; the others do.
    assert "security" not in schema["paths"]["/api/v1/auth/token/"]["post"]
    assert schema["paths"]["/api/v1/me/"]["get"]["security"]


def test_docs_page_is_public_and_loads_nothing_from_a_cdn(api, db):
    response = api.get(reverse("api-docs"))

    assert response.status_code == 200
    html = response.content.decode()
    assert "cdn." not in html
    assert "//" not in "".join(line for line in html.splitlines() if "src=" in line)
    for path in SWAGGER_FILES:
        assert f"/static/{path}" in html


@pytest.mark.skipif(
    not apps.is_installed("drf_spectacular_sidecar"),
    reason="drf_spectacular_sidecar is not in INSTALLED_APPS yet",
)
def test_docs_assets_are_served_from_our_static_files():
    for path in SWAGGER_FILES:
        assert finders.find(path), path
