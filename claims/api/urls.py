from django.urls import path

from claims.api import api

urlpatterns = [path("", api.urls)]
