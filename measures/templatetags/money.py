"""Amounts of money as the reader's language writes them."""

from decimal import Decimal

from django import template
from django.utils.formats import number_format

register = template.Library()


@register.filter
def euro(amount: Decimal | None) -> str:
    """ "2.800.000,00 €" (in English "2,800,000.00 €"); empty for no amount."""
    if amount is None:
        return ""
    return f"{number_format(amount, 2, use_l10n=True, force_grouping=True)}\u00a0€"
