"""The header's menu stays on one row at 1366 px (issue 21.5), for the public and for the
signed-in person with the most header links (a reviewer: 消息, 工作台, 数据看板, name · unit)."""

import pytest

from tests.browser.conftest import login

ROW = """() => [...document.querySelectorAll('#mainnav > ul > li.nav-item')]
  .map(li => Math.round(li.getBoundingClientRect().top))"""


FITS = """() => { const nav = document.querySelector('#mainnav');
  return nav.scrollWidth <= nav.clientWidth; }"""


def _one_row(page) -> list[int]:
    tops = page.evaluate(ROW)
    assert len(tops) >= 9
    assert page.evaluate(FITS)  # nothing runs under the language switch
    return sorted(set(tops))


def test_public_header_is_one_row(page, transactional_db):
    page.goto(page.base + "/")

    assert len(_one_row(page)) == 1


@pytest.mark.parametrize("who", ["reviewer", "manager"])
def test_signed_in_header_is_one_row(page, shot, transactional_db, make_org, make_user, who):
    if who == "reviewer":
        org = make_org(name="云南省科学技术厅成果转化与区域创新处", org_type="department")
        make_user("rev", org, ["department_reviewer"])
    else:
        org = make_org(name="中国科学院昆明植物研究所")
        make_user("rev", org, ["achievement_manager", "org_admin"])
    login(page, "rev")
    page.goto(page.base + "/")
    shot(page, f"header-1366-{who}")

    assert len(_one_row(page)) == 1
