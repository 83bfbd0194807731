"""Voice, video, locations and links: each gets a clear answer, and nothing changes.

Reply understanding reads words only. Images and files are kept as evidence photos
(``handlers.photos``); the other kinds are told what the bot can take instead.
"""
from bot.router import Message, Router
from bot.texts import LOCATION_NOT_KEPT, NOT_TEXT, VIDEO_NOT_KEPT, VOICE_NOT_READ

router = Router("media")


@router.on("voice")
def voice_not_read(msg: Message) -> str:
    return VOICE_NOT_READ


@router.on("video")
def video_not_kept(msg: Message) -> str:
    return VIDEO_NOT_KEPT


@router.on("location")
def location_not_kept(msg: Message) -> str:
    return LOCATION_NOT_KEPT


@router.media()
def other_media(msg: Message) -> str:
    """A link, and any message kind WeCom adds later."""
    return NOT_TEXT
