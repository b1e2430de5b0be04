"""The deck (issue 4): one page list, rendered as PDF and PPTX with the same pages.

The Bielefeld plan fills the deck's 11 slides and an overview (issue 9): title,
overview, Technische Infrastruktur (2 measures), Hardwareausstattung (6: 3 + 3),
Softwareausstattung (4: 2 + 2), Support (2), Medienlabor (1), Organisatorische
Rahmenbedingungen (3), Exkurs: Berufskollegs (2), closing.
"""

import copy
import datetime
import io

import pytest
from lxml import etree
from pptx import Presentation
from pypdf import PdfReader

from editions.decks import MAX_BOXES, PageKind, deck_pages, render_pdf, render_pptx
from editions.reports import build_snapshot, read_snapshot

TODAY = datetime.date(2023, 5, 1)
TITLE = "Bericht an den Schulausschuss Mai 2023"
REFERENCE = "Drucksache 1234/2023"

LAYOUT = [
    (PageKind.TITLE, TITLE, 0),
    (PageKind.OVERVIEW, "Überblick", 0),
    (PageKind.FIELD, "Technische Infrastruktur", 2),
    (PageKind.FIELD, "Hardwareausstattung", 3),
    (PageKind.FIELD, "Hardwareausstattung", 3),
    (PageKind.FIELD, "Softwareausstattung", 2),
    (PageKind.FIELD, "Softwareausstattung", 2),
    (PageKind.FIELD, "Support", 2),
    (PageKind.FIELD, "Medienlabor", 1),
    (PageKind.FIELD, "Organisatorische Rahmenbedingungen", 3),
    (PageKind.FIELD, "Exkurs: Berufskollegs", 2),
    (PageKind.CLOSING, "Vielen Dank für Ihre Aufmerksamkeit!", 0),
]


def squeeze(text: str) -> str:
    """Text without any whitespace: line breaks in the PDF fall anywhere."""
    return "".join(text.split())


@pytest.fixture
def snapshot(bielefeld):
    return build_snapshot(bielefeld, TODAY)


@pytest.fixture
def pages(snapshot):
    return deck_pages(snapshot, TITLE, TODAY, REFERENCE)


def expected_texts(page) -> list[str]:
    """What page `page` must say, whatever the renderer."""
    if page.kind == PageKind.TITLE:
        cover = page.cover
        return [cover.authority, TITLE, cover.plan_title, "Stand: 01.05.2023", REFERENCE]
    if page.kind == PageKind.OVERVIEW:
        # Bielefeld on 1 May 2023: the web page's summary says the same.
        return [
            "Überblick",
            "Maßnahmen 20",
            "Überfällig 0",
            "Umsetzung an Schulen (2 Maßnahmen) 95 von 148 (64 %)",
            "In Vorbereitung 1",
            "In Bearbeitung 15",
            "Wartend 3",
            "Abgeschlossen 0",
            "Ohne Status 1",
        ]
    texts = [page.heading]
    for measure in page.measures:
        texts += [measure.title, *measure.work_item_list]
        texts.append(f"Status: {measure.status_label}")
        texts.append(f"Abschluss: {measure.target.label if measure.target else 'nicht festgelegt'}")
        if measure.rollout:
            texts.append(f"{measure.rollout.done} von {measure.rollout.total} Schulen")
    return texts


def test_pages_follow_the_deck(pages, snapshot):
    assert [(page.kind, page.heading, len(page.measures)) for page in pages] == LAYOUT
    assert [page.number for page in pages] == list(range(1, len(LAYOUT) + 1))
    assert all(page.total == len(LAYOUT) for page in pages)
    assert all(len(page.measures) <= MAX_BOXES for page in pages)
    hardware = [page for page in pages if page.heading == "Hardwareausstattung"]
    assert [(page.part, page.parts) for page in hardware] == [(1, 2), (2, 2)]
    # Every measure once, in the plan's order.
    _, _, measures = read_snapshot(snapshot)
    on_pages = [measure.slug for page in pages for measure in page.measures]
    assert on_pages == [measure.slug for measure in measures]
    assert len(on_pages) == 20


def test_a_field_without_measures_still_gets_a_page(bielefeld):
    bielefeld.fields.create(title="Fortbildung", slug="fortbildung", position=99)

    pages = deck_pages(build_snapshot(bielefeld, TODAY), TITLE, TODAY)

    assert len(pages) == len(LAYOUT) + 1
    assert (pages[-2].heading, pages[-2].measures) == ("Fortbildung", ())


def test_pdf_has_one_page_per_deck_page_with_its_texts(pages, snapshot):
    pdf = PdfReader(io.BytesIO(render_pdf(snapshot, TITLE, TODAY, REFERENCE)))

    assert len(pdf.pages) == len(LAYOUT) == len(pages)
    for deck_page, pdf_page in zip(pages, pdf.pages, strict=True):
        text = squeeze(pdf_page.extract_text())
        for expected in expected_texts(deck_page):
            assert squeeze(expected) in text, (deck_page.number, expected)
        if deck_page.number > 1:
            assert text.endswith(f"{deck_page.number}/{len(pages)}")
    # 16:9 pages, accessible metadata and structure.
    box = pdf.pages[0].mediabox
    assert round(box.width / box.height, 3) == round(16 / 9, 3)
    root = pdf.trailer["/Root"]
    assert root["/Lang"] == "de"
    assert "/StructTreeRoot" in root
    assert root["/MarkInfo"]["/Marked"]
    assert pdf.metadata.title.startswith(TITLE)
    assert pdf.metadata.author == "Stadt Bielefeld – Amt für Schule"


def test_pdf_marks_overdue_measures(bielefeld):
    # On 1 Oct 2023 the Q3 2023 targets have passed.
    snapshot = build_snapshot(bielefeld, datetime.date(2023, 10, 1))
    pdf = PdfReader(io.BytesIO(render_pdf(snapshot, TITLE, datetime.date(2023, 10, 1))))

    infrastructure, hardware = pdf.pages[2].extract_text(), pdf.pages[3].extract_text()
    # "überfällig" once in the legend of every field page, once per overdue box.
    assert infrastructure.count("überfällig") == 1
    assert hardware.count("überfällig") == 1 + 2  # Klassenzimmerstandard, Förderprogramme
    # Text comes out in reading order: each bullet before its item, and the
    # percentage does not break away from its number.
    assert "1:1-Ausstattung\n• Rahmvertrag über KDN" in hardware
    assert "(80\xa0%)" in hardware


def pptx_texts(slide) -> str:
    return squeeze(
        " ".join(shape.text_frame.text for shape in slide.shapes if shape.has_text_frame)
    )


def test_pptx_has_the_same_slides_with_real_text(pages, snapshot):
    presentation = Presentation(io.BytesIO(render_pptx(snapshot, TITLE, TODAY, REFERENCE)))

    assert round(presentation.slide_width / presentation.slide_height, 3) == round(16 / 9, 3)
    slides = list(presentation.slides)
    assert len(slides) == len(pages)
    for deck_page, slide in zip(pages, slides, strict=True):
        text = pptx_texts(slide)
        for expected in expected_texts(deck_page):
            assert squeeze(expected) in text, (deck_page.number, expected)
        # Each slide is known by its title (outline view, screen readers).
        assert slide.shapes.title.text_frame.text.startswith(deck_page.heading)
    assert presentation.core_properties.title.startswith(TITLE)
    # The rollout bar: a grey track and a green fill of 80 % of its width.
    track, fill = [s for s in slides[3].shapes if s.height < 200_000 and s.width > 1_000_000]
    assert round(fill.width / track.width, 2) == round(59 / 74, 2)


def test_pdf_and_pptx_follow_the_page_order(pages, snapshot):
    pdf = PdfReader(io.BytesIO(render_pdf(snapshot, TITLE, TODAY)))
    presentation = Presentation(io.BytesIO(render_pptx(snapshot, TITLE, TODAY)))

    for deck_page, pdf_page, slide in zip(pages, pdf.pages, presentation.slides, strict=True):
        heading = squeeze(deck_page.heading)
        assert squeeze(pdf_page.extract_text()).startswith(
            heading if deck_page.kind != PageKind.TITLE else squeeze(deck_page.cover.authority)
        )
        assert heading in pptx_texts(slide)


# --- Views (wired in measures/urls.py) --------------------------------------------


@pytest.fixture
def edition(bielefeld):
    from django.contrib.auth.models import User

    from editions.models import Edition

    user = User.objects.create_user("petra", password="x" * 20)
    return Edition.publish(
        bielefeld,
        user=user,
        today=TODAY,
        title=TITLE,
        slug="mai-2023",
        date=TODAY,
        reference=REFERENCE,
    )


def test_live_downloads(bielefeld, client):
    pdf = client.get("/bericht.pdf")
    assert pdf.status_code == 200
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf["Content-Disposition"].startswith(
        'attachment; filename="stadt-bielefeld-amt-fuer-schule-fortschrittsbericht-'
    )
    assert len(PdfReader(io.BytesIO(pdf.content)).pages) == len(LAYOUT)

    pptx = client.get("/bericht.pptx")
    assert pptx.status_code == 200
    assert pptx["Content-Disposition"].endswith('.pptx"')
    assert len(Presentation(io.BytesIO(pptx.content)).slides) == len(LAYOUT)
    assert client.post("/bericht.pdf").status_code == 405


def test_edition_downloads_show_the_frozen_edition(edition, client):
    edition.plan.fields.get(slug="support").measures.all().delete()  # after publishing

    pdf = client.get("/berichte/mai-2023/bericht.pdf")
    assert (
        pdf["Content-Disposition"]
        == 'attachment; filename="stadt-bielefeld-amt-fuer-schule-mai-2023.pdf"'
    )
    reader = PdfReader(io.BytesIO(pdf.content))
    assert len(reader.pages) == len(LAYOUT)
    assert REFERENCE in reader.pages[0].extract_text()
    assert "First-Level-Support" in reader.pages[7].extract_text()

    pptx = client.get("/berichte/mai-2023/bericht.pptx")
    assert (
        pptx["Content-Disposition"]
        == 'attachment; filename="stadt-bielefeld-amt-fuer-schule-mai-2023.pptx"'
    )
    assert len(Presentation(io.BytesIO(pptx.content)).slides) == len(LAYOUT)


def test_withdrawn_or_unknown_edition_has_no_deck(edition, client):
    edition.withdraw(user=edition.published_by, reason="Fehler in den Zahlen")
    for suffix in ("bericht.pdf", "bericht.pptx", "praesentation/"):
        assert client.get(f"/berichte/mai-2023/{suffix}").status_code == 404
        assert client.get(f"/berichte/gibt-es-nicht/{suffix}").status_code == 404


def test_presentation_pages(edition, client):
    response = client.get("/praesentation/")
    assert response.status_code == 200
    html = response.content.decode()
    # The live deck also has what changed since the edition.
    assert html.count('<section class="slide') == len(LAYOUT) + 1
    assert 'href="/bericht.pdf"' in html
    nonce = response["Content-Security-Policy"].split("'nonce-", 1)[1].split("'", 1)[0]
    assert f'presentation.js" defer nonce="{nonce}"' in html
    assert "style=" not in html  # the policy allows no inline styles

    frozen = client.get("/berichte/mai-2023/praesentation/").content.decode()
    assert frozen.count('<section class="slide') == len(LAYOUT)
    assert REFERENCE in frozen and 'href="/berichte/mai-2023/bericht.pptx"' in frozen


def test_an_editions_preface_gets_its_own_page_everywhere(bielefeld, client):
    from django.contrib.auth.models import User

    from editions.models import Edition

    preface = "Sehr geehrte Damen und Herren,\nder Ausbau des WLAN kommt voran."
    Edition.publish(
        bielefeld,
        user=User.objects.create_user("paul", password="x" * 20),
        today=TODAY,
        title=TITLE,
        slug="mit-vorwort",
        date=TODAY,
        preface=preface,
    )
    reader = PdfReader(io.BytesIO(client.get("/berichte/mit-vorwort/bericht.pdf").content))
    assert len(reader.pages) == len(LAYOUT) + 1
    page_three = reader.pages[2].extract_text()
    assert "Vorwort" in page_three and "der Ausbau des WLAN kommt voran." in page_three
    slides = Presentation(io.BytesIO(client.get("/berichte/mit-vorwort/bericht.pptx").content))
    assert len(slides.slides) == len(LAYOUT) + 1
    texts = " ".join(
        shape.text_frame.text for shape in slides.slides[2].shapes if shape.has_text_frame
    )
    assert "Vorwort" in texts and "Sehr geehrte Damen und Herren," in texts
    html = client.get("/berichte/mit-vorwort/praesentation/").content.decode()
    assert "der Ausbau des WLAN kommt voran." in html


def test_long_texts_never_push_status_and_target_off_the_page(snapshot):
    """Boxes and pages have a fixed size: what does not fit is counted, not cut off."""
    long_item = "Ein langer Arbeitsschritt mit vielen Wörtern, der über mehrere Zeilen geht."
    hardware = snapshot["fields"][1]["measures"]
    hardware[0]["work_items"] = [f"Punkt {n}: {long_item}" for n in range(12)]
    hardware[1]["title"] = "Ein sehr langer Titel " * 9
    title = "Fortschrittsbericht " * 10  # 200 characters
    preface = "\n\n".join(f"Absatz {n}. " + "Ein Satz des Vorworts. " * 30 for n in range(6))

    pages = deck_pages(snapshot, title, TODAY, "Drucksache " * 18, preface)
    prefaces = [page for page in pages if page.kind == PageKind.PREFACE]
    assert len(prefaces) > 1 and all(page.parts == len(prefaces) for page in prefaces)
    assert "\n\n".join(page.text for page in prefaces).split() == preface.split()
    boxes = pages[len(prefaces) + 3].boxes
    assert 0 < len(boxes[0].items) < 12 and boxes[0].hidden_items == 12 - len(boxes[0].items)

    pdf = PdfReader(io.BytesIO(render_pdf(snapshot, title, TODAY, "x", preface)))
    pptx = Presentation(io.BytesIO(render_pptx(snapshot, title, TODAY, "x", preface)))
    assert len(pdf.pages) == len(pptx.slides) == len(pages)
    text = pdf.pages[len(prefaces) + 3].extract_text()
    assert text.count("Status:") == text.count("Abschluss:") == 3
    assert f"… und {boxes[0].hidden_items} weitere Punkte im Portal" in text
    for preface_page, pdf_page in zip(prefaces, pdf.pages[2:], strict=False):
        # The last words of each part are on its page: nothing was clipped.
        assert squeeze(preface_page.text[-60:]) in squeeze(pdf_page.extract_text())
    assert pptx.core_properties.title.startswith("Fortschrittsbericht")
    assert pptx.core_properties.last_modified_by == "Stadt Bielefeld – Amt für Schule"


# --- Issue 9: the decks show what the web page shows -----------------------------

SLIP = "verschoben von Q3 2023 auf Q3 2027 (einmal verschoben)"
OCTOBER = datetime.date(2023, 10, 1)


def _publish(plan, slug: str, title: str, date: datetime.date, **values):
    from django.contrib.auth.models import User

    from editions.models import Edition

    user = User.objects.filter(username="petra").first() or User.objects.create_user(
        "petra", password="x" * 20
    )
    return Edition.publish(plan, user=user, today=date, title=title, slug=slug, date=date, **values)


def _measure(title: str):
    from measures.models import Measure

    return Measure.objects.get(title=title)


def field_page_with(pdf, title: str) -> str:
    """The text of the PDF's field page that shows the measure `title`."""
    texts = [page.extract_text() for page in pdf.pages]
    return next(text for text in texts if squeeze(title) in squeeze(text) and "Legende" in text)


def test_slippage_and_description_in_every_deck_of_an_edition(bielefeld, client):
    from measures.targets import Target

    measure = _measure("Digitaler Stundenplan")
    measure.move_target(Target.parse("Q3 2027"))
    measure.description = "Ein Stundenplan für alle Schulen, mit Vertretungsplan."
    measure.save()
    _publish(bielefeld, "mai-2023", TITLE, TODAY)
    measure.description = "Nach dem Veröffentlichen geändert."  # the edition stays frozen
    measure.save()

    pdf = PdfReader(io.BytesIO(client.get("/berichte/mai-2023/bericht.pdf").content))
    text = squeeze(field_page_with(pdf, "Digitaler Stundenplan"))
    assert squeeze("Nach dem Veröffentlichen") not in text
    # As the box reads: title, description, items, status, target, slippage.
    box = [
        "Digitaler Stundenplan",
        "Ein Stundenplan für alle Schulen, mit Vertretungsplan.",
        "• Umsetzungsplanung für das Jahr 2023",
        "Status: In Bearbeitung",
        "Abschluss: Q3 2027",
        SLIP,
    ]
    position = 0
    for line in box:
        position = text.find(squeeze(line), position)
        assert position != -1, line

    slides = Presentation(io.BytesIO(client.get("/berichte/mai-2023/bericht.pptx").content))
    texts = [pptx_texts(slide) for slide in slides.slides]
    slide = next(text for text in texts if squeeze("Digitaler Stundenplan") in text)
    assert squeeze(SLIP) in slide and squeeze("mit Vertretungsplan.") in slide

    html = client.get("/berichte/mai-2023/praesentation/").content.decode()
    assert SLIP in html and "Ein Stundenplan für alle Schulen, mit Vertretungsplan." in html


def test_overview_has_the_numbers_of_the_web_pages_summary(bielefeld, client):
    from django.utils import timezone

    _measure("VoIP").delete()
    report = client.get("/").context["report"]

    pages = deck_pages(build_snapshot(bielefeld, timezone.localdate()), TITLE, TODAY)
    overview = pages[1]
    assert overview.kind == PageKind.OVERVIEW
    assert overview.overview.status_counts == report.status_counts
    assert (overview.overview.measure_count, overview.overview.overdue_count) == (
        report.measure_count,
        report.overdue_count,
    )
    assert overview.overview.rollout == report.rollout
    totals, statuses = overview.tiles
    assert totals[0] == ("Maßnahmen", "19", False)
    assert [(label, int(count)) for label, count, _ in statuses] == [
        (item.label, item.count) for item in report.status_counts
    ]


def _changes_after_may(plan):
    """Between May and October 2023: what a council member should hear about."""
    from measures.targets import Target
    from tests.factories import make_measure

    timetable = _measure("Digitaler Stundenplan")
    timetable.status = "done"
    timetable.move_target(Target.parse("Q4 2023"))
    timetable.save()
    platform = _measure("Digitale Schulplattform")
    platform.rollout_done = 48
    platform.save()
    cabling = _measure("Netzwerknachverkabelung")
    cabling.title = "Netzwerkverkabelung"
    cabling.save()
    _measure("VoIP").delete()
    make_measure(field=plan.fields.get(slug="support"), title="Tablets für Lehrkräfte")


CHANGES = [
    "Änderungen seit dem letzten Bericht",
    "Verglichen mit „Bericht Mai 2023“ (Stand: 01.05.2023)",
    "Geänderte Maßnahmen",
    "Netzwerkverkabelung: bisher „Netzwerknachverkabelung“",
    "Bielefelder Klassenzimmerstandard: neu überfällig",
    "Digitale Schulplattform: Schulen: 36/74 → 48/74 (+12 Schulen); neu überfällig",
    "Digitaler Stundenplan: Status: In Bearbeitung → Abgeschlossen; "
    "Abschluss: Q3 2023 → Q4 2023 (1 Quartal später)",
    "Neue Maßnahmen",
    "Tablets für Lehrkräfte: Support",
    "Entfallene Maßnahmen",
    "VoIP: Hardwareausstattung",
]


def test_an_editions_decks_show_the_changes_since_the_edition_before(bielefeld, client):
    _publish(bielefeld, "mai-2023", "Bericht Mai 2023", TODAY)
    _changes_after_may(bielefeld)
    _publish(bielefeld, "oktober-2023", "Bericht Oktober 2023", OCTOBER)

    pdf = PdfReader(io.BytesIO(client.get("/berichte/oktober-2023/bericht.pdf").content))
    texts = [page.extract_text() for page in pdf.pages]
    # Right after the overview, on two pages (nine measures are newly overdue).
    assert [text.startswith("Änderungen seit") for text in texts].count(True) == 2
    assert texts[2].startswith("Änderungen seit dem letzten Bericht (Teil 1 von 2)")
    assert texts[3].startswith("Änderungen seit dem letzten Bericht (Teil 2 von 2)")
    assert len(texts) == len(LAYOUT) + 2
    text = squeeze(texts[2] + texts[3])
    # In this order: the text comes out of the tagged PDF as it reads.
    positions = [text.find(squeeze(line)) for line in CHANGES]
    assert -1 not in positions, list(zip(CHANGES, positions, strict=True))
    assert positions == sorted(positions)

    pptx = Presentation(io.BytesIO(client.get("/berichte/oktober-2023/bericht.pptx").content))
    slides = list(pptx.slides)[2:4]
    assert [slide.shapes.title.text_frame.text for slide in slides] == [
        "Änderungen seit dem letzten Bericht (Teil 1 von 2)",
        "Änderungen seit dem letzten Bericht (Teil 2 von 2)",
    ]
    text = pptx_texts(slides[0]) + pptx_texts(slides[1])
    for line in CHANGES:
        assert squeeze(line) in text, line

    html = client.get("/berichte/oktober-2023/praesentation/").content.decode()
    assert "Änderungen seit dem letzten Bericht" in html and "Tablets für Lehrkräfte" in html

    # The first edition has nothing to compare with.
    first = PdfReader(io.BytesIO(client.get("/berichte/mai-2023/bericht.pdf").content))
    assert len(first.pages) == len(LAYOUT)
    assert "Änderungen seit" not in "".join(page.extract_text() for page in first.pages)


def test_the_live_deck_shows_the_changes_since_the_latest_edition(bielefeld, client):
    _publish(bielefeld, "mai-2023", "Bericht Mai 2023", TODAY)

    pdf = PdfReader(io.BytesIO(client.get("/bericht.pdf").content))
    text = pdf.pages[2].extract_text()
    assert text.startswith("Änderungen seit dem letzten Bericht")
    assert "Verglichen mit „Bericht Mai 2023“" in text
    assert "Digitaler Stundenplan: neu überfällig" in text  # it is later than May 2023 now


def test_withdrawing_the_edition_before_takes_its_changes_out_of_the_deck(bielefeld, client):
    first = _publish(bielefeld, "mai-2023", "Bericht Mai 2023", TODAY)
    _changes_after_may(bielefeld)
    _publish(bielefeld, "oktober-2023", "Bericht Oktober 2023", OCTOBER)
    url = "/berichte/oktober-2023/bericht.pdf"
    before = PdfReader(io.BytesIO(client.get(url).content)).pages
    assert "Änderungen seit" in before[2].extract_text()

    first.withdraw(user=first.published_by, reason="Falsche Zahlen")

    pages = PdfReader(io.BytesIO(client.get(url).content)).pages
    assert len(pages) == len(LAYOUT)
    assert "Änderungen seit" not in "".join(page.extract_text() for page in pages)


def test_nothing_changed_says_so(snapshot):
    from django.template.loader import render_to_string

    from editions.decks import Baseline, context

    pages = deck_pages(snapshot, TITLE, TODAY, baseline=Baseline("Bericht Mai", TODAY, snapshot))

    changes = pages[2]
    assert (changes.kind, changes.changes, changes.parts) == (PageKind.CHANGES, (), 1)
    html = render_to_string("editions/presentation.html", context(pages))
    assert "Seit dem letzten Bericht hat sich nichts geändert." in html


def test_many_changes_continue_on_numbered_pages(snapshot):
    from editions.decks import Baseline

    old = copy.deepcopy(snapshot)
    for field_data in snapshot["fields"]:
        for measure in field_data["measures"]:
            measure["title"] += " (neu benannt)"
            measure["status"] = "done"
    snapshot["fields"][0]["measures"] += [
        {**snapshot["fields"][0]["measures"][0], "id": 10_000 + n, "title": f"Neu {n}"}
        for n in range(12)
    ]

    pages = deck_pages(snapshot, TITLE, TODAY, baseline=Baseline("Bericht Mai", TODAY, old))
    changes = [page for page in pages if page.kind == PageKind.CHANGES]
    assert len(changes) > 1
    assert [page.title for page in changes] == [
        f"Änderungen seit dem letzten Bericht (Teil {n} von {len(changes)})"
        for n in range(1, len(changes) + 1)
    ]
    entries = [entry.title for page in changes for group in page.changes for entry in group.entries]
    assert entries == [f"{title} (neu benannt)" for title in _titles(old)] + [
        f"Neu {n}" for n in range(12)
    ]
    # A page holds what fits: its lines, a group's heading counting two.
    for page in changes:
        lines = sum(2 + len(group.entries) for group in page.changes)
        assert lines <= 16


def _titles(snapshot) -> list[str]:
    return [m["title"] for field_data in snapshot["fields"] for m in field_data["measures"]]


def test_boxes_with_room_to_spare_get_larger_type(pages, snapshot):
    by_heading = {page.title: page for page in pages}
    # Two short boxes: the largest type.
    support = by_heading["Support"]
    assert support.type_size == "largest"
    assert all(box.scale == 1.4 for box in support.boxes)
    # "Klassenzimmerstandard" would stick out of its box in larger type.
    assert by_heading["Hardwareausstattung (Teil 1 von 2)"].type_size == ""

    slides = list(Presentation(io.BytesIO(render_pptx(snapshot, TITLE, TODAY))).slides)
    slide = slides[pages.index(support)]
    runs = [
        run
        for shape in slide.shapes
        if shape.has_text_frame
        for p in shape.text_frame.paragraphs
        for run in p.runs
    ]
    title = next(run for run in runs if run.text == "First-Level-Support")
    assert title.font.size.pt == round(16 * 1.4, 1)
    html = render_to_string_presentation(pages)
    assert html.count("boxes--largest") == sum(page.type_size == "largest" for page in pages)


def render_to_string_presentation(pages) -> str:
    from django.template.loader import render_to_string

    from editions.decks import context

    return render_to_string("editions/presentation.html", context(pages))


def test_full_boxes_keep_normal_type(snapshot):
    hardware = snapshot["fields"][1]["measures"]
    hardware[3]["work_items"] = [f"Arbeitsschritt Nummer {n} mit etwas Text" for n in range(5)]

    pages = deck_pages(snapshot, TITLE, TODAY)

    assert pages[4].type_size == ""
    assert pages[4].boxes[0].items == hardware[3]["work_items"]


def test_a_long_description_is_shortened_and_leaves_room_for_the_items(snapshot):
    measure = snapshot["fields"][1]["measures"][0]
    measure["description"] = "Ein langer Satz der Beschreibung. " * 40
    measure["work_items"] = ["Erster Schritt", "Zweiter Schritt"]

    box = deck_pages(snapshot, TITLE, TODAY)[3].boxes[0]

    assert box.description.endswith(" …")
    assert len(box.description) < len(measure["description"]) / 2
    assert box.items == ["Erster Schritt", "Zweiter Schritt"]


PREFACE = (
    "Sehr geehrte **Damen** und Herren,\nder Ausbau kommt *gut* voran.\n\n"
    "Drei Punkte:\n\n- WLAN\n- Plattform\n\n<b>nicht fett</b>"
)


def test_the_prefaces_markdown_is_rendered_everywhere_and_never_shows_stars(bielefeld, client):
    _publish(bielefeld, "mit-vorwort", TITLE, TODAY, preface=PREFACE)

    page = client.get("/berichte/mit-vorwort/").content.decode()
    assert (
        "Sehr geehrte <strong>Damen</strong> und Herren,<br>\nder Ausbau kommt <em>gut</em>" in page
    )
    assert "<ul>\n<li>WLAN</li>\n<li>Plattform</li>\n</ul>" in page
    assert "&lt;b&gt;nicht fett&lt;/b&gt;" in page and "**" not in page

    html = client.get("/berichte/mit-vorwort/praesentation/").content.decode()
    assert "<strong>Damen</strong>" in html and "<li>WLAN</li>" in html and "**" not in html

    pdf = PdfReader(io.BytesIO(client.get("/berichte/mit-vorwort/bericht.pdf").content))
    text = pdf.pages[2].extract_text()
    assert "Sehr geehrte Damen und Herren,\nder Ausbau kommt gut voran." in text
    assert "•WLAN" in squeeze(text) and "*" not in text

    pptx = Presentation(io.BytesIO(client.get("/berichte/mit-vorwort/bericht.pptx").content))
    slide = list(pptx.slides)[2]
    body = next(s for s in slide.shapes if s.has_text_frame and "Damen" in s.text_frame.text)
    paragraphs = body.text_frame.paragraphs
    assert [p.text for p in paragraphs] == [
        "Sehr geehrte Damen und Herren,\vder Ausbau kommt gut voran.",
        "Drei Punkte:",
        "• WLAN",
        "• Plattform",
        "<b>nicht fett</b>",
    ]
    styled = {(run.text, run.font.bold, run.font.italic) for run in paragraphs[0].runs}
    assert {("Damen", True, False), ("gut", False, True)} <= styled
    assert "*" not in pptx_texts(slide)


def test_publish_form_says_the_preface_takes_markdown(bielefeld, client):
    from django.contrib.auth.models import Permission, User

    user = User.objects.create_user("paula", password="x" * 20)
    user.user_permissions.add(Permission.objects.get(codename="publish_edition"))
    client.force_login(user)

    html = client.get("/verwaltung/berichte/neu/").content.decode()

    assert "Markdown" in html and "**fett**" in html


DECORATIVE = (
    '<a:ext uri="{C183D7F6-B498-43B3-948B-1728B52AA6E4}">'
    '<adec:decorative xmlns:adec="http://schemas.microsoft.com/office/drawing/2017/decorative"'
    ' val="1"/></a:ext>'
)


def test_pptx_titles_are_unique_and_shapes_are_decorative(snapshot):
    from pptx.enum.shapes import MSO_SHAPE_TYPE
    from pptx.oxml.ns import qn

    slides = list(Presentation(io.BytesIO(render_pptx(snapshot, TITLE, TODAY))).slides)

    titles = [slide.shapes.title.text_frame.text for slide in slides]
    assert len(set(titles)) == len(titles)
    assert "Hardwareausstattung (Teil 1 von 2)" in titles
    assert "Softwareausstattung (Teil 2 von 2)" in titles
    shapes = [shape for slide in slides for shape in slide.shapes]
    rectangles = [s for s in shapes if s.shape_type == MSO_SHAPE_TYPE.AUTO_SHAPE]
    assert len(rectangles) > 40  # frames, tiles, bars, status markers
    for shape in shapes:
        properties = shape._element.find(".//" + qn("p:cNvPr"))
        xml = etree.tostring(properties, encoding="unicode")
        assert (DECORATIVE in xml) == (shape in rectangles), (shape.name, xml)


def test_the_edition_before_is_the_one_listed_after_it(bielefeld):
    """Editions of one day count in the order they were published; withdrawn ones not."""
    may = _publish(bielefeld, "mai-2023", "Bericht Mai 2023", TODAY)
    first = _publish(bielefeld, "erste", "Erste", OCTOBER)
    second = _publish(bielefeld, "zweite", "Zweite", OCTOBER)

    assert (may.previous(), first.previous(), second.previous()) == (None, may, first)
    first.withdraw(user=first.published_by, reason="Doppelt")
    assert second.previous() == may
    assert list(bielefeld.editions.published()) == [second, may]


def test_the_changes_page_names_text_changes_and_the_switch_to_per_school_tracking(
    bielefeld, client
):
    from django.contrib.auth.models import User

    from measures.rollout import SchoolRollout

    _publish(bielefeld, "mai-2023", "Bericht Mai 2023", TODAY)
    platform = _measure("Digitale Schulplattform")
    platform.description = "Eine Plattform für alle Schulen."
    platform.work_items = "Ausschreibung\nSchulungen"
    platform.save()
    SchoolRollout.objects.start_tracking(
        platform, user=User.objects.get(username="petra"), reason="Jetzt pro Schule"
    )

    pdf = PdfReader(io.BytesIO(client.get("/bericht.pdf").content))
    text = squeeze(pdf.pages[2].extract_text())
    assert squeeze("Erfassung pro Schule begonnen (vorher 36/74 gemeldet)") in text
    assert squeeze("Beschreibung ergänzt: „Eine Plattform für alle Schulen.“") in text
    assert squeeze("Neue Arbeitspakete: „Ausschreibung“, „Schulungen“") in text
    # The reported count stays the public figure, marked as such, in the deck too.
    box = squeeze(field_page_with(pdf, "Digitale Schulplattform"))
    assert squeeze("36 von 74 Schulen abgeschlossen (gemeldet)") in box
    slides = Presentation(io.BytesIO(client.get("/bericht.pptx").content)).slides
    texts = [
        shape.text_frame.text for slide in slides for shape in slide.shapes if shape.has_text_frame
    ]
    assert "36 von 74 Schulen abgeschlossen (gemeldet)" in texts
    assert any("Erfassung pro Schule begonnen (vorher 36/74 gemeldet)" in text for text in texts)
