"""Seed 001's labels (README "Value score and tiers"), stored on the client at re-tier time.

- golden: at least `golden_min_matters` matters opened in the 12 months before as_of AND collected
  fees in those 12 months among the top `golden_top_share` of the clients who paid anything
  (rank by fees; the top ceil(share x paying clients) count);
- big (when not golden): between 1 and `big_max_matters` matters opened in the 24 months before
  as_of, with collected fees on those matters (in those 24 months) averaging at least
  `big_min_average_fees` per matter.
"""

from __future__ import annotations

import math
from decimal import Decimal

from bot.flows.value.score import Book
from bot.settings import Settings
from storage.models.enums import ValueLabel


def labels_of(book: Book, settings: Settings) -> dict[int, ValueLabel | None]:
    """Each client's label (None: neither)."""
    paying = sorted((f for f in book.facts.values() if f.annual_fees > 0),
                    key=lambda f: (-f.annual_fees, f.client_id))
    top_n = math.ceil(settings.golden_top_share * len(paying))
    bar = paying[top_n - 1].annual_fees if top_n else None   # ties with the last of the top count too
    min_average = Decimal(str(settings.big_min_average_fees))
    out: dict[int, ValueLabel | None] = {}
    for cid, f in book.facts.items():
        label: ValueLabel | None = None
        if bar is not None and f.annual_fees >= bar and f.annual_fees > 0 \
                and f.matters_12m >= settings.golden_min_matters:
            label = ValueLabel.GOLDEN
        elif 1 <= f.matters_24m <= settings.big_max_matters and f.recent_fees / f.matters_24m >= min_average:
            label = ValueLabel.BIG
        out[cid] = label
    return out
