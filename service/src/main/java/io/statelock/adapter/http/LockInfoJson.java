package io.statelock.adapter.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.statelock.common.InvalidArgumentException;
import io.statelock.lock.LockStatus;
import io.statelock.state.TerraformLock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;

/** Terraform's LockInfo JSON ({@code ID}, {@code Operation}, {@code Info}, {@code Who}, {@code Version}, {@code Created}, {@code Path}). */
final class LockInfoJson {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Strict for what comes in: one object, no duplicate names, valid UTF-8, nothing after it. */
    private static final ObjectMapper STRICT = com.fasterxml.jackson.databind.json.JsonMapper.builder()
            .enable(com.fasterxml.jackson.core.StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    private static final Instant FIRST = Instant.parse("0000-01-01T00:00:00Z").minusNanos(1);
    private static final Instant LAST =
            Instant.parse("9999-12-31T23:59:59.999999999Z").plusNanos(1);

    private LockInfoJson() {}

    /**
     * The LockInfo of a LOCK or UNLOCK body; null for an empty body (Terraform's force-unlock). Only a body of no
     * bytes at all is empty: whitespace is a body without an ID, refused like any other.
     */
    static TerraformLock parse(byte[] body) {
        if (body == null || body.length == 0) return null;
        JsonNode n;
        try {
            n = STRICT.readTree(utf8(body));
        } catch (JsonProcessingException e) {
            throw InvalidArgumentException.of("body", "is not Terraform LockInfo JSON: " + e.getOriginalMessage());
        } catch (java.io.IOException e) {
            throw InvalidArgumentException.of("body", "is not Terraform LockInfo JSON: " + e.getMessage());
        }
        if (!n.isObject()) throw InvalidArgumentException.of("body", "is not a LockInfo object");
        return new TerraformLock(
                text(n, "ID"),
                text(n, "Operation"),
                text(n, "Info"),
                text(n, "Who"),
                text(n, "Version"),
                text(n, "Created"),
                text(n, "Path"));
    }

    /**
     * What others may see of a holder: its public ID {@code fence-<token>}, never Terraform's own. Terraform
     * parses this body (Go's {@code time.Time} needs an RFC 3339 {@code Created}) and shows only its ID.
     */
    static String holder(LockStatus s) {
        ObjectNode n = JSON.createObjectNode();
        n.put("ID", TerraformLock.publicId(s.fencingToken()));
        n.put("Operation", s.info().operation());
        n.put("Info", s.info().info());
        n.put("Who", s.info().who().isEmpty() ? s.owner() : s.info().who());
        n.put("Version", s.info().version());
        n.put("Created", created(s.info().labels().get("created"), s.acquiredAtMs()));
        n.put("Path", s.info().path());
        return n.toString();
    }

    /**
     * The LockInfo of a refused call: the holder's when the key is held; when it is free (a lease that
     * ended, or a joined lease of another key) there is no holder, so the ID says why — the one field
     * Terraform prints ("already locked: ID=...") — and {@code Created} is the time of the answer.
     */
    static String refusal(LockStatus current, String why, Instant now) {
        if (current.held()) return holder(current);
        ObjectNode n = JSON.createObjectNode();
        n.put("ID", "none: " + why);
        n.put("Operation", "");
        n.put("Info", why);
        n.put("Who", "");
        n.put("Version", "");
        n.put("Created", now.toString());
        n.put("Path", "");
        return n.toString();
    }

    /**
     * {@code label} (Terraform's own Created, as it sent it) when it is an RFC 3339 time Go can read
     * back, else the acquire time: a label may come from any client, and Go refuses a whole body over
     * one bad time.
     */
    static String created(String label, long acquiredAtMs) {
        if (label != null) {
            try {
                Instant at = OffsetDateTime.parse(label).toInstant();
                // Go's RFC 3339 has four-digit years only; Instant.toString writes other years with a sign.
                if (at.isAfter(FIRST) && at.isBefore(LAST)) return at.toString();
            } catch (DateTimeParseException e) {
                // not a time: fall back to the acquire time
            }
        }
        return Instant.ofEpochMilli(acquiredAtMs).toString();
    }

    /** The body as text, if it is UTF-8 without a byte-order mark (Jackson alone would also take UTF-16 and UTF-32). */
    private static String utf8(byte[] body) {
        String text;
        try {
            text = java.nio.charset.StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(java.nio.charset.CodingErrorAction.REPORT)
                    .onUnmappableCharacter(java.nio.charset.CodingErrorAction.REPORT)
                    .decode(java.nio.ByteBuffer.wrap(body))
                    .toString();
        } catch (java.nio.charset.CharacterCodingException e) {
            throw InvalidArgumentException.of("body", "is not UTF-8 (Terraform sends LockInfo in UTF-8)");
        }
        if (text.startsWith("\uFEFF"))
            throw InvalidArgumentException.of("body", "starts with a byte-order mark (Terraform sends none)");
        return text;
    }

    private static String text(JsonNode n, String field) {
        JsonNode v = n.get(field);
        if (v == null || v.isNull()) return "";
        if (!v.isTextual())
            throw InvalidArgumentException.of(
                    field, "must be a JSON string in Terraform's LockInfo, got " + v.getNodeType());
        return v.asText();
    }
}
