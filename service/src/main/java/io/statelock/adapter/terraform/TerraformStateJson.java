package io.statelock.adapter.terraform;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import io.statelock.common.InvalidArgumentException;
import io.statelock.state.TerraformMeta;
import io.statelock.state.port.TerraformMetaReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
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
            .streamReadConstraints(StreamReadConstraints.builder()
                    .maxStringLength(Integer.MAX_VALUE)
                    .build())
            .build();
    /** The http backend's check: a member name given twice is refused (Go reads the last, a first-wins reader the first). */
    private static final JsonFactory STRICT = JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder()
                    .maxStringLength(Integer.MAX_VALUE)
                    .build())
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();

    @Override
    public TerraformMeta read(Path file) {
        // Strictly UTF-8 (a malformed byte ends the read): other encodings are not Terraform state.
        try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8);
                JsonParser p = JSON.createParser(in)) {
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
     * What the http backend stores must be Terraform state: one JSON object in UTF-8 (no byte-order mark, at most
     * 1000 levels deep, no member name twice, nothing after it) with a whole-number {@code version}, a {@code serial}
     * in 0…2^63−1 and a non-empty string {@code lineage} (OpenTofu's encrypted state, with {@code encryption_version},
     * has no {@code version}); Terraform could not read anything else back, and a body
     * without them would switch off the serial and lineage checks of every later write. Refused as an invalid
     * {@code body} naming the problem, else its serial and lineage.
     */
    public static TerraformMeta check(Path file) {
        requireUtf8Start(file);
        // A decoder that reports (not replaces) malformed bytes: Jackson's own detection would take UTF-16 or UTF-32.
        var utf8 = StandardCharsets.UTF_8
                .newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        try (Reader in = new InputStreamReader(Files.newInputStream(file), utf8);
                JsonParser p = STRICT.createParser(in)) {
            if (p.nextToken() != JsonToken.START_OBJECT) throw invalid("must be a JSON object (Terraform state)");
            boolean version = false;
            boolean encrypted = false;
            long serial = -1;
            String lineage = null;
            for (JsonToken t = p.nextToken(); t == JsonToken.FIELD_NAME; t = p.nextToken()) {
                String name = p.currentName();
                JsonToken value = p.nextToken();
                switch (name) {
                    case "version" -> {
                        require(value == JsonToken.VALUE_NUMBER_INT, "version must be a whole number");
                        version = true;
                    }
                    case "serial" -> {
                        require(
                                value == JsonToken.VALUE_NUMBER_INT
                                        && p.getNumberType() != JsonParser.NumberType.BIG_INTEGER
                                        && p.getLongValue() >= 0,
                                "serial must be a whole number from 0 to 9223372036854775807");
                        serial = p.getLongValue();
                    }
                    case "lineage" -> {
                        require(
                                value == JsonToken.VALUE_STRING && !p.getText().isEmpty(),
                                "lineage must be a non-empty string");
                        lineage = p.getText();
                    }
                    // OpenTofu's encrypted state: serial and lineage in the clear, no version beside them.
                    case "encryption_version" -> {
                        encrypted = true;
                        p.skipChildren();
                    }
                    default -> p.skipChildren();
                }
            }
            if (p.currentToken() != JsonToken.END_OBJECT || p.nextToken() != null) {
                throw invalid("must be one JSON object with nothing after it");
            }
            require(version || encrypted, "version is missing");
            require(serial >= 0, "serial is missing");
            require(lineage != null, "lineage is missing");
            return new TerraformMeta(serial, lineage);
        } catch (JsonProcessingException e) {
            // Limits (nesting depth) carry no location.
            String at = e.getLocation() == null
                    ? ""
                    : " at character " + e.getLocation().getCharOffset();
            throw invalid("is not valid JSON: " + e.getOriginalMessage() + at);
        } catch (CharacterCodingException e) {
            throw invalid("is not UTF-8 (Terraform writes state in UTF-8)");
        } catch (IOException e) {
            // The decoder's error arrives wrapped when Jackson reads through it.
            if (e.getCause() instanceof CharacterCodingException)
                throw invalid("is not UTF-8 (Terraform writes state in UTF-8)");
            throw new UncheckedIOException("cannot read the spooled state " + file, e);
        }
    }

    /** A byte-order mark or the zero bytes of UTF-16/32 are refused by name, before any parsing. */
    private static void requireUtf8Start(Path file) {
        byte[] head = new byte[4];
        int n;
        try (var in = Files.newInputStream(file)) {
            n = in.readNBytes(head, 0, 4);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the spooled state " + file, e);
        }
        if (n >= 3 && (head[0] & 0xff) == 0xEF && (head[1] & 0xff) == 0xBB && (head[2] & 0xff) == 0xBF) {
            throw invalid("starts with a UTF-8 byte-order mark (Terraform writes none)");
        }
        if (n >= 2 && ((head[0] & 0xff) == 0xFE || (head[0] & 0xff) == 0xFF || head[0] == 0 || head[1] == 0)) {
            throw invalid("is not UTF-8 (it looks like UTF-16 or UTF-32; Terraform writes state in UTF-8)");
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
                    if (value != JsonToken.VALUE_NUMBER_INT
                            || p.getNumberType() == JsonParser.NumberType.BIG_INTEGER
                            || p.getLongValue() < 0) {
                        return false;
                    }
                    serial = p.getLongValue();
                }
                case "lineage" -> {
                    if (value != JsonToken.VALUE_STRING) return false;
                    lineage = p.getText();
                }
                default -> {}
            }
            return true;
        }

        TerraformMeta found() {
            return serial >= 0 && !lineage.isEmpty() ? new TerraformMeta(serial, lineage) : null;
        }
    }
}
