"""Account services: self-service roles, settings, deletion."""

from __future__ import annotations

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

from hataraku.accounts import services
from hataraku.accounts.models import User
from hataraku.core.errors import DomainError
from hataraku.core.models import AuditEvent

from .factories import ClientFactory, UserFactory

pytestmark = pytest.mark.django_db


class TestAddRole:
    def test_worker_can_become_client_as_a_company(self):
        # given a worker
        user = UserFactory()

        # when they add the client role as a company
        services.account_add_role(
            user=user, actor=user, role="client", client_kind="company", company_name="中村企画"
        )

        # then they are both, and the change is audited
        user.refresh_from_db()
        assert user.roles == ["worker", "client"]
        assert (user.client_kind, user.company_name) == ("company", "中村企画")
        assert AuditEvent.objects.filter(action="accounts.role_added", target_id=str(user.pk)).count() == 1

    def test_client_can_become_worker(self):
        user = ClientFactory()
        services.account_add_role(user=user, actor=user, role="worker")
        user.refresh_from_db()
        assert user.is_worker and user.is_client

    @pytest.mark.parametrize("role", ["municipal", "staff"])
    def test_municipal_and_staff_cannot_be_self_granted(self, role):
        # given a worker
        user = UserFactory()

        # when they try to give themselves a role only staff may grant
        with pytest.raises(DomainError) as exc:
            services.account_add_role(user=user, actor=user, role=role)

        # then it is refused in Japanese and nothing changed
        assert "運営スタッフだけ" in exc.value.message
        user.refresh_from_db()
        assert not user.is_municipal_staff and not user.is_staff
        assert not AuditEvent.objects.exists()

    def test_company_client_needs_a_company_name(self):
        user = UserFactory()
        with pytest.raises(DomainError) as exc:
            services.account_add_role(user=user, actor=user, role="client", client_kind="company")
        assert exc.value.field == "company_name"
        user.refresh_from_db()
        assert not user.is_client

    def test_individual_client_keeps_no_company_name(self):
        user = UserFactory()
        services.account_add_role(
            user=user, actor=user, role="client", client_kind="individual", company_name="無視される"
        )
        user.refresh_from_db()
        assert (user.client_kind, user.company_name) == ("individual", "")

    def test_adding_a_role_twice_changes_nothing(self):
        user = UserFactory()
        services.account_add_role(user=user, actor=user, role="worker")
        assert not AuditEvent.objects.exists()


class TestSettings:
    def test_updates_name_and_language(self):
        user = UserFactory(display_name="旧名")
        services.account_update_settings(
            user=user, actor=user, display_name=" 新名 ", preferred_language="en"
        )
        user.refresh_from_db()
        assert (user.display_name, user.preferred_language) == ("新名", "en")
        event = AuditEvent.objects.get(action="accounts.settings_updated")
        assert event.data == {"fields": ["display_name", "preferred_language"]}

    def test_unknown_language_is_refused(self):
        user = UserFactory()
        with pytest.raises(DomainError):
            services.account_update_settings(
                user=user, actor=user, display_name="名", preferred_language="xx"
            )
        user.refresh_from_db()
        assert user.preferred_language == "ja"


class TestDelete:
    def test_anonymises_the_row_and_removes_personal_data(self, frozen_clock):
        # given a person with every kind of account data
        user = UserFactory(
            email="sakura@example.jp", display_name="中村 さくら", is_client=True, company_name="中村企画"
        )
        TOTP.activate(user, generate_totp_secret())
        other = UserFactory()
        TOTP.activate(other, generate_totp_secret())

        # when the account is deleted
        services.account_delete(user=user, actor=user)

        # then the row stays, with nothing personal left and no way to log in
        user = User.objects.get(pk=user.pk)
        assert user.email == f"deleted-{user.pk}@invalid"
        assert user.display_name == "退会したユーザー"
        assert user.company_name == ""
        assert user.roles == []
        assert not user.is_active
        assert not user.has_usable_password()
        assert user.deleted_at == frozen_clock.now()
        assert not EmailAddress.objects.filter(user=user).exists()
        assert not Authenticator.objects.filter(user=user).exists()
        # and another person's data is untouched
        assert Authenticator.objects.filter(user=other).count() == 1
        assert EmailAddress.objects.filter(user=other).count() == 1
        # and the deletion is on the audit log, without the old address
        event = AuditEvent.objects.get(action="accounts.deleted")
        assert event.target_id == str(user.pk)
        assert "sakura@example.jp" not in str(list(AuditEvent.objects.values_list("actor_label", "data")))

    def test_deleting_twice_is_refused(self):
        user = UserFactory()
        services.account_delete(user=user, actor=user)
        user.refresh_from_db()
        with pytest.raises(DomainError):
            services.account_delete(user=user, actor=user)
