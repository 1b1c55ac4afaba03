package org.lumen.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * No package cycles in the main code of lumen-core and lumen-nn: each main {@code .java} file's package depends on
 * the {@code org.lumen} packages it imports or names fully qualified (comments and string literals aside); the
 * strongly connected components of that graph (Tarjan) with more than one package are cycles. Any edge
 * inside a cycle fails the test, with the files that make it.
 */
class PackageCyclesTest {
    /**
     * Package dependencies allowed inside a cycle: none. The layers are model (ModelInfo, Preprocess, Model,
     * ModelLoader) below train (the one training run) below the tasks (classify, segment, detect, each with its
     * trainer); Model.load finds the tasks through ModelLoader providers, not by name.
     */
    private static final Set<String> ALLOWED = Set.of();

    private static final Pattern PACKAGE = Pattern.compile("\\bpackage\\s+([\\w.]+)\\s*;");
    /** {@code org.lumen.a.b.Type}: the package is the lower-case part before the first capitalised name. */
    private static final Pattern REFERENCE = Pattern.compile("\\b(org\\.lumen(?:\\.[a-z_][a-z0-9_]*)*)\\.[A-Z]");

    @Test
    void mainCodeHasNoNewPackageCycles() throws IOException {
        Path root = Path.of("").toAbsolutePath().getParent();
        assertTrue(Files.isRegularFile(root.resolve("pom.xml")), "not a module of the Lumen build: " + root);
        Map<String, String> sources = new TreeMap<>();
        for (String module : List.of("lumen-core", "lumen-nn")) {
            Path tree = root.resolve(module).resolve(Path.of("src", "main", "java"));
            try (Stream<Path> files = Files.walk(tree)) {
                for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                    sources.put(root.relativize(f).toString(), Files.readString(f));
                }
            }
        }
        assertTrue(sources.size() > 100, "expected the main sources of lumen-core and lumen-nn: " + sources.size());
        Graph g = Graph.of(sources);
        assertTrue(g.edges.containsKey("org.lumen.nn.models.rcnn"), "no detectors in the graph: " + g.edges.keySet());
        List<String> unexpected = new ArrayList<>();
        for (Set<String> cycle : g.cycles()) {
            for (String from : cycle) {
                for (String to : g.edges.get(from).keySet()) {
                    String edge = from + " -> " + to;
                    if (cycle.contains(to) && !ALLOWED.contains(edge)) {
                        unexpected.add(edge + " " + g.edges.get(from).get(to) + " (in the cycle " + cycle + ")");
                    }
                }
            }
        }
        assertEquals(List.of(), unexpected, "package cycles: move the shared type below both packages");
    }

    @Test
    void findsACycleAndItsMembers() {
        Map<String, String> sources = Map.of(
                "a/A.java", "package org.lumen.a;\nimport org.lumen.b.B;\nclass A {}",
                "b/B.java", "package org.lumen.b;\nclass B { org.lumen.c.C c; /* org.lumen.d.D */\n"
                        + "String s = \"org.lumen.d.D\"; // org.lumen.d.D\n}",
                "c/C.java", "package org.lumen.c;\nimport static org.lumen.a.A.run;\nclass C {}",
                "d/D.java", "package org.lumen.d;\nimport org.lumen.a.A;\nclass D {}");
        Graph g = Graph.of(sources);
        assertEquals(List.of(Set.of("org.lumen.a", "org.lumen.b", "org.lumen.c")), g.cycles());
        assertEquals(Set.of("org.lumen.c"), g.edges.get("org.lumen.b").keySet(), "comments, strings: no references");
        assertEquals(Set.of("b/B.java"), g.edges.get("org.lumen.b").get("org.lumen.c"));
    }

    /** Package -> package it uses -> the files that use it. */
    private record Graph(Map<String, Map<String, Set<String>>> edges) {
        static Graph of(Map<String, String> sources) {
            Map<String, Map<String, Set<String>>> edges = new TreeMap<>();
            for (Map.Entry<String, String> e : sources.entrySet()) {
                String code = code(e.getValue());
                Matcher p = PACKAGE.matcher(code);
                if (!p.find()) {
                    continue;
                }
                String from = p.group(1);
                Map<String, Set<String>> out = edges.computeIfAbsent(from, k -> new TreeMap<>());
                Matcher r = REFERENCE.matcher(code);
                while (r.find()) {
                    if (!r.group(1).equals(from)) {
                        out.computeIfAbsent(r.group(1), k -> new TreeSet<>()).add(e.getKey());
                    }
                }
            }
            for (Map<String, Set<String>> out : List.copyOf(edges.values())) {
                for (String to : out.keySet()) {
                    edges.computeIfAbsent(to, k -> new TreeMap<>());
                }
            }
            return new Graph(edges);
        }

        /** Strongly connected components of more than one package (Tarjan), each sorted. */
        List<Set<String>> cycles() {
            Map<String, Integer> index = new HashMap<>();
            Map<String, Integer> low = new HashMap<>();
            Deque<String> stack = new ArrayDeque<>();
            Set<String> onStack = new TreeSet<>();
            List<Set<String>> out = new ArrayList<>();
            for (String v : edges.keySet()) {
                if (!index.containsKey(v)) {
                    connect(v, index, low, stack, onStack, out);
                }
            }
            return out;
        }

        private void connect(String v, Map<String, Integer> index, Map<String, Integer> low, Deque<String> stack,
                Set<String> onStack, List<Set<String>> out) {
            index.put(v, index.size());
            low.put(v, index.get(v));
            stack.push(v);
            onStack.add(v);
            for (String w : edges.get(v).keySet()) {
                if (!index.containsKey(w)) {
                    connect(w, index, low, stack, onStack, out);
                    low.put(v, Math.min(low.get(v), low.get(w)));
                } else if (onStack.contains(w)) {
                    low.put(v, Math.min(low.get(v), index.get(w)));
                }
            }
            if (low.get(v).equals(index.get(v))) {
                Set<String> component = new TreeSet<>();
                String w;
                do {
                    w = stack.pop();
                    onStack.remove(w);
                    component.add(w);
                } while (!w.equals(v));
                if (component.size() > 1) {
                    out.add(component);
                }
            }
        }
    }

    /** The source without comments, string and character literals (text blocks included). */
    static String code(String s) {
        StringBuilder b = new StringBuilder(s.length());
        int i = 0;
        int n = s.length();
        while (i < n) {
            char c = s.charAt(i);
            if (s.startsWith("/*", i)) {
                int j = s.indexOf("*/", i + 2);
                i = j < 0 ? n : j + 2;
                b.append(' ');
            } else if (s.startsWith("//", i)) {
                int j = s.indexOf('\n', i);
                i = j < 0 ? n : j;
            } else if (s.startsWith("\"\"\"", i)) {
                int j = s.indexOf("\"\"\"", i + 3);
                i = j < 0 ? n : j + 3;
                b.append("\"\"");
            } else if (c == '"' || c == '\'') {
                int j = i + 1;
                while (j < n && s.charAt(j) != c) {
                    j += s.charAt(j) == '\\' ? 2 : 1;
                }
                i = j + 1;
                b.append(c).append(c);
            } else {
                b.append(c);
                i++;
            }
        }
        return b.toString();
    }
}
