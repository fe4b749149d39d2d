from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


@login_required
def profile_edit(request: HttpRequest) -> HttpResponse:
    return render(request, "base.html")


@login_required
def conditions(request: HttpRequest) -> HttpResponse:
    return render(request, "base.html")
