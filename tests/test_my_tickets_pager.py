"""The pager of "Tiket saya": the first and last pages, the previous and next ones and a
few around the current page, however many tickets a citizen has."""
import re

import pytest

import portal.views

from conftest import login


@pytest.fixture
def twelve_pages(monkeypatch, citizen, make_ticket):
    monkeypatch.setattr(portal.views, "PAGE_SIZE", 1)
    for n in range(12):
        make_ticket(citizen, subject=f"Tiket nomor {n}")


def pager_of(html):
    """The pager's items in order: link texts, "…" for a gap, the current one in []."""
    nav = re.search(r'<nav aria-label="Halaman">(.*?)</nav>', html, re.S).group(1)
    items = []
    for item in re.findall(r"<li[^>]*>(.*?)</li>", nav, re.S):
        text = re.sub(r"<[^>]+>", "", item).strip()
        items.append(f"[{text}]" if 'aria-current="page"' in item else text)
    return items


def test_the_pager_shows_a_window_around_the_current_page(client, citizen, twelve_pages):
    login(client, citizen)
    page = client.get("/tickets/?page=6").text
    assert pager_of(page) == ["Sebelumnya", "1", "…", "4", "5", "[6]", "7", "8", "…", "12",
                              "Berikutnya"]
    assert 'href="/tickets/?page=5" rel="prev"' in page
    assert 'href="/tickets/?page=7" rel="next"' in page


def test_the_first_and_last_pages_have_no_link_beyond_them(client, citizen, twelve_pages):
    login(client, citizen)
    assert pager_of(client.get("/tickets/").text) == [
        "[1]", "2", "3", "…", "12", "Berikutnya"]
    assert pager_of(client.get("/tickets/?page=12").text) == [
        "Sebelumnya", "1", "…", "10", "11", "[12]"]


def test_a_single_left_out_page_is_linked_rather_than_elided(client, citizen, twelve_pages):
    login(client, citizen)
    assert pager_of(client.get("/tickets/?page=4").text) == [
        "Sebelumnya", "1", "2", "3", "[4]", "5", "6", "…", "12", "Berikutnya"]
