package io.sipwake.testing;

import io.sipwake.server.cli.SipwakeCommand;
import java.io.PrintWriter;
import java.io.StringWriter;
import picocli.CommandLine;

/** Runs the {@code sipwake} command line in-process, as a user would, and keeps what it printed. */
public final class Cli {
    /** The exit code and what went to stdout and stderr. */
    public record Result(int exitCode, String out, String err) {}

    private Cli() {}

    public static Result sipwake(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cmd = new CommandLine(new SipwakeCommand());
        cmd.setOut(new PrintWriter(out, true));
        cmd.setErr(new PrintWriter(err, true));
        cmd.setColorScheme(CommandLine.Help.defaultColorScheme(CommandLine.Help.Ansi.OFF));
        int exit = cmd.execute(args);
        return new Result(exit, out.toString(), err.toString());
    }
}
