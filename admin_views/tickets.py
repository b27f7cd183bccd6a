"""The ticket queue and the ticket page."""


def register(admin):
    pass
