"""Static files are served by the app itself (WhiteNoise from the apps' folders: the laptop
demo has no collectstatic), long-cached where their name is hashed, refused where there is no
such file; every request handler of a process shares one table of them (congdong/core/static.py),
read when the first one is made."""

from __future__ import annotations

from django.conf import settings
from django.contrib.staticfiles import finders
from django.test import Client

from congdong.core.static import StaticFilesMiddleware


def test_our_script_and_the_editors_files_are_served_with_their_type():
    for name, kind in (
        ("congdong/rich-text.js", "text/javascript"),
        ("congdong/site.css", "text/css"),
    ):
        response = Client().get(settings.STATIC_URL + name)
        assert response.status_code == 200, name
        assert response["Content-Type"].startswith(kind), response["Content-Type"]
        body = b"".join(response.streaming_content)
        with open(finders.find(name), "rb") as source:
            assert body == source.read()
    assert Client().get(settings.STATIC_URL + "congdong/no-such-file.js").status_code == 404


def test_every_handler_serves_the_same_table_read_once():
    first, second = StaticFilesMiddleware(lambda r: None), StaticFilesMiddleware(lambda r: None)
    url = settings.STATIC_URL + "congdong/rich-text.js"
    assert url in first.files and first.files[url] is second.files[url]
    listed = {
        settings.STATIC_URL + path
        for finder in finders.get_finders()
        for path, _ in finder.list(None)
    }
    assert listed <= set(first.files)
