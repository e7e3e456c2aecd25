from django.urls import path

from claims.views import public

app_name = "public"
urlpatterns = [
    path("", public.home, name="home"),
    path("claims/<slug:slug>/", public.claim_detail, name="claim"),
    path("corrections/", public.corrections, name="corrections"),
    path("speakers/<slug:slug>/", public.speaker_detail, name="speaker"),
    path("topics/<slug:slug>/", public.topic_detail, name="topic"),
]
