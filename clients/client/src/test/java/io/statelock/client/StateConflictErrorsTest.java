package io.statelock.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import com.google.protobuf.Any;
import com.google.rpc.Code;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import io.statelock.proto.v1.LeaseLost;
import io.statelock.proto.v1.LockStatus;
import io.statelock.proto.v1.StateConflict;
import org.junit.jupiter.api.Test;

/**
 * FAILED_PRECONDITION is told apart by its detail: StateConflict (keep the lease) or LeaseLost (stop).
 */
class StateConflictErrorsTest {
    static StatusRuntimeException failedPrecondition(Any detail) {
        return StatusProto.toStatusRuntimeException(com.google.rpc.Status.newBuilder()
                .setCode(Code.FAILED_PRECONDITION_VALUE)
                .setMessage("refused")
                .addDetails(detail)
                .build());
    }

    static final StateConflict BEHIND = StateConflict.newBuilder()
            .setReason(StateConflict.Reason.SERIAL_BEHIND)
            .setKey("prod/net")
            .setCurrentVersion("7")
            .setCurrentSerial(12)
            .setCurrentLineage("L")
            .setAttemptedSerial(11)
            .setAttemptedLineage("L")
            .build();

    @Test
    void aStateConflictDetailBecomesAStateConflictExceptionWithItsFields() {
        for (StatelockException e : new StatelockException[] {
            Errors.decodeWrite(failedPrecondition(Any.pack(BEHIND))),
            Errors.decode(failedPrecondition(Any.pack(BEHIND)))
        }) {
            StateConflictException conflict = assertInstanceOf(StateConflictException.class, e);
            assertEquals(StateConflictException.Reason.SERIAL_BEHIND, conflict.reason());
            assertEquals("7", conflict.currentVersion());
            assertEquals(12, conflict.currentSerial());
            assertEquals("L", conflict.currentLineage());
            assertEquals(11, conflict.attemptedSerial());
            assertEquals("FAILED_PRECONDITION", conflict.code());
        }
    }

    @Test
    void aLeaseLostDetailStaysALostLease() {
        Any lost = Any.pack(LeaseLost.newBuilder()
                .setCurrent(LockStatus.newBuilder().setOwner("ci-2"))
                .build());
        assertInstanceOf(LeaseLostException.class, Errors.decodeWrite(failedPrecondition(lost)));
        assertInstanceOf(LeaseLostException.class, Errors.decode(failedPrecondition(lost)));
    }
}
