package io.statelock.adapter.terraform;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.io.JsonStringEncoder;
import io.statelock.common.InvalidArgumentException;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What changed between two Terraform states, by resource instance address ({@code module.net.aws_vpc.main["a"]},
 * a deposed object with {@code (deposed <id>)}): added, removed, changed. Values are never part of the answer (a
 * state holds secrets): an instance changed when its JSON tokens differ, numbers compared as written. Read as a
 * token stream, each instance hashed as it goes, so the heap holds digests, never a resource; one value larger
 * than {@link #MAX_VALUE_CHARS} is refused.
 */
public final class TerraformStateDiff {
    /** Longest single string or number read: bounds the heap one comparison takes, whatever the state holds. */
    static final int MAX_VALUE_CHARS = 16 * 1024 * 1024;

    private static final JsonFactory JSON = JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder()
                    .maxStringLength(MAX_VALUE_CHARS)
                    .maxNumberLength(MAX_VALUE_CHARS)
                    .build())
            .build();

    /** The instance addresses each way, sorted. */
    public record Diff(List<String> added, List<String> removed, List<String> changed, int unchanged) {}

    private TerraformStateDiff() {}

    public static Diff between(Path from, Path to) {
        Map<String, String> before = instances(from, "from");
        Map<String, String> after = instances(to, "to");
        List<String> added = new ArrayList<>();
        List<String> removed = new ArrayList<>();
        List<String> changed = new ArrayList<>();
        int unchanged = 0;
        for (Map.Entry<String, String> e : after.entrySet()) {
            String was = before.get(e.getKey());
            if (was == null) added.add(e.getKey());
            else if (!was.equals(e.getValue())) changed.add(e.getKey());
            else unchanged++;
        }
        for (String address : before.keySet()) if (!after.containsKey(address)) removed.add(address);
        return new Diff(added, removed, changed, unchanged);
    }

    /** Every resource instance of a state: its address and a digest of its JSON. */
    static Map<String, String> instances(Path file, String which) {
        Map<String, String> out = new TreeMap<>();
        try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8);
                JsonParser p = JSON.createParser(in)) {
            if (p.nextToken() != JsonToken.START_OBJECT) throw notState(which, "not a JSON object");
            for (JsonToken t = p.nextToken(); t == JsonToken.FIELD_NAME; t = p.nextToken()) {
                String name = p.currentName();
                JsonToken value = p.nextToken();
                if (!name.equals("resources") || value != JsonToken.START_ARRAY) {
                    p.skipChildren();
                    continue;
                }
                for (JsonToken r = p.nextToken(); r != JsonToken.END_ARRAY; r = p.nextToken()) {
                    if (r != JsonToken.START_OBJECT) throw notState(which, "a resource that is no object");
                    resource(p, out);
                }
            }
            return out;
        } catch (com.fasterxml.jackson.core.exc.StreamConstraintsException e) {
            throw notState(
                    which, "a value larger than " + MAX_VALUE_CHARS / (1024 * 1024) + " MiB is too large to compare");
        } catch (JsonProcessingException e) {
            // The parser's message may quote the state: only where it stopped is told.
            com.fasterxml.jackson.core.JsonLocation at = e.getLocation();
            throw notState(which, "malformed" + (at == null ? "" : " near character " + at.getCharOffset()));
        } catch (java.nio.charset.CharacterCodingException e) {
            throw notState(which, "not UTF-8");
        } catch (IOException e) {
            throw new UncheckedIOException("reading a state version to compare", e);
        }
    }

    /** One resource object, the parser on its START_OBJECT: its instances' digests under their addresses. */
    private static void resource(JsonParser p, Map<String, String> out) throws IOException {
        Map<String, String> fields = new LinkedHashMap<>();
        Map<String, String> instances = new LinkedHashMap<>(); // instance suffix -> digest
        for (JsonToken t = p.nextToken(); t == JsonToken.FIELD_NAME; t = p.nextToken()) {
            String name = p.currentName();
            JsonToken value = p.nextToken();
            if (name.equals("instances") && value == JsonToken.START_ARRAY) {
                while (p.nextToken() == JsonToken.START_OBJECT) instance(p, instances);
            } else if (value.isScalarValue()) {
                fields.put(name, p.getText());
            } else {
                p.skipChildren();
            }
        }
        String module = fields.getOrDefault("module", "");
        String base = (module.isEmpty() ? "" : module + ".")
                + ("data".equals(fields.get("mode")) ? "data." : "")
                + fields.getOrDefault("type", "") + "." + fields.getOrDefault("name", "");
        instances.forEach((suffix, digest) -> out.put(base + suffix, digest));
    }

    /** One instance object: its index and deposed id (the address) and a digest of all its tokens. */
    private static void instance(JsonParser p, Map<String, String> instances) throws IOException {
        MessageDigest digest = sha256();
        String index = "";
        String deposed = "";
        int depth = 1;
        String field = null;
        while (depth > 0) {
            JsonToken t = p.nextToken();
            if (t == null) throw new com.fasterxml.jackson.core.JsonParseException(p, "state ends inside an instance");
            if (t == JsonToken.START_OBJECT || t == JsonToken.START_ARRAY) depth++;
            if (t == JsonToken.END_OBJECT || t == JsonToken.END_ARRAY) depth--;
            digest.update((byte) t.id());
            if (t == JsonToken.FIELD_NAME || t.isScalarValue()) hashText(digest, p.getText());
            if (depth == 1 && t == JsonToken.FIELD_NAME) {
                field = p.currentName();
            } else if (depth == 1 && t.isScalarValue() && field != null) {
                if (field.equals("index_key")) {
                    index = t == JsonToken.VALUE_STRING ? "[\"" + escape(p.getText()) + "\"]" : "[" + p.getText() + "]";
                } else if (field.equals("deposed")) {
                    deposed = " (deposed object " + p.getText() + ")";
                }
            }
        }
        instances.put(index + deposed, HexFormat.of().formatHex(digest.digest()));
    }

    /** A text as its length and then its UTF-16 code units, exactly: no two token sequences hash alike. */
    private static void hashText(MessageDigest digest, String text) {
        int n = text.length();
        digest.update(new byte[] {(byte) (n >>> 24), (byte) (n >>> 16), (byte) (n >>> 8), (byte) n});
        byte[] units = new byte[Math.min(n, 4096) * 2];
        for (int from = 0; from < n; from += 4096) {
            int to = Math.min(n, from + 4096);
            for (int i = from; i < to; i++) {
                char c = text.charAt(i);
                units[(i - from) * 2] = (byte) (c >>> 8);
                units[(i - from) * 2 + 1] = (byte) c;
            }
            digest.update(units, 0, (to - from) * 2);
        }
    }

    /** Terraform writes a string index key as an HCL string: quotes and backslashes escaped, as JSON does. */
    private static String escape(String key) {
        return new String(JsonStringEncoder.getInstance().quoteAsString(key));
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static InvalidArgumentException notState(String which, String why) {
        return InvalidArgumentException.of(
                which, "is not Terraform state JSON that can be compared by resource (" + why + ")");
    }
}
