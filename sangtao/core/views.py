"""The status page of a long job, its JSON for core/progress.js, its file, and running it again."""

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from sangtao.core import progress
from sangtao.core.feedback import run_service


@login_required
def job(request, pk):
    run = progress.get_run_for(request.user, pk)
    return render(request, "core/job.html", {"run": run, "progress": progress.progress_of(run)})


@login_required
def job_progress(request, pk):
    return JsonResponse(progress.progress_of(progress.get_run_for(request.user, pk)).as_json())


@login_required
def job_result(request, pk):
    run = progress.get_run_for(request.user, pk)
    if not run.result:
        raise Http404
    return FileResponse(run.result.open("rb"), as_attachment=True, filename=run.result.name.rsplit("/", 1)[-1])


@login_required
@require_POST
def job_retry(request, pk):
    run = progress.get_run_for(request.user, pk)
    again = run_service(request, progress.retry, run, request.user, success=_("Đã xếp lịch chạy lại."))
    return redirect(again or run)
