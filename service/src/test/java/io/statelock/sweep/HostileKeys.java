package io.statelock.sweep;

import java.util.LinkedHashMap;
import java.util.Map;

/** Invalid and hostile lock keys, by name: every one of them must be refused as INVALID_ARGUMENT / HTTP 400. */
final class HostileKeys {
    private HostileKeys() {}

    /** Keys as a gRPC client sends them. */
    static Map<String, String> grpc() {
        Map<String, String> k = new LinkedHashMap<>();
        k.put("empty", "");
        k.put("513 characters", "k".repeat(513));
        k.put("64 KiB", "k".repeat(64 * 1024));
        k.put("'..'", "..");
        k.put("'..' segment", "prod/../network/terraform.tfstate");
        k.put("traversal", "../../etc/passwd");
        k.put("trailing '..'", "prod/..");
        k.put("'.' segment (aliases prod/x on a filesystem)", "prod/./x");
        k.put("'.'", ".");
        k.put("trailing '.'", "prod/x/.");
        k.put("leading '/'", "/prod/x");
        k.put("only '/'", "/");
        k.put("trailing '/'", "prod/x/");
        k.put("'//'", "prod//x");
        k.put("backslash", "prod\\x");
        k.put("space", "prod/my state");
        k.put("newline", "prod/x\n");
        k.put("tab", "prod/\tx");
        k.put("BEL control character", "prod/\u0007x");
        k.put("ANSI escape", "prod/\u001b[31mx");
        k.put("NUL", "prod/x\u0000");
        k.put("DEL", "prod/x\u007f");
        k.put("Cyrillic er look-alike", "\u0440rod/x");
        k.put("fullwidth solidus", "prod\uff0fx");
        k.put("division slash", "prod\u2215x");
        k.put("one-dot leaders as '..'", "prod/\u2024\u2024/x");
        k.put("RTL override", "prod/\u202etxt.exe");
        k.put("zero-width space", "prod/\u200bx");
        k.put("byte order mark", "\ufeffprod/x");
        k.put("combining accent", "prode\u0301/x");
        k.put("lone surrogate", "prod/\ud800x");
        k.put("emoji", "prod/\ud83d\udd12");
        k.put("percent-encoded '..'", "prod/%2e%2e/x");
        k.put("'~' (reserved for state objects)", "prod/x/~v/1-abc");
        k.put("glob '*'", "prod/*");
        k.put("glob '**'", "**");
        return k;
    }

    /** Path suffixes after {@code /terraform/}, sent as they are (the client does no encoding or normalizing). */
    static Map<String, String> httpPaths() {
        Map<String, String> k = new LinkedHashMap<>();
        k.put("empty", "");
        k.put("513 characters", "k".repeat(513));
        k.put("'..' segment", "prod/../x");
        k.put("%2e%2e segment", "prod/%2e%2e/x");
        k.put("%2E%2E traversal", "%2E%2E/%2E%2E/etc/passwd");
        k.put("encoded '/..' inside a segment", "prod%2F..%2Fx");
        k.put("double-encoded '..'", "prod/%252e%252e/x");
        k.put("'.' segment", "prod/./x");
        k.put("leading '/'", "/prod/x");
        k.put("encoded leading '/'", "%2Fprod/x");
        k.put("trailing '/'", "prod/x/");
        k.put("'//'", "prod//x");
        k.put("encoded NUL", "prod/x%00");
        k.put("encoded newline", "prod/x%0A");
        k.put("encoded ESC", "prod/%1B%5B31mx");
        k.put("encoded space", "prod/my%20state");
        k.put("encoded backslash", "prod%5Cx");
        k.put("encoded RTL override", "prod/%E2%80%AEtxt.exe");
        k.put("encoded Cyrillic look-alike", "%D1%80rod/x");
        k.put("encoded fullwidth solidus", "prod%EF%BC%8Fx");
        k.put("invalid UTF-8", "prod/%C0%AE%C0%AE/x");
        k.put("bad percent escape", "prod/%zz");
        k.put("truncated percent escape", "prod/x%");
        k.put("'~' (reserved for state objects)", "prod/x/~v/1-abc");
        return k;
    }
}
