from django.utils.functional import SimpleLazyObject

from .models import authority_for


def authority(request) -> dict:
    """`authority`: the Schulträger the request is for, read only if a template asks
    (one query). Pages that show a plan take its `owner` instead (base.html), which
    their plan's query brought along."""
    return {"authority": SimpleLazyObject(lambda: authority_for(request))}
