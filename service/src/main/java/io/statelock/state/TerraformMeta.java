package io.statelock.state;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Terraform's {@code serial} and {@code lineage}, read from the top-level object of a state file
 * without loading it: Terraform and OpenTofu write them before the (large) resources, and the
 * scan stops once both are found. Anything that is not such an object is "not Terraform state".
 */
record TerraformMeta(long serial, String lineage) {
    static final TerraformMeta NONE = new TerraformMeta(-1, "");

    static TerraformMeta read(Path file) {
        try (Reader r = new BufferedReader(Files.newBufferedReader(file, StandardCharsets.UTF_8))) {
            return new Scanner(r).topLevel();
        } catch (IOException | RuntimeException e) {
            return NONE; // malformed or not UTF-8: stored as it is, like any other bytes
        }
    }

    /** A minimal JSON scanner: top-level keys only, other values skipped. */
    private static final class Scanner {
        private final Reader in;
        private int peeked = -2;

        Scanner(Reader in) {
            this.in = in;
        }

        TerraformMeta topLevel() throws IOException {
            if (next() != '{') return NONE;
            long serial = -1;
            String lineage = "";
            int c = next();
            while (c == '"') {
                String name = string();
                if (next() != ':') return NONE;
                if (name.equals("serial")) {
                    serial = number();
                } else if (name.equals("lineage")) {
                    if (next() != '"') return NONE;
                    lineage = string();
                } else {
                    skipValue();
                }
                // Both found: the rest (resources, often most of the file) is never read.
                if (serial >= 0 && !lineage.isEmpty()) return new TerraformMeta(serial, lineage);
                c = next();
                if (c == ',') c = next();
            }
            return NONE;
        }

        private int raw() throws IOException {
            if (peeked != -2) {
                int p = peeked;
                peeked = -2;
                return p;
            }
            return in.read();
        }

        /** The next character that is not whitespace, or -1 at the end. */
        private int next() throws IOException {
            int c = raw();
            while (c == ' ' || c == '\n' || c == '\r' || c == '\t') c = raw();
            return c;
        }

        /** The rest of a string whose opening quote was read. */
        private String string() throws IOException {
            StringBuilder sb = new StringBuilder();
            for (int c = raw(); c != '"'; c = raw()) {
                if (c < 0) throw new IOException("unterminated string");
                if (c == '\\') c = raw();
                sb.append((char) c);
            }
            return sb.toString();
        }

        private long number() throws IOException {
            int c = next();
            long v = 0;
            int digits = 0;
            while (c >= '0' && c <= '9') {
                v = v * 10 + (c - '0');
                digits++;
                c = raw();
            }
            peeked = c;
            if (digits == 0 || digits > 18) throw new IOException("serial is not a number");
            return v;
        }

        private void skipValue() throws IOException {
            int depth = 0;
            int c = next();
            while (true) {
                if (c < 0) throw new IOException("truncated");
                if (c == '"') {
                    string();
                } else if (c == '{' || c == '[') {
                    depth++;
                } else if (c == '}' || c == ']') {
                    depth--;
                    if (depth < 0) {
                        peeked = c;
                        return;
                    }
                } else if (c == ',' && depth == 0) {
                    peeked = c;
                    return;
                }
                if (depth == 0 && (c == '"' || c == '}' || c == ']')) return;
                c = raw();
            }
        }
    }
}
