"""What a page costs a phone on a weak network: every response of a first load (empty cache),
its bytes as sent by the server and gzip-compressed the way our server (GZipMiddleware) and a
compressing front server send them."""

from __future__ import annotations

import gzip
from collections.abc import Callable
from dataclasses import dataclass, field

from playwright.sync_api import Page, Response


@dataclass
class Transfer:
    url: str
    content_type: str
    body_bytes: int
    gzip_bytes: int
    header_bytes: int
    encoded: bool  # the server already compressed it


@dataclass
class Load:
    transfers: list[Transfer] = field(default_factory=list)

    @property
    def compressed_total(self) -> int:
        """Headers plus each body compressed (as sent when the server compressed it)."""
        return sum(t.header_bytes + t.gzip_bytes for t in self.transfers)

    @property
    def raw_total(self) -> int:
        return sum(t.header_bytes + t.body_bytes for t in self.transfers)

    def table(self) -> str:
        rows = [f"{'bytes':>8} {'gzip':>8}  url"]
        rows += [f"{t.body_bytes:>8} {t.gzip_bytes:>8}  {t.url}" for t in self.transfers]
        rows.append(f"total raw {self.raw_total} B, compressed {self.compressed_total} B")
        return "\n".join(rows)


def first_load(page: Page, go: Callable[[], object]) -> Load:
    """Record every response while ``go()`` loads a page in a context with an empty cache."""
    load = Load()
    responses: list[Response] = []

    def record(response: Response) -> None:
        responses.append(response)

    page.on("response", record)
    go()
    page.wait_for_load_state("load")
    page.remove_listener("response", record)
    for response in responses:
        if response.request.url.startswith("data:"):
            continue
        body = response.body()
        headers = response.headers_array()
        header_bytes = sum(len(h["name"]) + len(h["value"]) + 4 for h in headers) + 17
        encoded = response.header_value("content-encoding") in {"gzip", "br", "deflate"}
        load.transfers.append(
            Transfer(
                url=response.url,
                content_type=response.header_value("content-type") or "",
                body_bytes=len(body),
                gzip_bytes=len(gzip.compress(body, compresslevel=6)),
                header_bytes=header_bytes,
                encoded=encoded,
            )
        )
    return load
