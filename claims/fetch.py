"""Fetch what the desk is given by address, without becoming an SSRF tool.

``fetch`` reads the article a journalist pasted on the intake page (HTML or text, 2 MB);
``fetch_bytes`` reads a document to import (JSON, JSON-LD or HTML, 10 MB, gzip allowed); ``post``
delivers a webhook (HTTPS, no redirects followed, 64 KB of the answer read). All go through the
same hops under the same address policy.

Every hop is checked the same way: the URL must be plain http(s) without credentials, the host
is resolved once, every address it resolves to must pass ``address_allowed``, and the socket is
then opened to that checked address (never to the name again, so a second DNS answer cannot
swap in an internal address). The Host header and the TLS server name stay the original host, so
virtual hosting and certificate checks work as usual. One deadline covers the whole fetch.

The operator may name networks (``FETCH_ALLOW_NETWORKS``, e.g. 127.0.0.0/8 for local testing)
whose addresses pass whatever policy a caller gives; webhooks may use plain http only to them.

Size is capped on the wire and again after decompression: a gzip body is inflated in bounded steps
and refused as soon as it passes the cap, so a small "gzip bomb" cannot fill the memory.
"""

import codecs
import contextlib
import http.client
import ipaddress
import re
import socket
import ssl
import threading
import time
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import quote, urljoin, urlsplit

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
TEXT_TYPES = frozenset({"text/html", "text/plain", "application/xhtml+xml"})
IMPORT_TYPES = frozenset({"application/json", "application/ld+json", "text/html", "application/xhtml+xml"})
# What an archived copy of a source may be: pages, text, PDF and CSV (their readable text is kept).
ARCHIVE_TYPES = frozenset({"text/html", "application/xhtml+xml", "text/plain", "application/pdf", "application/x-pdf",
                           "text/csv", "application/csv"})
USER_AGENT = "FactcheckDesk/0.1 (article intake)"
WEBHOOK_USER_AGENT = "FactcheckDesk/0.1 (webhooks)"
_DEFAULT_PORTS = {"http": 80, "https": 443}
_CHUNK = 64 * 1024

# Spelled out rather than left to ``is_global``, whose answers changed between Python releases.
_BLOCKED_NETWORKS = tuple(
    ipaddress.ip_network(net)
    for net in (
        "0.0.0.0/8",  # "this network"; 0.0.0.0 reaches the local host on Linux
        "10.0.0.0/8",
        "100.64.0.0/10",  # carrier-grade NAT, and Alibaba's metadata service at 100.100.100.200
        "127.0.0.0/8",
        "169.254.0.0/16",  # link-local, including the 169.254.169.254 metadata service
        "172.16.0.0/12",
        "192.0.0.0/24",
        "192.0.2.0/24",
        "192.88.99.0/24",
        "192.168.0.0/16",
        "198.18.0.0/15",
        "198.51.100.0/24",
        "203.0.113.0/24",
        "224.0.0.0/4",
        "240.0.0.0/4",  # reserved, and 255.255.255.255 broadcast
        "::/8",  # unspecified, loopback, IPv4-compatible (mapped and NAT64 are handled first)
        "64:ff9b:1::/48",
        "100::/64",
        "2001::/23",  # IETF protocol assignments, Teredo among them
        "2001:db8::/32",
        "fc00::/7",  # unique local, including AWS's fd00:ec2::254 metadata service
        "fe80::/10",
        "fec0::/10",
        "ff00::/8",
    )
)
_METADATA_ADDRESSES = frozenset(
    ipaddress.ip_address(ip) for ip in ("169.254.169.254", "fd00:ec2::254", "100.100.100.200")
)
_NAT64 = ipaddress.ip_network("64:ff9b::/96")
_META_CHARSET = re.compile(rb"""<meta[^>]*?charset\s*=\s*["']?\s*([A-Za-z0-9._:-]+)""", re.IGNORECASE)
_HOST_NAME = re.compile(r"[a-z0-9_.-]+")


class FetchError(Exception):
    """A fetch that failed; ``message`` is written to be shown next to the "Article URL" field.

    ``code`` is a stable short reason ("private_address", "too_large", "timeout", …) for logs
    and tests, so they need not match on wording.
    """

    def __init__(self, message: str, *, code: str = "error", status: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.code = code
        self.status = status  # the HTTP status, when the site answered with an error


@dataclass
class FetchedPage:
    url: str  # as asked for
    final_url: str  # after redirects
    content_type: str  # bare media type, e.g. "text/html"
    text: str


@dataclass
class FetchedDocument:
    url: str  # as asked for
    final_url: str  # after redirects: relative links in it are resolved against this
    content_type: str  # bare media type, e.g. "application/ld+json"
    charset: str | None  # as the Content-Type header declared it
    body: bytes  # decompressed

    @property
    def text(self) -> str:
        return decode_document(self.body, self.charset, self.content_type)


def decode_document(body: bytes, charset: str | None = None, content_type: str = "text/html") -> str:
    """Bytes as text, decoded as a browser would: byte-order mark, declared charset, <meta>, then UTF-8."""
    return _decode(body, charset, content_type)


@dataclass(frozen=True)
class _Rules:
    """What one kind of fetch accepts: the answers it takes and how they are refused."""

    types: frozenset[str]
    accept: str
    not_accepted: str  # with {shown}, the media type that was sent
    thing: str  # "page" or "document", in the size messages
    max_bytes: int
    gzip: bool


def public_address(ip: IPAddress | str) -> bool:
    """Whether ``ip`` is an ordinary address on the public internet (the default fetch policy)."""
    if not isinstance(ip, ipaddress.IPv4Address | ipaddress.IPv6Address):
        ip = ipaddress.ip_address(ip)
    if isinstance(ip, ipaddress.IPv6Address):
        ip = ipaddress.IPv6Address(int(ip))  # drop any %scope, which would defeat the comparisons below
        if ip.ipv4_mapped is not None:
            return public_address(ip.ipv4_mapped)
        if ip in _NAT64:  # what DNS64 hands out for IPv4 sites: judge the IPv4 address inside
            return public_address(ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF))
        if ip.sixtofour is not None and not public_address(ip.sixtofour):
            return False
    if ip in _METADATA_ADDRESSES or any(ip in net for net in _BLOCKED_NETWORKS):
        return False
    return ip.is_global and not (
        ip.is_private or ip.is_loopback or ip.is_link_local or ip.is_multicast
        or ip.is_reserved or ip.is_unspecified
    )


def allowed_networks() -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
    """The networks named in ``FETCH_ALLOW_NETWORKS`` (none outside a configured Django project)."""
    try:
        from django.conf import settings

        names = settings.FETCH_ALLOW_NETWORKS if settings.configured else []
    except (ImportError, AttributeError):
        names = []
    return tuple(ipaddress.ip_network(name, strict=False) for name in names)


def in_allowed_network(ip: IPAddress | str) -> bool:
    """Whether ``ip`` is inside a network the operator allowed (``FETCH_ALLOW_NETWORKS``)."""
    if not isinstance(ip, ipaddress.IPv4Address | ipaddress.IPv6Address):
        ip = ipaddress.ip_address(ip)
    if isinstance(ip, ipaddress.IPv6Address):
        ip = ipaddress.IPv6Address(int(ip))
        if ip.ipv4_mapped is not None:
            ip = ip.ipv4_mapped
    return any(ip.version == net.version and ip in net for net in allowed_networks())


def address_policy(ip: IPAddress | str) -> bool:
    """The configured policy: a public address, or one in ``FETCH_ALLOW_NETWORKS``."""
    return public_address(ip) or in_allowed_network(ip)


def fetch(
    url: str,
    *,
    address_allowed: Callable[[IPAddress], bool] = public_address,
    max_bytes: int = 2_000_000,
    deadline: float = 10.0,
    max_redirects: int = 5,
) -> FetchedPage:
    """GET ``url`` (following redirects) and return its text, or raise FetchError."""
    rules = _Rules(types=TEXT_TYPES, accept="text/html,application/xhtml+xml,text/plain;q=0.9",
                   not_accepted="That address is not a web page or text (it is {shown}).", thing="page",
                   max_bytes=max_bytes, gzip=False)
    url = url.strip()
    final_url, body = _follow(url, rules, address_allowed=address_allowed, deadline=deadline,
                              max_redirects=max_redirects)
    return FetchedPage(url=url, final_url=final_url, content_type=body.content_type,
                       text=_decode(body.data, body.charset, body.content_type))


def fetch_bytes(
    url: str,
    *,
    address_allowed: Callable[[IPAddress], bool] = public_address,
    types: frozenset[str] = IMPORT_TYPES,
    max_bytes: int = 10_000_000,
    deadline: float = 30.0,
    max_redirects: int = 5,
    not_accepted: str = "That address is not JSON, JSON-LD or a web page (it is {shown}).",
) -> FetchedDocument:
    """GET a document to import (JSON, JSON-LD or HTML by default), gzip allowed, or raise FetchError.

    ``max_bytes`` caps both what crosses the wire and what a gzip body inflates to."""
    rules = _Rules(types=types, accept=", ".join(sorted(types)), not_accepted=not_accepted,
                   thing="document", max_bytes=max_bytes, gzip=True)
    url = url.strip()
    final_url, body = _follow(url, rules, address_allowed=address_allowed, deadline=deadline,
                              max_redirects=max_redirects)
    return FetchedDocument(url=url, final_url=final_url, content_type=body.content_type, charset=body.charset,
                           body=body.data)


@dataclass
class PostAnswer:
    status: int
    body: bytes  # at most ``max_response_bytes`` of it: what an endpoint says back is only logged


def post(
    url: str,
    body: bytes,
    headers: dict[str, str],
    *,
    address_allowed: Callable[[IPAddress], bool] = public_address,
    deadline: float = 10.0,
    max_response_bytes: int = 64 * 1024,
) -> PostAnswer:
    """POST ``body`` to ``url`` once (a webhook delivery) and return the answer's status, or raise
    FetchError when no answer came. Redirects are not followed: a 3xx is returned like any status.
    HTTPS only, except to addresses inside ``FETCH_ALLOW_NETWORKS``, which plain http may reach."""
    url = url.strip()
    clock = _Deadline(deadline)
    try:
        target = _target(url, redirected=False)
        addresses = _resolve(target, address_allowed, clock, http_only_inside=target.scheme == "http")
        sock = response = None
        try:
            sock = _connect(target, addresses, clock)
            conn = http.client.HTTPConnection(target.host, target.port)
            conn.sock = sock  # already connected to the checked address: http.client never dials itself
            conn.putrequest("POST", target.request_target, skip_host=True, skip_accept_encoding=True)
            for name, value in (("Host", target.host_header), ("User-Agent", WEBHOOK_USER_AGENT),
                                ("Content-Length", str(len(body))), ("Accept-Encoding", "identity"),
                                ("Connection", "close"), *headers.items()):
                conn.putheader(name, value)
            sock.settimeout(clock.remaining())
            conn.endheaders(body)
            response = conn.getresponse()
            answer = bytearray()
            while len(answer) < max_response_bytes:
                sock.settimeout(clock.remaining())
                chunk = response.read1(min(_CHUNK, max_response_bytes - len(answer)))
                if not chunk:
                    break
                answer += chunk
            if clock.expired:  # the watchdog shut the socket, which reads as an ordinary end of body
                raise clock.error()
            return PostAnswer(status=response.status, body=bytes(answer))
        except (OSError, http.client.HTTPException, ValueError) as exc:
            raise _explain(exc, clock) from exc
        finally:
            clock.unwatch()
            if response is not None:
                response.close()
            if sock is not None:
                sock.close()
    finally:
        clock.stop()


def check_address(url: str, *, https_only: bool = False, deadline: float = 10.0) -> None:
    """Resolve ``url``'s host once and raise FetchError unless every address passes the configured
    policy (and, with ``https_only``, unless it is https or inside ``FETCH_ALLOW_NETWORKS``).
    Nothing is connected to: this is the check made when an address is saved for later."""
    clock = _Deadline(deadline)
    try:
        target = _target(url.strip(), redirected=False)
        _resolve(target, address_policy, clock, http_only_inside=https_only and target.scheme == "http")
    finally:
        clock.stop()


def gunzip(data: bytes, *, max_bytes: int, thing: str = "document") -> bytes:
    """Inflate a gzip body (every member of it) in bounded steps, refusing more than ``max_bytes``."""
    too_large = FetchError(f"The {thing} is larger than {_size(max_bytes)} uncompressed.", code="too_large")
    out = bytearray()
    rest = data
    try:
        while rest:
            inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
            pending = rest
            while pending and not inflater.eof:
                # At most one byte past the cap is ever produced: never a whole bomb in memory.
                out += inflater.decompress(pending, max_bytes + 1 - len(out))
                if len(out) > max_bytes:
                    raise too_large
                pending = inflater.unconsumed_tail
            if not inflater.eof:
                raise FetchError(f"The compressed {thing} is incomplete.", code="encoding")
            rest = inflater.unused_data.lstrip(b"\0")  # some servers pad gzip members with zeros
    except zlib.error as exc:
        raise FetchError(f"The {thing} is compressed in a way that cannot be read.", code="encoding") from exc
    return bytes(out)


def _follow(url: str, rules: _Rules, *, address_allowed: Callable[[IPAddress], bool], deadline: float,
            max_redirects: int) -> tuple[str, "_Body"]:
    clock = _Deadline(deadline)
    try:
        current = url
        for hop in range(max_redirects + 1):
            target = _target(current, redirected=hop > 0)
            answer = _get(target, rules, address_allowed=address_allowed, clock=clock)
            if isinstance(answer, _Redirect):
                current = urljoin(current, answer.location)
                continue
            return current, answer
        times = "once" if max_redirects == 1 else f"{max_redirects} times"
        raise FetchError(f"The site redirected more than {times}.", code="redirects")
    finally:
        clock.stop()


# --- one hop ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Target:
    url: str
    scheme: str
    host: str  # ASCII: what is resolved, and the TLS server name
    port: int
    host_header: str
    request_target: str
    redirected: bool


@dataclass(frozen=True)
class _Redirect:
    location: str


@dataclass(frozen=True)
class _Body:
    content_type: str
    charset: str | None
    data: bytes


def _target(url: str, *, redirected: bool) -> _Target:
    if any(ord(ch) < 32 or ord(ch) == 127 for ch in url):
        raise _bad_url()
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise _bad_url() from exc
    scheme = parts.scheme.lower()
    if scheme not in _DEFAULT_PORTS:
        if not scheme and not redirected:
            raise FetchError("That is not a complete web address: start it with https://.", code="bad_url")
        message = (
            "That address redirects to something other than an http or https address."
            if redirected
            else "Only http and https addresses can be fetched."
        )
        raise FetchError(message, code="scheme")
    if "@" in parts.netloc:
        raise FetchError("Addresses with a user name or password cannot be fetched.", code="credentials")
    if not parts.hostname or port == 0:
        raise _bad_url()

    try:
        literal = ipaddress.ip_address(parts.hostname)
    except ValueError:
        literal = None
    if literal is not None:
        host = parts.hostname
        host_header = f"[{host}]" if literal.version == 6 else host
    else:
        try:
            host = parts.hostname.encode("idna").decode("ascii")
        except UnicodeError as exc:
            raise _bad_url() from exc
        if not _HOST_NAME.fullmatch(host):
            raise _bad_url()
        host_header = host
    if port is not None and port != _DEFAULT_PORTS[scheme]:
        host_header = f"{host_header}:{port}"

    path = parts.path or "/"
    if parts.query:
        path = f"{path}?{parts.query}"
    return _Target(
        url=url,
        scheme=scheme,
        host=host,
        port=port or _DEFAULT_PORTS[scheme],
        host_header=host_header,
        # Pasted URLs carry spaces and accents; the request line must be ASCII. Existing %XX stay.
        request_target=quote(path, safe="/?&=%:@!$'()*+,;~[]"),
        redirected=redirected,
    )


def _get(
    target: _Target, rules: _Rules, *, address_allowed: Callable[[IPAddress], bool], clock: "_Deadline"
) -> _Redirect | _Body:
    addresses = _resolve(target, address_allowed, clock)
    sock = response = None
    try:
        sock = _connect(target, addresses, clock)
        conn = http.client.HTTPConnection(target.host, target.port)
        conn.sock = sock  # already connected to the checked address: http.client never dials itself
        conn.putrequest("GET", target.request_target, skip_host=True, skip_accept_encoding=True)
        for name, value in (
            ("Host", target.host_header),
            ("User-Agent", USER_AGENT),
            ("Accept", rules.accept),
            ("Accept-Encoding", "gzip" if rules.gzip else "identity"),
            ("Connection", "close"),
        ):
            conn.putheader(name, value)
        sock.settimeout(clock.remaining())
        conn.endheaders()
        response = conn.getresponse()
        return _answer(response, sock, rules, clock)
    except (OSError, http.client.HTTPException, ValueError) as exc:
        raise _explain(exc, clock) from exc
    finally:
        clock.unwatch()
        if response is not None:
            response.close()
        if sock is not None:
            sock.close()


def _resolve(target: _Target, address_allowed: Callable[[IPAddress], bool], clock: "_Deadline", *,
             http_only_inside: bool = False) -> list[tuple]:
    # getaddrinfo cannot be given a timeout, so it runs in a thread the deadline can walk away from.
    result: dict[str, object] = {}

    def lookup() -> None:
        try:
            result["infos"] = socket.getaddrinfo(
                target.host, target.port, type=socket.SOCK_STREAM, proto=socket.IPPROTO_TCP
            )
        except Exception as exc:  # reported to the caller below
            result["error"] = exc

    worker = threading.Thread(target=lookup, name="fetch-dns", daemon=True)
    worker.start()
    worker.join(clock.remaining())
    if worker.is_alive():
        raise clock.error()
    infos = result.get("infos")
    if not infos:
        raise FetchError("The site's name could not be found.", code="dns") from result.get("error")

    networks = allowed_networks()
    addresses = []
    for family, _type, proto, _canon, sockaddr in infos:
        if family not in (socket.AF_INET, socket.AF_INET6):
            raise _private(target)
        try:
            ip = ipaddress.ip_address(sockaddr[0])
        except ValueError as exc:
            raise _private(target) from exc
        # Every answer must pass, not just the one we happen to use. Networks the operator allowed
        # pass whatever the caller's policy says; plain http is only for them when it is asked so.
        inside = bool(networks) and in_allowed_network(ip)
        if not (inside or address_allowed(ip)):
            raise _private(target)
        if http_only_inside and not inside:
            raise FetchError("Use an https:// address: plain http is only for networks named in "
                             "FETCH_ALLOW_NETWORKS.", code="scheme")
        addresses.append((family, proto, sockaddr))
    return addresses


def _connect(target: _Target, addresses: list[tuple], clock: "_Deadline") -> socket.socket:
    last_error: OSError | None = None
    for family, proto, sockaddr in addresses:
        sock = socket.socket(family, socket.SOCK_STREAM, proto)
        try:
            clock.watch(sock)
            sock.settimeout(clock.remaining())
            sock.connect(sockaddr)
        except OSError as exc:
            clock.unwatch()
            sock.close()
            last_error = exc
            continue
        except BaseException:
            clock.unwatch()
            sock.close()
            raise
        if target.scheme == "https":
            try:
                # Connected to the checked IP, but verified against the host name the user gave.
                sock = ssl.create_default_context().wrap_socket(
                    sock, server_hostname=target.host, do_handshake_on_connect=False
                )
                sock.settimeout(clock.remaining())
                sock.do_handshake()
            except BaseException:
                sock.close()
                raise
        return sock
    assert last_error is not None  # getaddrinfo never answers with an empty list
    raise last_error


def _answer(
    response: http.client.HTTPResponse, sock: socket.socket, rules: _Rules, clock: "_Deadline"
) -> _Redirect | _Body:
    status = response.status
    if status in REDIRECT_STATUSES:
        location = (response.getheader("Location") or "").strip()
        if not location:
            raise FetchError("The site redirected without saying where to.", code="status")
        return _Redirect(location)
    if status >= 400:
        reason = (response.reason or "").strip()[:60]
        raise FetchError(f"The site answered with an error: {status} {reason}".rstrip() + ".", code="status",
                         status=status)
    if not 200 <= status < 300:
        raise FetchError(f"The site answered with an unexpected status ({status}).", code="status")

    raw_type = response.getheader("Content-Type")
    if not raw_type:
        raise FetchError("The site did not say what kind of document it sent.", code="content_type")
    content_type = raw_type.split(";", 1)[0].strip().lower()
    if content_type not in rules.types:
        shown = content_type[:60] or "unknown"
        raise FetchError(rules.not_accepted.format(shown=shown), code="content_type")
    encoding = (response.getheader("Content-Encoding") or "identity").strip().lower()
    gzipped = rules.gzip and encoding in ("gzip", "x-gzip")
    if encoding not in ("", "identity") and not gzipped:
        raise FetchError(f"The site sent the {rules.thing} compressed in a way that cannot be read.",
                         code="encoding")

    max_bytes = rules.max_bytes
    too_large = FetchError(f"The {rules.thing} is larger than {_size(max_bytes)}.", code="too_large")
    if response.length is not None and response.length > max_bytes:
        raise too_large
    body = bytearray()
    while len(body) <= max_bytes:
        sock.settimeout(clock.remaining())
        # read1: at most one recv per call, so the deadline is looked at between every few bytes.
        chunk = response.read1(min(_CHUNK, max_bytes + 1 - len(body)))
        if not chunk:
            break
        body += chunk
    if len(body) > max_bytes:
        raise too_large
    if clock.expired:  # the watchdog shut the socket, which reads as an ordinary end of body
        raise clock.error()
    if response.length:  # http.client's read1 ends a short Content-Length body without complaint
        raise FetchError(f"The site stopped sending the {rules.thing} before it was complete.", code="protocol")
    data = gunzip(bytes(body), max_bytes=max_bytes, thing=rules.thing) if gzipped else bytes(body)
    return _Body(content_type=content_type, charset=response.msg.get_content_charset(), data=data)


# --- decoding ----------------------------------------------------------------------------------


def _decode(body: bytes, header_charset: str | None, content_type: str) -> str:
    """Decode as a browser would, roughly: byte-order mark, then header, then <meta>, then UTF-8."""
    if body.startswith(codecs.BOM_UTF8):
        candidates = ["utf-8-sig"]
    elif body.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        candidates = ["utf-16"]
    else:
        candidates = [_codec(header_charset)]
        if content_type != "text/plain":
            match = _META_CHARSET.search(body[:4096])
            meta = _codec(match.group(1).decode("ascii")) if match else None
            # A page cannot really be UTF-16 if its <meta> was readable as ASCII.
            candidates.append("utf-8" if meta and meta.startswith("utf-16") else meta)
    for codec in candidates:
        if codec:
            try:
                return body.decode(codec, errors="replace")
            except LookupError:  # a real codec, but not a text one (base64, rot13, …)
                continue
    return body.decode("utf-8", errors="replace")


def _codec(label: str | None) -> str | None:
    if not label:
        return None
    try:
        name = codecs.lookup(label.strip().strip("\"'")).name
    except LookupError:
        return None
    # Pages labelled latin-1 or ASCII are windows-1252 in practice (curly quotes in 0x91–0x94),
    # which is why browsers read them that way too.
    return "cp1252" if name in ("iso8859-1", "latin-1", "ascii") else name


# --- deadline and errors -----------------------------------------------------------------------


class _Deadline:
    """The time budget of a whole fetch.

    Socket timeouts are set to the time left before each operation, but a server dripping one
    byte at a time through the headers or the TLS handshake would still outlast them, so a timer
    also shuts the live connection down when the budget runs out. It holds its own duplicate of
    the socket, so it can never shut down a descriptor that has since been reused elsewhere.
    """

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.end = time.monotonic() + seconds
        self.expired = False
        self._lock = threading.Lock()
        self._watched: socket.socket | None = None
        self._timer = threading.Timer(max(seconds, 0), self._expire)
        self._timer.daemon = True
        self._timer.start()

    def remaining(self) -> float:
        left = self.end - time.monotonic()
        if left <= 0 or self.expired:
            raise self.error()
        return left

    def error(self) -> FetchError:
        unit = "second" if self.seconds == 1 else "seconds"
        return FetchError(f"The site took longer than {self.seconds:g} {unit}.", code="timeout")

    def watch(self, sock: socket.socket) -> None:
        with self._lock:
            if self.expired:
                raise self.error()
            self._watched = sock.dup()

    def unwatch(self) -> None:
        with self._lock:
            if self._watched is not None:
                self._watched.close()
                self._watched = None

    def stop(self) -> None:
        self._timer.cancel()
        self.unwatch()

    def _expire(self) -> None:
        with self._lock:
            self.expired = True
            if self._watched is not None:
                with contextlib.suppress(OSError):  # already gone
                    self._watched.shutdown(socket.SHUT_RDWR)


def _explain(exc: BaseException, clock: _Deadline) -> FetchError:
    if isinstance(exc, FetchError):
        return exc
    if clock.expired or time.monotonic() >= clock.end or isinstance(exc, TimeoutError):
        return clock.error()
    if isinstance(exc, ssl.SSLCertVerificationError):
        return FetchError("The site's security certificate could not be verified.", code="tls")
    if isinstance(exc, ssl.SSLError):
        return FetchError("A secure connection to the site could not be made.", code="tls")
    if isinstance(exc, ConnectionRefusedError):
        return FetchError("The site refused the connection.", code="connect")
    if isinstance(exc, http.client.RemoteDisconnected):
        return FetchError("The site closed the connection without answering.", code="protocol")
    if isinstance(exc, http.client.HTTPException | ValueError):
        return FetchError("The site sent a response that could not be understood.", code="protocol")
    return FetchError("The site could not be reached.", code="connect")


def _private(target: _Target) -> FetchError:
    if target.redirected:
        return FetchError("That address redirects to a private network, which cannot be fetched.",
                          code="private_address")
    return FetchError("That address is on a private network and cannot be fetched.", code="private_address")


def _bad_url() -> FetchError:
    return FetchError("That is not a complete web address.", code="bad_url")


def _size(n: int) -> str:
    if n >= 1_000_000:
        return f"{n / 1_000_000:g} MB"
    if n >= 1_000:
        return f"{n / 1_000:g} KB"
    return f"{n} bytes"
