"""fuzz benchmark (being written)."""


def run(database_url, say, **options):
    raise NotImplementedError
