from django import template

from workplan.selectors import items_with_progress, needs_attention

register = template.Library()


@register.simple_tag
def work_plan_progress():
    """``{% work_plan_progress as items %}``: the work items in plan order,
    each with its ``progress`` bar; two queries."""
    return items_with_progress()


@register.simple_tag
def work_items_at_risk():
    """``{% work_items_at_risk as items %}``: the items marked at risk and
    those not done with an overdue milestone, each with ``overdue_count``;
    one query."""
    return list(needs_attention())
