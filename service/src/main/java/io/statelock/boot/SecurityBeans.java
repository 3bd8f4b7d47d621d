package io.statelock.boot;

import io.statelock.adapter.jwt.TokenVerifier;
import io.statelock.adapter.policy.PolicyFile;
import io.statelock.security.AccessGuard;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import java.util.Arrays;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/** Wires the access gate: no authentication, or JWTs checked against a key and a policy file. */
@ApplicationScoped
public class SecurityBeans {

    @Produces
    @ApplicationScoped
    AccessGuard accessGuard(
            StatelockConfig config,
            @ConfigProperty(name = "mp.jwt.verify.publickey.location") Optional<String> keyLocation,
            @ConfigProperty(name = "mp.jwt.verify.issuer") Optional<String> issuer,
            @ConfigProperty(name = "mp.jwt.verify.audiences") Optional<String> audiences) {
        if (config.auth().mode() != StatelockConfig.AuthMode.jwt)
            return AccessGuard.off(config.auth().leeway());
        if (keyLocation.isEmpty()) {
            throw new IllegalStateException(
                    "statelock.auth.mode=jwt needs mp.jwt.verify.publickey.location (PEM file or JWKS URL)");
        }
        if (config.auth().policyFile().isEmpty()) {
            throw new IllegalStateException("statelock.auth.mode=jwt needs statelock.auth.policy-file");
        }
        Set<String> auds = audiences
                .map(a -> Arrays.stream(a.split(","))
                        .map(String::trim)
                        .filter(s -> !s.isEmpty())
                        .collect(Collectors.toSet()))
                .orElse(Set.of());
        TokenVerifier verifier = new TokenVerifier(keyLocation.get(), issuer.orElse(null), auds, (int)
                config.auth().leeway().toSeconds());
        return AccessGuard.jwt(
                verifier,
                PolicyFile.load(config.auth().policyFile().get()),
                config.auth().leeway());
    }
}
