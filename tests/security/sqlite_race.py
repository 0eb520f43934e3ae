"""Run by tests/security/test_bad_input.py in a process of its own: the
portal on a SQLite file, and requests at the same moment from threads (each
thread has its own connection, as each server worker would).

Prints one JSON line: the statuses each round of parallel requests got.
"""

import json
import os
import sys
import threading


def main(rounds: int, parallel: int) -> dict:
    import django

    django.setup()
    from django.core.management import call_command
    from rest_framework.test import APIClient

    from committees.models import Role
    from standards import services
    from tests.factories import FieldFactory, OrganisationFactory, user_with_role

    call_command("migrate", verbosity=0)
    field = FieldFactory(name="Race Field")
    member = user_with_role(
        Role.Kind.MEMBER_REPRESENTATIVE, organisation=OrganisationFactory()
    )

    def at_once(path, payloads):
        barrier = threading.Barrier(len(payloads))
        statuses = [None] * len(payloads)

        def worker(index, payload):
            from django.db import connection

            client = APIClient(HTTP_HOST="localhost")
            client.force_authenticate(user=member)
            try:
                barrier.wait(timeout=30)
                statuses[index] = client.post(path, payload, format="json").status_code
            finally:
                connection.close()

        threads = [
            threading.Thread(target=worker, args=(i, p)) for i, p in enumerate(payloads)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
        return statuses

    transitions, uploads = [], []
    for number in range(rounds):
        standard = services.standard_create(
            actor=member, title=f"Race {number}", scope="Scope.", field=field
        )
        services.version_create(
            standard_id=standard.pk, actor=member, body="# One\n", change_summary=""
        )
        uploads.append(
            at_once(
                f"/api/v1/standards/{standard.pk}/versions/",
                [{"body": f"# Version {i}\n"} for i in range(parallel)],
            )
        )
        transitions.append(
            at_once(
                f"/api/v1/standards/{standard.pk}/transitions/submit/",
                [{"comment": "ok"}] * parallel,
            )
        )
    return {"transitions": transitions, "uploads": uploads}


if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
    print(json.dumps(main(int(sys.argv[1]), int(sys.argv[2]))))
