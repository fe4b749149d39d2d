from __future__ import annotations

import io
import zipfile

import pytest

from hataraku.core.uploads import content_matches, sniff_type


def _zip(*names: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name in names:
            archive.writestr(name, "x")
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("extension", "data", "expected"),
    [
        ("pdf", b"%PDF-1.7 ...", True),
        ("pdf", b"<html>not a pdf", False),
        ("png", b"\x89PNG\r\n\x1a\n....", True),
        ("jpg", b"\xff\xd8\xff\xe0....", True),
        ("jpeg", b"%PDF-1.7", False),
        ("gif", b"GIF89a....", True),
        ("gif", b"GIF87a....", True),
        ("txt", "こんにちは".encode(), True),
        ("csv", "名前,金額\n".encode("cp932"), True),
        ("txt", b"\x00\x01binary", False),
        ("docx", _zip("[Content_Types].xml", "word/document.xml"), True),
        ("docx", _zip("[Content_Types].xml", "xl/workbook.xml"), False),
        ("xlsx", _zip("[Content_Types].xml", "xl/workbook.xml"), True),
        ("zip", _zip("a.txt"), True),
        ("zip", b"PK\x03\x04 truncated", False),
        ("exe", b"MZ....", False),
    ],
)
def test_content_must_match_the_extension(extension, data, expected):
    assert content_matches(extension, data) is expected


def test_sniff_type_reads_the_first_bytes_only():
    assert sniff_type(b"%PDF-1.4") == "application/pdf"
    assert sniff_type(b"\x89PNG\r\n\x1a\n") == "image/png"
    assert sniff_type(b"plain text") is None
