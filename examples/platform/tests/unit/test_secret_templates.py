"""Secret templates. Covers: FR-010"""
import pytest

from scripts.secrets.templates import SecretSpec, TemplateError, parse_generator, render

TEMPLATE = {"{env}/{service}/db-password": "random:32", "{env}/{service}/api-url": "literal:https://api.internal"}


@pytest.mark.component("secret-templates")
def test_render_sorts_and_slugs():
    """Covers: FR-010"""
    specs = render(TEMPLATE, "Prod", "Billing API")
    assert [s.name for s in specs] == ["prod/billing-api/api-url", "prod/billing-api/db-password"]


def test_random_values_have_the_requested_length():
    spec = SecretSpec(name="x", generator="random", argument="32")
    assert len(spec.value()) == 32
    assert spec.value() != spec.value()


def test_literal_values_are_kept():
    assert SecretSpec(name="x", generator="literal", argument="v:1").value() == "v:1"


@pytest.mark.parametrize("spec", ["random:4", "random:abc", "random:500", "env:HOME", "literal"])
def test_rejects_bad_generators(spec):
    with pytest.raises(TemplateError):
        parse_generator(spec)


def test_unknown_placeholder():
    with pytest.raises(TemplateError, match="unknown placeholder 'region'"):
        render({"{region}/x": "literal:y"}, "prod", "svc")
