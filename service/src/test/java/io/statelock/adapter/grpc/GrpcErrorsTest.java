package io.statelock.adapter.grpc;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Any;
import com.google.rpc.BadRequest;
import com.google.rpc.QuotaFailure;
import com.google.rpc.RetryInfo;
import io.grpc.Status.Code;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import io.statelock.common.StatelockException.Kind;
import io.statelock.lock.LockHeldException;
import io.statelock.proto.v1.LeaseLost;
import io.statelock.proto.v1.LockHeld;
import io.statelock.proto.v1.StateConflict;
import io.statelock.state.ErrorSamples;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;

/** Every domain error kind has its gRPC status and details; what the domain did not throw is INTERNAL. */
class GrpcErrorsTest {
    /** The answer each kind gets: status code, and the detail type it carries (null: none). */
    record Expected(Code code, Class<? extends com.google.protobuf.Message> detail, long retrySeconds) {}

    static final Map<Kind, Expected> EXPECTED = new EnumMap<>(Map.ofEntries(
            Map.entry(Kind.HELD, new Expected(Code.ABORTED, LockHeld.class, -1)),
            Map.entry(Kind.LEASE_LOST, new Expected(Code.FAILED_PRECONDITION, LeaseLost.class, -1)),
            Map.entry(Kind.CONFLICT, new Expected(Code.FAILED_PRECONDITION, StateConflict.class, -1)),
            Map.entry(Kind.INVALID, new Expected(Code.INVALID_ARGUMENT, BadRequest.class, -1)),
            Map.entry(Kind.NOT_FOUND, new Expected(Code.NOT_FOUND, null, -1)),
            Map.entry(Kind.UNAUTHENTICATED, new Expected(Code.UNAUTHENTICATED, null, -1)),
            Map.entry(Kind.PERMISSION_DENIED, new Expected(Code.PERMISSION_DENIED, null, -1)),
            Map.entry(Kind.UNAVAILABLE, new Expected(Code.UNAVAILABLE, RetryInfo.class, 1)),
            Map.entry(Kind.SHUTTING_DOWN, new Expected(Code.UNAVAILABLE, RetryInfo.class, 1)),
            Map.entry(Kind.FULL, new Expected(Code.RESOURCE_EXHAUSTED, RetryInfo.class, 5)),
            Map.entry(Kind.INSUFFICIENT_STORAGE, new Expected(Code.RESOURCE_EXHAUSTED, RetryInfo.class, 60)),
            Map.entry(Kind.TOO_LARGE, new Expected(Code.RESOURCE_EXHAUSTED, QuotaFailure.class, -1)),
            Map.entry(Kind.DATA_LOSS, new Expected(Code.DATA_LOSS, null, -1))));

    @Test
    void everyKindMapsToItsStatusAndDetail() throws Exception {
        for (Kind kind : Kind.values()) {
            Expected expected = EXPECTED.get(kind);
            assertThat(expected).as("expected answer for %s", kind).isNotNull();
            StatusRuntimeException status = GrpcErrors.toStatus(ErrorSamples.of(kind));

            assertThat(status.getStatus().getCode()).as("%s", kind).isEqualTo(expected.code());
            List<Any> details = StatusProto.fromThrowable(status).getDetailsList();
            if (expected.detail() == null) {
                assertThat(details).as("%s", kind).isEmpty();
                continue;
            }
            assertThat(details).as("%s", kind).hasSize(1);
            assertThat(details.get(0).is(expected.detail()))
                    .as("%s carries %s", kind, expected.detail())
                    .isTrue();
            if (expected.retrySeconds() >= 0) {
                assertThat(details.get(0)
                                .unpack(RetryInfo.class)
                                .getRetryDelay()
                                .getSeconds())
                        .as("%s", kind)
                        .isEqualTo(expected.retrySeconds());
            }
        }
    }

    @Test
    void aStoreFailureSaysRetryWithAnIncidentAndNoneOfItsText() {
        StatusRuntimeException status = GrpcErrors.toStatus(ErrorSamples.of(Kind.UNAVAILABLE));

        assertThat(status.getStatus().getDescription())
                .startsWith("store unavailable, retry (incident ")
                .doesNotContain("DynamoDB");
    }

    @Test
    void wrappedDomainErrorsAreUnwrappedAndTheRestIsCancelledOrInternal() {
        LockHeldException held = (LockHeldException) ErrorSamples.of(Kind.HELD);

        assertThat(GrpcErrors.toStatus(new CompletionException(new ExecutionException(held)))
                        .getStatus()
                        .getCode())
                .isEqualTo(Code.ABORTED);
        assertThat(GrpcErrors.toStatus(new CancellationException()).getStatus().getCode())
                .isEqualTo(Code.CANCELLED);
        StatusRuntimeException bug = GrpcErrors.toStatus(new IllegalStateException("state object x already exists"));
        assertThat(bug.getStatus().getCode()).isEqualTo(Code.INTERNAL);
        assertThat(bug.getStatus().getDescription())
                .startsWith("internal error (incident ")
                .doesNotContain("IllegalStateException");
    }
}
