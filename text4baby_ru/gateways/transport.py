"""How a failed HTTP call to a provider is classified: did the provider possibly take it?"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import requests

from text4baby_ru.gateways.base import AmbiguousGatewayError, TransientGatewayError


@contextmanager
def transport_errors() -> Iterator[None]:
    """Turn the requests library's errors into gateway errors: a connection that never opened
    is transient (the provider has nothing), a timeout or a lost connection is ambiguous."""
    try:
        yield
    except requests.exceptions.ConnectTimeout as error:
        raise TransientGatewayError(f"connect timeout: {error}", code="connect") from None
    except requests.exceptions.ReadTimeout as error:
        raise AmbiguousGatewayError(f"read timeout: {error}", code="timeout") from None
    except requests.exceptions.ConnectionError as error:
        if "NewConnectionError" in str(error) or "Connection refused" in str(error):
            raise TransientGatewayError("connection refused", code="connect") from None
        raise AmbiguousGatewayError(f"connection lost: {error}", code="connection") from None
