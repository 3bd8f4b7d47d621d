package io.statelock.sweep;

import static io.statelock.sweep.SweepCase.http;

import io.statelock.sweep.RawHttp.Request;
import io.statelock.testing.TerraformHttp;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** The Terraform http backend: hostile paths, wrong methods and content types, malformed and oversized bodies. */
final class HttpCases {
    private final SweepFixture f;
    private final RawHttp http;
    private final List<SweepCase> cases = new ArrayList<>();

    private HttpCases(SweepFixture f) {
        this.f = f;
        this.http = new RawHttp(f.port);
    }

    static List<SweepCase> all(SweepFixture f, int maxStateBytes) {
        HttpCases c = new HttpCases(f);
        c.paths();
        c.methods();
        c.lockBodies();
        c.unlockBodies();
        c.writes(maxStateBytes);
        c.framing();
        return c.cases;
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** UTF-16 little-endian with its byte-order mark (FF FE), as Windows tools write it. */
    static byte[] utf16le(String s) {
        return concat(new byte[] {(byte) 0xff, (byte) 0xfe}, s.getBytes(StandardCharsets.UTF_16LE));
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    private String target(String key) {
        return "/terraform/" + key;
    }

    private static String lockInfo(String id) {
        return TerraformHttp.lockInfo(id, "sweep@intruder");
    }

    private void add(String cat, String name, int expected, Request r) {
        cases.add(http(cat, name, expected, http, json(r)));
    }

    /** Terraform's Content-Type on every request with a body. */
    private static Request json(Request r) {
        return r.header("Content-Type", r.body() == null ? null : "application/json");
    }

    private void paths() {
        HostileKeys.httpPaths().forEach((name, path) -> {
            String cat = "http-key";
            // Encoded dot segments are removed by the router's path normalization: /terraform/%2E%2E/%2E%2E/etc
            // becomes /etc, which is no route (404) and never reaches the backend.
            int expected = name.contains("traversal") ? 404 : 400;
            List<SweepCase> all = new ArrayList<>();
            all.add(http(cat, "GET " + name, expected, http, Request.of("GET", target(path), null)));
            all.add(http(
                    cat,
                    "LOCK " + name,
                    expected,
                    http,
                    json(Request.of(
                            "LOCK",
                            target(path),
                            utf8(lockInfo(UUID.randomUUID().toString()))))));
            all.add(http(
                    cat,
                    "POST " + name,
                    expected,
                    http,
                    json(Request.of("POST", target(path), SweepFixture.state(1, "x")))));
            all.add(http(cat, "DELETE " + name, expected, http, Request.of("DELETE", target(path), null)));
            all.add(http(
                    cat,
                    "UNLOCK " + name,
                    expected,
                    http,
                    json(Request.of("UNLOCK", target(path), utf8(lockInfo(f.tfId))))));
            // A malformed percent-escape is refused by the HTTP server before any route: 400 without a body.
            all.forEach(c -> cases.add(name.contains("percent escape") ? c.bare() : c));
        });
        // The bare prefix names no key: not found, before any access check, whatever the method.
        for (String bare : List.of("/terraform", "/terraform?ID=x", "/terraform?")) {
            for (String m : List.of("GET", "POST", "LOCK", "UNLOCK", "DELETE", "PATCH")) {
                add(
                        "http-key",
                        m + " " + bare,
                        404,
                        Request.of(m, bare, m.equals("GET") || m.equals("DELETE") ? null : utf8(lockInfo(f.tfId))));
            }
        }
    }

    private void methods() {
        for (String m : List.of("PATCH", "OPTIONS", "TRACE", "PROPFIND", "MKCOL", "FOO")) {
            add("http-method", m + " on a locked key", 405, Request.of(m, target(f.tf), null));
        }
        for (String type : List.of(
                "application/xml",
                "text/plain",
                "multipart/form-data; boundary=x",
                "application/x-www-form-urlencoded")) {
            cases.add(http(
                    "http-content-type",
                    "LOCK with Content-Type " + type,
                    415,
                    http,
                    Request.of(
                                    "LOCK",
                                    target(f.free),
                                    utf8(lockInfo(UUID.randomUUID().toString())))
                            .header("Content-Type", type)));
            cases.add(http(
                    "http-content-type",
                    "UNLOCK with Content-Type " + type,
                    415,
                    http,
                    Request.of(
                                    "UNLOCK",
                                    target(f.tf),
                                    utf8(lockInfo(UUID.randomUUID().toString())))
                            .header("Content-Type", type)));
        }
    }

    /** LockInfo bodies that are not LockInfo; aimed at the locked key, and some at the free one (where a wrong 200 would lock it). */
    private void lockBodies() {
        Map<String, String> bad = new LinkedHashMap<>();
        bad.put("not JSON", "hello");
        bad.put("empty", "");
        bad.put("a JSON array", "[]");
        bad.put("a JSON string", "\"x\"");
        bad.put("a JSON number", "5");
        bad.put("JSON null", "null");
        bad.put("{} (no ID)", "{}");
        bad.put("an empty ID", "{\"ID\":\"\"}");
        bad.put("a numeric ID", "{\"ID\":5}");
        bad.put("an object ID", "{\"ID\":{\"a\":1}}");
        bad.put("an array ID", "{\"ID\":[\"a\"]}");
        bad.put("a boolean ID", "{\"ID\":true}");
        bad.put("a numeric Who", "{\"ID\":\"x\",\"Who\":5}");
        bad.put("an object Info", "{\"ID\":\"x\",\"Info\":{\"a\":1}}");
        bad.put("Info of 5000 bytes", "{\"ID\":\"x\",\"Info\":\"" + "a".repeat(5000) + "\"}");
        bad.put("arrays nested 5000 deep", "[".repeat(5000) + "]".repeat(5000));
        bad.put(
                "objects nested 3000 deep in Info",
                "{\"ID\":\"x\",\"Info\":" + "{\"a\":".repeat(3000) + "1" + "}".repeat(3000) + "}");
        bad.put("truncated JSON", "{\"ID\":\"x\",\"Who\":");
        bad.put("trailing garbage", "{\"ID\":\"x\"} garbage");
        bad.put("two objects", "{\"ID\":\"x\"}{\"ID\":\"y\"}");
        bad.put("a duplicate ID", "{\"ID\":\"" + f.tfId + "\",\"ID\":\"y\"}");
        bad.put(
                "invalid UTF-8",
                new String(
                        new byte[] {'{', '"', 'I', 'D', '"', ':', '"', (byte) 0xc3, 0x28, '"', '}'},
                        StandardCharsets.ISO_8859_1));
        bad.forEach((name, body) -> {
            byte[] bytes = name.equals("invalid UTF-8") ? body.getBytes(StandardCharsets.ISO_8859_1) : utf8(body);
            add("http-lock-body", "LOCK locked key, body " + name, 400, Request.of("LOCK", target(f.tf), bytes));
            add("http-lock-body", "LOCK free key, body " + name, 400, Request.of("LOCK", target(f.free), bytes));
        });
        String big = "{\"ID\":\"x\",\"Info\":\"" + "a".repeat(70 * 1024) + "\"}";
        add("http-lock-body", "LOCK body of 70 KiB (limit 64 KiB)", 413, Request.of("LOCK", target(f.free), utf8(big)));
        add(
                "http-lock-body",
                "LOCK body of 1 MiB, chunked (no Content-Length)",
                413,
                chunked(Request.of(
                        "LOCK", target(f.free), utf8("{\"ID\":\"x\",\"Info\":\"" + "a".repeat(1 << 20) + "\"}"))));
        add(
                "http-lock-body",
                "LOCK locked key, well-formed (control)",
                423,
                Request.of("LOCK", target(f.tf), utf8(lockInfo(UUID.randomUUID().toString()))));
        add(
                "http-lock-body",
                "LOCK locked key with control characters in ID and Who",
                423,
                Request.of("LOCK", target(f.tf), utf8("{\"ID\":\"\\u0000\\u001b\",\"Who\":\"\\u202e\"}")));
    }

    /** Rewrites a request's body as one HTTP/1.1 chunk, without Content-Length. */
    private static Request chunked(Request r) {
        byte[] body = r.body();
        byte[] head = utf8(Integer.toHexString(body.length) + "\r\n");
        byte[] tail = utf8("\r\n0\r\n\r\n");
        byte[] all = new byte[head.length + body.length + tail.length];
        System.arraycopy(head, 0, all, 0, head.length);
        System.arraycopy(body, 0, all, head.length, body.length);
        System.arraycopy(tail, 0, all, head.length + body.length, tail.length);
        return new Request(r.method(), r.target(), r.headers(), all, false)
                .header("Content-Length", null)
                .header("Transfer-Encoding", "chunked");
    }

    private void unlockBodies() {
        String cat = "http-unlock";
        Map<String, String> bad = new LinkedHashMap<>();
        bad.put("{} (no ID: not a force-unlock)", "{}");
        bad.put("an empty ID", "{\"ID\":\"\"}");
        bad.put("a null ID", "{\"ID\":null}");
        bad.put("a numeric ID", "{\"ID\":5}");
        bad.put("not JSON", "hello");
        bad.put("arrays nested 5000 deep", "[".repeat(5000) + "]".repeat(5000));
        bad.forEach(
                (name, body) -> add(cat, "UNLOCK body " + name, 400, Request.of("UNLOCK", target(f.tf), utf8(body))));
        // A force-unlock naming a holder that is not there: refused, nothing broken.
        add(
                cat,
                "UNLOCK a public id from the future",
                409,
                Request.of(
                        "UNLOCK",
                        target(f.tf),
                        utf8(lockInfo("fence-" + (f.heldLease.getFencingToken() + 1_000_000)))));
        // A lock ID that holds nothing releases nothing: 200, as Terraform advises force-unlock after anything else.
        Map<String, String> wrong = new LinkedHashMap<>();
        wrong.put("a random ID", UUID.randomUUID().toString());
        wrong.put("fence--1", "fence--1");
        wrong.put("fence-abc", "fence-abc");
        wrong.put("the gRPC lease id of another key", f.heldLease.getLeaseId());
        wrong.put("a prefix of the real ID", f.tfId.substring(0, 8));
        wrong.forEach((name, id) -> add(
                cat,
                "UNLOCK " + name + " (releases nothing)",
                200,
                Request.of("UNLOCK", target(f.tf), utf8(lockInfo(id)))));
        // Every public id that is not the holder's gets the same answer, whether or not it names a possible token.
        for (String id : List.of(
                "fence-0",
                "fence-9223372036854775808",
                "fence-18446744073709551615",
                "fence-99999999999999999999",
                "fence-0" + f.heldLease.getFencingToken())) {
            add(
                    cat,
                    "UNLOCK the public id " + id + " (not the holder's)",
                    409,
                    Request.of("UNLOCK", target(f.tf), utf8(lockInfo(id))));
        }
        // Only a body of no bytes is Terraform's force-unlock; whitespace is a body without an ID.
        for (String blank : List.of(" ", "\n", "\r\n", "\t", "\u2003", "\u00a0")) {
            String name = "UNLOCK body of whitespace " + BadInputSweepTest.printable(blank);
            add(cat, name, 400, Request.of("UNLOCK", target(f.tf), utf8(blank)));
            cases.add(
                    http(cat, name + ", no Content-Type", 400, http, Request.of("UNLOCK", target(f.tf), utf8(blank))));
            add(cat, name + ", chunked", 400, chunked(Request.of("UNLOCK", target(f.tf), utf8(blank))));
        }
        add(
                cat,
                "UNLOCK the holder's LockInfo in UTF-16 (FF FE)",
                400,
                Request.of("UNLOCK", target(f.tf), utf16le(lockInfo(f.tfId))));
        add(
                cat,
                "UNLOCK the holder's LockInfo after a UTF-8 byte-order mark",
                400,
                Request.of("UNLOCK", target(f.tf), utf8("\uFEFF" + lockInfo(f.tfId))));
        add(
                cat,
                "UNLOCK another key with this key's ID (releases nothing)",
                200,
                Request.of("UNLOCK", target(f.held), utf8(lockInfo(f.tfId))));
        add(
                cat,
                "UNLOCK body of 70 KiB",
                413,
                Request.of("UNLOCK", target(f.tf), utf8("{\"ID\":\"" + "a".repeat(70 * 1024) + "\"}")));
    }

    private void writes(int maxStateBytes) {
        String cat = "http-write";
        byte[] next = SweepFixture.state(2, SweepFixture.LINEAGE);
        String real = target(f.tf) + "?ID=" + f.tfId;
        add(cat, "POST without ID while locked (-lock=false)", 409, Request.of("POST", target(f.tf), next));
        add(cat, "POST with an empty ID", 409, Request.of("POST", target(f.tf) + "?ID=", next));
        add(cat, "POST with a random ID", 409, Request.of("POST", target(f.tf) + "?ID=" + UUID.randomUUID(), next));
        add(cat, "POST with the public fence id", 409, Request.of("POST", target(f.tf) + "?ID=fence-1", next));
        add(
                cat,
                "POST with a 3000-character ID",
                409,
                Request.of("POST", target(f.tf) + "?ID=" + "i".repeat(3000), next));
        add(
                cat,
                "POST with a gRPC lease id as ID",
                409,
                Request.of("POST", target(f.held) + "?ID=" + f.heldLease.getLeaseId(), next));
        add(
                cat,
                "POST presenting a random lease",
                409,
                Request.of("POST", real, next)
                        .header(
                                "Authorization",
                                basic("statelock-lease", UUID.randomUUID().toString())));
        add(
                cat,
                "POST real ID, Content-MD5 of other bytes",
                400,
                Request.of("POST", real, next).header("Content-MD5", "AAAAAAAAAAAAAAAAAAAAAA=="));
        add(
                cat,
                "POST real ID, Content-MD5 not base64",
                400,
                Request.of("POST", real, next).header("Content-MD5", "!!!"));
        Map<String, String> bad = new LinkedHashMap<>();
        bad.put("not JSON", "this is not terraform state");
        bad.put("empty", "");
        bad.put("a JSON array", "[1,2,3]");
        bad.put("JSON null", "null");
        bad.put(
                "truncated JSON",
                "{\"version\":4,\"serial\":3,\"lineage\":\"" + SweepFixture.LINEAGE + "\",\"resources\":[");
        bad.put(
                "trailing garbage",
                new String(SweepFixture.state(3, SweepFixture.LINEAGE), StandardCharsets.UTF_8) + "}garbage");
        bad.put(
                "objects nested 5000 deep",
                "{\"serial\":3,\"x\":" + "{\"a\":".repeat(5000) + "1" + "}".repeat(5000) + "}");
        bad.put("serial as a string", "{\"version\":4,\"serial\":\"3\",\"lineage\":\"" + SweepFixture.LINEAGE + "\"}");
        bad.put("a negative serial", "{\"version\":4,\"serial\":-3,\"lineage\":\"" + SweepFixture.LINEAGE + "\"}");
        bad.put("lineage as a number", "{\"version\":4,\"serial\":3,\"lineage\":7}");
        bad.put("version as an object", "{\"version\":{},\"serial\":3,\"lineage\":\"" + SweepFixture.LINEAGE + "\"}");
        String lin = "\"lineage\":\"" + SweepFixture.LINEAGE + "\"";
        bad.put("{}", "{}");
        bad.put("without version", "{\"serial\":3," + lin + "}");
        bad.put("without serial", "{\"version\":4," + lin + "}");
        bad.put("without lineage", "{\"version\":4,\"serial\":3}");
        bad.put("with an empty lineage", "{\"version\":4,\"serial\":3,\"lineage\":\"\"}");
        bad.put("a serial of 2^63", "{\"version\":4,\"serial\":9223372036854775808," + lin + "}");
        bad.put("a serial of 10^30", "{\"version\":4,\"serial\":1000000000000000000000000000000," + lin + "}");
        bad.put("a serial of 3.0", "{\"version\":4,\"serial\":3.0," + lin + "}");
        bad.put("a version of 4.5", "{\"version\":4.5,\"serial\":3," + lin + "}");
        // Go reads the last of two names, a first-wins reader the first: a crafted body would slip past the serial
        // check.
        bad.put("serial twice (old, then new)", "{\"version\":4,\"serial\":1,\"serial\":9," + lin + "}");
        bad.put("lineage twice", "{\"version\":4,\"serial\":9," + lin + ",\"lineage\":\"another\"}");
        bad.put("after a UTF-8 byte-order mark", "\uFEFF" + new String(next, StandardCharsets.UTF_8));
        bad.forEach((name, body) -> add(cat, "POST real ID, state " + name, 400, Request.of("POST", real, utf8(body))));
        add(
                cat,
                "POST real ID, state in UTF-16 (FF FE)",
                400,
                Request.of("POST", real, utf16le(new String(next, StandardCharsets.UTF_8))));
        add(
                cat,
                "POST real ID, state in UTF-16 without a byte-order mark",
                400,
                Request.of("POST", real, new String(next, StandardCharsets.UTF_8).getBytes(StandardCharsets.UTF_16LE)));
        add(
                cat,
                "POST real ID, state with a byte that is not UTF-8",
                400,
                Request.of("POST", real, concat(java.util.Arrays.copyOf(next, next.length - 1), new byte[] {
                    (byte) 0xff, '}'
                })));
        byte[] huge = new byte[maxStateBytes + 1024];
        java.util.Arrays.fill(huge, (byte) ' ');
        huge[0] = '{';
        huge[huge.length - 1] = '}';
        // Refused from its Content-Length before the body is read, or as soon as a chunked body crosses the limit.
        add(cat, "POST real ID, body over statelock.state.max-size", 413, Request.of("POST", real, huge));
        add(
                cat,
                "POST real ID, chunked body over statelock.state.max-size",
                413,
                chunked(Request.of("POST", real, huge)));
        cases.add(http(
                cat,
                "POST real ID declaring 100 bytes, sending 10, closing",
                "CLOSED",
                http,
                Request.of("POST", real, utf8("{\"serial\":"))
                        .header("Content-Length", "100")
                        .closingEarly()));
        add(cat, "DELETE without ID while locked", 409, Request.of("DELETE", target(f.tf), null));
        add(cat, "DELETE with a random ID", 409, Request.of("DELETE", target(f.tf) + "?ID=" + UUID.randomUUID(), null));
        add(
                cat,
                "DELETE presenting a random lease",
                409,
                Request.of("DELETE", target(f.tf), null)
                        .header(
                                "Authorization",
                                basic("statelock-lease", UUID.randomUUID().toString())));
        add(
                cat,
                "LOCK presenting a random lease",
                409,
                Request.of("LOCK", target(f.tf), utf8(lockInfo("x")))
                        .header(
                                "Authorization",
                                basic("statelock-lease", UUID.randomUUID().toString())));
        add(
                cat,
                "LOCK with Basic credentials that are not base64 (ignored: held)",
                423,
                Request.of("LOCK", target(f.tf), utf8(lockInfo("x"))).header("Authorization", "Basic %%%"));
        add(cat, "GET of a key without state", 404, Request.of("GET", target(f.other), null));
    }

    private static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString(utf8(user + ":" + password));
    }

    /** Broken HTTP/1.1 framing; Vert.x answers these before any handler runs. */
    private void framing() {
        String cat = "http-framing";
        byte[] next = SweepFixture.state(2, SweepFixture.LINEAGE);
        String real = target(f.tf) + "?ID=" + f.tfId;
        List<SweepCase> bare = new ArrayList<>();
        bare.add(http(
                cat,
                "Content-Length not a number",
                400,
                http,
                Request.of("POST", real, next).header("Content-Length", "abc")));
        bare.add(http(
                cat,
                "negative Content-Length",
                400,
                http,
                Request.of("POST", real, next).header("Content-Length", "-5")));
        bare.add(http(
                cat,
                "Content-Length and Transfer-Encoding both",
                400,
                http,
                Request.of("POST", real, next).header("Transfer-Encoding", "chunked")));
        bare.add(
                http(cat, "a request target of 10 KB", 414, http, Request.of("GET", target("k".repeat(10_000)), null)));
        bare.add(http(
                cat,
                "a header with NUL",
                400,
                http,
                Request.of("GET", target(f.tf), null).header("X-Sweep", "a\u0000b")));
        bare.forEach(c -> cases.add(c.bare()));
        // Broken chunked framing reaches the handler as the body's failure: answered 400, nothing stored.
        Map<String, byte[]> chunkings = new LinkedHashMap<>();
        chunkings.put("a chunk size that is not hex", utf8("zz\r\n{}\r\n0\r\n\r\n"));
        chunkings.put("a negative chunk size", utf8("-5\r\n{}\r\n0\r\n\r\n"));
        chunkings.put("a chunk size past 2^64", utf8("1ffffffffffffffffff\r\n{}\r\n0\r\n\r\n"));
        chunkings.put("a chunk without its CRLF", utf8("2\r\n{}XY0\r\n\r\n"));
        chunkings.forEach((name, body) -> {
            for (String[] target :
                    new String[][] {{"POST", real}, {"UNLOCK", target(f.tf)}, {"LOCK", target(f.free)}}) {
                cases.add(http(
                        cat,
                        target[0] + " with " + name,
                        400,
                        http,
                        new Request(target[0], target[1], Map.of(), body, false)
                                .header("Content-Type", "application/json")
                                .header("Content-Length", null)
                                .header("Transfer-Encoding", "chunked")));
            }
        });
    }
}
