package io.statelock.adapter.grpc;

import com.google.protobuf.Message;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.ServerCall;
import io.grpc.Status;

/**
 * Ends the call at the first unreadable message ({@link TolerantMarshaller}), a unary-request call with no
 * or a second message (instead of the transport's INTERNAL "Half-closed without a request" or "Too many
 * requests"), and a client stream the transport truncated ({@link TruncatedStreams}).
 */
final class RequestCardinality<Q, R> extends ServerCall.Listener<Q> {
    private final MethodDescriptor<Q, R> method;
    private final ServerCall<Q, R> call;
    private final ServerCall.Listener<Q> delegate;
    private final boolean oneRequest;
    // gRPC delivers a call's listener events one at a time: no lock needed.
    private int received;
    private boolean failed;
    private boolean cancelled;

    RequestCardinality(MethodDescriptor<Q, R> method, ServerCall<Q, R> call, ServerCall.Listener<Q> delegate) {
        this.method = method;
        this.call = call;
        this.delegate = delegate;
        this.oneRequest = method.getType().clientSendsOneMessage();
    }

    @Override
    public void onMessage(Q message) {
        if (failed) return;
        String unreadable = TolerantMarshaller.unreadable(message);
        if (unreadable != null) {
            fail("the request is not a valid "
                    + ((Message) message).getDescriptorForType().getName() + " message (" + unreadable + ")");
        } else if (oneRequest && ++received > 1) {
            fail(method.getBareMethodName() + " takes exactly one request message; a second one arrived");
        } else {
            delegate.onMessage(message);
        }
    }

    @Override
    public void onHalfClose() {
        if (failed) return;
        if (oneRequest && received == 0) {
            fail(method.getBareMethodName()
                    + " ended without a request message (empty, truncated or undecodable gRPC frame)");
            return;
        }
        if (TruncatedStreams.truncated(call)) {
            // A message of this stream was refused by the transport: what arrived is incomplete.
            failed = true;
            cancelOnce();
            return;
        }
        delegate.onHalfClose();
    }

    @Override
    public void onCancel() {
        cancelOnce();
    }

    @Override
    public void onComplete() {
        delegate.onComplete();
    }

    @Override
    public void onReady() {
        if (!failed) delegate.onReady();
    }

    private void fail(String why) {
        failed = true;
        call.close(Status.INVALID_ARGUMENT.withDescription(why), new Metadata());
        cancelOnce(); // the service lets go of what it holds for the call (a PutState spool file)
    }

    private void cancelOnce() {
        if (cancelled) return;
        cancelled = true;
        delegate.onCancel();
    }
}
