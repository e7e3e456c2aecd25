from django.test import RequestFactory

from claims.net import client_address


def _request(remote="10.1.1.1", forwarded=None):
    meta = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        meta["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **meta)


def test_it_uses_the_connection_address_by_default(settings):
    settings.CLIENT_IP_FROM_PROXY = False
    assert client_address(_request(forwarded="203.0.113.9")) == "10.1.1.1"


def test_it_takes_the_last_hop_written_by_a_trusted_proxy(settings):
    settings.CLIENT_IP_FROM_PROXY = True
    # The client claimed 1.2.3.4; the proxy appended the address it really saw.
    assert client_address(_request(forwarded="1.2.3.4, 198.51.100.7")) == "198.51.100.7"


def test_it_falls_back_to_the_connection_without_the_header(settings):
    settings.CLIENT_IP_FROM_PROXY = True
    assert client_address(_request(forwarded="")) == "10.1.1.1"
