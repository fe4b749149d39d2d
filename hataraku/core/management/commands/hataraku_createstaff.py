from __future__ import annotations

import getpass
from typing import Any

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from hataraku.core.audit import audit_record


class Command(BaseCommand):
    help = "Create a platform staff account."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--email")
        parser.add_argument("--password", help="for scripts; omitted, it is asked for without echo")
        parser.add_argument("--name", default="Hataraku スタッフ")

    def handle(self, *args: Any, **options: Any) -> None:
        email = options["email"] or input("メールアドレス: ").strip()
        password = options["password"] or getpass.getpass("パスワード: ")
        User = get_user_model()
        if User.objects.filter(email__iexact=email).exists():
            raise CommandError("このメールアドレスはすでに登録されています。")
        try:
            validate_password(password)
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        with transaction.atomic():
            user = User.objects.create_user(email, password, display_name=options["name"], is_staff=True)
            EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
            audit_record(actor=None, action="accounts.staff_created", target=user, data={"email": user.email})
        self.stdout.write(self.style.SUCCESS(f"スタッフアカウントを作成しました: {user.email}"))
