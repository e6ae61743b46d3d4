"""What customers know from the company itself: who reads a notice, a consent question or a message.

A notice reaches the share of its channel (``behavior.notice``); only its readers are *informed*. Readers
offered no choice judge what they read as they would a story (outrage w·x·c against their tolerance,
docs/model.md §5, §8); readers asked a question answer it.
The rest know nothing until something else tells them: a story, word of mouth, a later notice.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from privsim.model.discovery import learn
from privsim.model.rng import Decision

if TYPE_CHECKING:
    from privsim.model.engine import Replication

F32 = np.float32
NOTICE_SALT = 0x707E


def readers(eng: Replication, key: int, day: int, idx: np.ndarray, attention: float) -> np.ndarray:
    """Which of customers ``idx`` read a message that a share ``attention`` reads (one draw each)."""
    if attention >= 1.0:
        return np.ones(idx.size, dtype=bool)
    return eng.uniform(Decision.NOTICE, key, day)[idx] < F32(attention)


def inform(eng: Replication, k: int, read: np.ndarray, day: int, judge: bool = True) -> None:
    """Customers ``read`` now know of flow k from the company: they feel it and, offered no choice, judge it.

    A reader asked a question answers it (the consent stage); ``judge=False`` then.
    """
    if read.size == 0:
        return
    eng.practices.informed[k, read] = True
    eng.practices.refresh(read)
    f, source = eng.flows[k], eng.backlash.sources[k]
    if judge and f.x > 0 and f.mode != "opt_in":
        fresh = read[~source.aware[read]]
        eng.backlash.track(source)
        learn(eng, source, fresh, eng.backlash.told(source, fresh, day), day, all_at_once=False)


def tell(eng: Replication, k: int, idx: np.ndarray, channel: str, day: int, salt: int = 0) -> np.ndarray:
    """A notice of flow k by ``channel`` to customers ``idx``: its readers are informed."""
    read = idx[readers(eng, eng.flows[k].key ^ NOTICE_SALT ^ salt, day, idx, getattr(eng.b.notice, channel))]
    inform(eng, k, read, day)
    return read
