"""The layout of a timeline drawn as SVG on the server: rows of bars (target
start to end) and milestone marks, month ticks, and today's line.

Only arithmetic on dates, no query: the pages give it items whose
milestones are loaded (``selectors.plan_items`` / ``item_detail``), and the
template ``workplan/_timeline.html`` draws what it returns. The SVG has a
title and a description and its labels are text, so a screen reader reads
it; the pages give the same facts in a table beside it.
"""

import datetime
from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from portal.localized import localized

WIDTH = 960
LABEL_WIDTH = 300  # the labels' column, left of the chart
RIGHT_MARGIN = 24
HEADER = 34  # the ticks' labels, above the rows
ROW = 30
FOOTER = 16  # today's label, below the rows
MARK = 7  # half the width of a milestone's diamond


@dataclass(frozen=True)
class Tick:
    x: float
    label: str
    date: datetime.date

    @property
    def anchor(self) -> str:
        """Labels at the right edge end there rather than past it."""
        return "end" if self.x > WIDTH - RIGHT_MARGIN - 20 else "middle"


@dataclass(frozen=True)
class Mark:
    """A milestone on its row."""

    x: float
    y: float
    title: str
    due: datetime.date
    done_on: datetime.date | None
    overdue: bool
    # The diamond's corners, as SVG's ``points`` takes them.
    points: str

    @property
    def flag_y(self) -> float:
        """Where the "!" of an overdue milestone stands, above it."""
        return self.y - MARK - 2

    @property
    def state(self) -> str:
        if self.done_on:
            return "done"
        return "overdue" if self.overdue else "open"


@dataclass(frozen=True)
class Row:
    label: str
    y: float  # the top of the row
    status: str = ""
    bar_x: float | None = None
    bar_width: float = 0.0
    marks: list[Mark] = field(default_factory=list)

    @property
    def middle(self) -> float:
        return self.y + ROW / 2

    @property
    def text_y(self) -> float:
        return self.y + ROW / 2 + 5

    @property
    def bar_y(self) -> float:
        return self.y + ROW / 2 - 6


@dataclass(frozen=True)
class Timeline:
    first: datetime.date
    last: datetime.date
    today: datetime.date
    today_x: float | None
    ticks: list[Tick]
    rows: list[Row]
    width: int = WIDTH
    label_width: int = LABEL_WIDTH

    @property
    def height(self) -> float:
        return HEADER + ROW * len(self.rows) + FOOTER

    @property
    def chart_left(self) -> int:
        return LABEL_WIDTH

    @property
    def chart_right(self) -> int:
        return WIDTH - RIGHT_MARGIN

    @property
    def rows_bottom(self) -> float:
        return HEADER + ROW * len(self.rows)

    @property
    def today_label_y(self) -> float:
        return self.height - 1

    @property
    def marks(self) -> list[Mark]:
        return [mark for row in self.rows for mark in row.marks]

    @property
    def overdue_count(self) -> int:
        return sum(1 for mark in self.marks if mark.overdue)


def _month_start(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def _next_month(day: datetime.date) -> datetime.date:
    return (day.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)


def _ticks(first, last, x_of) -> list[Tick]:
    months = (last.year - first.year) * 12 + last.month - first.month
    # Labels about 50 units wide, in a chart of 636: a dozen at most.
    step = next((n for n in (1, 3, 6) if months / n <= 12), 12)
    ticks = []
    day = first
    while day <= last:
        if (day.month - 1) % step == 0:
            label = f"{day:%Y}" if step == 12 else f"{day:%Y-%m}"
            ticks.append(Tick(x_of(day), label, day))
        day = _next_month(day)
    return ticks


def _dates(items) -> list[datetime.date]:
    found = []
    for item in items:
        found += [d for d in (item.start, item.end) if d]
        for milestone in item.milestones.all():
            found += [d for d in (milestone.due, milestone.done_on) if d]
    return found


def _mark(milestone, x_of, middle: float, today) -> Mark:
    x = x_of(milestone.due)
    points = (
        f"{x:.1f},{middle - MARK:.1f} {x + MARK:.1f},{middle:.1f} "
        f"{x:.1f},{middle + MARK:.1f} {x - MARK:.1f},{middle:.1f}"
    )
    return Mark(
        x=x,
        y=middle,
        title=localized(milestone, "title"),
        due=milestone.due,
        done_on=milestone.done_on,
        overdue=milestone.is_overdue(today),
        points=points,
    )


def _layout(items, today, *, per_milestone: bool):
    dates = _dates(items)
    if not dates:
        return None
    first = _month_start(min([*dates, today]))
    last = _next_month(max([*dates, today]))
    span = (last - first).days
    left, right = LABEL_WIDTH, WIDTH - RIGHT_MARGIN

    def x_of(day: datetime.date) -> float:
        return round(left + (day - first).days / span * (right - left), 1)

    rows = []
    for item in items:
        y = HEADER + ROW * len(rows)
        bar_x, bar_width = None, 0.0
        if item.start or item.end:
            start, end = item.start or item.end, item.end or item.start
            bar_x = x_of(start)
            bar_width = max(round(x_of(end) - bar_x, 1), 2.0)
        milestones = list(item.milestones.all())
        marks = (
            []
            if per_milestone
            else [_mark(m, x_of, y + ROW / 2, today) for m in milestones]
        )
        rows.append(
            Row(
                label=localized(item, "title"),
                y=y,
                status=item.status,
                bar_x=bar_x,
                bar_width=bar_width,
                marks=marks,
            )
        )
        if per_milestone:
            for milestone in milestones:
                y = HEADER + ROW * len(rows)
                rows.append(
                    Row(
                        label=localized(milestone, "title"),
                        y=y,
                        marks=[_mark(milestone, x_of, y + ROW / 2, today)],
                    )
                )
    today_x = x_of(today) if first <= today <= last else None
    return Timeline(
        first=first,
        last=last,
        today=today,
        today_x=today_x,
        ticks=_ticks(first, last, x_of),
        rows=rows,
    )


def plan_timeline(items, today: datetime.date) -> Timeline | None:
    """One row per item: its target dates as a bar, its milestones on it.
    None when no item has a date yet."""
    return _layout(items, today, per_milestone=False)


def item_timeline(item, today: datetime.date) -> Timeline | None:
    """An item's bar, then one row per milestone, labelled with its title.
    None when the item has no date yet."""
    return _layout([item], today, per_milestone=True)


def describe(timeline: Timeline) -> str:
    """The SVG's description: what it shows, in two sentences."""
    span = _("From %(first)s to %(last)s; today is %(today)s.") % {
        "first": f"{timeline.first:%Y-%m}",
        "last": f"{timeline.last:%Y-%m}",
        "today": timeline.today.isoformat(),
    }
    count = len(timeline.marks)
    marks = ngettext(
        "%(count)d milestone, %(overdue)d overdue.",
        "%(count)d milestones, %(overdue)d overdue.",
        count,
    ) % {"count": count, "overdue": timeline.overdue_count}
    return f"{span} {marks}"
