"""Signed documents: print templates rendered by WeasyPrint, sealed with the dealership's PAdES signature.

A signed record's snapshot (stored verbatim in `Document.snapshot`) is rendered off the request path
(server/jobs.py) from a Jinja print template (templates/documents/) with the store's header, every item, the
photos and signatures, the content hash and a QR code to /verify/<document id>. The PDF is then sealed with
pyHanko (PAdES B-B, certificate from SIGNING_CERT/SIGNING_KEY; `flask make-dev-certificate` makes a
self-signed one) and kept as a blob of the store. Anyone can check a PDF at /verify.

WeasyPrint runs in a limited child process (sandbox.py) whose URL fetcher (fetcher.py) reads only the shipped print
files, the data: URIs the renderer made, and the document's own store's blobs, re-encoded by Pillow.
"""
