"""What an uploaded file really is. A file's name and the browser's content type are claims made by the
sender; the first bytes (and for Office files, the parts inside the zip) are what we trust.

Used by identity documents (jobs), message attachments (messaging) and deliveries (contracts), so one
rule decides everywhere.
"""

from __future__ import annotations

import io
import zipfile

SIGNATURES: tuple[tuple[bytes, str, frozenset[str]], ...] = (
    (b"%PDF-", "application/pdf", frozenset({"pdf"})),
    (b"\x89PNG\r\n\x1a\n", "image/png", frozenset({"png"})),
    (b"\xff\xd8\xff", "image/jpeg", frozenset({"jpg", "jpeg"})),
    (b"GIF87a", "image/gif", frozenset({"gif"})),
    (b"GIF89a", "image/gif", frozenset({"gif"})),
)
TEXT_EXTENSIONS = frozenset({"txt", "csv", "md"})
# Office Open XML and OpenDocument files are zips with a part that says which kind they are.
ZIP_PARTS = {
    "docx": "word/document.xml",
    "xlsx": "xl/workbook.xml",
    "pptx": "ppt/presentation.xml",
    "odt": "content.xml",
    "ods": "content.xml",
}


def extension_of(name: str) -> str:
    return name.rsplit(".", 1)[-1].lower() if "." in (name or "") else ""


def sniff_type(head: bytes) -> str | None:
    """The content type from the first bytes, for the binary formats we accept; None if unknown."""
    for magic, content_type, _extensions in SIGNATURES:
        if head.startswith(magic):
            return content_type
    return None


def looks_like_text(data: bytes) -> bool:
    if b"\x00" in data:
        return False
    # Japanese spreadsheets still export CSV in Shift_JIS (cp932) as often as in UTF-8.
    for encoding in ("utf-8-sig", "cp932"):
        try:
            data.decode(encoding)
        except UnicodeDecodeError:
            continue
        return True
    return False


def content_matches(extension: str, data: bytes) -> bool:
    """Whether `data` really is a file of kind `extension`."""
    magics = [magic for magic, _content_type, extensions in SIGNATURES if extension in extensions]
    if magics:
        return any(data.startswith(magic) for magic in magics)
    if extension in TEXT_EXTENSIONS:
        return looks_like_text(data)
    if extension in ZIP_PARTS or extension == "zip":
        if not data.startswith(b"PK\x03\x04"):
            return False
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                names = set(archive.namelist())
        except zipfile.BadZipFile:
            return False
        if extension == "zip":
            return True
        office_manifest = "[Content_Types].xml" in names or "mimetype" in names
        return office_manifest and ZIP_PARTS[extension] in names
    return False


def read_all(upload: object) -> bytes:
    upload.seek(0)  # type: ignore[attr-defined]
    data = upload.read()  # type: ignore[attr-defined]
    upload.seek(0)  # type: ignore[attr-defined]
    return bytes(data)
