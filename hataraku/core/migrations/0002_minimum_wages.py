"""Regional minimum wages as data (issue 11): the model and the FY2025 table (hataraku.core.wages.FY2025)."""

import datetime as dt

from django.db import migrations, models

# Frozen copy of the FY2025 table at the time of this migration (the module constant may grow later).
SOURCE = (
    "厚生労働省「令和7年度地域別最低賃金改定状況」"
    "(https://www.mhlw.go.jp/stf/seisakunitsuite/bunya/koyou_roudou/roudoukijun/minimumichiran/)"
)
FY2025 = (
    ("01", 1075, "2025-10-04"),
    ("02", 1029, "2025-11-21"),
    ("03", 1031, "2025-12-01"),
    ("04", 1038, "2025-10-04"),
    ("05", 1031, "2026-03-31"),
    ("06", 1032, "2025-12-23"),
    ("07", 1033, "2026-01-01"),
    ("08", 1074, "2025-10-12"),
    ("09", 1068, "2025-10-01"),
    ("10", 1063, "2026-03-01"),
    ("11", 1141, "2025-11-01"),
    ("12", 1140, "2025-10-03"),
    ("13", 1226, "2025-10-03"),
    ("14", 1225, "2025-10-04"),
    ("15", 1050, "2025-10-02"),
    ("16", 1062, "2025-10-12"),
    ("17", 1054, "2025-10-08"),
    ("18", 1053, "2025-10-08"),
    ("19", 1052, "2025-12-01"),
    ("20", 1061, "2025-10-03"),
    ("21", 1065, "2025-10-18"),
    ("22", 1097, "2025-11-01"),
    ("23", 1140, "2025-10-18"),
    ("24", 1087, "2025-11-21"),
    ("25", 1080, "2025-10-05"),
    ("26", 1122, "2025-11-21"),
    ("27", 1177, "2025-10-16"),
    ("28", 1116, "2025-10-04"),
    ("29", 1051, "2025-11-16"),
    ("30", 1045, "2025-11-01"),
    ("31", 1030, "2025-10-04"),
    ("32", 1033, "2025-11-17"),
    ("33", 1047, "2025-12-01"),
    ("34", 1085, "2025-11-01"),
    ("35", 1043, "2025-10-16"),
    ("36", 1046, "2026-01-01"),
    ("37", 1036, "2025-10-18"),
    ("38", 1033, "2025-12-01"),
    ("39", 1023, "2025-12-01"),
    ("40", 1057, "2025-11-16"),
    ("41", 1030, "2025-11-21"),
    ("42", 1031, "2025-12-01"),
    ("43", 1034, "2026-01-01"),
    ("44", 1035, "2026-01-01"),
    ("45", 1023, "2025-11-16"),
    ("46", 1026, "2025-11-01"),
    ("47", 1023, "2025-12-01"),
    ("00", 1121, "2025-10-01"),
)


def load(apps, schema_editor):
    MinimumWage = apps.get_model("core", "MinimumWage")
    MinimumWage.objects.bulk_create(
        MinimumWage(
            prefecture=code,
            fiscal_year=2025,
            amount=amount,
            effective_from=dt.date.fromisoformat(day),
            source=SOURCE,
        )
        for code, amount, day in FY2025
    )


def unload(apps, schema_editor):
    apps.get_model("core", "MinimumWage").objects.filter(fiscal_year=2025).delete()


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]

    operations = [
        migrations.CreateModel(
            name="MinimumWage",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("prefecture", models.CharField(max_length=2, verbose_name="都道府県コード")),
                ("fiscal_year", models.PositiveSmallIntegerField(verbose_name="年度")),
                ("amount", models.PositiveIntegerField(verbose_name="時間額(円)")),
                ("effective_from", models.DateField(verbose_name="発効日")),
                ("source", models.CharField(max_length=300, verbose_name="出典")),
            ],
            options={
                "verbose_name": "最低賃金",
                "verbose_name_plural": "最低賃金",
                "ordering": ["prefecture", "-effective_from"],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("prefecture", "fiscal_year"), name="minimum_wage_one_per_year"
                    ),
                    models.CheckConstraint(condition=models.Q(amount__gt=0), name="minimum_wage_positive"),
                ],
            },
        ),
        migrations.RunPython(load, unload),
    ]
