from typing import Any

from django.db import migrations, models

SQLITE = [
    # Tokens are made in Python (search/text.py) and joined by spaces; the `ascii` tokenizer splits on
    # ASCII spaces and punctuation only, so every bigram stays one token whatever its script.
    "CREATE VIRTUAL TABLE search_fts USING fts5(title, tags, body, heads, facets, tokenize = 'ascii')",
]
SQLITE_REVERSE = ["DROP TABLE IF EXISTS search_fts"]
POSTGRES = [
    "ALTER TABLE search_searchdocument ADD COLUMN doc_tsv tsvector NOT NULL DEFAULT ''",
    "CREATE INDEX search_doc_tsv_gin ON search_searchdocument USING gin (doc_tsv)",
    # Bigram lexemes are many and skewed; finer statistics let the planner tell a rare word from a common one.
    "ALTER TABLE search_searchdocument ALTER COLUMN doc_tsv SET STATISTICS 1000",
    # A phrase (every query word of 3+ characters) is checked against the stored tsvector of each
    # candidate; stored out of line but uncompressed, that check read 680 rows in 17 ms instead of 50 ms
    # (10 k jobs, bench/search.py's database).
    "ALTER TABLE search_searchdocument ALTER COLUMN doc_tsv SET STORAGE EXTERNAL",
]


def forwards(apps: Any, schema_editor: Any) -> None:
    vendor = schema_editor.connection.vendor
    for sql in SQLITE if vendor == "sqlite" else POSTGRES if vendor == "postgresql" else []:
        schema_editor.execute(sql)


def backwards(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor == "sqlite":
        for sql in SQLITE_REVERSE:
            schema_editor.execute(sql)


class Migration(migrations.Migration):
    initial = True
    dependencies: list[tuple[str, str]] = []

    operations = [
        migrations.CreateModel(
            name="SearchDocument",
            fields=[
                ("job_id", models.BigIntegerField(primary_key=True, serialize=False, verbose_name="仕事")),
                ("proposal_deadline", models.DateField(db_index=True, verbose_name="応募締切")),
                ("indexed_at", models.DateTimeField(verbose_name="索引に入れた日時")),
            ],
            options={"verbose_name": "検索索引の仕事", "verbose_name_plural": "検索索引の仕事"},
        ),
        migrations.RunPython(forwards, backwards),
    ]
