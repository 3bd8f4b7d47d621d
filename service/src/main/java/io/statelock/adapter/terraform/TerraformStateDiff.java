package io.statelock.adapter.terraform;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.statelock.common.InvalidArgumentException;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What changed between two Terraform states, by resource instance address ({@code module.net.aws_vpc.main["a"]}):
 * added, removed, changed. Values are never part of the answer (a state holds secrets): an instance changed when
 * its JSON differs. Read with the streaming parser, one resource at a time, so a large state costs little heap.
 */
public final class TerraformStateDiff {
    private static final ObjectMapper TREES = new ObjectMapper(JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder()
                    .maxStringLength(Integer.MAX_VALUE)
                    .build())
            .build());

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
                JsonParser p = TREES.getFactory().createParser(in)) {
            if (p.nextToken() != JsonToken.START_OBJECT) throw notState(which);
            for (JsonToken t = p.nextToken(); t == JsonToken.FIELD_NAME; t = p.nextToken()) {
                String name = p.currentName();
                JsonToken value = p.nextToken();
                if (!name.equals("resources") || value != JsonToken.START_ARRAY) {
                    p.skipChildren();
                    continue;
                }
                while (p.nextToken() == JsonToken.START_OBJECT) {
                    JsonNode resource = TREES.readTree(p);
                    addInstances(resource, out);
                }
            }
            return out;
        } catch (IOException | RuntimeException e) {
            if (e instanceof InvalidArgumentException invalid) throw invalid;
            throw notState(which);
        }
    }

    private static void addInstances(JsonNode resource, Map<String, String> out) {
        String module = resource.path("module").asText("");
        String mode = resource.path("mode").asText("managed");
        String base = (module.isEmpty() ? "" : module + ".") + (mode.equals("data") ? "data." : "")
                + resource.path("type").asText("") + "." + resource.path("name").asText("");
        for (JsonNode instance : resource.path("instances")) {
            JsonNode index = instance.get("index_key");
            String address = index == null
                    ? base
                    : index.isNumber() ? base + "[" + index.asText() + "]" : base + "[\"" + index.asText() + "\"]";
            out.put(address, digest(instance));
        }
    }

    private static String digest(JsonNode instance) {
        try {
            byte[] bytes = TREES.writeValueAsBytes(instance);
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (IOException | NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static InvalidArgumentException notState(String which) {
        return InvalidArgumentException.of(which, "is not Terraform state JSON: nothing to compare by resource");
    }
}
