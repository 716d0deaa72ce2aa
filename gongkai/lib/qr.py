"""QR codes drawn on the server as inline SVG (扫一扫在手机打开当前页), no external service."""

import functools

import qrcode
import qrcode.image.svg


@functools.lru_cache(maxsize=2048)
def qr_svg(text: str, label: str = "二维码") -> str:
    """An accessible SVG element encoding `text`, sized by its viewBox (scale it with CSS)."""
    image = qrcode.make(text, image_factory=qrcode.image.svg.SvgPathImage, box_size=10, border=2)
    raw = image.to_string()
    markup = raw.decode() if isinstance(raw, bytes) else str(raw)
    markup = markup[markup.index("<svg") :]
    # drop the fixed size so CSS decides; give screen readers a name
    markup = markup.replace('width="', 'data-w="', 1).replace('height="', 'data-h="', 1)
    return markup.replace("<svg ", f'<svg role="img" aria-label="{label}" ', 1)
