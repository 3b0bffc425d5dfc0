"""Self-contained HTML: inlined vis-network, data embedded safely, one file per map.

pyvis 0.3.2 links CDNs for some assets even with ``cdn_resources='in_line'``, and its
template puts data values into HTML unescaped. graphtwin therefore renders its own
template (``templates/map.html``) with:

* the vis-network script and the few CSS rules it needs read from the installed pyvis
  package and inlined, so a map opens offline and no request leaves the page;
* every data value inside one JSON payload in a ``<script type="application/json">``
  block, with ``<``, ``>``, ``&`` and U+2028/U+2029 escaped so that no name can close
  the script element or break the parser; the page builds labels, tooltips, the legend
  and search results from it with ``textContent``, never with ``innerHTML``;
* the title and subtitle (also data) escaped by Jinja2's autoescape.

Example:
    >>> safe_json({"name": "</script><img src=x onerror=alert(1)>"})
    '{"name":"\\\\u003c/script\\\\u003e\\\\u003cimg src=x onerror=alert(1)\\\\u003e"}'
"""

from __future__ import annotations

import functools
import json
import math
import re
from pathlib import Path
from typing import Any

from graphtwin.errors import GraphtwinError

TEMPLATE_DIR = Path(__file__).with_name("templates")

#: vis-network version shipped inside pyvis 0.3.2 (newest of the bundled copies).
VIS_VERSION = "9.1.2"

_JSON_ESCAPES = {
    "<": "\\u003c",
    ">": "\\u003e",
    "&": "\\u0026",
    "\u2028": "\\u2028",
    "\u2029": "\\u2029",
}
_JSON_ESCAPE_RE = re.compile("[<>&\u2028\u2029]")


def _clean(value: Any) -> Any:
    """Replace NaN/inf by None and numpy scalars by Python numbers (valid, strict JSON)."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {str(k): _clean(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_clean(v) for v in value]
    if hasattr(value, "item") and callable(value.item):  # numpy scalar
        return _clean(value.item())
    return value


def safe_json(value: Any) -> str:
    """JSON text that is safe inside an HTML ``<script>`` element.

    ``<``, ``>`` and ``&`` become ``\\u003c`` etc. (still the same JSON string values),
    U+2028/U+2029 are escaped for old JavaScript parsers, NaN becomes null.

    Example:
        >>> safe_json([float("nan"), "a&b"])
        '[null,"a\\\\u0026b"]'
    """
    try:  # fast path: plain values (numpy scalars converted on the way)
        text = _dumps(value)
    except ValueError:  # NaN or infinity somewhere: clean the whole value, then retry
        text = _dumps(_clean(value))
    return _JSON_ESCAPE_RE.sub(lambda m: _JSON_ESCAPES[m.group(0)], text)


def _numpy_default(o: Any) -> Any:
    if hasattr(o, "item") and callable(o.item):
        item = o.item()
        if isinstance(item, float) and not math.isfinite(item):
            raise ValueError("non-finite number")
        return item
    if hasattr(o, "tolist"):
        return o.tolist()
    raise TypeError(f"not JSON serialisable: {type(o).__name__}")


def _dumps(value: Any) -> str:
    return json.dumps(
        value,
        ensure_ascii=False,
        separators=(",", ":"),
        allow_nan=False,
        default=_numpy_default,
    )


def _vis_dir() -> Path:
    import pyvis

    base = Path(pyvis.__file__).parent / "templates" / "lib"
    folder = base / f"vis-{VIS_VERSION}"
    if not folder.is_dir():
        found = sorted(base.glob("vis-*"))
        if not found:
            raise GraphtwinError(
                f"vis-network not found under {base}; reinstall pyvis (pip install pyvis==0.3.2)"
            )
        folder = found[-1]
    return folder


@functools.cache
def vis_script() -> str:
    """The vis-network browser bundle from the installed pyvis package."""
    text = (_vis_dir() / "vis-network.min.js").read_text(encoding="utf-8")
    # Cannot happen with 9.1.2, but an inlined script must never contain its end tag.
    return re.sub(r"</(script)", r"<\\/\1", text, flags=re.IGNORECASE)


@functools.cache
def vis_css() -> str:
    """The vis-network CSS rules a map uses (tooltips, overlay), without the image-heavy
    rules for the configurator and manipulation toolbar, which maps do not show."""
    css = (_vis_dir() / "vis-network.css").read_text(encoding="utf-8")
    rules = re.findall(r"[^{}]+\{[^{}]*\}", css)
    keep = [
        r
        for r in rules
        if "url(" not in r
        and "vis-configuration" not in r
        and "vis-color-picker" not in r
        and "vis-manipulation" not in r
    ]
    return re.sub(r"</(style)", r"<\\/\1", "".join(keep), flags=re.IGNORECASE)


@functools.cache
def _environment():
    from jinja2 import Environment, FileSystemLoader, select_autoescape

    return Environment(
        loader=FileSystemLoader(str(TEMPLATE_DIR)),
        autoescape=select_autoescape(["html"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )


def render_page(title: str, subtitle: str, payload: dict[str, Any]) -> str:
    """The complete HTML document of a map (title, subtitle and JSON payload)."""
    from markupsafe import Markup

    template = _environment().get_template("map.html")
    return template.render(
        title=title,
        subtitle=subtitle,
        vis_js=Markup(vis_script()),
        vis_css=Markup(vis_css()),
        payload=Markup(safe_json(payload)),
    )
