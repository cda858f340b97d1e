"""Run the server standalone: ``python -m bot_api_server --port 8081 --token 123:ABC``.

Prints the Bot API base URL (give it to the bot as ``base_url``) and serves until interrupted;
drive the people through the ``/_sim`` HTTP API (see ``sim_http.py``).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib

from .server import BotApiServer


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """Command-line options."""
    parser = argparse.ArgumentParser(prog="python -m bot_api_server", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8081)
    parser.add_argument(
        "--token", action="append", required=True, help="bot token (repeat for several bots)"
    )
    parser.add_argument("--username", default="dondoc_bot", help="username of the first bot")
    parser.add_argument("--first-name", default="Đôn đốc", help="first name of the bots")
    return parser.parse_args(argv)


async def serve(args: argparse.Namespace) -> None:
    """Start the server, print its URLs and wait forever."""
    server = BotApiServer(args.host, args.port)
    for index, token in enumerate(args.token):
        username = args.username if index == 0 else f"{args.username}{index + 1}"
        server.add_bot(token, username=username, first_name=args.first_name)
    async with server:
        print(f"Bot API base URL: {server.base_url}", flush=True)
        print(f"File base URL:    {server.base_file_url}", flush=True)
        print(f"User side:        {server.url}/_sim/", flush=True)
        await asyncio.Event().wait()


def main(argv: list[str] | None = None) -> None:
    """Entry point."""
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(serve(parse_args(argv)))


if __name__ == "__main__":
    main()
