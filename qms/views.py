from django.shortcuts import render

from .models import QmsStep


def index(request):
    return render(request, "qms/index.html", {"steps": QmsStep.objects.all()})
