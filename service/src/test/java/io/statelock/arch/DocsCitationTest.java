package io.statelock.arch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.statelock.testing.RepoRoot;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The repository explains itself: every design rule the code cites, and every link between its Markdown
 * files, names a file and an anchor that exist. A safety comment cites {@code docs/design.md#invariant-3};
 * one citing a file or heading that was renamed away fails here, not in a reader's head.
 */
class DocsCitationTest {

    private static final Set<String> SKIPPED_DIRS = Set.of("target", "node_modules", ".git", ".mvn", "data", "s3-data");
    private static final Set<String> CODE_EXTENSIONS =
            Set.of("java", "mjs", "ts", "sh", "properties", "proto", "tf", "yaml", "yml");
    private static final Pattern CITATION = Pattern.compile("(?<![\\w/.-])((?:[\\w.-]+/)*[\\w.-]+\\.md)(#[\\w-]+)?");
    private static final Pattern BARE_INVARIANT = Pattern.compile("(?i:\\binvariants? \\d)|DESIGN\\.md");
    private static final Pattern LINK = Pattern.compile("\\]\\(([^)\\s]+)\\)");
    private static final Pattern HEADING = Pattern.compile("^#{1,6} (.+?)\\s*$");
    private static final Pattern EXPLICIT_ANCHOR = Pattern.compile("<a id=\"([^\"]+)\"");

    private static final Path ROOT = RepoRoot.find();
    private final Map<Path, Set<String>> anchors = new HashMap<>();

    @Test
    void codeCitesDesignRulesByFileAndAnchor() {
        List<String> broken = new ArrayList<>();
        int citations = 0;
        for (Path file : files(CODE_EXTENSIONS)) {
            List<String> lines = read(file);
            for (int i = 0; i < lines.size(); i++) {
                String line = lines.get(i);
                String where = ROOT.relativize(file) + ":" + (i + 1);
                if (BARE_INVARIANT.matcher(line).find()) {
                    broken.add(where
                            + " cites a rule without its file and anchor (cite docs/design.md with the rule's anchor): "
                            + line.strip());
                }
                Matcher m = CITATION.matcher(line);
                while (m.find()) {
                    if (!m.group(1).startsWith("docs/")) continue;
                    citations++;
                    String problem = problem(ROOT.resolve(m.group(1)), m.group(2));
                    if (problem != null) broken.add(where + " cites " + m.group() + ": " + problem);
                }
            }
        }
        assertEquals(List.of(), broken);
        assertTrue(
                citations >= 30, "the code cites docs/ " + citations + " times; the scan found too few to be working");
    }

    @Test
    void markdownLinksReachFilesAndAnchorsThatExist() {
        List<String> broken = new ArrayList<>();
        int links = 0;
        for (Path file : files(Set.of("md"))) {
            List<String> lines = read(file);
            boolean fenced = false;
            for (int i = 0; i < lines.size(); i++) {
                String line = lines.get(i);
                if (line.strip().startsWith("```")) fenced = !fenced;
                if (fenced) continue;
                Matcher m = LINK.matcher(line);
                while (m.find()) {
                    String target = m.group(1);
                    if (target.matches("^[a-z]+:.*")) continue; // https:, mailto: — not ours to check offline
                    links++;
                    int hash = target.indexOf('#');
                    String path = hash < 0 ? target : target.substring(0, hash);
                    String anchor = hash < 0 ? null : target.substring(hash);
                    Path resolved = path.isEmpty()
                            ? file
                            : file.getParent().resolve(path).normalize();
                    String problem = problem(resolved, anchor);
                    if (problem != null)
                        broken.add(ROOT.relativize(file) + ":" + (i + 1) + " links " + target + ": " + problem);
                }
            }
        }
        assertEquals(List.of(), broken);
        assertTrue(links >= 20, "the Markdown files hold " + links + " links; the scan found too few to be working");
    }

    @Test
    void everyInvariantHasItsAnchor() {
        Set<String> design = anchorsOf(ROOT.resolve("docs/design.md"));
        for (int n = 1; n <= 5; n++)
            assertTrue(design.contains("invariant-" + n), "docs/design.md has no anchor invariant-" + n);
    }

    private String problem(Path target, String anchor) {
        if (!target.startsWith(ROOT)) return "points outside the repository";
        if (!Files.exists(target)) return "no such file";
        if (anchor == null || anchor.equals("#")) return null;
        if (!target.toString().endsWith(".md")) return "an anchor into a file that is not Markdown";
        return anchorsOf(target).contains(anchor.substring(1)) ? null : "no such anchor in " + ROOT.relativize(target);
    }

    /** Explicit {@code <a id>} anchors, and the ones GitHub derives from headings (duplicates numbered). */
    private Set<String> anchorsOf(Path md) {
        return anchors.computeIfAbsent(md.normalize(), p -> {
            Set<String> found = new HashSet<>();
            Map<String, Integer> seen = new HashMap<>();
            boolean fenced = false;
            for (String line : read(p)) {
                if (line.strip().startsWith("```")) fenced = !fenced;
                if (fenced) continue;
                Matcher explicit = EXPLICIT_ANCHOR.matcher(line);
                while (explicit.find()) found.add(explicit.group(1));
                Matcher heading = HEADING.matcher(line);
                if (heading.matches()) {
                    String slug = slug(heading.group(1));
                    int count = seen.merge(slug, 1, Integer::sum);
                    found.add(count == 1 ? slug : slug + "-" + (count - 1));
                }
            }
            return found;
        });
    }

    static String slug(String heading) {
        String text = heading.replaceAll("<[^>]+>", "").replaceAll("\\[([^]]*)]\\([^)]*\\)", "$1");
        return text.toLowerCase(Locale.ROOT)
                .replaceAll("[^\\p{L}\\p{N} _-]", "")
                .replace(' ', '-');
    }

    private static List<Path> files(Set<String> extensions) {
        List<Path> out = new ArrayList<>();
        try {
            Files.walkFileTree(ROOT, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
                    return !dir.equals(ROOT)
                                    && SKIPPED_DIRS.contains(dir.getFileName().toString())
                            ? FileVisitResult.SKIP_SUBTREE
                            : FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                    String name = file.getFileName().toString();
                    int dot = name.lastIndexOf('.');
                    if (dot > 0 && extensions.contains(name.substring(dot + 1))) out.add(file);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    private static List<String> read(Path file) {
        try {
            return Files.readAllLines(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
