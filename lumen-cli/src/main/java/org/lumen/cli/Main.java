package org.lumen.cli;

import java.io.PrintWriter;
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
            ExplainEvalCommand.class, BenchmarkCommand.class, DemoCommand.class, CommandLine.HelpCommand.class},
        footer = {"", "Examples:", "  lumen demo", "  lumen synth galaxies --out survey",
            "  lumen train --task classify --data survey/classify --arch resnet18 --epochs 5 --out runs/clumps",
            "  lumen val --model runs/clumps/best --data survey/classify --split test --out runs/clumps/test",
            "  lumen predict --model runs/clumps/best --json survey/classify/test/clumpy"})
public final class Main {
    public static final int OK = 0;
    public static final int INTERNAL = 1;
    public static final int BAD_INPUT = 2;

    @Option(names = "--debug", scope = CommandLine.ScopeType.INHERIT, description = "Print stack traces of failures.")
    static boolean debug;

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs the command line and returns the exit code (tests call this instead of {@link #main}). */
    public static int run(String... args) {
        Locale.setDefault(Locale.ROOT);
        System.setProperty("java.awt.headless", "true");
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
        PrintWriter err = e.getCommandLine().getErr();
        String msg = e.getMessage();
        if (e instanceof CommandLine.UnmatchedArgumentException u && !u.getSuggestions().isEmpty()) {
            msg += "; did you mean " + String.join(" or ", u.getSuggestions()) + "?";
        }
        err.println("error: " + e.getCommandLine().getCommandName() + ": " + msg
                + " (see 'lumen " + e.getCommandLine().getCommandName() + " --help')");
        if (debug) {
            e.printStackTrace(err);
        }
        err.flush();
        return BAD_INPUT;
    }

    private static int failure(Exception e, CommandLine cl, CommandLine.ParseResult parsed) {
        PrintWriter err = cl.getErr();
        LumenException bad = findBadInput(e);
        if (bad != null) {
            err.println("error: " + bad.line());
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
