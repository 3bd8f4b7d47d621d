package io.statelock.adapter.grpc;

import io.vertx.core.Handler;
import org.jboss.logging.Logger;

/**
 * The event loop's handler of uncaught exceptions, for the ones the Vert.x gRPC server throws at a client's mistake:
 * a frame flagged compressed on a call without {@code grpc-encoding} ({@code UnsupportedOperationException: Handle
 * me} from {@code GrpcReadStreamBase}; the call is answered all the same, INVALID_ARGUMENT), and its own answer to
 * a broken request written after the client already reset the stream ({@code IllegalStateException: The stream has
 * been closed}). Without this handler they reached Quarkus' handler of last resort and were logged at ERROR, as a
 * bug of the service would be. Anything else goes to that handler as before.
 */
final class ClientMistakes implements Handler<Throwable> {
    private static final Logger LOG = Logger.getLogger(ClientMistakes.class);

    private final Handler<Throwable> next;

    private ClientMistakes(Handler<Throwable> next) {
        this.next = next;
    }

    /** Installs the handler on the event loop of {@code context} (once per event loop). */
    static void install(io.vertx.core.Context context) {
        if (context.exceptionHandler() instanceof ClientMistakes) return;
        context.exceptionHandler(new ClientMistakes(context.owner().exceptionHandler()));
    }

    @Override
    public void handle(Throwable t) {
        if (clientsMistake(t)) {
            LOG.debugf("the gRPC server refused a broken request (the client's mistake): %s", t);
            return;
        }
        if (next != null) {
            next.handle(t);
        } else {
            LOG.error("uncaught exception on the event loop", t);
        }
    }

    private static boolean clientsMistake(Throwable t) {
        StackTraceElement[] at = t.getStackTrace();
        if (at.length == 0 || !at[0].getClassName().startsWith("io.vertx.grpc.")) return false;
        return t instanceof UnsupportedOperationException
                || (t instanceof IllegalStateException
                        && String.valueOf(t.getMessage()).contains("stream has been closed"));
    }
}
