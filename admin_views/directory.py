"""Administrators' CRUD views: users, roles, departments, help topics, canned responses."""


def register(admin):
    pass
