package org.lumen.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.lumen.core.Version;
import picocli.CommandLine;

/** {@code --help} of every command shows worked examples (DESIGN.md section 3); {@code --version} the version. */
class HelpAndVersionTest {
    /** Every command and subcommand as its argument path ({@code [synth, galaxies]}), walked from Main's tree. */
    static Stream<List<String>> commands() {
        List<List<String>> all = new ArrayList<>();
        walk(Main.commandLine(), new ArrayList<>(), all);
        assertTrue(all.size() >= 8, all::toString);
        return all.stream();
    }

    private static void walk(CommandLine cl, List<String> path, List<List<String>> all) {
        all.add(List.copyOf(path));
        cl.getSubcommands().forEach((name, sub) -> {
            if (!name.equals("help") && sub.getCommandSpec().name().equals(name)) { // picocli's help, aliases once
                path.add(name);
                walk(sub, path, all);
                path.remove(path.size() - 1);
            }
        });
    }

    @ParameterizedTest(name = "lumen {0} --help")
    @MethodSource("commands")
    void helpShowsExamples(List<String> command) {
        List<Object> args = new ArrayList<>(command);
        args.add("--help");
        Cli.Result r = Cli.run(args.toArray());
        assertEquals(0, r.exit(), r::toString);
        assertEquals("", r.err(), r::toString);
        String usage = String.join(" ", Stream.concat(Stream.of("lumen"), command.stream()).toList());
        assertTrue(r.out().startsWith("Usage: " + usage), r::toString);
        List<String> lines = r.outLines();
        int examples = lines.indexOf("Examples:");
        assertTrue(examples > 0, r::toString);
        String first = lines.get(examples + 1);
        assertTrue(first.startsWith("  " + usage), () -> "first example runs " + usage + ": " + first);
    }

    @Test
    void versionPrintsTheVersion() {
        for (String flag : List.of("--version", "-V")) {
            Cli.Result r = Cli.run(flag);
            assertEquals(0, r.exit(), r::toString);
            assertEquals(1, r.outLines().size(), r::toString);
            assertTrue(r.out().startsWith("lumen " + Version.VERSION + " (commit "), r::toString);
        }
    }

    @Test
    void noCommandIsABadUsageWithAPointerToHelp() {
        Cli.Result r = Cli.run();
        assertEquals(Main.BAD_INPUT, r.exit(), r::toString);
        assertEquals(List.of("error: lumen: Missing required subcommand (see 'lumen --help')"), r.errLines());
        r = Cli.run("synth");
        assertEquals(List.of("error: lumen synth: Missing required subcommand (see 'lumen synth --help')"), r.errLines());
    }
}
