from impact import charts
from partnerships.tests.test_charts import assert_safe_and_described


def test_a_measure_series_shows_baseline_target_and_trend():
    chart = charts.measure_series_chart(
        title="Staff confident to talk to children", baseline=40, target=70,
        points=[("2025", 45), ("2026", 52)], unit="%",
    )
    assert_safe_and_described(chart, "Staff confident to talk to children")
    assert chart.trend == "toward" and chart.trend_label == "Moving toward the target"
    assert "Baseline 40%, target 70%. 2025: 45%, 2026: 52%. Moving toward the target." in chart.description
    assert chart.rows == [["2025", 45, 40, 70], ["2026", 52, 40, 70]]
