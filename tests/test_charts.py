"""The charts' geometry (admin_views/charts.py): pure functions, checked without a page."""
from admin_views import charts


def test_the_axis_goes_up_in_steps_of_one_two_or_five():
    assert charts.nice_top(0) == (4, 1)
    assert charts.nice_top(3) == (4, 1)
    assert charts.nice_top(7) == (8, 2)
    assert charts.nice_top(17) == (20, 5)
    assert charts.nice_top(1234) == (2000, 500)


def test_grouped_bars_stay_inside_the_plot_and_scale_with_their_values():
    chart = charts.columns(["1 Nov", "2 Nov", "3 Nov"], {"created": [4, 0, 2],
                                                         "resolved": [1, 3, 0]},
                           [("created", "Created"), ("resolved", "Resolved")])
    assert [(b["series"], b["value"]) for b in chart.bars] == [
        ("created", 4), ("resolved", 1), ("created", 0), ("resolved", 3), ("created", 2),
        ("resolved", 0)]
    for bar in chart.bars:
        assert chart.plot_left <= bar["x"] and bar["x"] + bar["w"] <= chart.plot_right + 0.1
        assert abs(bar["y"] + bar["h"] - chart.axis_y) < 0.1
    tallest = max(chart.bars, key=lambda b: b["h"])
    assert tallest["value"] == 4 and tallest["y"] == charts.TOP  # the axis' top is 4
    assert [t["label"] for t in chart.y_ticks] == ["0", "1", "2", "3", "4"]
    assert [t["label"] for t in chart.legend] == ["Created", "Resolved"]


def test_at_most_six_day_labels_the_first_always():
    days = [f"{d} Nov" for d in range(1, 31)]
    chart = charts.columns(days, {"created": [0] * 30}, [("created", "Created")])
    assert [t["label"] for t in chart.x_ticks] == ["1 Nov", "6 Nov", "11 Nov", "16 Nov",
                                                  "21 Nov", "26 Nov"]


def test_a_line_with_its_area_and_an_empty_one():
    chart = charts.line(["a", "b", "c"], [2, 4, 3], "backlog", "Open")
    assert chart.line.startswith(f"M{charts.LEFT}.0,") and chart.line.count("L") == 2
    assert chart.area.endswith("Z")
    empty = charts.line([], [], "backlog", "Open")
    assert empty.line == "" and empty.bars == []


def test_horizontal_bars_grow_with_the_rows():
    chart = charts.horizontal_bars(["Aplikasi SIKS-NG", "Data Terpadu"], [5, 2])
    assert [b["w"] for b in chart.bars] == [charts.WIDTH - 40, (charts.WIDTH - 40) * 2 / 5]
    assert chart.height > charts.horizontal_bars(["x"], [1]).height
    assert charts.horizontal_bars([], []).bars == []
