"""Command line of the language server: ``charseg-lsp [--stdio | --tcp]``."""

from __future__ import annotations

import argparse
import logging
import os
import sys

from charseg_server.argtypes import parse_number
from charseg_server.lsp.logs import LEVELS, configure_stderr_logging
from charseg_server.lsp.server import __version__, create_server
from charseg_server.lsp.settings import PROVIDERS, Settings
from charseg_server.lsp.tcp import serve_one_tcp_client

logger = logging.getLogger(__name__)

DEFAULT_PORT = 2087


def build_parser() -> argparse.ArgumentParser:
    """Return the parser of the command-line options."""
    parser = argparse.ArgumentParser(
        prog="charseg-lsp",
        description=(
            "Language server that labels every character of open documents with "
            "its programming language."
        ),
    )

    transport = parser.add_mutually_exclusive_group()
    transport.add_argument(
        "--stdio",
        action="store_true",
        help="talk LSP over standard input and output (the default)",
    )
    transport.add_argument(
        "--tcp", action="store_true", help="listen for one LSP client over TCP"
    )
    parser.add_argument(
        "--host",
        default="127.0.0.1",
        help="address to listen on with --tcp (default: %(default)s)",
    )
    parser.add_argument(
        "--port",
        type=_port,
        default=DEFAULT_PORT,
        help="port to listen on with --tcp (default: %(default)s)",
    )

    parser.add_argument(
        "--model",
        metavar="PATH",
        help=(
            "ONNX model file (default: the bundled model). The setting "
            "charseg.modelPath overrides it."
        ),
    )
    parser.add_argument(
        "--provider",
        choices=PROVIDERS,
        default="auto",
        help=(
            "ONNX Runtime execution provider (default: %(default)s). The setting "
            "charseg.provider overrides it."
        ),
    )
    parser.add_argument(
        "--log-level",
        choices=LEVELS,
        default="info",
        help=(
            "level of the log on stderr and in the client's log "
            "(window/logMessage) (default: %(default)s)"
        ),
    )

    parser.add_argument(
        "--version", action="version", version=f"charseg-lsp {__version__}"
    )
    return parser


def _port(value: str) -> int:
    port = parse_number(value, int)
    if not 1 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"must be from 1 to 65535, got {port}")
    return port


def main(argv: list[str] | None = None) -> int:
    """Run the server until the client disconnects; return the exit status.

    The status is 0 after a ``shutdown`` request and 1 otherwise, as the LSP
    specification requires for ``exit``.
    """
    args = build_parser().parse_args(argv)
    configure_stderr_logging(args.log_level)
    server = create_server(Settings(model_path=args.model, provider=args.provider))
    if args.tcp:
        try:
            serve_one_tcp_client(server, args.host, args.port)
        except OSError as error:
            logger.error("cannot listen on %s:%d: %s", args.host, args.port, error)
            return 1
    else:
        server.start_io()
    status = 0 if server.shutdown_requested else 1
    if server.inference.busy:
        # An inference cannot be interrupted, and the interpreter would wait for
        # the worker thread at exit, so the process ends without waiting for it.
        logger.info("exiting while an analysis is still running")
        logging.shutdown()
        sys.stderr.flush()
        os._exit(status)
    server.inference.executor.shutdown(wait=False, cancel_futures=True)
    return status


if __name__ == "__main__":
    sys.exit(main())
