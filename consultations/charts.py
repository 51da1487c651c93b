"""Bar charts drawn on the server as SVG: geometry only; the template writes the markup, each
chart with a title, a description and a table of the same figures."""

from dataclasses import dataclass, field

ROW_HEIGHT = 28
BAR_HEIGHT = 18
LABEL_WIDTH = 230
PLOT_WIDTH = 330
VALUE_GAP = 8
WIDTH = LABEL_WIDTH + PLOT_WIDTH + 70


@dataclass
class Bar:
    label: str
    value: int | float
    text: str
    y: int
    width: int
    text_y: int

    @property
    def value_x(self):
        return LABEL_WIDTH + self.width + VALUE_GAP


@dataclass
class BarChart:
    slug: str
    title: str
    description: str
    value_heading: str
    bars: list[Bar] = field(default_factory=list)
    label_heading: str = ""

    width = WIDTH
    label_width = LABEL_WIDTH

    @property
    def height(self):
        return ROW_HEIGHT * max(len(self.bars), 1)

    @property
    def label_x(self):
        return LABEL_WIDTH - VALUE_GAP


def bar_chart(*, slug, title, description, label_heading, value_heading, figures, text=str):
    """A horizontal bar chart of ``figures`` ([(label, value)]); ``text`` formats a value."""
    largest = max((value for _label, value in figures), default=0) or 1
    bars = []
    for row, (label, value) in enumerate(figures):
        y = row * ROW_HEIGHT + (ROW_HEIGHT - BAR_HEIGHT) // 2
        bars.append(
            Bar(
                label=label,
                value=value,
                text=text(value),
                y=y,
                width=round(PLOT_WIDTH * value / largest),
                text_y=y + BAR_HEIGHT - 4,
            )
        )
    return BarChart(
        slug=slug,
        title=title,
        description=description,
        label_heading=label_heading,
        value_heading=value_heading,
        bars=bars,
    )
