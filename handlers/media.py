"""Images, voice, video, files, locations and links: each gets a clear answer, and nothing changes.

Reply understanding reads words only; an image is not yet kept as evidence (佐证材料), so the
person is told how to report in words instead of the message passing unanswered.
"""
from bot.router import Message, Router
from bot.texts import IMAGE_NOT_KEPT, NOT_TEXT, VOICE_NOT_READ

router = Router("media")


@router.image()
def image_not_kept(msg: Message) -> str:
    """An image (its MediaId in ``msg.inbound.media_id``): not stored; how to report in words."""
    return IMAGE_NOT_KEPT


@router.on("voice")
def voice_not_read(msg: Message) -> str:
    return VOICE_NOT_READ


@router.media()
def other_media(msg: Message) -> str:
    """Video, file, location, link, and any message kind WeCom adds later."""
    return NOT_TEXT
