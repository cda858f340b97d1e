"""A local, faithful Telegram Bot API server for tests and demos, with a simulated user side.

The bot under test talks real HTTP to :class:`BotApiServer` (``base_url``) and gets the Bot API's
JSON objects and error answers; tests act as people through :class:`SimUser`.  See
``server.py`` for a usage example and ``sim_http.py`` for the same user side over HTTP.
"""

from .errors import ApiError
from .faults import Faults, FloodLimits, Stats
from .html import HtmlParseError, parse_html
from .server import BotApiServer
from .state import BotAccount, SimError
from .users import SimGroup, SimUser

__all__ = [
    "ApiError",
    "BotAccount",
    "BotApiServer",
    "Faults",
    "FloodLimits",
    "HtmlParseError",
    "SimError",
    "SimGroup",
    "SimUser",
    "Stats",
    "parse_html",
]
