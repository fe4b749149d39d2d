from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, cast

import factory
from allauth.account.models import EmailAddress

from hataraku.accounts.constants import VerificationStatus
from hataraku.accounts.models import IdentityVerification, User

PASSWORD = "correct-horse-battery-staple"


class UserFactory(factory.django.DjangoModelFactory[User]):
    """A person with a verified e-mail address who can log in with PASSWORD."""

    class Meta:
        model = User
        skip_postgeneration_save = True

    if TYPE_CHECKING:
        # factory-boy's metaclass makes `UserFactory()` return a saved User; say so to mypy, so that
        # every app's tests get a typed User from `UserFactory()` / `ClientFactory()`.
        def __new__(cls, *args: Any, **kwargs: Any) -> User:  # type: ignore[misc]
            ...

    email = factory.Sequence(lambda n: f"person{n}@example.jp")
    display_name = factory.Sequence(lambda n: f"利用者 {n}")
    is_worker = True

    @factory.post_generation
    def password(obj: User, create: bool, extracted: str | None, **kwargs: Any) -> None:  # type: ignore[misc]
        obj.set_password(extracted or PASSWORD)
        if create:
            obj.save(update_fields=["password"])

    @factory.post_generation
    def verified_email(obj: User, create: bool, extracted: Any, **kwargs: Any) -> None:  # type: ignore[misc]
        if create and extracted is not False:
            EmailAddress.objects.create(user=obj, email=obj.email, verified=True, primary=True)


class ClientFactory(UserFactory):
    is_worker = False
    is_client = True
    client_kind = "company"
    company_name = "株式会社テスト"


class MunicipalFactory(UserFactory):
    is_worker = False
    is_municipal_staff = True
    municipality_name = "日南市 商工・マーケティング課"


class StaffFactory(UserFactory):
    is_worker = False
    is_staff = True


class _VerificationFactory(factory.django.DjangoModelFactory[IdentityVerification]):
    class Meta:
        model = IdentityVerification

    user = factory.SubFactory(UserFactory)
    status = VerificationStatus.APPROVED
    content_type = "image/png"


def verified(user: Any) -> Any:
    """`user`, shown as 本人確認済み from now on."""
    _VerificationFactory(user=user, status=VerificationStatus.APPROVED)
    return user


VerificationFactory = cast("Callable[..., IdentityVerification]", _VerificationFactory)
