package io.statelock.testing;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * The service's log lines under a logger name, as written (the service of a {@code @QuarkusTest} runs in the
 * test's JVM and logs through the same log manager). Close to stop capturing.
 */
public final class CapturedLog extends Handler implements AutoCloseable {
    private final Logger logger;
    private final List<String> lines = new CopyOnWriteArrayList<>();

    private CapturedLog(String name) {
        this.logger = Logger.getLogger(name);
        logger.addHandler(this);
    }

    public static CapturedLog of(String name) {
        return new CapturedLog(name);
    }

    @Override
    public void publish(LogRecord record) {
        // JBoss log records format printf-style messages themselves; plain JUL ones have no parameters here.
        String message = record instanceof org.jboss.logmanager.ExtLogRecord ext
                ? ext.getFormattedMessage()
                : record.getMessage();
        lines.add(record.getLevel() + " " + message);
    }

    /** The lines logged so far that contain {@code text}. */
    public List<String> linesWith(String text) {
        return lines.stream().filter(l -> l.contains(text)).toList();
    }

    @Override
    public void flush() {}

    @Override
    public void close() {
        logger.removeHandler(this);
    }
}
