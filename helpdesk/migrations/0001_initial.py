"""The first schema: created from the models by ``init-db``; nothing to change."""


def up(migrator, database):
    pass
