"""Errors as one line for the person at the terminal: the cause, then the fix. Pure."""

from __future__ import annotations

from archiver.errors import StoreError


def store_line(exc: StoreError) -> str:
    """'错误：存档无法读写：<cause>。解决：<fix>'.

    >>> store_line(StoreError("cannot write /a/b: Permission denied", hint="让 /a 可写"))
    '错误：存档无法读写：cannot write /a/b: Permission denied。解决：让 /a 可写'
    """
    fix = f"。解决：{exc.hint}" if exc.hint else ""
    return f"错误：存档无法读写：{exc}{fix}"


def internal_line(exc: BaseException) -> str:
    """An unexpected error: its type and first line, and how to see the rest.

    >>> internal_line(ValueError("bad\\nmore"))
    '内部错误：ValueError: bad（加 --debug 重新运行可看到完整的调用栈，请附在问题报告中）'
    """
    first = str(exc).splitlines()[0] if str(exc) else ""
    what = f"{type(exc).__name__}: {first}".rstrip(": ")
    return f"内部错误：{what}（加 --debug 重新运行可看到完整的调用栈，请附在问题报告中）"
