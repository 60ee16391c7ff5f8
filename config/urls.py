from django.contrib import admin
from django.urls import include, path
from django.views.decorators.csrf import csrf_exempt
from django.views.i18n import set_language

from config.api import api

admin.site.site_header = "云南省科技成果转移转化服务平台 · 管理后台"
admin.site.site_title = "转化 管理后台"
admin.site.index_title = "平台管理"

urlpatterns = [
    path("", include("zhuanhua.portal.urls")),
    path("accounts/", include("zhuanhua.accounts.urls")),
    path("achievements/", include("zhuanhua.achievements.urls")),
    path("organisations/", include("zhuanhua.portal.organisation_urls")),
    path("licensing/", include("zhuanhua.licensing.urls")),
    path("contracts/", include("zhuanhua.contracts.urls")),
    path("transfer/", include("zhuanhua.transfer.urls")),
    path("disclosures/", include("zhuanhua.disclosures.urls")),
    path("publicity/", include("zhuanhua.publicity.urls")),
    path("credit/", include("zhuanhua.credit.urls")),
    path("vouchers/", include("zhuanhua.vouchers.urls")),
    path("subsidies/", include("zhuanhua.subsidies.urls")),
    path("exemption/", include("zhuanhua.exemption.urls")),
    path("projects/", include("zhuanhua.projects.urls")),
    path("directory/", include("zhuanhua.directory.urls")),
    path("dashboards/", include("zhuanhua.dashboards.urls")),
    path("notifications/", include("zhuanhua.notifications.urls")),
    path("needs/", include("zhuanhua.needs.urls")),
    path("events/", include("zhuanhua.events.urls")),
    path("search/", include("zhuanhua.search.urls")),
    path("api/", api.urls),
    path("admin/", admin.site.urls),
    # The language switch needs no CSRF token: choosing a display language harms no one, and a
    # token on every page would keep anonymous pages out of the public page cache
    # (zhuanhua/core/pagecache.py). set_language still refuses an off-site `next`.
    path("i18n/setlang/", csrf_exempt(set_language), name="set_language"),
]

# The site's own error pages, in Chinese with the header (zhuanhua/core/errors.py).
handler400 = "zhuanhua.core.errors.bad_request"
handler403 = "zhuanhua.core.errors.permission_denied"
handler404 = "zhuanhua.core.errors.page_not_found"
handler500 = "zhuanhua.core.errors.server_error"
