"""RTF attachments, whatever they are named (old Word and WPS templates save rich text as
.doc): known by their bytes and read, tables included (pure)."""

from __future__ import annotations

import pytest

from archiver.models import ListStatus
from archiver.partners import AliasTable, extract
from archiver.partners.documents import kind_of
from tests.test_partners_documents import aliases, capture, response

__all__ = ["aliases"]  # the module's fixture, shared

ROWS = [
    ("京东科技信息技术有限公司", "平台运营机构"),
    ("度小满科技（北京）有限公司", "平台运营机构"),
    ("重庆京东融资担保有限公司", "增信服务机构"),
]


def _unicode(text: str) -> str:
    r"""Text as Word writes it in RTF: \uN? with N a signed 16-bit number."""
    out = []
    for char in text:
        code = ord(char)
        out.append(char if code < 128 else f"\\u{code - 65536 if code > 32767 else code}?")
    return "".join(out)


def _gbk(text: str) -> str:
    r"""Text as WPS writes it in RTF: \'xx escapes of its GBK bytes."""
    return "".join(
        char if ord(char) < 128 else "".join(f"\\'{b:02x}" for b in char.encode("gbk"))
        for char in text
    )


def rich_text(escape: str) -> bytes:
    """A Word-style RTF: a title paragraph, a ruled table, a note after it."""
    encode = _unicode if escape == "unicode" else _gbk
    row = (
        r"\trowd\trgaph108\clbrdrt\brdrs\cellx900\clbrdrt\brdrs\cellx6300\clbrdrt\brdrs"
        r"\cellx8500\pard\intbl {}\cell\pard\intbl {}\cell\pard\intbl {}\cell\row"
    )
    lines = [
        r"{\rtf1\ansi\ansicpg936\deff0{\fonttbl{\f0\fnil\fcharset134 \'cb\'ce\'cc\'e5;}}",
        r"\viewkind4\uc1\pard\qc\b\fs32 " + encode("互联网助贷业务合作机构名单") + r"\b0\par",
        row.replace("{}", "%s") % tuple(map(encode, ("序号", "合作机构名称", "合作类别"))),
    ]
    for number, (name, kind) in enumerate(ROWS, 1):
        lines.append(row.replace("{}", "%s") % (number, encode(name), encode(kind)))
    lines.append(r"\pard " + encode("备注：本名单自2025年10月1日起生效。") + r"\par}")
    return "\n".join(lines).encode("ascii")


@pytest.mark.parametrize("escape", ["unicode", "gbk"])
@pytest.mark.parametrize(
    ("name", "media_type"),
    [("名单.doc", "application/msword"), ("名单.rtf", "application/rtf"), ("down.jsp", "")],
)
def test_an_rtf_file_is_read_whatever_its_name_says(
    aliases: AliasTable, escape: str, name: str, media_type: str
) -> None:
    attachment = response(name, rich_text(escape), media_type)
    assert kind_of(attachment) == "rtf"
    result = extract(capture(attachment), aliases=aliases)
    assert result.list_status is ListStatus.OK
    assert [(p.name, p.category_raw) for p in result.partners] == ROWS


def test_a_binary_word_97_file_is_still_unparseable_with_a_note(aliases: AliasTable) -> None:
    """Only the bytes decide: an OLE2 .doc is Word 97, which is not read."""
    ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + "WordDocument".encode("utf-16-le") + bytes(512)
    result = extract(capture(response("名单.doc", ole, "application/msword")), aliases=aliases)
    assert result.list_status is ListStatus.UNPARSEABLE
    assert "Word 97-2003" in result.list_note
