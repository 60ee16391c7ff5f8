from zhuanhua.search.tests.conftest import (  # noqa: F401
    enterprise,
    enterprise_user,
    need_data,
    published_need,
    search_dir,
)
