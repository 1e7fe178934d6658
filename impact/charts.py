"""The chart of a measure's data points against its baseline and target."""
from partnerships.charts import line_chart

from .calculations import Trend, trend_toward_target


def measure_series_chart(*, title, baseline, target, points, unit=""):
    """A measure's data points over time, with its baseline and target as lines, and the trend in words.

    `points` is [(period label, value)] in time order.
    """
    labels = [label for label, _ in points]
    values = [value for _, value in points]
    trend = trend_toward_target(baseline, target, points)
    series = [("Value", values)]
    if baseline is not None:
        series.append(("Baseline", [baseline] * len(points)))
    if target is not None:
        series.append(("Target", [target] * len(points)))
    description = (
        f"Baseline {_n(baseline, unit)}, target {_n(target, unit)}. "
        + ", ".join(f"{label}: {_n(value, unit)}" for label, value in points)
        + f". {Trend.LABELS[trend]}."
    )
    chart = line_chart(title=title, description=description, labels=labels, series=series, label_header="Period")
    chart.trend = trend
    chart.trend_label = Trend.LABELS[trend]
    return chart


def _n(value, unit):
    return "not set" if value is None else f"{value:,}{unit}"
