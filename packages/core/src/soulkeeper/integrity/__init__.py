"""Package integrity: a canonical digest, Ed25519 keys and detached signatures.

``compute_digest`` gives every package one ``"sha256:<hex>"`` digest (documented byte for byte in
docs/integrity.md); ``sign_package`` writes ``soul.sig`` beside the content; ``verify_package`` and
``load_soul(path, verify_key=..., expect_digest=...)`` raise :class:`~soulkeeper.errors.IntegrityError`
on any difference. Trust changes only when a user signs or pins again; nothing re-baselines itself.
"""

from soulkeeper.integrity._digest import (
    DIGEST_FORMAT,
    SIGNATURE_FILE,
    TEXT_EXTENSIONS,
    compute_digest,
    digest_lines,
    file_hashes,
    is_text_path,
    normalise_content,
    parse_digest,
)
from soulkeeper.integrity._files import IGNORED_DIRS, list_package_files
from soulkeeper.integrity._keys import (
    KeyPair,
    PrivateKeyLike,
    PublicKeyLike,
    generate_keypair,
    key_id,
    load_private_key,
    load_public_key,
    private_key_pem,
    public_key_pem,
    write_keypair,
)
from soulkeeper.integrity._signing import (
    SIGNATURE_FORMAT,
    Signature,
    check_digest,
    read_signature,
    sign_files,
    sign_package,
    signed_message,
    verify_files,
    verify_package,
)

__all__ = [
    "DIGEST_FORMAT",
    "IGNORED_DIRS",
    "SIGNATURE_FILE",
    "SIGNATURE_FORMAT",
    "TEXT_EXTENSIONS",
    "KeyPair",
    "PrivateKeyLike",
    "PublicKeyLike",
    "Signature",
    "check_digest",
    "compute_digest",
    "digest_lines",
    "file_hashes",
    "generate_keypair",
    "is_text_path",
    "key_id",
    "list_package_files",
    "load_private_key",
    "load_public_key",
    "normalise_content",
    "parse_digest",
    "private_key_pem",
    "public_key_pem",
    "read_signature",
    "sign_files",
    "sign_package",
    "signed_message",
    "verify_files",
    "verify_package",
    "write_keypair",
]
