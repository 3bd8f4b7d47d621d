package io.statelock.adapter.terraform;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import io.statelock.lock.InvalidArgumentException;
import io.statelock.state.TerraformMeta;
import io.statelock.state.port.TerraformMetaReader;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Terraform state as JSON, read by Jackson's streaming parser so a large state costs no heap. {@link #read} is the
 * {@link TerraformMetaReader}: serial and lineage of any bytes, stopping once both are found (Terraform and OpenTofu
 * write them before the large resources). {@link #check} is the http backend's strict check of a whole body, which
 * answers the same serial and lineage from its one pass.
 */
public final class TerraformStateJson implements TerraformMetaReader {
    private static final JsonFactory JSON = JsonFactory.builder()
            // Attribute values (an embedded file, a rendered template) may be long; depth stays bounded.
            .streamReadConstraints(StreamReadConstraints.builder().maxStringLength(Integer.MAX_VALUE).build())
            .build();
    /** A serial has at most 18 digits: a longer one is not taken as Terraform state's. */
    private static final long SERIAL_LIMIT = 1_000_000_000_000_000_000L;

    @Override
    public TerraformMeta read(Path file) {
        // Strictly UTF-8 (a malformed byte ends the read): other encodings are not Terraform state.
        try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8); JsonParser p = JSON.createParser(in)) {
            if (p.nextToken() != JsonToken.START_OBJECT) return TerraformMeta.NONE;
            Meta meta = new Meta();
            for (JsonToken t = p.nextToken(); t == JsonToken.FIELD_NAME; t = p.nextToken()) {
                String name = p.currentName();
                JsonToken value = p.nextToken();
                if (!meta.take(name, value, p)) return TerraformMeta.NONE;
                p.skipChildren(); // any other object or array value, whole
                // Both found: the rest (resources, often most of the file) is never read.
                if (meta.found() != null) return meta.found();
            }
            return TerraformMeta.NONE;
        } catch (IOException | RuntimeException e) {
            return TerraformMeta.NONE; // malformed or not UTF-8: stored as it is, like any other bytes
        }
    }

    /**
     * What the http backend stores must be Terraform state: one JSON object (at most 1000 levels deep, nothing after
     * it) whose {@code version} and {@code serial} are whole numbers (serial not negative) and {@code lineage} a
     * string; Terraform could not read anything else back. Refused as an invalid {@code body}, else its serial and
     * lineage as {@link #read} finds them.
     */
    public static TerraformMeta check(Path file) {
        try (JsonParser p = JSON.createParser(file.toFile())) {
            if (p.nextToken() != JsonToken.START_OBJECT) throw invalid("must be a JSON object (Terraform state)");
            Meta meta = new Meta();
            boolean readable = true;
            for (JsonToken t = p.nextToken(); t == JsonToken.FIELD_NAME; t = p.nextToken()) {
                String name = p.currentName();
                JsonToken value = p.nextToken();
                switch (name) {
                    case "version" -> require(value == JsonToken.VALUE_NUMBER_INT, "version must be a whole number");
                    case "serial" -> require(value == JsonToken.VALUE_NUMBER_INT && p.getValueAsLong(-1) >= 0,
                            "serial must be a whole number, not negative");
                    case "lineage" -> require(value == JsonToken.VALUE_STRING, "lineage must be a string");
                    default -> p.skipChildren();
                }
                if (readable && meta.found() == null) readable = meta.take(name, value, p);
            }
            if (p.currentToken() != JsonToken.END_OBJECT || p.nextToken() != null) {
                throw invalid("must be one JSON object with nothing after it");
            }
            return readable && meta.found() != null ? meta.found() : TerraformMeta.NONE;
        } catch (JsonProcessingException e) {
            // Limits (nesting depth) carry no location.
            String at = e.getLocation() == null ? "" : " at byte " + e.getLocation().getByteOffset();
            throw invalid("is not valid JSON: " + e.getOriginalMessage() + at);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the spooled state " + file, e);
        }
    }

    private static void require(boolean ok, String what) {
        if (!ok) throw invalid("is not Terraform state: " + what);
    }

    private static InvalidArgumentException invalid(String what) {
        return InvalidArgumentException.of("body", "the state " + what + "; nothing stored");
    }

    /** Serial and lineage as the top-level fields go by; both found once the first of them completes the pair. */
    private static final class Meta {
        private long serial = -1;
        private String lineage = "";

        /** Takes the field if it is serial or lineage (its value the current token); false if not Terraform's. */
        boolean take(String name, JsonToken value, JsonParser p) throws IOException {
            switch (name) {
                case "serial" -> {
                    if (value != JsonToken.VALUE_NUMBER_INT || p.getNumberType() == JsonParser.NumberType.BIG_INTEGER
                            || p.getLongValue() < 0 || p.getLongValue() >= SERIAL_LIMIT) {
                        return false;
                    }
                    serial = p.getLongValue();
                }
                case "lineage" -> {
                    if (value != JsonToken.VALUE_STRING) return false;
                    lineage = p.getText();
                }
                default -> { }
            }
            return true;
        }

        TerraformMeta found() {
            return serial >= 0 && !lineage.isEmpty() ? new TerraformMeta(serial, lineage) : null;
        }
    }
}
