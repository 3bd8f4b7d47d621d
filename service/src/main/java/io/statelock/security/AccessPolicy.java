package io.statelock.security;

import java.util.ArrayList;
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

    private record CompiledRule(Map<String, String> match, Role role, List<String> keys) {}

    private final List<CompiledRule> rules;

    private AccessPolicy(List<CompiledRule> rules) {
        this.rules = rules;
    }

    public static AccessPolicy of(File file) {
        if (file == null || file.rules() == null) throw new IllegalStateException("policy file has no 'rules'");
        List<CompiledRule> compiled = file.rules().stream().map(AccessPolicy::compile).toList();
        return new AccessPolicy(compiled);
    }

    private static CompiledRule compile(Rule rule) {
        if (rule.role() == null) throw new IllegalStateException("policy rule without a role: " + rule);
        Role role;
        try {
            role = Role.valueOf(rule.role().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("policy rule with unknown role '" + rule.role() + "' (reader, locker, admin)");
        }
        if (rule.keys() == null || rule.keys().isEmpty()) throw new IllegalStateException("policy rule without keys: " + rule);
        return new CompiledRule(rule.match() == null ? Map.of() : Map.copyOf(rule.match()), role, List.copyOf(rule.keys()));
    }

    /** The caller's role on {@code key}, if any. */
    public Optional<Role> roleOn(Caller caller, String key) {
        Role best = null;
        for (CompiledRule rule : rules) {
            if (best != null && best.covers(rule.role())) continue;
            if (claimsMatch(rule, caller) && rule.keys().stream().anyMatch(p -> KeyPattern.matches(p, key, caller))) {
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
        List<String> patterns = new ArrayList<>();
        for (CompiledRule rule : rules) {
            if (rule.role().covers(needed) && claimsMatch(rule, caller)) patterns.addAll(rule.keys());
        }
        return KeyPattern.coverAll(patterns, prefix, caller);
    }

    private static boolean claimsMatch(CompiledRule rule, Caller caller) {
        for (Map.Entry<String, String> m : rule.match().entrySet()) {
            // A list claim (e.g. groups) matches if any element does.
            if (caller.claimValues(m.getKey()).stream().noneMatch(v -> KeyPattern.claimMatches(m.getValue(), v))) {
                return false;
            }
        }
        return true;
    }
}
