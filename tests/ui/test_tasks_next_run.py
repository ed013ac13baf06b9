"""Tasks: the selected task's next scheduled run, as the scheduler has it, kept up to date."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from PySide6.QtCore import QTime

from esync_desktop.app import Services
from esync_desktop.storage.settings import Schedule
from esync_desktop.ui.controller import AppController
from esync_desktop.ui.pages.tasks import TasksPage
from esync_desktop.ui.scheduler import Scheduler, describe_when

# A Monday morning, in the machine's own time zone.
NOW = datetime(2026, 5, 11, 10, 0).astimezone()


def test_describe_when() -> None:
    assert describe_when(NOW - timedelta(minutes=1), NOW) == "now"
    assert describe_when(NOW.replace(hour=14, minute=30), NOW) == "today 14:30"
    assert describe_when(NOW + timedelta(days=1), NOW) == "tomorrow 10:00"
    assert describe_when(NOW + timedelta(days=4), NOW) == "Friday 10:00"
    assert describe_when(NOW + timedelta(days=10), NOW) == "21 May 10:00"
    assert describe_when(NOW + timedelta(days=300), NOW) == "7 March 2027 10:00"


@pytest.fixture
def page(qtbot, notices):
    services = Services(environ={})
    scheduler = Scheduler(clock=lambda: NOW)
    controller = AppController(services, scheduler)
    page = TasksPage(controller)
    qtbot.addWidget(page)
    try:
        yield page
    finally:
        assert controller.shutdown(15_000)
        services.stop()


def _wait_for_due_times(qtbot, page: TasksPage) -> None:
    qtbot.waitUntil(lambda: "working it out" not in page.next_run.text(), timeout=10_000)


def test_next_run_follows_the_schedule_as_it_is_edited(page: TasksPage, qtbot) -> None:
    scheduler = page.controller.scheduler
    assert page.next_run.text().startswith("Schedule off")  # a new install's task
    page.daily_at.setTime(QTime(14, 30))
    page.schedule_daily.setChecked(True)
    _wait_for_due_times(qtbot, page)
    assert page.next_run.text() == "Next run: today 14:30"
    name = page.current_task().name
    # The same moment the tray menu names.
    assert scheduler.next_run() == (name, NOW.replace(hour=14, minute=30))

    page.daily_at.setTime(QTime(9, 0))  # already past today
    assert page.next_run.text() == "Next run: working it out…"  # never the old time
    _wait_for_due_times(qtbot, page)
    assert page.next_run.text() == "Next run: tomorrow 09:00"

    scheduler.set_paused(True)
    assert page.next_run.text().startswith("Schedule paused")
    assert "Resume schedule" in page.next_run.text()
    with qtbot.waitSignal(scheduler.changed, timeout=10_000):
        scheduler.set_paused(False)  # asks for fresh due times
    _wait_for_due_times(qtbot, page)
    assert page.next_run.text() == "Next run: tomorrow 09:00"

    page.schedule_off.setChecked(True)
    assert page.next_run.text().startswith("Schedule off")
    assert page.controller.settings.tasks[0].schedule == Schedule(
        mode="off", every_minutes=page.every_minutes.value(), at="09:00"
    )


def test_each_task_shows_its_own_next_run(page: TasksPage, qtbot) -> None:
    page.daily_at.setTime(QTime(14, 30))
    page.schedule_daily.setChecked(True)
    _wait_for_due_times(qtbot, page)
    page.add_task("By hand only")
    assert page.next_run.text().startswith("Schedule off")
    page.task_list.setCurrentRow(0)
    assert page.next_run.text() == "Next run: today 14:30"
