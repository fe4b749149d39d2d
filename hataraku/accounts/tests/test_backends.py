"""The session's user is read through SQL built once per process (accounts/backends.py): the same user the
ORM would give, and nobody for a missing, malformed or inactive id."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user
from django.test import RequestFactory

from hataraku.accounts.backends import AuthenticationBackend, ModelBackend, user_by_id
from hataraku.accounts.models import User

from .factories import StaffFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_the_compiled_read_gives_every_field_the_orm_gives():
    # given two people, one of them staff with a display name
    a = UserFactory(display_name="中村 さくら")
    b = StaffFactory()
    for person in (a, b):
        # when each is read by id
        found = user_by_id(str(person.pk))
        # then every stored field equals the ORM's row, and the instance is a saved row
        expected = User.objects.get(pk=person.pk)
        assert found is not None and found.pk == person.pk
        for field in User._meta.concrete_fields:
            assert getattr(found, field.attname) == getattr(expected, field.attname), field.name
        assert found._state.adding is False


@pytest.mark.parametrize("user_id", [None, "", "abc", "1.5", 10**9])
def test_a_missing_or_malformed_id_gives_nobody(user_id):
    # given one person
    UserFactory()
    # when an id that is not hers (or not an id at all) is read, then nobody is found
    assert user_by_id(user_id) is None


@pytest.mark.parametrize("backend", [ModelBackend, AuthenticationBackend])
def test_an_inactive_account_is_not_the_sessions_user(backend):
    # given an active and a deactivated person
    active, inactive = UserFactory(), UserFactory(is_active=False)
    # when each backend is asked for them, then only the active one is a user
    assert backend().get_user(active.pk) == active
    assert backend().get_user(inactive.pk) is None


def test_a_signed_in_request_gets_its_user_through_the_backend(client):
    # given a person signed in through the configured backends
    person = UserFactory()
    client.force_login(person)
    request = RequestFactory().get("/")
    request.session = client.session
    # when the request's user is worked out, then it is her, and a later change to her row shows at once
    assert get_user(request) == person
    User.objects.filter(pk=person.pk).update(display_name="新しい名前")
    again = get_user(request)
    assert isinstance(again, User) and again.display_name == "新しい名前"
