"""PAdES seal and its validation (pyHanko)."""

from __future__ import annotations

import asyncio
import io
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from .certificate import import_pyhanko, signer_for, trust_root


def _run(coroutine_function, *args, **kwargs):
    """Run one of pyHanko's coroutines to completion from synchronous code. Its own sync wrappers call
    asyncio.run(), which fails in a thread that already runs an event loop; such a caller gets a fresh thread."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(coroutine_function(*args, **kwargs))
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(lambda: asyncio.run(coroutine_function(*args, **kwargs))).result()


def seal_pdf(pdf: bytes, key_path: str, cert_path: str, reason: str, location: str) -> bytes:
    """Sign `pdf` with the dealership's certificate (PAdES B-B); any later change breaks the seal."""
    import_pyhanko()
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import signers
    from pyhanko.sign.fields import SigSeedSubFilter

    writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
    meta = signers.PdfSignatureMetadata(
        field_name="DealershipSeal",
        subfilter=SigSeedSubFilter.PADES,
        md_algorithm="sha256",
        reason=reason,
        location=location,
    )
    output = io.BytesIO()
    _run(signers.async_sign_pdf, writer, meta, signer=signer_for(key_path, cert_path), output=output)
    return output.getvalue()


@dataclass(frozen=True)
class SealCheck:
    """What a validation found: `ok` only when the seal is intact, valid, trusted and covers the whole file."""

    ok: bool
    intact: bool = False
    trusted: bool = False
    whole_file: bool = False
    signer: str = ""
    signed_at: str = ""
    problem: str = ""


def check_seal(pdf: bytes, cert_path: str) -> SealCheck:
    """Validate the seal of `pdf` against our certificate. A damaged file can make pyHanko raise: that is a
    failed check, never an error page."""
    import_pyhanko()
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import async_validate_pdf_signature
    from pyhanko.sign.validation.status import SignatureCoverageLevel
    from pyhanko_certvalidator import ValidationContext

    try:
        signatures = PdfFileReader(io.BytesIO(pdf), strict=False).embedded_signatures
        if not signatures:
            return SealCheck(ok=False, problem="no_seal")
        context = ValidationContext(trust_roots=[trust_root(cert_path)])
        status = _run(async_validate_pdf_signature, signatures[-1], context)
    except Exception as exc:  # noqa: BLE001 - any failure to read or verify means "not the sealed original"
        return SealCheck(ok=False, problem=type(exc).__name__)
    whole = status.coverage == SignatureCoverageLevel.ENTIRE_FILE
    signer = status.signing_cert.subject.human_friendly if status.signing_cert else ""
    signed_at = status.signer_reported_dt.isoformat() if status.signer_reported_dt else ""
    return SealCheck(
        ok=bool(status.intact and status.valid and status.trusted and whole),
        intact=bool(status.intact),
        trusted=bool(status.trusted),
        whole_file=whole,
        signer=signer,
        signed_at=signed_at,
    )
