"""The dashboard's charts as SVG geometry drawn by the server (no script, no outside
service): pure functions from numbers and labels to shapes in a fixed ``viewBox``, which
``templates/admin/reports/charts.html`` renders. The SVG scales to its container's width
(a phone included); the numbers also go in a table beside each chart."""
from dataclasses import dataclass, field

WIDTH = 400
LEFT, RIGHT, TOP, BOTTOM = 40, 8, 24, 22  # room for the axes' labels and the legend
MAX_X_LABELS = 6
COLORS = {"created": "#2c3e50", "resolved": "#18bc9c", "backlog": "#e67e22",
          "topic": "#3498db"}


@dataclass
class Chart:
    width: int
    height: int
    bars: list = field(default_factory=list)  # {x, y, w, h, series, value, label}
    x_ticks: list = field(default_factory=list)  # {x, label}
    y_ticks: list = field(default_factory=list)  # {y, label}
    legend: list = field(default_factory=list)  # {x, label, color}
    line: str = ""  # an SVG path
    area: str = ""
    texts: list = field(default_factory=list)  # {x, y, label, anchor}

    @property
    def view_box(self):
        return f"0 0 {self.width} {self.height}"

    @property
    def axis_y(self):
        return self.height - BOTTOM

    @property
    def plot_left(self):
        return LEFT

    @property
    def plot_right(self):
        return self.width - RIGHT


def nice_top(largest, steps=4):
    """The axis' top and step: a step of 1, 2 or 5 times a power of ten, at least 1."""
    step = 1
    while step * steps < largest:
        for factor in (2, 2.5, 2):  # 1, 2, 5, 10, 20, 50 ...
            step = int(step * factor)
            if step * steps >= largest:
                break
    return step * steps, step


def _y_axis(chart, largest, plot_height):
    top, step = nice_top(largest)
    chart.y_ticks = [{"y": _r(chart.axis_y - value / top * plot_height), "label": str(value)}
                     for value in range(0, top + 1, step)]
    return top


def _x_labels(chart, labels, center):
    """At most MAX_X_LABELS of the labels, evenly spaced, the first one always."""
    every = max(1, -(-len(labels) // MAX_X_LABELS))
    chart.x_ticks = [{"x": _r(center(i)), "label": label}
                     for i, label in enumerate(labels) if i % every == 0]


def _legend(chart, names):
    chart.legend = [{"x": LEFT + 120 * i, "label": label, "color": COLORS[key]}
                    for i, (key, label) in enumerate(names)]


def _r(value):
    return round(value, 1)


def columns(labels, series, names, height=220):
    """Grouped vertical bars: ``series`` {key: [values]} aligned with ``labels`` (one group
    per label), ``names`` [(key, label)] for the legend, in drawing order."""
    chart = Chart(WIDTH, height)
    plot_width, plot_height = WIDTH - LEFT - RIGHT, height - TOP - BOTTOM
    top = _y_axis(chart, max([max(v, default=0) for v in series.values()], default=0),
                  plot_height)
    slot = plot_width / max(len(labels), 1)
    gap = slot * 0.2 if len(labels) > 1 else slot * 0.3
    bar = (slot - gap) / max(len(names), 1)
    for i, label in enumerate(labels):
        for j, (key, _name) in enumerate(names):
            value = series[key][i]
            h = value / top * plot_height
            chart.bars.append({"x": _r(LEFT + i * slot + gap / 2 + j * bar),
                               "y": _r(chart.axis_y - h), "w": _r(bar), "h": _r(h),
                               "series": key, "value": value, "label": label,
                               "color": COLORS[key]})
    _x_labels(chart, labels, lambda i: LEFT + (i + 0.5) * slot)
    _legend(chart, names)
    return chart


def line(labels, values, key, name, height=200):
    """A line over the labels with the area under it filled."""
    chart = Chart(WIDTH, height)
    plot_width, plot_height = WIDTH - LEFT - RIGHT, height - TOP - BOTTOM
    top = _y_axis(chart, max(values, default=0), plot_height)
    step = plot_width / max(len(values) - 1, 1)

    def x(i):
        return LEFT + (i * step if len(values) > 1 else plot_width / 2)
    points = [(_r(x(i)), _r(chart.axis_y - v / top * plot_height))
              for i, v in enumerate(values)]
    if points:
        chart.line = "M" + " L".join(f"{px},{py}" for px, py in points)
        chart.area = (f"{chart.line} L{points[-1][0]},{chart.axis_y} "
                      f"L{points[0][0]},{chart.axis_y} Z")
    _x_labels(chart, labels, x)
    _legend(chart, [(key, name)])
    return chart


def horizontal_bars(labels, values, key="topic", row=30):
    """One bar per label, its name above it and its value after it; the height grows with
    the number of rows so that long lists stay readable."""
    chart = Chart(WIDTH, 8 + row * max(len(labels), 1))
    largest = max(values, default=0) or 1
    room = WIDTH - 40  # for the value after the longest bar
    for i, (label, value) in enumerate(zip(labels, values)):
        top = 8 + i * row
        w = value / largest * room
        chart.texts.append({"x": 0, "y": top + 9, "label": label, "anchor": "start"})
        chart.texts.append({"x": _r(w + 4), "y": top + 22, "label": str(value),
                            "anchor": "start"})
        chart.bars.append({"x": 0, "y": top + 12, "w": _r(w), "h": 13, "series": key,
                           "value": value, "label": label, "color": COLORS[key]})
    return chart
