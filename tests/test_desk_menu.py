"""The desk's main menu, kept between requests (admin_views/desk_menu.py): each user still
sees the entries of their roles, in their language, with the page they are on marked."""
import re


def menu_of(page):
    """(link, name, active) of each entry of the main menu."""
    menu = page.split('<ul class="nav navbar-nav mr-auto">', 1)[1].split("</ul>\n", 1)[0]
    return [(href, name.strip(), "active" in opening) for opening, href, name in re.findall(
        r'<(li[^>]*|a class="dropdown-toggle[^"]*")>\s*<a [^>]*href="([^"]+)"[^>]*>([^<]*)</a>',
        menu)]


def links_of(page):
    return [href for href, _, _ in menu_of(page)]


def test_each_user_sees_the_entries_of_their_roles(make_user, agent, client_of):
    admin = make_user("admin@kemensos.go.id", roles=["admin"], full_name="Ade Admin")
    as_admin, as_agent = client_of(admin), client_of(agent)
    for _ in range(2):  # in turn, on the same page and language
        assert "/admin/user/" in links_of(as_admin.get("/admin/ticket/?flt0_status=open").text)
        assert "/admin/user/" not in links_of(
            as_agent.get("/admin/ticket/?flt0_status=open").text)
    assert links_of(as_agent.get("/admin/ticket/?flt0_status=open").text)[:2] == [
        "/admin/", "/admin/ticket/"]


def test_the_menu_follows_the_language_and_marks_the_page(agent, client_of):
    browser = client_of(agent)
    queue = menu_of(browser.get("/admin/ticket/?flt0_status=open&lang=id").text)
    assert ("/admin/", "Beranda", False) in queue and ("/admin/ticket/", "Tiket", True) in queue
    home = menu_of(browser.get("/admin/?lang=id").text)
    assert ("/admin/", "Beranda", True) in home and ("/admin/ticket/", "Tiket", False) in home
    home = menu_of(browser.get("/admin/?lang=en").text)
    assert ("/admin/", "Home", True) in home and ("/admin/ticket/", "Tickets", False) in home
