from django.urls import path

from claims.views import desk

app_name = "desk"
urlpatterns = [
    path("", desk.dashboard, name="dashboard"),
    path("claims/<int:claim_id>/", desk.claim_workspace, name="claim"),
]
