package io.statelock.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

class TerraformS3ChildTest {
    @Test
    void aLeaseHoldingTerraformsLockRunsEveryLockingCommandWithLockFalseAfterTheJobsOwnArguments() {
        Map<String, String> env = TerraformS3Child.environment("9b0e", Map.of("TF_CLI_ARGS_apply", "-parallelism=4 "));
        assertEquals("-parallelism=4 -lock=false", env.get("TF_CLI_ARGS_apply"));
        assertEquals("-lock=false", env.get("TF_CLI_ARGS_plan"));
        assertEquals(TerraformS3Child.LOCKING_COMMANDS.size(), env.size());
        assertTrue(env.keySet().stream().allMatch(k -> k.startsWith("TF_CLI_ARGS_")));
    }

    @Test
    void anyOtherLeaseChangesNothing() {
        assertTrue(TerraformS3Child.environment("", Map.of()).isEmpty());
    }
}
