"""Demo reviews on the completed contract between ひだまり出版 and 中村 さくら (runs after contracts.demo)."""

from __future__ import annotations

from typing import Any

from hataraku.contracts.models import Contract

from .models import Review
from .services import review_submit


def load(people: dict[str, Any]) -> None:
    contract = (
        Contract.objects.filter(client=people["hidamari"], worker=people["sakura"], status="completed")
        .order_by("pk")
        .first()
    )
    if contract is None:
        return
    if not Review.objects.filter(contract=contract, reviewer=people["hidamari"]).exists():
        review_submit(
            contract=contract,
            reviewer=people["hidamari"],
            skill=5,
            quality=5,
            schedule=5,
            communication=5,
            partnership=5,
            comment="入力ミスがなく、途中の進み具合もこまめに教えてくださり安心でした。またお願いします。",
        )
    if not Review.objects.filter(contract=contract, reviewer=people["sakura"]).exists():
        review_submit(
            contract=contract,
            reviewer=people["sakura"],
            skill=5,
            quality=5,
            schedule=5,
            communication=5,
            partnership=5,
            comment="資料がわかりやすく、作業時間の都合にも配慮していただきました。",
        )
