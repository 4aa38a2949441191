from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404

from .materials import can_download
from .models import Material


@login_required
def material_download(request, pk: int):
    """Materials are served only here, as a download, to someone who may see the case (404 otherwise)."""
    material = Material.objects.select_related("application__applicant", "application__unit").filter(pk=pk).first()
    if material is None or not can_download(request.user, material):
        raise Http404("材料不存在或您无权查看")
    response = FileResponse(material.file.open("rb"), as_attachment=True, filename=material.original_name)
    response["Content-Type"] = "application/pdf"
    response["X-Content-Type-Options"] = "nosniff"
    return response
