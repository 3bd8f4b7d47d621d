package io.statelock.security;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Roles on key patterns, granted by claim matches (the policy file). Default deny: a caller has
 * the highest role of the rules whose claims all match and one of whose key patterns matches.
 */
public final class AccessPolicy {
    /** One rule of the file. */
    public record Rule(Map<String, String> match, String role, List<String> keys) {}

    /** The file's shape. */
    public record File(List<Rule> rules) {}

    /** A rule with its claim globs and key patterns compiled once, when the policy is loaded. */
    private record CompiledRule(Map<String, KeyPattern> match, Role role, List<KeyPattern> keys) {}

    private final List<CompiledRule> rules;

    private AccessPolicy(List<CompiledRule> rules) {
        this.rules = rules;
    }

    public static AccessPolicy of(File file) {
        if (file == null || file.rules() == null) throw new IllegalStateException("policy file has no 'rules'");
        List<CompiledRule> compiled =
                file.rules().stream().map(AccessPolicy::compile).toList();
        return new AccessPolicy(compiled);
    }

    private static CompiledRule compile(Rule rule) {
        if (rule.role() == null) throw new IllegalStateException("policy rule without a role: " + rule);
        Role role;
        try {
            role = Role.valueOf(rule.role().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException(
                    "policy rule with unknown role '" + rule.role() + "' (reader, locker, admin)");
        }
        if (rule.keys() == null || rule.keys().isEmpty())
            throw new IllegalStateException("policy rule without keys: " + rule);
        Map<String, KeyPattern> match = new LinkedHashMap<>();
        if (rule.match() != null) rule.match().forEach((claim, glob) -> match.put(claim, KeyPattern.claim(glob)));
        return new CompiledRule(
                Collections.unmodifiableMap(match),
                role,
                rule.keys().stream().map(KeyPattern::key).toList());
    }

    /** The caller's role on {@code key}, if any. */
    public Optional<Role> roleOn(Caller caller, String key) {
        Role best = null;
        for (CompiledRule rule : rules) {
            if (best != null && best.covers(rule.role())) continue;
            if (claimsMatch(rule, caller) && rule.keys().stream().anyMatch(p -> p.matches(key, caller))) {
                best = rule.role();
            }
        }
        return Optional.ofNullable(best);
    }

    /**
     * Does the caller have at least {@code needed} on every key that starts with {@code prefix} (empty: every key)?
     * The key patterns of all its rules granting that much are taken together: {@code teams/a/**} and
     * {@code teams/b/**} cover {@code teams/a/}, and neither covers {@code teams/}.
     */
    public boolean coversPrefix(Caller caller, String prefix, Role needed) {
        List<KeyPattern> patterns = new ArrayList<>();
        for (CompiledRule rule : rules) {
            if (rule.role().covers(needed) && claimsMatch(rule, caller)) patterns.addAll(rule.keys());
        }
        return KeyPattern.coverAll(patterns, prefix, caller);
    }

    private static boolean claimsMatch(CompiledRule rule, Caller caller) {
        for (Map.Entry<String, KeyPattern> m : rule.match().entrySet()) {
            // A list claim (e.g. groups) matches if any element does.
            if (caller.claimValues(m.getKey()).stream()
                    .noneMatch(v -> m.getValue().matches(v, null))) {
                return false;
            }
        }
        return true;
    }
}
