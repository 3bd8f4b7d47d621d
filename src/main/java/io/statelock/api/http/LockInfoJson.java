package io.statelock.api.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.statelock.lock.InvalidArgumentException;
import io.statelock.lock.LockStatus;
import io.statelock.state.TerraformLock;
import java.time.Instant;

/** Terraform's LockInfo JSON ({@code ID}, {@code Operation}, {@code Info}, {@code Who}, {@code Version}, {@code Created}, {@code Path}). */
final class LockInfoJson {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Strict for what comes in: one object, no duplicate names, valid UTF-8, nothing after it. */
    private static final ObjectMapper STRICT = com.fasterxml.jackson.databind.json.JsonMapper.builder()
            .enable(com.fasterxml.jackson.core.StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_TRAILING_TOKENS).build();

    private LockInfoJson() {
    }

    /** The LockInfo of a LOCK or UNLOCK body; null for an empty body (Terraform's force-unlock). */
    static TerraformLock parse(byte[] body) {
        if (body == null || new String(body, java.nio.charset.StandardCharsets.UTF_8).isBlank()) return null;
        JsonNode n;
        try {
            n = STRICT.readTree(body);
        } catch (JsonProcessingException e) {
            throw InvalidArgumentException.of("body", "is not Terraform LockInfo JSON: " + e.getOriginalMessage());
        } catch (java.io.IOException e) {
            throw InvalidArgumentException.of("body", "is not Terraform LockInfo JSON: " + e.getMessage());
        }
        if (!n.isObject()) throw InvalidArgumentException.of("body", "is not a LockInfo object");
        return new TerraformLock(text(n, "ID"), text(n, "Operation"), text(n, "Info"), text(n, "Who"),
                text(n, "Version"), text(n, "Created"), text(n, "Path"));
    }

    /** What others may see of a holder: its public ID {@code fence-<token>}, never Terraform's own. */
    static String holder(LockStatus s) {
        ObjectNode n = JSON.createObjectNode();
        // A non-empty ID even for a free key, so Terraform's -lock-timeout keeps retrying.
        n.put("ID", TerraformLock.publicId(s.fencingToken()));
        n.put("Operation", s.info().operation());
        n.put("Info", s.info().info());
        n.put("Who", s.info().who().isEmpty() ? s.owner() : s.info().who());
        n.put("Version", s.info().version());
        String created = s.info().labels().get("created");
        n.put("Created", created != null ? created : s.acquiredAtMs() == 0 ? "" : Instant.ofEpochMilli(s.acquiredAtMs()).toString());
        n.put("Path", s.info().path());
        return n.toString();
    }

    private static String text(JsonNode n, String field) {
        JsonNode v = n.get(field);
        if (v == null || v.isNull()) return "";
        if (!v.isTextual()) throw InvalidArgumentException.of(field, "must be a JSON string in Terraform's LockInfo, got " + v.getNodeType());
        return v.asText();
    }
}
