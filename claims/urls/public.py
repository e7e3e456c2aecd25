from django.urls import path

from claims import feeds
from claims.views import archive, public

app_name = "public"
urlpatterns = [
    path("", public.home, name="home"),
    path("claims/<slug:slug>/", public.claim_detail, name="claim"),
    path("claims/<slug:slug>/evidence/<int:evidence_id>/archive/", archive.evidence_archive, name="evidence_archive"),
    path("embed/claims/<slug:slug>/", public.claim_embed, name="embed"),
    path("speakers/", public.speaker_list, name="speakers"),
    path("speakers/<slug:slug>/", public.speaker_detail, name="speaker"),
    path("topics/<slug:slug>/", public.topic_detail, name="topic"),
    path("search/", public.search, name="search"),
    path("methodology/", public.methodology, name="methodology"),
    path("corrections/", public.corrections, name="corrections"),
    path("suggest/", public.suggest, name="suggest"),
    path("feeds/latest/", feeds.latest_feed, name="feed"),
    path("claimreview.json", feeds.claimreview_feed, name="claimreview"),
    path("sitemap.xml", feeds.sitemap, name="sitemap"),
    path("sitemap-<int:number>.xml", feeds.sitemap_section, name="sitemap_section"),
    path("robots.txt", public.robots, name="robots"),
]
