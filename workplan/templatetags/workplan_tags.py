from django import template

from workplan.selectors import items_with_progress

register = template.Library()


@register.simple_tag
def work_plan_progress():
    """``{% work_plan_progress as items %}``: the work items in plan order,
    each with its ``progress`` bar; two queries."""
    return items_with_progress()
