package io.statelock.client;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/** Small helpers around bearer tokens; nothing here ever puts a token into a message. */
final class BearerTokens {
    private BearerTokens() {}

    /** Strips whitespace and an optional {@code Bearer } prefix. */
    static String normalize(String raw) {
        if (raw == null) {
            return "";
        }
        String t = raw.strip();
        if (t.regionMatches(true, 0, "Bearer ", 0, 7)) {
            t = t.substring(7).strip();
        }
        return t;
    }

    /** True when the token can travel in an HTTP/2 header: visible ASCII, no spaces. */
    static boolean wellFormed(String t) {
        if (t.isEmpty()) {
            return false;
        }
        for (int i = 0; i < t.length(); i++) {
            char c = t.charAt(i);
            if (c < 0x21 || c > 0x7e) {
                return false;
            }
        }
        return true;
    }

    /** The {@code exp} claim of a JWT in epoch seconds, or -1 if it has none or is not a JWT. */
    static long expiry(String jwt) {
        String[] parts = jwt.split("\\.");
        if (parts.length < 2) {
            return -1;
        }
        try {
            String json = new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8);
            JsonElement e = JsonParser.parseString(json);
            if (!e.isJsonObject()) {
                return -1;
            }
            JsonObject o = e.getAsJsonObject();
            JsonElement exp = o.get("exp");
            return exp != null
                            && exp.isJsonPrimitive()
                            && exp.getAsJsonPrimitive().isNumber()
                    ? exp.getAsLong()
                    : -1;
        } catch (RuntimeException e) {
            return -1;
        }
    }
}
