from django.utils.functional import SimpleLazyObject

from .models import Authority


def authority(request) -> dict:
    """`authority`: the Schulträger the request is for, read only if a template asks
    (one query). Pages that show a plan take its `owner` instead (base.html), which
    their plan's query brought along."""
    return {"authority": SimpleLazyObject(lambda: Authority.objects.for_host(request.get_host()))}
