package io.statelock.adapter.policy;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.statelock.security.AccessPolicy;
import java.io.IOException;
import java.nio.file.Path;

/** Reads {@code statelock.auth.policy-file} (YAML); unknown fields are refused, so a typo cannot widen access. */
public final class PolicyFile {
    private PolicyFile() {}

    public static AccessPolicy load(Path file) {
        ObjectMapper yaml =
                new ObjectMapper(new YAMLFactory()).enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
        try {
            return AccessPolicy.of(yaml.readValue(file.toFile(), AccessPolicy.File.class));
        } catch (IOException e) {
            throw new IllegalStateException("cannot read the policy file " + file + ": " + e.getMessage(), e);
        }
    }
}
