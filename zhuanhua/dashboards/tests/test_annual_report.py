import shutil
import subprocess

import pytest

from zhuanhua.dashboards.charts import CHARTS, Filters, chart_data
from zhuanhua.dashboards.report import annual_figures, annual_report_pdf, render_svgs


def test_every_chart_renders_to_svg_server_side(db):
    if shutil.which("node") is None:
        pytest.fail("node is part of set-up (npm assets); it must be on PATH")
    charts = [chart_data(key, Filters(year=2026)) for key in CHARTS]
    svgs = render_svgs(charts)
    assert set(svgs) == set(CHARTS)
    assert all(svg.startswith("<svg") for svg in svgs.values())


def test_annual_figures_count_the_years_records(published_a):
    figures = dict(annual_figures(published_a.published_at.year))
    assert figures["当年新发布成果"] == "1 项"
    assert figures["当年许可费实际到账额"] == "0.00 元"


def test_annual_report_pdf_renders_to_a_non_blank_page(published_a, tmp_path):
    pdf = annual_report_pdf(published_a.published_at.year)
    assert pdf.startswith(b"%PDF")
    path = tmp_path / "report.pdf"
    path.write_bytes(pdf)
    text = subprocess.run(
        ["pdftotext", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert f"{published_a.published_at.year} 年度云南省科技成果转化报告" in text
    assert "各州（市）已发布成果" in text
    subprocess.run(
        ["pdftoppm", "-png", "-r", "40", "-f", "1", "-l", "1", str(path), str(tmp_path / "page")],
        check=True,
    )
    png = next(tmp_path.glob("page*.png"))
    assert png.stat().st_size > 5000


def test_annual_report_is_for_the_department_only(client, manager_a, reviewer):
    client.force_login(manager_a)
    assert client.get("/dashboards/report/2026.pdf").status_code == 403
    client.force_login(reviewer)
    response = client.get("/dashboards/report/2026.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
