package io.statelock.sweep;

import static io.statelock.sweep.SweepCase.http;

import io.statelock.sweep.RawHttp.Request;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** The dashboard's calls: hostile prefixes and parameters, unknown calls and methods; every answer JSON. */
final class UiCases {
    /**
     * Hostile keys that are no prefix either: a prefix may be empty, end in '/' or inside a segment, so '.', '..'
     * and '//' are a prefix's characters (as for List over gRPC); only the keys under it are checked.
     */
    private static final Set<String> NO_PREFIX = Set.of(
            "513 characters",
            "leading '/'",
            "encoded NUL",
            "encoded newline",
            "encoded ESC",
            "invalid UTF-8",
            "bad percent escape",
            "truncated percent escape");
    /** Refused by the HTTP server before any route: its 400 carries no body. */
    private static final Set<String> TRANSPORT = Set.of("bad percent escape", "truncated percent escape");

    private final RawHttp http;
    private final List<SweepCase> cases = new ArrayList<>();

    private UiCases(SweepFixture f) {
        this.http = new RawHttp(f.port);
    }

    static List<SweepCase> all(SweepFixture f) {
        UiCases c = new UiCases(f);
        c.prefixes();
        c.parameters();
        c.calls();
        return c.cases;
    }

    private void add(String name, int expected, String method, String target) {
        cases.add(http("ui", name, expected, http, Request.of(method, target, null)));
    }

    private void addBare(String name, int expected, String method, String target) {
        cases.add(http("ui", name, expected, http, Request.of(method, target, null))
                .bare());
    }

    private void prefixes() {
        HostileKeys.httpPaths().forEach((name, path) -> {
            if (!NO_PREFIX.contains(name)) return;
            if (TRANSPORT.contains(name)) {
                addBare("locks prefix " + name, 400, "GET", "/ui/api/locks?prefix=" + path);
                addBare("watch prefix " + name, 400, "GET", "/ui/api/watch?prefix=" + path);
            } else {
                add("locks prefix " + name, 400, "GET", "/ui/api/locks?prefix=" + path);
                add("watch prefix " + name, 400, "GET", "/ui/api/watch?prefix=" + path);
            }
        });
    }

    private void parameters() {
        add("page size not a number", 400, "GET", "/ui/api/locks?pageSize=lots");
        add("negative page size", 400, "GET", "/ui/api/locks?pageSize=-1");
        add("page size with 12 digits", 400, "GET", "/ui/api/locks?pageSize=100000000000");
        add("page token not ours", 400, "GET", "/ui/api/locks?pageToken=%21%21");
        add("page token with a NUL", 400, "GET", "/ui/api/locks?pageToken=%00");
    }

    private void calls() {
        add("unknown call", 404, "GET", "/ui/api/nothing");
        add("POST to a read", 405, "POST", "/ui/api/locks");
        add("DELETE to the event stream", 405, "DELETE", "/ui/api/watch");
        add("a file the page does not have", 404, "GET", "/ui/../../etc/passwd");
        add("a file the page does not have, encoded", 404, "GET", "/ui/app.js%2Fx");
        add("PUT to the page", 405, "PUT", "/ui/app.js");
    }
}
