"""Bank details encrypted at rest with Fernet (AES-128-CBC + HMAC), keys from the settings.

Several keys may be configured, newest first: MultiFernet encrypts with the first and decrypts with
any, so keys can be rotated without a migration.
"""

from functools import lru_cache

from cryptography.fernet import Fernet, MultiFernet
from django.conf import settings


@lru_cache(maxsize=1)
def _fernet() -> MultiFernet:
    return MultiFernet([Fernet(key.encode()) for key in settings.FIELD_ENCRYPTION_KEYS])


def encrypt(text: str) -> str:
    return _fernet().encrypt(text.encode()).decode()


def decrypt(token: str) -> str:
    return _fernet().decrypt(token.encode()).decode()
