"""The catalogue that ships with the demo: complete enough to run a province on."""

import json
from pathlib import Path

import pytest

from motcua.catalog.models import Procedure, ProcedureGroup, ProcedureVersion
from motcua.catalog.schemas import eform_schema_problems
from motcua.catalog.selectors import search_procedures
from motcua.catalog.services import catalog_import

DATA = Path(__file__).resolve().parents[1] / "data" / "procedures"
FILES = sorted(DATA.glob("*.json"))


def _procedures():
    for path in FILES:
        yield from json.loads(path.read_text(encoding="utf-8"))["procedures"]


def test_every_shipped_eform_schema_is_usable_and_labelled_in_vietnamese():
    procedures = list(_procedures())
    assert len(procedures) >= 60
    for p in procedures:
        assert eform_schema_problems(p["eform_schema"]) == [], p["code"]
        assert p["eform_schema"]["properties"], p["code"]
        assert p["source"], f"{p['code']} says where its facts come from"


@pytest.mark.django_db
def test_the_demo_catalogue_imports_whole():
    for path in FILES:
        catalog_import(json.loads(path.read_text(encoding="utf-8")))
    assert Procedure.objects.count() >= 60
    assert ProcedureVersion.objects.filter(status="published").count() == Procedure.objects.count()
    groups = {g.code: g for g in ProcedureGroup.objects.prefetch_related("members__procedure")}
    assert set(groups) >= {"lien-thong-khai-sinh", "lien-thong-khai-tu"}
    birth = [m.procedure.code for m in groups["lien-thong-khai-sinh"].members.all()]
    # Khai sinh + thường trú; the health-insurance card member has no verified code yet.
    assert birth[:2] == ["1.001193", "1.004222"]
    death = [m.procedure.code for m in groups["lien-thong-khai-tu"].members.all()]
    assert death[:2] == ["1.000656", "1.003197"]
    assert search_procedures("dang ky khai sinh")[0].procedure.code == "1.001193"
