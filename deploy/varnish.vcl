vcl 4.1;
# Varnish in front of two or more Factcheck Desk app servers (gunicorn), sharing one PostgreSQL and
# one Redis. What it holds: public pages, until the app purges them by surrogate key
# (CDN_PURGER=varnish, CDN_PURGE_URL=http://<this host>:6081/).
# Checked by `varnishd -C -f deploy/varnish.vcl` in the test suite where varnishd is installed; the
# two backends are what bench/bench_cluster.py starts (edit the addresses for a real site).

import directors;

probe healthz {
    .url = "/healthz";
    .interval = 1s;
    .timeout = 1s;
    .window = 3;
    .threshold = 2;
}

backend app1 { .host = "127.0.0.1"; .port = "8101"; .probe = healthz; .connect_timeout = 1s; .first_byte_timeout = 30s; }
backend app2 { .host = "127.0.0.1"; .port = "8102"; .probe = healthz; .connect_timeout = 1s; .first_byte_timeout = 30s; }

# Who may purge: the app servers (their purge job sends BAN from here).
acl purgers {
    "127.0.0.1";
    "::1";
}

sub vcl_init {
    new site = directors.round_robin();
    site.add_backend(app1);
    site.add_backend(app2);
}

sub vcl_recv {
    set req.backend_hint = site.backend();

    # BAN with the keys in Surrogate-Key: every object naming one of them goes.
    if (req.method == "BAN") {
        if (!client.ip ~ purgers) {
            return (synth(403, "Not allowed to purge"));
        }
        if (!req.http.Surrogate-Key) {
            return (synth(400, "Surrogate-Key needed"));
        }
        # Keys are letters, digits and dashes: anything else is dropped, so a key cannot be a pattern.
        set req.http.X-Keys = regsuball(regsuball(req.http.Surrogate-Key, "[^a-z0-9 -]", ""), "^ +| +$", "");
        if (req.http.X-Keys == "") {
            return (synth(400, "Surrogate-Key needed"));
        }
        # No space in the expression (a ban's argument ends at a space): \s between the keys.
        ban("obj.http.Surrogate-Key ~ (^|\s)(" + regsuball(req.http.X-Keys, " +", "|") + ")(\s|$)");
        return (synth(200, "Banned"));
    }

    if (req.method != "GET" && req.method != "HEAD") {
        return (pass);
    }
    # The desk, sign-in, the admin and the API are for one person: never held.
    if (req.url ~ "^/(desk|accounts|admin|api)/" || req.url ~ "^/healthz") {
        return (pass);
    }
    # A signed-in reader (a session cookie) sees the same pages, but the app answers them itself.
    if (req.http.Cookie ~ "(^|;\s*)sessionid=") {
        return (pass);
    }
    # Public pages set no cookie and read none: drop the rest (analytics and the like) so they share.
    unset req.http.Cookie;
    return (hash);
}

sub vcl_backend_response {
    if (beresp.http.Set-Cookie || beresp.http.Cache-Control ~ "private|no-store") {
        set beresp.uncacheable = true;
        set beresp.ttl = 120s;
        return (deliver);
    }
    # A public page with surrogate keys is purged whenever what it shows changes, so Varnish holds it
    # an hour whatever max-age browsers are given (an hour at most should a purge be lost), and
    # serves it a minute past that while it fetches the new one.
    if (beresp.http.Surrogate-Key && beresp.http.Cache-Control ~ "public") {
        set beresp.ttl = 1h;
        set beresp.grace = 60s;
    }
    return (deliver);
}

sub vcl_backend_fetch {
    # A retry (below) goes to the other server: the probes may not have marked the failed one sick
    # yet, and the director resolves its choice only when it connects. (With more servers, name here
    # which one takes over from each.)
    if (bereq.retries > 0) {
        if (bereq.http.X-Failed-Backend == "app1") {
            set bereq.backend = app2;
        } else {
            set bereq.backend = app1;
        }
        unset bereq.http.X-Failed-Backend;
    }
}

sub vcl_backend_error {
    # The server died with this request in flight (or refused it): a GET or HEAD is tried once more,
    # on another server, so a reader sees no error when one server goes.
    if (bereq.retries < 1 && (bereq.method == "GET" || bereq.method == "HEAD")) {
        set bereq.http.X-Failed-Backend = "" + beresp.backend;
        return (retry);
    }
}

sub vcl_deliver {
    # The keys are for purging here; readers' browsers need not see them.
    unset resp.http.Surrogate-Key;
    unset resp.http.Cache-Tag;
    if (obj.hits > 0) {
        set resp.http.X-Cache = "HIT";
    } else {
        set resp.http.X-Cache = "MISS";
    }
}
