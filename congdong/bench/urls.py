"""The site's URL map with the bench's hello-world view, for a test that measures in-process
(congdong/urls.py routes it only when CONGDONG_BENCH_VIEWS was on at start-up)."""

from django.urls import path

from congdong.bench.views import hello
from congdong.urls import urlpatterns as site

urlpatterns = [*site, path("__bench/hello/", hello)]
