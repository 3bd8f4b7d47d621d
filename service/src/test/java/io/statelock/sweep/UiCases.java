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
        c.actions(f);
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
            if (!TRANSPORT.contains(name) && !name.equals("empty")) {
                add("key view of key " + name, 400, "GET", "/ui/api/key?key=" + path);
                add("diff of key " + name, 400, "GET", "/ui/api/diff?from=1&to=2&key=" + path);
            }
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

    private void action(String name, int expected, String contentType, String body) {
        Request r = Request.of("POST", "/ui/api/force-release", body.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        cases.add(http(
                "ui-action", name, expected, http, contentType == null ? r : r.header("Content-Type", contentType)));
    }

    private void rollback(String name, int expected, String body) {
        Request r = Request.of("POST", "/ui/api/rollback", body.getBytes(java.nio.charset.StandardCharsets.UTF_8))
                .header("Content-Type", "application/json");
        cases.add(http("ui-action", name, expected, http, r));
    }

    /** Force-release bodies that are not what the page sends: nothing is broken by any of them. */
    private void actions(SweepFixture f) {
        String key = f.held;
        String json = "application/json";
        action("no content type", 415, null, "{}");
        action("a form", 415, "application/x-www-form-urlencoded", "key=" + key + "&reason=x");
        action("not JSON", 400, json, "{key:");
        action("a JSON array", 400, json, "[]");
        action("JSON null", 400, json, "null");
        action(
                "an unknown field",
                400,
                json,
                "{\"key\":\"" + key + "\",\"reason\":\"r\",\"expectedFencingToken\":1,\"force\":true}");
        action("no reason", 400, json, "{\"key\":\"" + key + "\",\"expectedFencingToken\":1}");
        action("an empty reason", 400, json, "{\"key\":\"" + key + "\",\"reason\":\"\",\"expectedFencingToken\":1}");
        action(
                "a reason of 1025 characters",
                400,
                json,
                "{\"key\":\"" + key + "\",\"reason\":\"" + "r".repeat(1025) + "\",\"expectedFencingToken\":1}");
        action("no fence", 400, json, "{\"key\":\"" + key + "\",\"reason\":\"r\"}");
        action("a negative fence", 400, json, "{\"key\":\"" + key + "\",\"reason\":\"r\",\"expectedFencingToken\":-1}");
        action(
                "a fraction for the fence",
                400,
                json,
                "{\"key\":\"" + key + "\",\"reason\":\"r\",\"expectedFencingToken\":1.5}");
        action(
                "a fence past 2^63",
                400,
                json,
                "{\"key\":\"" + key + "\",\"reason\":\"r\",\"expectedFencingToken\":9223372036854775808}");
        action(
                "a fence as a string",
                400,
                json,
                "{\"key\":\"" + key + "\",\"reason\":\"r\",\"expectedFencingToken\":\"1\"}");
        action("a key that is no key", 400, json, "{\"key\":\"../etc\",\"reason\":\"r\",\"expectedFencingToken\":1}");
        action("a key as a number", 400, json, "{\"key\":7,\"reason\":\"r\",\"expectedFencingToken\":1}");
        action("a body past 16 KiB", 413, json, "{\"key\":\"" + key + "\",\"reason\":\"" + "r".repeat(17_000) + "\"}");
        cases.add(http(
                "ui-action",
                "from another site",
                403,
                http,
                Request.of("POST", "/ui/api/force-release", "{}".getBytes(java.nio.charset.StandardCharsets.UTF_8))
                        .header("Content-Type", json)
                        .header("Origin", "https://evil.example")));
        add("audit since not a time", 400, "GET", "/ui/api/audit?since=yesterday");
        String state = f.held;
        add("key view without a key", 400, "GET", "/ui/api/key");
        add("diff without versions", 400, "GET", "/ui/api/diff?key=" + state);
        add("diff from a version that is no number", 400, "GET", "/ui/api/diff?from=x&to=1&key=" + state);
        add("diff from a version never written", 404, "GET", "/ui/api/diff?from=999999&to=999998&key=" + state);
        rollback("rollback without a version", 400, "{\"key\":\"" + state + "\"}");
        rollback("rollback to a negative version", 400, "{\"key\":\"" + state + "\",\"toVersion\":-1}");
        rollback("rollback to a version as a string", 400, "{\"key\":\"" + state + "\",\"toVersion\":\"1\"}");
        rollback("rollback with an unknown field", 400, "{\"key\":\"" + state + "\",\"toVersion\":1,\"force\":1}");
        rollback("rollback of a held key", 423, "{\"key\":\"" + state + "\",\"toVersion\":1}");
        add("audit until before since", 400, "GET", "/ui/api/audit?since=2000&until=1000");
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
