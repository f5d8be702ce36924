"""Background work for citizens: fill the data store after acceptance and signature."""

from __future__ import annotations

from motcua.citizens.services import store_papers_of, store_results_of
from motcua.dossiers.models import DossierEvent
from motcua.dossiers.tasks import subscribe


@subscribe("accept")
def store_accepted_papers(event: DossierEvent) -> None:
    """An accepted dossier's papers go into its applicant's data store."""
    store_papers_of(event.dossier)


@subscribe("sign_result")
def store_signed_results(event: DossierEvent) -> None:
    """A signed electronic result goes into its applicant's data store."""
    store_results_of(event.dossier)
