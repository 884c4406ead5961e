"""Scale of `lawcrm clients import`: 100,000 clients with 300,000 matters from one flat ledger.

Run: .venv/bin/python -m benchmarks.clients_import [--clients 100000] [--matters-per-client 3] [--db URL]
1. generates a flat CSV, a row per matter (Chinese and English companies and persons; 90 % with a
   valid USCC or resident ID and consent; half the matters numbered in the file, half drawn; dates
   in several formats; Chinese tiers and practice areas; lead lawyers and assistants on staff);
2. imports it with `lawcrm clients import FILE --apply` in a separate process, as an operator would
   (the timed part: planning, duplicate detection by the conflict matcher, encryption, writing);
3. counts what landed.
Without --db a temporary SQLite file is used; with a PostgreSQL URL its client tables must be empty.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from sqlalchemy import text

from benchmarks.conflicts import names as pools
from bot.flows.identifiers import org_code_check_char, resident_id_check_char, uscc_check_char

STAFF = 20
TIERS = ("战略客户", "核心客户", "潜力客户", "重点客户", "普通客户", "流失客户")
AREAS = ("民事诉讼", "刑事", "行政", "并购", "知识产权", "常年法律顾问", "税务", "lit_civil")
ORG = "0123456789ABCDEFGHJKLMNPQRTUWXY"
HEADER = ("客户名称", "客户类型", "统一社会信用代码", "单独同意", "客户等级", "行业", "联系人", "联系人电话",
          "案号", "业务领域", "案由", "对方当事人", "立案日期", "结案日期", "主办律师", "协办律师")


def log(msg: str) -> None:
    """Progress on stderr."""
    print(msg, file=sys.stderr, flush=True)


def uscc(rng: random.Random) -> str:
    """A valid unified social credit code."""
    org = "".join(rng.choice("0123456789ABCDEFGHJKLMNPQRTUWXY") for _ in range(8))
    first17 = "91" + "110108" + org + org_code_check_char(org)
    return first17 + uscc_check_char(first17)


def resident_id(rng: random.Random) -> str:
    """A valid resident ID number."""
    first17 = f"110101{rng.randint(1950, 2000)}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}{rng.randint(0, 999):03d}"
    return first17 + resident_id_check_char(first17)


def a_date(rng: random.Random, year: int) -> str:
    """A date written one of the ways ledgers write them."""
    m, d = rng.randint(1, 12), rng.randint(1, 28)
    return rng.choice((f"{year}-{m:02d}-{d:02d}", f"{year}/{m}/{d}", f"{year}年{m}月{d}日", f"{year}.{m:02d}.{d:02d}"))


def generate(path: Path, clients: int, per_client: int, seed: int) -> None:
    """Write the flat ledger: `per_client` rows (one per matter) for each client."""
    rng = random.Random(seed)
    makers = ((pools.han_company, "企业"), (pools.en_company, "企业"), (pools.han_person, "个人"),
              (pools.en_person, "个人"))
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["某某律师事务所客户台账"])
        w.writerow(HEADER)
        matter = 0
        for i in range(clients):
            make, kind = makers[i % 4]
            name = make(rng)
            idn = (uscc(rng) if kind == "企业" else resident_id(rng)) if rng.random() < 0.9 else ""
            consent = "是" if idn and kind == "个人" else ""
            tier, industry = rng.choice(TIERS), rng.choice(("信息技术", "制造业", "金融", ""))
            contact = pools.han_person(rng) if kind == "企业" else ""
            phone = f"138{rng.randint(0, 99_999_999):08d}" if contact else ""
            for _ in range(per_client):
                matter += 1
                year = rng.randint(2015, 2024)
                closed = a_date(rng, year + 1) if rng.random() < 0.4 else ""
                w.writerow([name, kind, idn, consent, tier, industry, contact, phone,
                            f"F{matter:07d}" if matter % 2 else "", rng.choice(AREAS),
                            rng.choice(("合同纠纷", "劳动争议", "股权转让", "商标侵权", "")),
                            pools.han_company(rng) if rng.random() < 0.7 else pools.en_person(rng),
                            a_date(rng, year), closed, f"律师{rng.randint(1, STAFF)}",
                            f"助理{rng.randint(1, 5)}" if rng.random() < 0.5 else ""])
            if i and i % 20_000 == 0:
                log(f"  generated {i} clients")


def main() -> None:
    """Generate, import, report."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--clients", type=int, default=100_000)
    parser.add_argument("--matters-per-client", type=int, default=3)
    parser.add_argument("--db", default=None, help="database URL (default: a temporary SQLite file)")
    parser.add_argument("--seed", type=int, default=11)
    args = parser.parse_args()

    from bot.services import build_services
    from bot.settings import Settings
    from storage import migrate
    from storage.crypto import generate_key_material
    from storage.models import Staff

    tmp = Path(tempfile.mkdtemp(prefix="clients-import-"))
    url = args.db or f"sqlite:///{tmp}/bench.db"
    env = {**os.environ, "DATABASE_URL": url, "DATA_DIR": str(tmp)}
    settings = Settings(_env_file=None, database_url=url, data_dir=tmp)  # type: ignore[call-arg]
    (tmp / "keys.json").write_text(json.dumps(generate_key_material()))   # PostgreSQL makes none itself
    services = build_services(settings)
    migrate.upgrade(services.engine)
    with services.session() as session:
        session.add_all([Staff(slack_user_id=f"U0LAWYER{i:02d}", display_name=f"律师{i}", role="lawyer")
                         for i in range(1, STAFF + 1)])
        session.add_all([Staff(slack_user_id=f"U0ASSIST{i:02d}", display_name=f"助理{i}", role="assistant")
                         for i in range(1, 6)])

    path = tmp / "ledger.csv"
    log(f"generating {args.clients} clients x {args.matters_per_client} matters -> {path}")
    t0 = time.monotonic()
    generate(path, args.clients, args.matters_per_client, args.seed)
    gen_s = time.monotonic() - t0

    log("importing with `lawcrm clients import --apply` …")
    lawcrm = Path(sys.executable).with_name("lawcrm")
    t0 = time.monotonic()
    proc = subprocess.run([str(lawcrm), "clients", "import", str(path), "--apply", "--quiet"], env=env,
                          capture_output=True, text=True, check=False)
    import_s = time.monotonic() - t0
    cpu_s = sum(resource.getrusage(resource.RUSAGE_CHILDREN)[:2])   # the import process's user + system time
    summary = [line for line in proc.stdout.splitlines() if not line.startswith("line ")]
    log("\n".join(summary))
    if proc.returncode:
        log(proc.stderr[-3000:])
        raise SystemExit("import failed")
    with services.engine.connect() as conn:
        counts = {t: conn.execute(text(f"SELECT COUNT(*) FROM {t}")).scalar()
                  for t in ("clients", "matters", "parties", "client_contacts", "client_team", "matter_team")}
    backend = services.engine.dialect.name
    print(f"\n== clients import at scale ({backend}, {os.cpu_count()} cores) ==")
    print(f"generate CSV:      {gen_s:7.1f} s  ({path.stat().st_size / 2**20:.0f} MB)")
    print(f"import (lawcrm):   {import_s:7.1f} s  (process wall time, start-up included)")
    print(f"  its CPU time:    {cpu_s:7.1f} s  (user + system; the database server's own time not included)")
    print(f"load average:      {' '.join(f'{x:.1f}' for x in os.getloadavg())}  (the machine is shared)")
    for table, n in counts.items():
        print(f"{table + ':':18} {n:>9,}")
    services.engine.dispose()


if __name__ == "__main__":
    main()
