import pytest
@pytest.mark.django_db
def test_render(client):
    r = client.get("/accounts/login/")
    print(r.content.decode()[-3000:])
