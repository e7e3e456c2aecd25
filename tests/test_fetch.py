"""fetch(): the intake page's article fetcher, and the SSRF policy it enforces on every hop."""

import contextlib
import functools
import ipaddress
import shutil
import socket
import ssl
import subprocess
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import SimpleNamespace
from urllib.parse import parse_qs, urlsplit

import pytest

from claims.fetch import (
    FetchedPage,
    FetchError,
    address_policy,
    check_address,
    fetch,
    fetch_bytes,
    in_allowed_network,
    post,
    public_address,
)

LOOPBACK = ipaddress.ip_address("127.0.0.1")


def allow_all(ip):
    return True


def only_loopback(ip):
    """The test servers' address and nothing else, so a redirect anywhere else must be refused."""
    return ip == LOOPBACK


# --- public_address ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "ip",
    [
        "127.0.0.1", "127.255.255.254",  # loopback
        "10.0.0.1", "172.16.0.1", "172.31.255.255", "192.168.1.1",  # private
        "169.254.0.1", "169.254.169.254",  # link-local and the cloud metadata service
        "100.64.0.1", "100.127.255.254", "100.100.100.200",  # carrier-grade NAT
        "0.0.0.0", "0.1.2.3",  # noqa: S104 -- unspecified / "this network"
        "224.0.0.1", "239.255.255.250",  # multicast
        "240.0.0.1", "255.255.255.255",  # reserved, broadcast
        "192.0.2.1", "198.18.0.1",  # documentation, benchmarking
        "::1", "::",  # loopback, unspecified
        "fc00::1", "fd12:3456::1", "fd00:ec2::254",  # unique local, AWS metadata over IPv6
        "fe80::1", "fe80::1%eth0",  # link-local, with and without a zone
        "ff02::1",  # multicast
        "::ffff:127.0.0.1", "::ffff:10.0.0.1", "::ffff:169.254.169.254", "::ffff:0.0.0.0",  # IPv4-mapped
        "::127.0.0.1",  # IPv4-compatible
        "64:ff9b::7f00:1", "64:ff9b::a9fe:a9fe",  # NAT64 of loopback and of the metadata service
        "2002:7f00:1::1",  # 6to4 wrapping 127.0.0.1
        "2001:db8::1",  # documentation
    ],
)
def test_it_refuses_non_public_addresses(ip):
    assert public_address(ipaddress.ip_address(ip)) is False
    assert public_address(ip) is False


@pytest.mark.parametrize(
    "ip",
    [
        "8.8.8.8", "1.1.1.1", "93.184.216.34",
        "11.0.0.1", "172.32.0.1", "100.128.0.1", "169.255.0.1",  # just outside the blocked ranges
        "2606:4700:4700::1111", "2a00:1450:4009:81f::200e",
        "::ffff:8.8.8.8", "64:ff9b::808:808",  # mapped and NAT64 forms of a public address
    ],
)
def test_it_allows_public_addresses(ip):
    assert public_address(ipaddress.ip_address(ip)) is True


# --- fixtures ----------------------------------------------------------------------------------


@pytest.fixture
def connections(monkeypatch):
    """Every address a socket connects to during the test."""
    made = []
    real_connect = socket.socket.connect

    def spy(sock, address):
        made.append(address[:2])
        return real_connect(sock, address)

    monkeypatch.setattr(socket.socket, "connect", spy)
    return made


@pytest.fixture
def dns(monkeypatch):
    """Names in ``answers`` resolve to the listed addresses (an empty list fails); others resolve for real."""
    real_getaddrinfo = socket.getaddrinfo
    state = SimpleNamespace(answers={}, lookups=[])

    def fake(host, port, *args, **kwargs):
        state.lookups.append(host)
        if host not in state.answers:
            return real_getaddrinfo(host, port, *args, **kwargs)
        answer = state.answers[host]
        addresses = answer() if callable(answer) else answer
        if not addresses:
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        return [_addrinfo(ip, port) for ip in addresses]

    monkeypatch.setattr(socket, "getaddrinfo", fake)
    return state


def _addrinfo(ip, port):
    if ipaddress.ip_address(ip).version == 6:
        return (socket.AF_INET6, socket.SOCK_STREAM, socket.IPPROTO_TCP, "", (ip, port, 0, 0))
    return (socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP, "", (ip, port))


class _Site(BaseHTTPRequestHandler):
    """A small site with one path per behaviour under test."""

    def log_message(self, *args):
        pass

    def do_GET(self):
        parts = urlsplit(self.path)
        query = {key: values[0] for key, values in parse_qs(parts.query).items()}
        route = parts.path.strip("/").split("/")[0]
        with contextlib.suppress(OSError):  # the fetcher hung up on us, which several tests are about
            getattr(self, f"route_{route.replace('-', '_')}", self.route_missing)(parts, query)

    def reply(self, body, content_type="text/html; charset=utf-8", *, status=200, headers=(), length=True):
        self.send_response(status)
        if content_type:
            self.send_header("Content-Type", content_type)
        for name, value in headers:
            self.send_header(name, value)
        if length:
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def route_utf8(self, parts, query):
        self.reply("<html><body><p>Ça coûte 5 € — “vraiment”</p></body></html>".encode())

    def route_latin1(self, parts, query):
        self.reply("<p>Café crème</p>".encode("latin-1"), "text/html; charset=ISO-8859-1")

    def route_latin1_quotes(self, parts, query):
        # What "latin-1" pages really contain: windows-1252 curly quotes.
        self.reply(b"<p>\x93barely any\x94</p>", "text/html; charset=iso-8859-1")

    def route_meta(self, parts, query):
        body = '<html><head><meta charset="iso-8859-1"></head><body>Zoë</body></html>'.encode("latin-1")
        self.reply(body, "text/html")

    def route_plain(self, parts, query):
        self.reply(b"caf\xc3\xa9 \xff", "text/plain")

    def route_xhtml(self, parts, query):
        self.reply("<html><body>naïve</body></html>".encode(), "application/xhtml+xml; charset=utf-8")

    def route_host(self, parts, query):
        self.reply(self.headers["Host"].encode(), "text/plain")

    def route_echo_path(self, parts, query):
        self.reply(self.path.encode(), "text/plain")

    def route_hop(self, parts, query):
        left = int(parts.path.rsplit("/", 1)[1])
        if left == 0:
            self.reply(b"<p>arrived</p>")
        else:
            status = (301, 302, 303, 307, 308)[left % 5]
            self.reply(b"", status=status, headers=[("Location", f"/hop/{left - 1}")])

    def route_redirect(self, parts, query):
        self.reply(b"", status=302, headers=[("Location", query["to"])])

    def route_redirect_nowhere(self, parts, query):
        self.reply(b"", status=302)

    def route_loop(self, parts, query):
        self.reply(b"", status=302, headers=[("Location", "/loop")])

    def route_bytes(self, parts, query):
        self.reply(b"x" * int(query["n"]), "text/plain", length=query.get("announce") != "no")

    def route_truncated(self, parts, query):
        self.send_response(200)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", "100")
        self.end_headers()
        self.wfile.write(b"only ten b")

    def route_drip(self, parts, query):
        self.send_response(200)
        self.send_header("Content-Type", "text/plain")
        self.end_headers()
        self.drip()

    def route_drip_headers(self, parts, query):
        self.wfile.write(b"HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\nX-Drip: ")
        self.drip()

    def drip(self):
        for _ in range(50):  # 5 s at most, well past every deadline used here
            self.wfile.write(b"a")
            self.wfile.flush()
            time.sleep(0.1)

    def route_image(self, parts, query):
        self.reply(b"\x89PNG\r\n\x1a\n", "image/png")

    def route_untyped(self, parts, query):
        self.reply(b"<p>what am I?</p>", None)

    def route_gzip(self, parts, query):
        self.reply(b"\x1f\x8b\x08\x00", headers=[("Content-Encoding", "gzip")])

    def route_broken(self, parts, query):
        self.send_error(500)

    def route_missing(self, parts, query):
        self.send_error(404)


class _Server(ThreadingHTTPServer):
    def handle_error(self, request, client_address):
        pass  # failed handshakes and hang-ups are expected here


def _serve(server):
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    return thread


def _stop(server, thread):
    server.shutdown()
    server.server_close()
    thread.join(timeout=5)


@pytest.fixture(scope="module")
def site():
    server = _Server(("127.0.0.1", 0), _Site)
    thread = _serve(server)
    yield SimpleNamespace(url=f"http://127.0.0.1:{server.server_address[1]}", port=server.server_address[1])
    _stop(server, thread)


@pytest.fixture(scope="module")
def certificate(tmp_path_factory):
    """A self-signed certificate for news.example only."""
    if shutil.which("openssl") is None:
        pytest.skip("openssl is needed to make a test certificate")
    folder = tmp_path_factory.mktemp("tls")
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
         "-keyout", str(key), "-out", str(cert), "-days", "2", "-subj", "/CN=news.example",
         "-addext", "subjectAltName=DNS:news.example"],
        check=True, capture_output=True, timeout=30,
    )
    return SimpleNamespace(cert=str(cert), key=str(key))


@pytest.fixture(scope="module")
def tls_site(certificate):
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(certificate.cert, certificate.key)
    server = _Server(("127.0.0.1", 0), _Site)
    server.socket = context.wrap_socket(server.socket, server_side=True, do_handshake_on_connect=False)
    thread = _serve(server)
    yield SimpleNamespace(port=server.server_address[1])
    _stop(server, thread)


@pytest.fixture
def trust_test_certificate(monkeypatch, certificate):
    """Make the fetcher's default context trust the test certificate (and only it)."""
    monkeypatch.setattr(ssl, "create_default_context",
                        functools.partial(ssl.create_default_context, cafile=certificate.cert))


def refused(url, **kwargs) -> FetchError:
    with pytest.raises(FetchError) as caught:
        fetch(url, **kwargs)
    return caught.value


# --- refused before any connection -------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1/",
        "http://127.0.0.1:8000/admin/",
        "http://10.0.0.1/",
        "http://192.168.0.1/",
        "http://169.254.169.254/latest/meta-data/",
        "http://[::1]/",
        "http://[::ffff:127.0.0.1]/",
        "http://[fd00:ec2::254]/",
        "http://0.0.0.0/",
        "http://localhost/",
        "https://127.0.0.1/",
    ],
)
def test_it_refuses_private_addresses_without_connecting(url, connections):
    error = refused(url)
    assert error.code == "private_address"
    assert error.message == "That address is on a private network and cannot be fetched."
    assert connections == []


@pytest.mark.parametrize("url", ["http://127.1/", "http://2130706433/", "http://0x7f.0.0.1/"])
def test_it_refuses_odd_spellings_of_loopback_without_connecting(url, connections):
    # The C library reads these as 127.0.0.1 (or not at all); the resolved address is what is judged.
    assert refused(url).code in {"private_address", "dns"}
    assert connections == []


def test_it_refuses_a_name_that_resolves_to_loopback(dns, connections):
    dns.answers["intranet.example"] = ["127.0.0.1"]
    error = refused("http://intranet.example/wiki")
    assert error.code == "private_address"
    assert connections == []


def test_it_refuses_a_name_when_any_of_its_addresses_is_private(dns, connections):
    dns.answers["mixed.example"] = ["93.184.216.34", "10.0.0.5"]
    judged = []

    def recording_policy(ip):
        judged.append(str(ip))
        return public_address(ip)

    error = refused("http://mixed.example/", address_allowed=recording_policy)
    assert error.code == "private_address"
    assert judged == ["93.184.216.34", "10.0.0.5"]
    assert connections == []


@pytest.mark.parametrize(
    ("url", "code", "message"),
    [
        ("file:///etc/passwd", "scheme", "Only http and https addresses can be fetched."),
        ("gopher://x", "scheme", "Only http and https addresses can be fetched."),
        ("ftp://x", "scheme", "Only http and https addresses can be fetched."),
        ("data:text/html,<p>hi</p>", "scheme", "Only http and https addresses can be fetched."),
        ("javascript:alert(1)", "scheme", "Only http and https addresses can be fetched."),
        ("http://user:pass@host/", "credentials", "Addresses with a user name or password cannot be fetched."),
        ("https://user@host/", "credentials", "Addresses with a user name or password cannot be fetched."),
        ("www.example.com/article", "bad_url", "That is not a complete web address: start it with https://."),
        ("http:///path-only", "bad_url", "That is not a complete web address."),
        ("http://example.com:99999/", "bad_url", "That is not a complete web address."),
        ("http://exa mple.com/", "bad_url", "That is not a complete web address."),
    ],
)
def test_it_refuses_addresses_that_are_not_plain_web_addresses(url, code, message, connections):
    error = refused(url)
    assert (error.code, error.message) == (code, message)
    assert str(error) == message
    assert connections == []


def test_it_says_when_the_name_does_not_exist(dns):
    dns.answers["nowhere.example"] = []
    error = refused("https://nowhere.example/story")
    assert (error.code, error.message) == ("dns", "The site's name could not be found.")


def test_it_gives_up_on_a_name_lookup_that_hangs(monkeypatch):
    monkeypatch.setattr(socket, "getaddrinfo", lambda *args, **kwargs: time.sleep(3))
    started = time.monotonic()
    error = refused("http://slow-dns.example/", deadline=0.5)
    assert error.code == "timeout"
    assert time.monotonic() - started < 1.0


# --- against a local site ----------------------------------------------------------------------


def test_it_refuses_the_test_site_itself_under_the_default_policy(site, connections):
    assert refused(f"{site.url}/utf8").code == "private_address"
    assert connections == []


def test_it_fetches_and_decodes_a_utf8_page(site):
    page = fetch(f"{site.url}/utf8", address_allowed=allow_all)
    assert page == FetchedPage(
        url=f"{site.url}/utf8",
        final_url=f"{site.url}/utf8",
        content_type="text/html",
        text="<html><body><p>Ça coûte 5 € — “vraiment”</p></body></html>",
    )


@pytest.mark.parametrize(
    ("path", "content_type", "text"),
    [
        ("/latin1", "text/html", "<p>Café crème</p>"),
        ("/latin1-quotes", "text/html", "<p>“barely any”</p>"),
        ("/meta", "text/html", '<html><head><meta charset="iso-8859-1"></head><body>Zoë</body></html>'),
        ("/plain", "text/plain", "café \ufffd"),  # no charset: UTF-8, bad bytes replaced
        ("/xhtml", "application/xhtml+xml", "<html><body>naïve</body></html>"),
    ],
)
def test_it_decodes_with_the_declared_charset(site, path, content_type, text):
    page = fetch(site.url + path, address_allowed=allow_all)
    assert (page.content_type, page.text) == (content_type, text)


def test_it_connects_to_the_checked_address_and_sends_the_original_host(site, dns, connections):
    answers = iter([["127.0.0.1"], ["10.0.0.1"]])  # a rebinding attacker's second answer
    dns.answers["news.example"] = lambda: next(answers)
    page = fetch(f"http://news.example:{site.port}/host", address_allowed=only_loopback)
    assert page.text == f"news.example:{site.port}"
    assert dns.lookups == ["news.example"]
    assert connections == [("127.0.0.1", site.port)]


def test_it_percent_encodes_a_pasted_path(site):
    page = fetch(f"{site.url}/echo-path/café au lait?q=a b", address_allowed=allow_all)
    assert page.text == "/echo-path/caf%C3%A9%20au%20lait?q=a%20b"


def test_it_follows_a_chain_of_redirects(site):
    page = fetch(f"{site.url}/hop/5", address_allowed=allow_all, max_redirects=5)
    assert page.url == f"{site.url}/hop/5"
    assert page.final_url == f"{site.url}/hop/0"
    assert page.text == "<p>arrived</p>"


def test_it_refuses_too_many_redirects(site):
    error = refused(f"{site.url}/hop/6", address_allowed=allow_all, max_redirects=5)
    assert (error.code, error.message) == ("redirects", "The site redirected more than 5 times.")
    assert refused(f"{site.url}/loop", address_allowed=allow_all).code == "redirects"


@pytest.mark.parametrize(
    "to",
    ["http://10.0.0.1/", "http://169.254.169.254/latest/meta-data/", "http://[::1]:{port}/utf8",
     "http://[::ffff:10.0.0.1]/", "http://inside.example/"],
)
def test_it_refuses_a_redirect_to_a_private_address_before_connecting(site, dns, connections, to):
    dns.answers["inside.example"] = ["10.1.2.3"]
    error = refused(f"{site.url}/redirect?to={to.format(port=site.port)}", address_allowed=only_loopback)
    assert error.code == "private_address"
    assert error.message == "That address redirects to a private network, which cannot be fetched."
    assert connections == [("127.0.0.1", site.port)]


@pytest.mark.parametrize(
    ("to", "code"),
    [("file:///etc/passwd", "scheme"), ("gopher://127.0.0.1:70/_", "scheme"),
     ("http://user:pass@127.0.0.1:{port}/utf8", "credentials")],
)
def test_it_refuses_a_redirect_to_a_forbidden_kind_of_address(site, connections, to, code):
    error = refused(f"{site.url}/redirect?to={to.format(port=site.port)}", address_allowed=allow_all)
    assert error.code == code
    assert connections == [("127.0.0.1", site.port)]


def test_it_refuses_a_redirect_that_says_nowhere(site):
    assert refused(f"{site.url}/redirect-nowhere", address_allowed=allow_all).code == "status"


@pytest.mark.parametrize("announce", ["yes", "no"])
def test_it_refuses_a_3mb_page(site, announce):
    error = refused(f"{site.url}/bytes?n=3000000&announce={announce}", address_allowed=allow_all)
    assert (error.code, error.message) == ("too_large", "The page is larger than 2 MB.")


@pytest.mark.parametrize("announce", ["yes", "no"])
def test_it_takes_a_page_of_exactly_max_bytes_and_not_one_more(site, announce):
    page = fetch(f"{site.url}/bytes?n=1000&announce={announce}", address_allowed=allow_all, max_bytes=1000)
    assert len(page.text) == 1000
    error = refused(f"{site.url}/bytes?n=1001&announce={announce}", address_allowed=allow_all, max_bytes=1000)
    assert (error.code, error.message) == ("too_large", "The page is larger than 1 KB.")


@pytest.mark.parametrize("path", ["/drip", "/drip-headers"])
def test_it_gives_up_on_a_site_that_trickles_past_the_deadline(site, path):
    started = time.monotonic()
    error = refused(site.url + path, address_allowed=allow_all, deadline=1.0)
    assert time.monotonic() - started < 1.5
    assert (error.code, error.message) == ("timeout", "The site took longer than 1 second.")


@pytest.mark.parametrize(
    ("path", "code", "message"),
    [
        ("/image", "content_type", "That address is not a web page or text (it is image/png)."),
        ("/untyped", "content_type", "The site did not say what kind of document it sent."),
        ("/gzip", "encoding", "The site sent the page compressed in a way that cannot be read."),
        ("/missing", "status", "The site answered with an error: 404 Not Found."),
        ("/broken", "status", "The site answered with an error: 500 Internal Server Error."),
        ("/truncated", "protocol", "The site stopped sending the page before it was complete."),
    ],
)
def test_it_refuses_answers_that_are_not_a_readable_page(site, path, code, message):
    error = refused(site.url + path, address_allowed=allow_all)
    assert (error.code, error.message) == (code, message)


def test_it_says_when_the_connection_is_refused():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]  # nothing listens here once the probe is closed
    error = refused(f"http://127.0.0.1:{port}/", address_allowed=allow_all)
    assert (error.code, error.message) == ("connect", "The site refused the connection.")


def test_it_says_when_https_fails(site):
    error = refused(f"https://127.0.0.1:{site.port}/utf8", address_allowed=allow_all)  # a plain-HTTP port
    assert (error.code, error.message) == ("tls", "A secure connection to the site could not be made.")


def test_it_verifies_the_certificate_against_the_host_name_not_the_address(
    tls_site, dns, trust_test_certificate
):
    dns.answers["news.example"] = ["127.0.0.1"]
    dns.answers["other.example"] = ["127.0.0.1"]
    page = fetch(f"https://news.example:{tls_site.port}/host", address_allowed=only_loopback)
    assert page.text == f"news.example:{tls_site.port}"

    error = refused(f"https://other.example:{tls_site.port}/host", address_allowed=only_loopback)
    assert (error.code, error.message) == ("tls", "The site's security certificate could not be verified.")


def test_it_refuses_a_certificate_nobody_vouches_for(tls_site, dns):
    dns.answers["news.example"] = ["127.0.0.1"]
    error = refused(f"https://news.example:{tls_site.port}/host", address_allowed=only_loopback)
    assert error.code == "tls"


# --- FETCH_ALLOW_NETWORKS ----------------------------------------------------------------------


def test_the_allowed_networks_let_the_default_policy_reach_the_test_site(site, settings):
    settings.FETCH_ALLOW_NETWORKS = ["127.0.0.0/8"]
    assert fetch(f"{site.url}/utf8").text.startswith("<html>")


def test_the_allowed_networks_open_only_themselves(settings, connections):
    settings.FETCH_ALLOW_NETWORKS = ["127.0.0.0/8"]
    for url in ("http://10.0.0.1/", "http://169.254.169.254/latest/meta-data/", "http://[::1]/"):
        assert refused(url).code == "private_address"
    assert connections == []


def test_the_allowed_networks_pass_whatever_policy_a_caller_gives(site, settings):
    settings.FETCH_ALLOW_NETWORKS = ["127.0.0.1/32"]
    assert fetch_bytes(f"{site.url}/utf8", address_allowed=lambda ip: False).body.startswith(b"<html>")


def test_an_ipv4_mapped_address_is_judged_by_its_ipv4_network(settings):
    settings.FETCH_ALLOW_NETWORKS = ["127.0.0.0/8"]
    assert in_allowed_network("::ffff:127.0.0.1") and address_policy("127.0.0.2")
    assert not in_allowed_network("::1") and not address_policy("10.0.0.1")
    settings.FETCH_ALLOW_NETWORKS = ["::1/128"]
    assert in_allowed_network("::1") and not in_allowed_network("127.0.0.1")


def test_without_allowed_networks_nothing_changes(settings):
    settings.FETCH_ALLOW_NETWORKS = []
    assert not in_allowed_network("127.0.0.1")
    assert address_policy("93.184.216.34") and not address_policy("127.0.0.1")


# --- post (webhook deliveries) -------------------------------------------------------------------


class _Hooks(_Site):
    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        self.server.seen.append((self.path, dict(self.headers), body))
        route = self.path.strip("/").split("/")[0]
        if route == "redirect":
            self.reply(b"", status=307, headers=[("Location", "/elsewhere")])
        elif route == "big":
            self.reply(b"y" * 200_000, "text/plain")
        elif route == "drip":
            self.send_response(200)
            self.end_headers()
            self.drip()
        else:
            self.reply(b"thanks", "text/plain", status=int(route) if route.isdigit() else 200)


@pytest.fixture
def hooks():
    server = _Server(("127.0.0.1", 0), _Hooks)
    server.seen = []
    thread = _serve(server)
    yield SimpleNamespace(url=f"http://127.0.0.1:{server.server_address[1]}", port=server.server_address[1],
                          seen=server.seen)
    _stop(server, thread)


def test_post_sends_the_body_and_headers_and_returns_the_status(hooks, settings):
    settings.FETCH_ALLOW_NETWORKS = ["127.0.0.0/8"]
    answer = post(f"{hooks.url}/202", b'{"type":"webhook.test"}', {"webhook-id": "msg_1"})
    assert (answer.status, answer.body) == (202, b"thanks")
    [(path, headers, body)] = hooks.seen
    assert (path, body, headers["webhook-id"]) == ("/202", b'{"type":"webhook.test"}', "msg_1")
    assert headers["Host"] == f"127.0.0.1:{hooks.port}"
    assert headers["User-Agent"] == "FactcheckDesk/0.1 (webhooks)"


def test_post_follows_no_redirect(hooks, settings):
    settings.FETCH_ALLOW_NETWORKS = ["127.0.0.0/8"]
    assert post(f"{hooks.url}/redirect", b"{}", {}).status == 307
    assert [path for path, _, _ in hooks.seen] == ["/redirect"]


def test_post_reads_at_most_64_kb_of_the_answer(hooks, settings):
    settings.FETCH_ALLOW_NETWORKS = ["127.0.0.0/8"]
    assert len(post(f"{hooks.url}/big", b"{}", {}).body) == 64 * 1024


def test_post_gives_up_at_its_deadline(hooks, settings):
    settings.FETCH_ALLOW_NETWORKS = ["127.0.0.0/8"]
    started = time.monotonic()
    with pytest.raises(FetchError) as caught:
        post(f"{hooks.url}/drip", b"{}", {}, deadline=0.5)
    assert caught.value.code == "timeout" and time.monotonic() - started < 1.5


def test_post_refuses_the_loopback_address_without_allowed_networks(hooks, settings, connections):
    settings.FETCH_ALLOW_NETWORKS = []
    with pytest.raises(FetchError) as caught:
        post(f"{hooks.url}/200", b"{}", {})
    assert caught.value.code == "private_address"
    assert connections == [] and hooks.seen == []


def test_post_refuses_plain_http_outside_the_allowed_networks(dns, settings, connections):
    settings.FETCH_ALLOW_NETWORKS = ["127.0.0.0/8"]
    dns.answers["hooks.example"] = ["93.184.216.34"]
    with pytest.raises(FetchError) as caught:
        post("http://hooks.example/in", b"{}", {})
    assert caught.value.code == "scheme"
    assert connections == []


def test_post_resolves_once_and_connects_to_the_checked_address(hooks, dns, settings, connections):
    settings.FETCH_ALLOW_NETWORKS = ["127.0.0.0/8"]
    answers = iter([["127.0.0.1"], ["10.9.9.9"]])  # a rebinding name: a second lookup would get another
    dns.answers["rebind.example"] = lambda: next(answers)
    assert post(f"http://rebind.example:{hooks.port}/200", b"{}", {}).status == 200
    assert dns.lookups == ["rebind.example"]
    assert connections == [("127.0.0.1", hooks.port)]
    assert hooks.seen[0][1]["Host"] == f"rebind.example:{hooks.port}"


def test_post_verifies_the_certificate_against_the_host_name(tls_site, dns, trust_test_certificate, settings):
    settings.FETCH_ALLOW_NETWORKS = ["127.0.0.0/8"]
    dns.answers["news.example"] = ["127.0.0.1"]
    dns.answers["other.example"] = ["127.0.0.1"]
    with pytest.raises(FetchError) as caught:
        post(f"https://other.example:{tls_site.port}/host", b"{}", {})
    assert caught.value.code == "tls"


def test_check_address_resolves_without_connecting(dns, settings, connections):
    settings.FETCH_ALLOW_NETWORKS = []
    dns.answers["partner.example"] = ["93.184.216.34"]
    dns.answers["inside.example"] = ["192.168.1.4"]
    check_address("https://partner.example/hooks", https_only=True)
    with pytest.raises(FetchError) as caught:
        check_address("https://inside.example/hooks", https_only=True)
    assert caught.value.code == "private_address"
    with pytest.raises(FetchError) as caught:
        check_address("http://partner.example/hooks", https_only=True)
    assert caught.value.code == "scheme"
    check_address("http://partner.example/feed")  # plain http stays fine for reading articles
    assert connections == []
