package io.statelock.cli;

import java.util.function.IntConsumer;
import sun.misc.Signal;

/** SIGINT, SIGTERM and SIGHUP handlers (replacing the JVM's exit-on-signal for `run`). */
final class Signals {
    private static final String[] NAMES = {"INT", "TERM", "HUP"};

    private Signals() {}

    static void install(IntConsumer handler) {
        for (String name : NAMES) {
            try {
                Signal.handle(new Signal(name), s -> handler.accept(s.getNumber()));
            } catch (IllegalArgumentException e) {
                // signal not available (or reserved) on this platform: keep the default
            }
        }
    }

    static String name(int number) {
        return switch (number) {
            case 1 -> "HUP";
            case 2 -> "INT";
            case 15 -> "TERM";
            default -> Integer.toString(number);
        };
    }
}
