"""Seeding for the quarterly-report tests: partners, lawyers, clients by tier, completed surveys."""

from __future__ import annotations

import time
from datetime import datetime, timedelta

from bot.flows.quarters import Quarter
from bot.flows.report.charts import charts_with_data
from bot.flows.report.figures import Chart
from bot.flows.report.quarter import quarter_report
from bot.services import Services
from storage.models import Survey
from tests.support import make_staff
from tests.upkeep_support import make_client, make_matter


def add_survey(services: Services, *, at: datetime, scores: tuple[int, int, int, int]) -> int:
    """A completed survey (ability, communication, attitude, result) on a new client's matter."""
    client = make_client(services, f"Survey client {at.isoformat()} {scores}", tier="core")
    matter = make_matter(services, client, status="closed")
    with services.session() as session:
        survey = Survey(matter_id=matter, practice_area="litigation", status="done",
                        scheduled_at=at - timedelta(days=3), due_at=at + timedelta(days=20), completed_at=at,
                        score_ability=scores[0], score_communication=scores[1], score_attitude=scores[2],
                        score_result=scores[3])
        session.add(survey)
        session.flush()
        return survey.id


def seed_firm(services: Services, *, survey_at: datetime) -> None:
    """A partner (English), a partner (Chinese), a lawyer; strategic and core clients; two surveys."""
    make_staff(services, "U0PART", "partner", "Pat Partner")
    make_staff(services, "U0ZHPART", "partner", "王合伙人", locale="zh-CN")
    make_staff(services, "U0LAW", "lawyer", "Lee Lawyer")
    for name in ("Alpha Group", "Beta Holdings"):
        make_client(services, name, tier="strategic", team={"U0LAW": "lead_lawyer"})
    make_client(services, "Gamma Ltd", tier="potential")
    add_survey(services, at=survey_at, scores=(5, 3, 5, 5))
    add_survey(services, at=survey_at + timedelta(hours=1), scores=(4, 4, 4, 4))


def expected_charts(services: Services, quarter: Quarter) -> list[Chart]:
    """The charts the report of this quarter has data for, as the app computes it now."""
    with services.session() as session:
        report = quarter_report(session, quarter=quarter, settings=services.settings, now=services.now())
    return charts_with_data(report)


def open_home(slack, fake, user: str) -> dict:
    """Open the Home tab as `user` and wait for everything it sends; the view published in answer."""
    mark = fake.mark()
    slack.event({"type": "app_home_opened", "user": user, "channel": "D" + user[1:], "tab": "home",
                 "event_ts": f"{time.time():.6f}"})
    fake.wait_for_since("views.publish", mark, timeout=60)
    fake.settle()
    return fake.home_of(user)
