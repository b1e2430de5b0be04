"""The statuses across editions (issue 12): on /berichte/ a bar per published
edition and one for today, split by status, with the table of every number."""

import re

import pytest
from django.contrib.auth.models import User
from django.utils import timezone

from editions.models import Edition
from editions.reports import status_history
from measures.charts import status_chart
from measures.models import Measure, Status, StatusCount


def counts(row) -> dict[str, int]:
    return {count.status: count.count for count in row.counts}


@pytest.fixture
def editions(bielefeld):
    publisher = User.objects.create_user("petra")
    today = timezone.localdate()
    values = {"user": publisher, "today": today}
    Edition.publish(bielefeld, date=today, title="Bericht Dezember", slug="dez", **values)
    Measure.objects.filter(status=Status.IN_PROGRESS).update(status=Status.DONE)
    Edition.publish(bielefeld, date=today, title="Bericht Januar", slug="jan", **values)
    Measure.objects.filter(status=Status.PREPARING).update(status=Status.IN_PROGRESS)
    return list(bielefeld.editions.published())


def test_tally_counts_every_status_in_order_without_status_last():
    tally = StatusCount.tally(["done", "", "done", "waiting"])
    assert [(c.status, c.count) for c in tally] == [
        ("preparing", 0),
        ("in_progress", 0),
        ("waiting", 1),
        ("done", 2),
        ("", 1),
    ]
    assert tally[-1].label == "Ohne Status"


def test_the_history_has_each_edition_oldest_first_and_today(bielefeld, editions):
    history = status_history(bielefeld, editions, timezone.localdate())
    assert [row.title for row in history] == ["Bericht Dezember", "Bericht Januar", ""]
    first, second, today = map(counts, history)
    assert first[Status.DONE] < second[Status.DONE] == today[Status.DONE]
    assert second[Status.IN_PROGRESS] == 0 and today[Status.PREPARING] == 0
    assert sum(first.values()) == sum(today.values()) == Measure.objects.count()


def test_bars_split_the_width_by_count_and_skip_empty_statuses():
    chart = status_chart([("a", StatusCount.tally(["done"] * 3 + ["waiting"]))])
    [bar] = chart.bars
    waiting, done = bar.parts
    assert (waiting.status, done.status) == ("waiting", "done")
    assert done.width == pytest.approx(3 * waiting.width, abs=0.2)
    assert waiting.x + waiting.width == pytest.approx(done.x, abs=0.1)
    assert done.x + done.width == pytest.approx(chart.width - 8, abs=0.2)


def test_the_list_page_shows_the_chart_and_its_table(bielefeld, editions, client):
    page = client.get("/berichte/").content.decode()
    section = page.partition('class="status-history"')[2].partition("</section>")[0]
    [svg] = re.findall(r"<svg [^>]*>", section)
    assert 'role="img"' in svg and "status-history-desc" in svg
    assert section.count("<g ") == 0 and section.count('class="status-bar ') >= 3 * 2
    rows = re.findall(r'<tr class="kern-table__row">(.*?)</tr>', section, re.DOTALL)
    assert len(rows) == 1 + 3
    assert "Bericht Dezember" in rows[1] and "heute" in rows[3]


def test_without_editions_there_is_no_chart(bielefeld, client):
    page = client.get("/berichte/").content.decode()
    assert "Es ist noch kein Bericht veröffentlicht." in page and "status-history" not in page


def test_the_list_page_costs_the_same_queries_for_more_editions(
    bielefeld, editions, client, django_assert_num_queries
):
    # The public plan, its editions (with their snapshots), today's statuses.
    with django_assert_num_queries(3):
        client.get("/berichte/")
    Edition.publish(
        bielefeld,
        user=User.objects.get(),
        date=timezone.localdate(),
        today=timezone.localdate(),
        title="Bericht Februar",
        slug="feb",
    )
    with django_assert_num_queries(3):
        assert "Bericht Februar" in client.get("/berichte/").content.decode()


def test_the_status_history_in_english(bielefeld, editions, client):
    client.post("/i18n/setlang/", {"language": "en"})
    page = client.get("/berichte/").content.decode()
    assert "Statuses over time" in page and ">today</th>" in page
    assert "Measures per status in each report and today</title>" in page
