"""The SM3 hash chain behind the audit trail (全程留痕).

Every entry's hash is SM3(previous hash ‖ canonical JSON of the entry), SM3 being the national
hash standard GB/T 32905-2016 (OpenSSL's implementation, through hashlib). Changing, inserting
or deleting an entry breaks the chain at that point; a head record (last seq and hash) kept
beside the log catches deletion of the newest entries.

That head lives in the same database, so whoever can write the log can recompute the whole
chain. Checkpoints close that gap: a (seq, hash) pair noted outside the database (by hand, or
exported to an append-only file or syslog, optionally with an HMAC-SM3 under a key the database
never sees) must still be part of the chain, and SM3 makes every hash commit to all entries
before it.
"""

import datetime as dt
import hashlib
import hmac
import json
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

GENESIS = "0" * 64


def sm3_hex(data: bytes) -> str:
    return hashlib.new("sm3", data).hexdigest()


def hmac_sm3(key: bytes, data: bytes) -> str:
    """HMAC (RFC 2104, GM/T 0042-2015) over SM3, block size 64."""
    return hmac.new(key, data, "sm3").hexdigest()


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
    kind: str  # tampered | inserted | deleted | truncated | checkpoint | mac
    message: str


@dataclass(frozen=True)
class Checkpoint:
    """An entry's hash noted outside the database; `source` says where (for messages)."""

    seq: int
    hash: str
    source: str = "检查点"


_HASH = re.compile(r"[0-9a-f]{64}")


def is_hash(text: str) -> bool:
    return _HASH.fullmatch(text) is not None


def parse_checkpoint(text: str, source: str = "检查点") -> Checkpoint:
    """`SEQ:HASH` (full 64-digit SM3 hash); ValueError with a Chinese message otherwise."""
    seq, sep, digest = text.strip().partition(":")
    digest = digest.strip().lower()
    if not sep or not seq.strip().isdigit() or int(seq) < 1 or not _HASH.fullmatch(digest):
        raise ValueError(f"{source}“{text}”格式不对，应为 序号:64位十六进制哈希")
    return Checkpoint(int(seq), digest, source)


# --- head export lines: "<UTC time> <seq> <hash> [<HMAC-SM3>]" ---------------------------------


def head_message(at: str, seq: int, digest: str) -> bytes:
    """What the MAC of an exported head covers: time, seq and hash."""
    return f"gongkai-audit-head\n{at}\n{seq}\n{digest}".encode()


def export_line(at: dt.datetime, seq: int, digest: str, key: bytes | None) -> str:
    stamp = at.astimezone(dt.UTC).replace(microsecond=0).strftime("%Y-%m-%dT%H:%M:%SZ")
    fields = [stamp, str(seq), digest]
    if key:
        fields.append(hmac_sm3(key, head_message(stamp, seq, digest)))
    return " ".join(fields)


@dataclass(frozen=True)
class ExportLine:
    number: int
    at: str
    checkpoint: Checkpoint
    mac: str | None


def parse_export_lines(
    lines: Iterable[str], name: str = "检查点文件"
) -> tuple[list[ExportLine], list[Problem]]:
    """Lines of an exported head file; blank lines and `#` comments are skipped."""
    parsed: list[ExportLine] = []
    problems: list[Problem] = []
    for number, raw in enumerate(lines, start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        source = f"{name}第 {number} 行"
        fields = line.split()
        try:
            if len(fields) not in (3, 4):
                raise ValueError(f"{source}格式不对，应为 时间 序号 哈希 [MAC]")
            checkpoint = parse_checkpoint(f"{fields[1]}:{fields[2]}", source)
        except ValueError as exc:
            problems.append(Problem(0, "checkpoint", str(exc)))
            continue
        parsed.append(
            ExportLine(number, fields[0], checkpoint, fields[3] if len(fields) == 4 else None)
        )
    return parsed, problems


def check_macs(lines: Sequence[ExportLine], key: bytes) -> list[Problem]:
    """Every line must carry the HMAC-SM3 of its time, seq and hash under `key`."""
    problems = []
    for line in lines:
        cp = line.checkpoint
        if line.mac is None:
            problems.append(
                Problem(cp.seq, "mac", f"{cp.source}没有 MAC（已配置密钥，每行都应带 MAC）")
            )
        elif not hmac.compare_digest(
            line.mac.lower(), hmac_sm3(key, head_message(line.at, cp.seq, cp.hash))
        ):
            problems.append(
                Problem(cp.seq, "mac", f"{cp.source}的 MAC 不符：该行被改动或伪造（或密钥不同）")
            )
    return problems


def _check_points(
    checkpoints: Sequence[Checkpoint], found: dict[int, str], last_seq: int
) -> list[Problem]:
    """Compare the noted hashes with the chain; name the span a failed checkpoint covers."""
    by_seq: dict[int, list[Checkpoint]] = defaultdict(list)
    for cp in checkpoints:
        by_seq[cp.seq].append(cp)
    problems: list[Problem] = []
    last_good = 0
    for seq in sorted(by_seq):
        actual = found.get(seq)
        for cp in by_seq[seq]:
            if actual is None:
                problems.append(
                    Problem(
                        seq,
                        "checkpoint",
                        f"{cp.source}记下的第 {seq} 条记录不存在（链上最后一条是第 {last_seq} 条）",
                    )
                )
            elif actual != cp.hash:
                problems.append(
                    Problem(
                        seq,
                        "checkpoint",
                        f"第 {seq} 条记录的哈希 {actual} 与{cp.source}记下的 {cp.hash} 不符："
                        f"第 {last_good + 1}–{seq} 条之间有记录被改写或替换（链被重算）",
                    )
                )
        if actual is not None and all(cp.hash == actual for cp in by_seq[seq]):
            last_good = seq
    return problems


def verify(
    links: Iterable[Link],
    head: tuple[int, str] | None,
    checkpoints: Sequence[Checkpoint] = (),
    after: int = 0,
) -> list[Problem]:
    """Walk the chain in seq order and say where it breaks, and which noted checkpoint it no
    longer holds. `after` > 0: `links` start at seq `after` + 1 (a walk from a checkpoint)."""
    problems: list[Problem] = []
    wanted = {cp.seq for cp in checkpoints}
    found: dict[int, str] = {}
    prev_seq, prev_hash = after, GENESIS
    for number, link in enumerate(links):
        if after and number == 0:
            # mid-chain start: the checkpoint vouches for what came before
            prev_hash = link.prev_hash
        if link.seq in wanted:
            found[link.seq] = link.hash
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
    problems.extend(_check_points(checkpoints, found, prev_seq))
    return problems
