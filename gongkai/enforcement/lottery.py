"""`sha256-rank-v1`, the auditable draw of 双随机、一公开 (issue 21; auditable randomness is our
design, not law — spec §6). Pure Python, no Django, so anyone can re-run it from what is published.

1. Before the draw a secret 64-hex `seed` is fixed and `sha256(seed)` published (commitment).
2. Targets are ranked by `sha256(f"{seed}|T|{key}")` in ascending hex (key = 统一社会信用代码);
   the first `ceil(len(pool) × ratio / 100)` are drawn.
3. For each drawn target, in that order, inspectors are ranked by
   `sha256(f"{seed}|I|{target}|{cert_no}")`; recused pairs are skipped; the first N are taken.
"""

import hashlib
import math
from collections.abc import Iterable
from decimal import Decimal

ALGORITHM = "sha256-rank-v1"


class NotEnoughInspectors(ValueError):
    """Fewer eligible inspectors than required for a target (after 回避)."""


def _h(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def sample_size(pool: int, ratio_percent: Decimal) -> int:
    return min(pool, math.ceil(Decimal(pool) * Decimal(ratio_percent) / 100))


def draw(
    seed: str,
    targets: Iterable[str],
    inspectors: Iterable[str],
    recusals: set[tuple[str, str]],
    ratio_percent: Decimal,
    per_target: int,
) -> list[tuple[str, list[str]]]:
    """[(target key, [cert_no, …]), …] in draw order."""
    pool = sorted(set(targets), key=lambda k: (_h(f"{seed}|T|{k}"), k))
    certs = sorted(set(inspectors))
    out = []
    for key in pool[: sample_size(len(pool), ratio_percent)]:
        ranked = sorted(certs, key=lambda c: (_h(f"{seed}|I|{key}|{c}"), c))
        chosen = [c for c in ranked if (key, c) not in recusals][:per_target]
        if len(chosen) < per_target:
            raise NotEnoughInspectors(f"对象 {key} 回避后可选检查人员不足 {per_target} 名")
        out.append((key, chosen))
    return out
