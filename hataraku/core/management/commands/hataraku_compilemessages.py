from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand

from hataraku.core.i18n import compile_catalogues


class Command(BaseCommand):
    help = "Compile locale/*.po to .mo with Babel (no GNU gettext needed)."

    def handle(self, *args: Any, **options: Any) -> None:
        for locale_dir in settings.LOCALE_PATHS:
            for path in compile_catalogues(locale_dir):
                self.stdout.write(f"compiled {path}")
