package io.statelock.harness;

import java.util.ArrayList;
import java.util.List;

/** The harness's state format: one line per appended record, {@code <record> <fence>}, oldest first. */
final class StateRecords {
    private StateRecords() {}

    /** One appended record and the fence its writer held. */
    record Line(String record, long fence) {}

    static String append(String content, String record, long fence) {
        return content + record + " " + fence + "\n";
    }

    static List<Line> parse(String content) {
        List<Line> lines = new ArrayList<>();
        for (String l : content.split("\n")) {
            if (l.isBlank()) {
                continue;
            }
            int sp = l.lastIndexOf(' ');
            long fence;
            try {
                fence = sp < 0 ? -1 : Long.parseLong(l.substring(sp + 1));
            } catch (NumberFormatException e) {
                fence = -1;
            }
            lines.add(new Line(sp < 0 ? l : l.substring(0, sp), fence));
        }
        return lines;
    }
}
