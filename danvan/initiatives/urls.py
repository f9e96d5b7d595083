"""URLs of the initiatives app: each views module lists its own patterns."""

from danvan.initiatives.views import campaigns, compliance, councils, exports, initiatives

app_name = "initiatives"
urlpatterns = [
    *campaigns.urlpatterns,
    *initiatives.urlpatterns,
    *councils.urlpatterns,
    *compliance.urlpatterns,
    *exports.urlpatterns,
]
