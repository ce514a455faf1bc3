"""The TCP transport: one client per server process.

pygls's own TCP server accepts any number of connections but keeps one
protocol object, so a second client would take over the first one's
notifications. This transport serves the first client and closes every later
connection at once.
"""

from __future__ import annotations

import asyncio
import logging
import threading

from pygls.io_ import run_async
from pygls.server import JsonRPCServer

logger = logging.getLogger(__name__)


def serve_one_tcp_client(server: JsonRPCServer, host: str, port: int) -> None:
    """Listen on ``host:port`` and serve the first client until it disconnects.

    Raises ``OSError`` if the address cannot be bound.
    """
    # NOTE: pygls's shutdown() reads the private _stop_event and _server set
    # here, so a pygls upgrade must keep those names.
    server._stop_event = threading.Event()
    exit_codes: list[object] = []
    try:
        asyncio.run(_serve(server, host, port, exit_codes))
    except asyncio.CancelledError:
        logger.debug("the TCP server was cancelled")
    if exit_codes:
        raise SystemExit(exit_codes[0])


async def _serve(
    server: JsonRPCServer, host: str, port: int, exit_codes: list[object]
) -> None:
    """Serve the first client and append the status of its ``exit`` to ``exit_codes``.

    The ``exit`` handler raises ``SystemExit``, which asyncio would report as an
    unhandled exception of the connection callback, so it is caught here and
    raised again once the event loop has closed.
    """
    connected = False

    async def on_connect(
        reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> None:
        nonlocal connected
        peer = writer.get_extra_info("peername")
        if connected:
            logger.warning("closed a second connection from %s: one client only", peer)
            writer.close()
            return
        connected = True
        logger.info("client connected from %s", peer)
        server.protocol.set_writer(writer)
        try:
            await run_async(
                stop_event=server._stop_event,
                reader=reader,
                protocol=server.protocol,
                logger=logger,
                error_handler=server._report_server_error,
            )
        except ConnectionError as error:
            logger.warning("the connection from %s failed: %s", peer, error)
        except SystemExit as exit_:
            exit_codes.append(exit_.code)
        server.shutdown()

    server._server = await asyncio.start_server(on_connect, host, port)
    addresses = ", ".join(str(sock.getsockname()) for sock in server._server.sockets)
    logger.info("listening on %s", addresses)
    async with server._server:
        await server._server.serve_forever()
