"""The SM3 hash chain behind the audit trail (全程留痕).

Every entry's hash is SM3(previous hash ‖ canonical JSON of the entry), SM3 being the national
hash standard GB/T 32905-2016 (OpenSSL's implementation, through hashlib). Changing, inserting
or deleting an entry breaks the chain at that point; a head record (last seq and hash) kept
beside the log catches deletion of the newest entries.
"""

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

GENESIS = "0" * 64


def sm3_hex(data: bytes) -> str:
    return hashlib.new("sm3", data).hexdigest()


def canonical(payload: dict[str, Any]) -> bytes:
    return json.dumps(
        payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str
    ).encode()


def entry_hash(prev_hash: str, payload: dict[str, Any]) -> str:
    return sm3_hex(prev_hash.encode() + canonical(payload))


@dataclass(frozen=True)
class Link:
    seq: int
    prev_hash: str
    hash: str
    payload: dict[str, Any]


@dataclass(frozen=True)
class Problem:
    seq: int
    kind: str  # tampered | inserted | deleted | truncated
    message: str


def verify(links: Iterable[Link], head: tuple[int, str] | None) -> list[Problem]:
    """Walk the chain in seq order and say where it breaks."""
    problems: list[Problem] = []
    prev_seq, prev_hash = 0, GENESIS
    for link in links:
        if (
            link.payload.get("seq") != link.seq
            or entry_hash(link.prev_hash, link.payload) != link.hash
        ):
            problems.append(Problem(link.seq, "tampered", f"第 {link.seq} 条记录的内容被改动"))
        if link.prev_hash != prev_hash:
            if link.seq > prev_seq + 1:
                problems.append(
                    Problem(
                        link.seq,
                        "deleted",
                        f"第 {prev_seq + 1}–{link.seq - 1} 条记录被删除（第 {link.seq} 条的前序哈希不符）",
                    )
                )
            else:
                problems.append(
                    Problem(link.seq, "inserted", f"第 {link.seq} 条记录不在原链上（被插入或替换）")
                )
        elif link.seq != prev_seq + 1:
            problems.append(Problem(link.seq, "inserted", f"第 {link.seq} 条记录的序号不连续"))
        prev_seq, prev_hash = link.seq, link.hash
    if head is not None:
        head_seq, head_hash = head
        if head_seq > prev_seq:
            problems.append(
                Problem(
                    prev_seq + 1,
                    "truncated",
                    f"第 {prev_seq + 1}–{head_seq} 条记录被删除（链尾缺失）",
                )
            )
        elif head_seq < prev_seq or head_hash != prev_hash:
            problems.append(
                Problem(
                    head_seq + 1, "inserted", f"第 {head_seq + 1} 条之后的记录不是经由系统写入的"
                )
            )
    return problems
