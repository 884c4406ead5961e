"""The tier rules of both schemes, applied to a client's facts (README "Value score and tiers").

000 (strategic / core / potential / lost), first rule that holds:
1. a partner marked the client strategic -> strategic;
2. lost (the upkeep's rule: no open matter, no contact and no matter opened or closed for
   `lost_after_days`, created before that) -> lost;
3. an individual marked high-net-worth, or an enterprise / government body whose collected fees
   in the last 12 months are at least `tier_strategic_annual_fees` -> strategic;
4. annual fees at least `tier_core_annual_fees`, or a value score at least `tier_core_score` -> core;
5. otherwise potential.

004 (strategic / key / ordinary, by annual fees): marked -> strategic; lost -> lost; annual fees at
least `tier_strategic_annual_fees` -> strategic; at least `tier_key_annual_fees` -> key; else ordinary.
"""

from __future__ import annotations

from decimal import Decimal
from functools import lru_cache

from bot.flows.value.score import ClientFacts
from bot.settings import Settings
from storage.models.enums import ClientKind, Tier

SCHEMES = ("000", "004")
INDIVIDUAL = ClientKind.INDIVIDUAL.value


@lru_cache(maxsize=16)
def _decimals(*values: float) -> tuple[Decimal, ...]:
    """Thresholds as Decimals (made once per set of settings, not once per client)."""
    return tuple(Decimal(str(v)) for v in values)


def tier_000(f: ClientFacts, settings: Settings) -> Tier:
    """The 000 scheme's tier for one client."""
    if f.strategic_marked:
        return Tier.STRATEGIC
    if f.lost:
        return Tier.LOST
    fees = f.annual_fees
    strategic, core = _decimals(settings.tier_strategic_annual_fees, settings.tier_core_annual_fees)
    if f.kind == INDIVIDUAL:
        if f.high_net_worth:
            return Tier.STRATEGIC
    elif fees >= strategic:
        return Tier.STRATEGIC
    if fees >= core or f.score >= settings.tier_core_score:
        return Tier.CORE
    return Tier.POTENTIAL


def tier_004(f: ClientFacts, settings: Settings) -> Tier:
    """The 004 scheme's tier for one client."""
    if f.strategic_marked:
        return Tier.STRATEGIC
    if f.lost:
        return Tier.LOST
    strategic, key = _decimals(settings.tier_strategic_annual_fees, settings.tier_key_annual_fees)
    if f.annual_fees >= strategic:
        return Tier.STRATEGIC
    if f.annual_fees >= key:
        return Tier.KEY
    return Tier.ORDINARY


def tier_of(f: ClientFacts, settings: Settings, *, scheme: str | None = None) -> Tier:
    """The tier the configured (or given) scheme gives a client."""
    return tier_004(f, settings) if (scheme or settings.tier_scheme) == "004" else tier_000(f, settings)
