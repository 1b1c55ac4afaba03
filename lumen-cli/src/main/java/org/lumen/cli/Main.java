package org.lumen.cli;

import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;
import org.lumen.core.LumenException;
import org.lumen.core.Version;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The {@code lumen} command. Exit codes: 0 success; 2 bad usage or bad input, with one {@code error:} line on
 * stderr naming the file or option and the fault; 1 an internal failure. {@code --debug} adds stack traces.
 */
@Command(name = "lumen", mixinStandardHelpOptions = true, versionProvider = Main.VersionInfo.class,
        description = "Train, run, evaluate and explain vision models for science and medicine.",
        subcommands = {SynthCommand.class, TrainCommand.class, ValCommand.class, PredictCommand.class, ExplainCommand.class,
            ExplainEvalCommand.class, SegmentClassifyCommand.class, BenchmarkCommand.class, DemoCommand.class,
            CocoEvalCommand.class, ConvertCommand.class, CompareCommand.class, AttackCommand.class,
            CommandLine.HelpCommand.class},
        footer = {"", "Examples:", "  lumen demo", "  lumen synth galaxies --out survey",
            "  lumen train --task classify --data survey/classify --arch resnet18 --epochs 5 --out runs/clumps",
            "  lumen val --model runs/clumps/best --data survey/classify --split test --out runs/clumps/test",
            "  lumen predict --model runs/clumps/best --json survey/classify/test/clumpy",
            "  lumen train --task segment --data survey/segment --arch unet-w16-d4 --imgsz 64 --epochs 12 --out runs/seg",
            "  lumen convert --from coco --to yolo-seg --data survey/segment --out clumps-yolo"})
public final class Main {
    public static final int OK = 0;
    public static final int INTERNAL = 1;
    public static final int BAD_INPUT = 2;

    @Option(names = "--debug", scope = CommandLine.ScopeType.INHERIT, description = "Print stack traces of failures.")
    static boolean debug;

    public static void main(String[] args) {
        Running.start(args);
        System.exit(run(args));
    }

    /** Runs the command line and returns the exit code (tests call this instead of {@link #main}). */
    public static int run(String... args) {
        Locale.setDefault(Locale.ROOT);
        System.setProperty("java.awt.headless", "true");
        org.lumen.core.image.Bands.reset(); // each command sets its own --bands (tests run many in one process)
        CommandLine cl = commandLine();
        return cl.execute(args);
    }

    static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new Main());
        cl.setCaseInsensitiveEnumValuesAllowed(true);
        cl.setParameterExceptionHandler(Main::badUsage);
        cl.setExecutionExceptionHandler(Main::failure);
        return cl;
    }

    private static int badUsage(CommandLine.ParameterException e, String[] args) {
        CommandLine cl = e.getCommandLine();
        PrintWriter err = cl.getErr();
        String command = cl.getCommandSpec().qualifiedName();
        err.println("error: " + usageFault(e, command) + " (see '" + command + " --help')");
        if (debug) {
            e.printStackTrace(err);
        }
        err.flush();
        return BAD_INPUT;
    }

    /** {@code <option or command>: <what is wrong>} for a usage error: the option it concerns when picocli knows it. */
    static String usageFault(CommandLine.ParameterException e, String command) {
        if (e instanceof CommandLine.UnmatchedArgumentException u && !u.getUnmatched().isEmpty()) {
            String first = u.getUnmatched().get(0);
            String what = first.startsWith("-") ? "unknown option"
                    : e.getCommandLine().getSubcommands().isEmpty() ? "unexpected argument" : "unknown command";
            String msg = first + ": " + what;
            List<String> near = nearest(first, u.getSuggestions());
            return near.isEmpty() ? msg : msg + "; did you mean " + String.join(" or ", near) + "?";
        }
        String msg = e.getMessage().replaceFirst("^Error: ", "");
        if (e instanceof CommandLine.MissingParameterException m) {
            // one missing option is named; in an option group picocli lists the whole group, so name the command
            return (m.getMissing().size() == 1 ? argName(m.getMissing().get(0)) : command) + ": " + msg;
        }
        CommandLine.Model.ArgSpec arg = e.getArgSpec();
        return (arg != null ? argName(arg) : command) + ": " + msg;
    }

    /**
     * Of picocli's suggestions (which share letter pairs with the typo), those fewest edits away from it, counting
     * a swap of two neighbouring letters as one: {@code predcit} gets {@code predict}, not also {@code compare}.
     */
    static List<String> nearest(String typed, List<String> suggestions) {
        int best = Integer.MAX_VALUE;
        List<String> out = new java.util.ArrayList<>();
        for (String s : suggestions) {
            int d = edits(typed, s);
            if (d < best) {
                best = d;
                out.clear();
            }
            if (d == best) {
                out.add(s);
            }
        }
        return out;
    }

    /** Optimal-string-alignment distance: insertions, deletions, substitutions and adjacent swaps. */
    static int edits(String a, String b) {
        int[][] d = new int[a.length() + 1][b.length() + 1];
        for (int i = 0; i <= a.length(); i++) {
            d[i][0] = i;
        }
        for (int j = 0; j <= b.length(); j++) {
            d[0][j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
                if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
                    d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
                }
            }
        }
        return d[a.length()][b.length()];
    }

    private static String argName(CommandLine.Model.ArgSpec arg) {
        return arg instanceof CommandLine.Model.OptionSpec o ? o.longestName() : arg.paramLabel();
    }

    private static int failure(Exception e, CommandLine cl, CommandLine.ParseResult parsed) {
        PrintWriter err = cl.getErr();
        LumenException bad = findBadInput(e);
        if (bad != null) {
            err.println("error: " + Flags.line(bad));
        } else {
            err.println("error: internal failure: " + e + (debug ? "" : " (run with --debug for details)"));
        }
        if (debug) {
            e.printStackTrace(err);
        }
        err.flush();
        return bad != null ? BAD_INPUT : INTERNAL;
    }

    private static LumenException findBadInput(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof LumenException l) {
                return l;
            }
        }
        return null;
    }

    static final class VersionInfo implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"lumen " + Version.VERSION + " (commit " + System.getProperty("lumen.git.commit", "unknown") + ")"};
        }
    }
}
