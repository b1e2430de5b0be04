"""Amounts of money as the reader's language writes them."""

from decimal import Decimal

from django import template

from measures.money import euros

register = template.Library()


@register.filter
def euro(amount: Decimal | None) -> str:
    """ "2.800.000,00 €" (in English "2,800,000.00 €"); empty for no amount."""
    if amount is None:
        return ""
    return euros(amount)
