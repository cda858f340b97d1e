"""Files people send to the bot, through the local Bot API server: real HTTP, a real PTB bot.

A person sends a document or a photo (``SimUser.send_document`` / ``send_photo``); the bot gets
the Document or PhotoSize objects in its update and downloads the bytes with getFile and
``/file/bot<token>/<file_path>``, under Telegram's rules: 20 MB at most for a bot to download
("file is too big" above), a file_id usable only by the bot that got it ("invalid file_id").
"""

from __future__ import annotations

import base64
import hashlib
import os
import struct
import zlib
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest
from telegram import Bot, Update
from telegram.error import BadRequest
from telegram.ext import ApplicationBuilder, ContextTypes, MessageHandler, filters

from bot_api_server import BotApiServer, SimError

TOKEN = "123456:TEST-token_abc"
OTHER_TOKEN = "654321:OTHER-token_xyz"
MB = 1024 * 1024


class FakeClock:
    """A settable clock for the server's ``date`` fields."""

    def __init__(self, now: float = 1_750_000_000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
async def server(clock: FakeClock) -> AsyncIterator[BotApiServer]:
    async with BotApiServer(clock=clock) as srv:
        srv.add_bot(TOKEN)
        yield srv


@pytest.fixture
async def http() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as session:
        yield session


@pytest.fixture
async def bot(server: BotApiServer) -> AsyncIterator[Bot]:
    # base_file_url is needed: PTB does not derive it from base_url (see server.py).
    async with Bot(TOKEN, base_url=server.base_url, base_file_url=server.base_file_url) as ptb:
        yield ptb


class Api:
    """Minimal raw Bot API client: returns (HTTP status, JSON body)."""

    def __init__(self, server: BotApiServer, session: aiohttp.ClientSession) -> None:
        self.server = server
        self.session = session

    async def __call__(
        self, method: str, token: str = TOKEN, **params: Any
    ) -> tuple[int, dict[str, Any]]:
        url = f"{self.server.base_url}{token}/{method}"
        async with self.session.post(url, json=params) as response:
            return response.status, await response.json()

    async def ok(self, method: str, token: str = TOKEN, **params: Any) -> Any:
        status, body = await self(method, token, **params)
        assert status == 200 and body["ok"], body
        return body["result"]

    async def error(self, method: str, token: str = TOKEN, **params: Any) -> tuple[int, str]:
        status, body = await self(method, token, **params)
        assert not body["ok"] and body["error_code"] == status, body
        return status, body["description"]

    async def download(self, file_path: str, token: str = TOKEN) -> tuple[int, bytes]:
        url = f"{self.server.base_file_url}{token}/{file_path}"
        async with self.session.get(url) as response:
            return response.status, await response.read()


@pytest.fixture
def api(server: BotApiServer, http: aiohttp.ClientSession) -> Api:
    return Api(server, http)


def sha256(data: bytes | bytearray) -> str:
    return hashlib.sha256(data).hexdigest()


def pdf_bytes(size: int) -> bytes:
    """``size`` bytes that start like a PDF and do not compress (random body)."""
    head = b"%PDF-1.7\n"
    return head + os.urandom(size - len(head))


def png(width: int, height: int) -> bytes:
    """A valid PNG image of the given size."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    pixels = zlib.compress(b"".join(b"\0" + b"\x7f" * width for _ in range(height)))
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


async def last_message(api: Api, token: str = TOKEN) -> dict[str, Any]:
    """The message of the bot's latest update, as getUpdates gives it (raw JSON)."""
    updates = await api.ok("getUpdates", token)
    assert updates, "no update"
    message: dict[str, Any] = updates[-1]["message"]
    return message


# -- documents -----------------------------------------------------------------------------


async def test_a_pdf_sent_by_a_user_reaches_the_bot_and_downloads_byte_for_byte(
    server: BotApiServer, bot: Bot, api: Api, clock: FakeClock
) -> None:
    lan = server.user(1001, "Lan")
    await lan.start()
    data = pdf_bytes(50 * 1024)
    sent = await lan.send_document(data, "bao-cao-thang-5.pdf", caption="Báo cáo tháng 5")

    updates = await bot.get_updates()
    message = updates[-1].message
    assert message is not None and message.document is not None
    document = message.document
    assert message.message_id == sent["message_id"] and message.caption == "Báo cáo tháng 5"
    assert document.file_name == "bao-cao-thang-5.pdf"
    assert document.mime_type == "application/pdf"  # guessed from the name
    assert document.file_size == len(data)
    assert document.file_id and document.file_unique_id
    raw = await last_message(api)
    assert raw["document"] == sent["document"]
    assert set(raw["document"]) == {
        "file_id",
        "file_unique_id",
        "file_name",
        "mime_type",
        "file_size",
    }

    file = await bot.get_file(document.file_id)
    assert file.file_id == document.file_id and file.file_unique_id == document.file_unique_id
    assert file.file_size == len(data)
    assert file.file_path is not None
    assert file.file_path.startswith(f"{server.base_file_url}{TOKEN}/documents/")
    assert file.file_path.endswith(".pdf")
    assert sha256(await file.download_as_bytearray()) == sha256(data)

    # "It is guaranteed that the link will be valid for at least 1 hour."
    clock.now += 3600 + 60
    assert sha256(await file.download_as_bytearray()) == sha256(data)
    assert lan.document_bytes(sent["document"]) == data


async def test_a_25_mb_document_arrives_but_the_bot_cannot_download_it(
    server: BotApiServer, bot: Bot, api: Api
) -> None:
    lan = server.user(1001, "Lan")
    await lan.start()
    big = await lan.send_document(b"\0" * (25 * MB), "ho-so-scan.pdf")

    updates = await bot.get_updates()
    message = updates[-1].message
    assert message is not None and message.document is not None
    assert message.document.file_size == 25 * MB
    assert message.document.file_id == big["document"]["file_id"]

    assert await api.error("getFile", file_id=big["document"]["file_id"]) == (
        400,
        "Bad Request: file is too big",
    )
    with pytest.raises(BadRequest, match="(?i)file is too big"):
        await bot.get_file(message.document.file_id)
    # Its path was never given to the bot, so there is nothing at it either.
    stored = server.world.files.get(big["document"]["file_id"])
    assert stored is not None
    assert (await api.download(stored.file_path))[0] == 404


async def test_the_20_mb_limit_is_20_mib_inclusive(server: BotApiServer, api: Api) -> None:
    lan = server.user(1001, "Lan")
    await lan.start()
    at_limit = await lan.send_document(b"\1" * (20 * MB), "vua-du.bin")
    over = await lan.send_document(b"\1" * (20 * MB + 1), "qua-mot-byte.bin")
    await api.ok("getUpdates")  # the bot receives both

    file = await api.ok("getFile", file_id=at_limit["document"]["file_id"])
    assert file["file_size"] == 20 * MB and file["file_path"].endswith(".bin")
    assert await api.error("getFile", file_id=over["document"]["file_id"]) == (
        400,
        "Bad Request: file is too big",
    )


async def test_unknown_and_missing_file_ids_answer_400(
    server: BotApiServer, bot: Bot, api: Api
) -> None:
    assert await api.error("getFile", file_id="nope") == (400, "Bad Request: invalid file_id")
    forged = "BQACAgIAAxkBAAIBY2Zt" + "A" * 40
    assert await api.error("getFile", file_id=forged) == (400, "Bad Request: invalid file_id")
    assert await api.error("getFile") == (400, "Bad Request: file_id not specified")
    with pytest.raises(BadRequest, match="(?i)invalid file_id"):
        await bot.get_file("nope")
    assert (await api.download("documents/file_nope.pdf"))[0] == 404


async def test_mime_type_caption_entities_and_replies(server: BotApiServer, api: Api) -> None:
    lan = server.user(1001, "Lan")
    await lan.start()
    prompt = await api.ok("sendMessage", chat_id=1001, text="Gửi báo cáo giúp tôi")

    sheet = await lan.send_document(
        b"PK\3\4 xlsx", "tong-hop.xlsx", caption="#baocao gửi @dondoc_bot", reply_to=prompt
    )
    message = await last_message(api)
    assert message["document"]["mime_type"] == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    assert message["reply_to_message"]["message_id"] == prompt["message_id"]
    assert message["caption_entities"] == [
        {"type": "hashtag", "offset": 0, "length": 7},
        {"type": "mention", "offset": 12, "length": 11},
    ]
    assert message == sheet

    unknown = await lan.send_document(b"raw", "du-lieu.zzq")
    assert unknown["document"]["mime_type"] == "application/octet-stream"
    given = await lan.send_document(b"a;b\n", "bang.txt", "text/csv")
    assert given["document"]["mime_type"] == "text/csv"

    with pytest.raises(SimError, match="empty"):
        await lan.send_document(b"", "rong.pdf")
    with pytest.raises(SimError, match="caption"):
        await lan.send_document(b"x", "a.txt", caption="x" * 1025)


# -- file_ids are per bot --------------------------------------------------------------------


async def test_a_file_id_works_only_for_the_bot_that_got_it(server: BotApiServer, api: Api) -> None:
    server.add_bot(OTHER_TOKEN, username="other_bot")
    lan = server.user(1001, "Lan", bot=TOKEN)
    await lan.start()
    sent = await lan.send_document(pdf_bytes(2048), "rieng.pdf")
    file_id = sent["document"]["file_id"]
    await api.ok("getUpdates")

    mine = await api.ok("getFile", file_id=file_id)
    assert await api.error("getFile", OTHER_TOKEN, file_id=file_id) == (
        400,
        "Bad Request: invalid file_id",
    )
    await server.user(1001, bot=OTHER_TOKEN).start()
    assert await api.error("sendDocument", OTHER_TOKEN, chat_id=1001, document=file_id) == (
        400,
        "Bad Request: wrong file identifier/HTTP URL specified",
    )
    assert (await api.download(mine["file_path"], OTHER_TOKEN))[0] == 404
    assert await api.download(mine["file_path"]) == (200, lan.document_bytes(sent["document"]))

    # In a group both bots get the message, so both may download it; file_unique_id is shared.
    minh = server.user(1002, "Minh", bot=TOKEN)
    bots = [server.bot(TOKEN), server.bot(OTHER_TOKEN)]
    group = server.world.create_group("Tổ công tác", [lan.record, minh.record], bots)
    shared = await minh.send_document(b"group file", "chung.txt", chat=group)
    first = await api.ok("getFile", file_id=shared["document"]["file_id"])
    second = await api.ok("getFile", OTHER_TOKEN, file_id=shared["document"]["file_id"])
    assert first["file_unique_id"] == second["file_unique_id"]
    assert (await api.download(second["file_path"], OTHER_TOKEN)) == (200, b"group file")


# -- photos and other media ----------------------------------------------------------------


async def test_a_photo_sent_by_a_user_can_be_downloaded(
    server: BotApiServer, bot: Bot, api: Api
) -> None:
    lan = server.user(1001, "Lan")
    await lan.start()
    image = png(640, 480)
    sent = await lan.send_photo(image, caption="Ảnh hiện trường")

    updates = await bot.get_updates()
    message = updates[-1].message
    assert message is not None and message.photo and message.caption == "Ảnh hiện trường"
    largest = message.photo[-1]
    assert (largest.width, largest.height, largest.file_size) == (640, 480, len(image))
    assert largest.file_id == sent["photo"][-1]["file_id"]

    file = await bot.get_file(largest.file_id)
    assert file.file_path is not None and "/photos/" in file.file_path
    assert sha256(await file.download_as_bytearray()) == sha256(image)
    # A photo's file_id is not a document's.
    assert await api.error("sendDocument", chat_id=1001, document=largest.file_id) == (
        400,
        "Bad Request: type of file mismatch",
    )
    with pytest.raises(SimError, match="PNG, GIF or JPEG"):
        await lan.send_photo(b"not an image")


@pytest.mark.parametrize(
    ("kind", "magic"),
    [("photo", b"\xff\xd8"), ("sticker", b"RIFF"), ("voice", b"OggS"), ("document", b"%PDF")],
)
async def test_send_media_sends_small_real_files(
    server: BotApiServer, api: Api, kind: str, magic: bytes
) -> None:
    lan = server.user(1001, "Lan")
    await lan.start()
    sent = await lan.send_media(kind)
    message = await last_message(api)
    assert message == sent and "text" not in message
    media = message[kind][-1] if kind == "photo" else message[kind]
    file = await api.ok("getFile", file_id=media["file_id"])
    assert file["file_size"] == media["file_size"]
    status, data = await api.download(file["file_path"])
    assert status == 200 and data.startswith(magic) and data == lan.document_bytes(media)


# -- end to end ------------------------------------------------------------------------------


async def test_a_ptb_application_downloads_what_a_user_sends(server: BotApiServer) -> None:
    async def on_document(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        message = update.message
        assert message is not None and message.document is not None
        file = await message.document.get_file()
        data = await file.download_as_bytearray()
        await message.reply_text(f"{len(data)} {sha256(data)}")

    app = (
        ApplicationBuilder()
        .token(TOKEN)
        .base_url(server.base_url)
        .base_file_url(server.base_file_url)
        .build()
    )
    app.add_handler(MessageHandler(filters.Document.ALL, on_document))
    lan = server.user(1001, "Lan")
    data = pdf_bytes(50 * 1024)
    async with app:
        await app.start()
        assert app.updater is not None
        await app.updater.start_polling(poll_interval=0, timeout=1)
        try:
            await lan.send_document(data, "bao-cao.pdf")
            reply = await lan.wait_for_message(timeout=10)
            assert reply["text"] == f"{len(data)} {sha256(data)}"
        finally:
            await app.updater.stop()
            await app.stop()


async def test_sending_a_document_over_the_sim_http_api(
    server: BotApiServer, api: Api, http: aiohttp.ClientSession
) -> None:
    await server.user(1001, "Lan").start()
    data = pdf_bytes(4096)
    body = {
        "data_base64": base64.b64encode(data).decode(),
        "file_name": "qua-http.pdf",
        "caption": "Gửi qua HTTP",
    }
    async with http.post(f"{server.url}/_sim/users/1001/send_document", json=body) as response:
        sent = (await response.json())["result"]
    assert sent["document"]["file_name"] == "qua-http.pdf" and sent["caption"] == "Gửi qua HTTP"
    file = await api.ok("getFile", file_id=(await last_message(api))["document"]["file_id"])
    assert await api.download(file["file_path"]) == (200, data)
    photo = {"data_base64": base64.b64encode(png(30, 20)).decode()}
    async with http.post(f"{server.url}/_sim/users/1001/send_photo", json=photo) as response:
        assert (await response.json())["result"]["photo"][-1]["width"] == 30
    bad = {"data_base64": "***", "file_name": "x.pdf"}
    async with http.post(f"{server.url}/_sim/users/1001/send_document", json=bad) as response:
        assert response.status == 400
