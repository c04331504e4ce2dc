"""The site's URL map with the bench's hello-world view: the URL map of a site started with
CONGDONG_BENCH_VIEWS on (settings.ROOT_URLCONF), and of a test that measures in-process."""

from django.urls import path

from congdong.urls import urlpatterns as site
from congdong_tools.bench.views import hello

urlpatterns = [*site, path("__bench/hello/", hello)]
