import pytest
from django.urls import reverse


@pytest.mark.django_db
def test_qms_page_shows_the_six_steps_in_the_seed_wording(client, working_group):
    response = client.get(reverse("qms:index"))
    assert response.status_code == 200
    html = response.content.decode()
    for label in ["First Step", "Second Step", "Sixth Step"]:
        assert label in html
    assert "Identity Core business processes" in html
    assert "Implement the QMS and Schedule an external audit" in html
    assert html.index("First Step") < html.index("Sixth Step")
