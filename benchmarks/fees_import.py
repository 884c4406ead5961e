"""`lawcrm fees import` at scale: N invoice and payment rows (GB18030 CSV) on 10,000 matters.

Runs a dry run, the import, and the same import again (which must add nothing), and prints the
counts and the wall time of each. Usage:
    python -m benchmarks.fees_import sqlite:////tmp/fees_bench.db 100000
    python -m benchmarks.fees_import postgresql+psycopg://127.0.0.1:5432/lawcrm_fees_bench 100000
"""

from __future__ import annotations

import random
import sys
import tempfile
import time
from datetime import UTC, date, datetime
from pathlib import Path

from sqlalchemy import insert

from benchmarks.bench_db import prepare_database
from bot.flows.value.fee_import import import_fees
from storage.models import Client, Matter

TODAY = date(2026, 11, 23)
MATTERS = 10_000


def write_export(path: Path, rows: int) -> None:
    """A billing export with Chinese headers; dates fall in 2026 up to a few days after TODAY."""
    rnd = random.Random(1)
    with path.open("w", encoding="gb18030") as fh:
        fh.write("案号,类型,金额,日期,发票号\n")
        for i in range(rows):
            fh.write(f"2026-LIT-{rnd.randrange(MATTERS):05d},{rnd.choice(['开票', '收款'])},"
                     f"{rnd.randrange(1, 10**6)}.00,2026-{rnd.randrange(1, 12):02d}-{rnd.randrange(1, 28):02d},"
                     f"INV-{i}\n")


def main(url: str, rows: int) -> None:
    """Seed the matters, then time the three runs."""
    engine, _keys = prepare_database(url, tag="fees", reuse=False)
    with engine.begin() as conn:
        conn.execute(insert(Client), [{"kind": "enterprise", "name": f"Client {i}", "tier": "core",
                                       "status": "active"} for i in range(MATTERS // 5)])
        conn.execute(insert(Matter), [{"number": f"2026-LIT-{i:05d}", "client_id": i % (MATTERS // 5) + 1,
                                       "practice_area": "lit_civil", "status": "open",
                                       "opened_at": datetime(2025, 1, 1, tzinfo=UTC)} for i in range(MATTERS)])
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "fees.csv"
        write_export(path, rows)
        for apply in (False, True, True):
            started = time.monotonic()
            report = import_fees(engine, path, apply=apply, actor="bench", today=TODAY, currency="CNY")
            print(f"{engine.dialect.name} {'apply' if apply else 'dry run'}: rows {report.rows}, "
                  f"added {report.added}, already present {report.present}, refused {len(report.refused)} "
                  f"(future dates), {time.monotonic() - started:.1f} s")
    engine.dispose()


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 100_000)
