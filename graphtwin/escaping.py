"""Escaping text for where it is shown: terminals and spreadsheets.

* :func:`terminal_safe`: control characters (ESC, BEL, CR, backspace...), bidirectional
  overrides and line separators shown escaped (``\\x1b``), so that data can never move
  the cursor, recolour or rewrite a terminal.
* :func:`csv_safe_text`: the OWASP rule against CSV formula injection: a text cell that
  starts with ``=``, ``+``, ``-``, ``@``, tab or carriage return gets a leading
  apostrophe, so a spreadsheet shows it as text instead of running it. Apply it to text
  only: numbers (negative ones too) must stay numbers.

Example:
    >>> terminal_safe("Evil\\x1b[31mRed\\x07")
    'Evil\\\\x1b[31mRed\\\\x07'
    >>> csv_safe_text("=cmd|' /C calc'!A0"), csv_safe_text("Belfast")
    ("'=cmd|' /C calc'!A0", 'Belfast')
"""

from __future__ import annotations

import re

#: First characters that make a spreadsheet read a text cell as a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

_ESCAPES = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}
#: Characters never sent raw to a terminal: C0/C1 controls, bidi overrides, separators.
_UNSAFE = re.compile(r"[\x00-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029]")


def terminal_safe(text: str) -> str:
    """``text`` with control characters escaped, safe to print on a terminal."""
    return _UNSAFE.sub(lambda m: _ESCAPES.get(m[0]) or _escape(m[0]), text)


def csv_safe_text(text: str) -> str:
    """A text cell neutralised for spreadsheets (leading apostrophe if formula-like)."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def _escape(ch: str) -> str:
    code = ord(ch)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"
