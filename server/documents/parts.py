"""What every print template shares: the Chinese labels of signer roles and trail events, the public verification
link, and a picture of the document's own store."""

from __future__ import annotations

from flask import current_app

from .resources import PrintResources

ROLE_LABELS = {"customer": "客户", "consultant": "销售顾问", "escort": "试驾专员"}
EVENT_LABELS = {
    "created": "记录创建",
    "signed": "客户与销售顾问签字（设备）",
    "received": "服务器收到签字",
    "rendered": "生成 PDF",
    "sealed": "数字签章",
    "failed": "生成失败",
    "rerender": "重新生成",
}


def verify_url(document_id: str) -> str:
    """The public verification link printed on the PDF and in its QR code."""
    return f"{current_app.config['PUBLIC_URL'].rstrip('/')}/verify/{document_id}"


def photo(resources: PrintResources, sha256: str, kind: str = "photo") -> dict:
    """A picture for a print template: its `uri` is a `blob:` URL when the document's store holds it, else None."""
    return {"sha256": sha256, "uri": resources.blob(sha256, kind)}
