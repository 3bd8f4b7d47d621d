package io.statelock.cli;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * How a wrapped Terraform shares Terraform's own S3-backend lock with its wrapper: the service holds that lock for
 * the lease (plain runs are kept out by it), so the child must not try to take it again, which would fail on the
 * wrapper's own lock. Terraform reads extra arguments per command from {@code TF_CLI_ARGS_<command>}: the commands
 * that lock the state get {@code -lock=false}, after whatever the job set there itself.
 */
final class TerraformS3Child {
    /** Terraform's commands that take the state lock and accept {@code -lock}. */
    static final List<String> LOCKING_COMMANDS =
            List.of("plan", "apply", "destroy", "import", "refresh", "taint", "untaint");

    private TerraformS3Child() {}

    /** The variables to add for a lease holding Terraform lock {@code terraformLockId}; none when it is empty. */
    static Map<String, String> environment(String terraformLockId, Map<String, String> current) {
        Map<String, String> env = new HashMap<>();
        if (terraformLockId == null || terraformLockId.isEmpty()) {
            return env;
        }
        for (String command : LOCKING_COMMANDS) {
            String name = "TF_CLI_ARGS_" + command;
            String before = current.getOrDefault(name, "").trim();
            env.put(name, before.isEmpty() ? "-lock=false" : before + " -lock=false");
        }
        return env;
    }
}
