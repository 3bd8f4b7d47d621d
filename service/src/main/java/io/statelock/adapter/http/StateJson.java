package io.statelock.adapter.http;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import io.statelock.lock.InvalidArgumentException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;

/**
 * What the http backend stores must be Terraform state: one JSON object (valid UTF-8, at most 1000
 * levels deep, nothing after it) whose {@code version} and {@code serial} are whole numbers (serial not
 * negative) and {@code lineage} a string. Checked in one streaming pass over the spooled body, so a
 * large state costs no heap; Terraform could not read anything else back.
 */
final class StateJson {
    private static final JsonFactory JSON = JsonFactory.builder()
            // Attribute values (an embedded file, a rendered template) may be long; depth stays bounded.
            .streamReadConstraints(StreamReadConstraints.builder().maxStringLength(Integer.MAX_VALUE).build())
            .build();

    private StateJson() {
    }

    static void check(Path file) {
        try (JsonParser p = JSON.createParser(file.toFile())) {
            if (p.nextToken() != JsonToken.START_OBJECT) throw invalid("must be a JSON object (Terraform state)");
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
            }
            if (p.currentToken() != JsonToken.END_OBJECT || p.nextToken() != null) {
                throw invalid("must be one JSON object with nothing after it");
            }
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
}
