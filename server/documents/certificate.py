"""The dealership's signing certificate: a self-signed one for development, a real one by configuration."""

from __future__ import annotations

import datetime
import warnings
from functools import cache
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID


def make_dev_certificate(key_path: Path, cert_path: Path, organisation: str, years: int = 10) -> None:
    """Write a self-signed RSA-2048 certificate for sealing PDFs (development and demos only)."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name(
        [
            x509.NameAttribute(NameOID.COMMON_NAME, f"{organisation} 文档签章 (development)"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, organisation),
        ]
    )
    now = datetime.datetime.now(datetime.UTC)
    usage = x509.KeyUsage(
        digital_signature=True,
        content_commitment=True,
        key_encipherment=False,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=True,
        crl_sign=True,
        encipher_only=False,
        decipher_only=False,
    )
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=365 * years))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(usage, critical=True)
        .sign(key, hashes.SHA256())
    )
    key_path.parent.mkdir(parents=True, exist_ok=True)
    key_path.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    key_path.chmod(0o600)
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))


def import_pyhanko() -> None:
    """Import pyHanko's signing and validation modules once, without cryptography's DSA deprecation warning.

    pyHanko 0.38 imports cryptography's DSA key types, which cryptography ≥ 46 reports as deprecated on access: a
    warning about a key type the seal never uses (RSA), and an error under the test suite's filterwarnings."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="DSA is deprecated", category=Warning)
        import pyhanko.sign.signers  # noqa: F401
        import pyhanko.sign.validation  # noqa: F401


@cache
def signer_for(key_path: str, cert_path: str):
    """The pyHanko signer for a key and certificate, loaded once per process."""
    import_pyhanko()
    from pyhanko.sign import signers

    signer = signers.SimpleSigner.load(key_path, cert_path)
    if signer is None:
        raise RuntimeError(f"cannot load the signing key {key_path} or certificate {cert_path}")
    return signer


@cache
def trust_root(cert_path: str):
    """The certificate that seals are validated against."""
    from pyhanko.keys import load_cert_from_pemder

    return load_cert_from_pemder(cert_path)
