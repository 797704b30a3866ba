"""Content encodings undone in bounded pieces, so a compression bomb never inflates at once.

httpx's own decoders inflate a whole network chunk in one call: 64 KiB of brotli can become
gigabytes before anything counts them. The decoders here produce at most `_PIECE` bytes per step,
which lets the caller count the body as it grows and stop at its size limit without ever holding
more than that limit.

`decoder_for` picks the decoder for a ``Content-Encoding`` header; a broken stream raises
`DecodeError`.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterator

import brotli

__all__ = ["DecodeError", "Decoder", "decoder_for"]

_PIECE = 64 * 1024  # the most bytes one decompression step may produce


class DecodeError(Exception):
    """The body is not valid in the encoding its Content-Encoding names."""


class Decoder:
    """One content encoding, decoded in pieces of at most `_PIECE` bytes.

    `decodes` is False when the body passes through unchanged (no encoding, or one never asked
    for): the response's Content-Encoding and Content-Length then still describe it.
    """

    decodes = True

    def feed(self, data: bytes) -> Iterator[bytes]:
        raise NotImplementedError

    def finish(self) -> Iterator[bytes]:
        return iter(())


class _Identity(Decoder):
    decodes = False

    def feed(self, data: bytes) -> Iterator[bytes]:
        if data:
            yield data


class _Zlib(Decoder):
    """gzip (several members too) or deflate (zlib-wrapped, or raw as some servers send it)."""

    def __init__(self, *, gzip: bool) -> None:
        self._gzip = gzip
        self._wbits = zlib.MAX_WBITS | 16 if gzip else zlib.MAX_WBITS
        self._inflater = zlib.decompressobj(self._wbits)
        self._first = True
        self._ended = False

    def feed(self, data: bytes) -> Iterator[bytes]:
        pending = data
        while pending and not self._ended:
            try:
                out = self._inflater.decompress(pending, _PIECE)
            except zlib.error as exc:
                if self._first and not self._gzip:  # deflate without the zlib wrapper
                    self._first = False
                    self._inflater = zlib.decompressobj(-zlib.MAX_WBITS)
                    continue
                raise DecodeError(str(exc)) from None
            self._first = False
            if out:
                yield out
            if self._inflater.eof:
                rest = self._inflater.unused_data
                if self._gzip and rest.startswith(b"\x1f\x8b"):  # another gzip member
                    self._inflater = zlib.decompressobj(self._wbits)
                    pending = rest
                    continue
                self._ended = True  # trailing bytes after the stream: ignored, as browsers do
                return
            pending = self._inflater.unconsumed_tail
        if not self._ended:
            yield from self._drain()

    def _drain(self) -> Iterator[bytes]:
        # Input consumed, output may be pending (a long match split at _PIECE): drain it.
        while True:
            out = self._inflater.decompress(b"", _PIECE)
            if not out:
                return
            yield out

    def finish(self) -> Iterator[bytes]:
        if self._ended:
            return
        try:
            out = self._inflater.flush()  # small: a truncated stream's last partial block
        except zlib.error as exc:
            raise DecodeError(str(exc)) from None
        if out:
            yield out


class _Brotli(Decoder):
    def __init__(self) -> None:
        self._inflater = brotli.Decompressor()
        self._bounded = hasattr(self._inflater, "can_accept_more_data")

    def feed(self, data: bytes) -> Iterator[bytes]:
        if not data:
            return
        try:
            if not self._bounded:  # an old binding: no output limit per step
                out = self._inflater.process(data)
                if out:
                    yield out
                return
            out = self._inflater.process(data, output_buffer_limit=_PIECE)
            if out:
                yield out
            yield from self._drain()
        except brotli.error as exc:
            raise DecodeError(str(exc) or "invalid brotli data") from None

    def _drain(self) -> Iterator[bytes]:
        # The limit is per call: what the input holds beyond it comes out of further empty calls.
        while not self._inflater.is_finished():
            out = self._inflater.process(b"", output_buffer_limit=_PIECE)
            if not out:
                if self._inflater.can_accept_more_data():
                    return  # waiting for more input
                raise DecodeError("brotli decoder made no progress")
            yield out


class _Chain(Decoder):
    """Several encodings (``Content-Encoding: gzip, br``), undone last applied first."""

    def __init__(self, decoders: list[Decoder]) -> None:
        self._decoders = decoders

    def feed(self, data: bytes) -> Iterator[bytes]:
        return self._through(0, data)

    def _through(self, index: int, data: bytes) -> Iterator[bytes]:
        if index == len(self._decoders):
            if data:
                yield data
            return
        for piece in self._decoders[index].feed(data):
            yield from self._through(index + 1, piece)

    def finish(self) -> Iterator[bytes]:
        for index, decoder in enumerate(self._decoders):
            for piece in decoder.finish():
                yield from self._through(index + 1, piece)


def decoder_for(content_encoding: str) -> Decoder:
    """The decoder of a ``Content-Encoding`` header's value (several encodings are chained)."""
    decoders: list[Decoder] = []
    for name in reversed([token.strip().lower() for token in content_encoding.split(",")]):
        if name in ("gzip", "x-gzip"):
            decoders.append(_Zlib(gzip=True))
        elif name == "deflate":
            decoders.append(_Zlib(gzip=False))
        elif name == "br":
            decoders.append(_Brotli())
        # identity, empty, or an encoding never asked for: passed through as httpx does
    if not decoders:
        return _Identity()
    return decoders[0] if len(decoders) == 1 else _Chain(decoders)
