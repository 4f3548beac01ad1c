package io.dialnet.cli;

import io.dialnet.Provenance;
import io.dialnet.artifact.ArtifactException;
import io.dialnet.data.DataFormatException;
import io.dialnet.experiment.Arm;
import io.dialnet.nn.ChannelPlan;
import io.dialnet.search.SearchMethod;
import io.dialnet.train.CheckpointException;
import io.dialnet.train.Strategy;
import java.io.PrintWriter;
import java.util.function.Function;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.TypeConversionException;

/** The {@code dialnet} command line. */
@Command(
        name = "dialnet",
        mixinStandardHelpOptions = true,
        versionProvider = Main.Version.class,
        resourceBundle = "io.dialnet.cli.Help",
        description = "One CNN, many nested subnets: train, evaluate and inspect dynamic networks.",
        subcommands = {
            TrainCommand.class,
            EvalCommand.class,
            InfoCommand.class,
            DemoCommand.class,
            SearchCommand.class,
            CompareCommand.class,
            CompareReportCommand.class,
            ImportCommand.class,
            ExportCommand.class,
            ServeCommand.class,
            LoadTestCommand.class,
            BenchCommand.class,
            CommandLine.HelpCommand.class
        })
public final class Main implements Runnable {
    /** Exit code of bad input: unknown option, bad value, missing or malformed file. */
    public static final int BAD_INPUT = 2;
    /** Exit code of a failure while running valid input. */
    public static final int FAILED = 1;

    @picocli.CommandLine.Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "a command is required: train, eval, info or demo");
    }

    public static void main(String[] args) {
        System.exit(execute(new PrintWriter(System.out, true), new PrintWriter(System.err, true), args));
    }

    /** Runs one command line, writing to {@code out} and {@code err}, and returns its exit code. */
    public static int execute(PrintWriter out, PrintWriter err, String... args) {
        CommandLine cli = commandLine();
        cli.setOut(out);
        cli.setErr(err);
        try {
            ConfigFile.apply(cli, args);
        } catch (ParameterException e) {
            err.println("dialnet: " + e.getMessage());
            err.flush();
            return BAD_INPUT;
        }
        return cli.execute(args);
    }

    /** The configured command line, without config-file defaults. */
    public static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new Main());
        cli.setCaseInsensitiveEnumValuesAllowed(true);
        // names and plans are parsed here, at the boundary: a bad one fails before any data is read
        cli.registerConverter(Strategy.class, text -> converted(Strategy::named, text, ""));
        cli.registerConverter(SearchMethod.class, text -> converted(SearchMethod::named, text, ""));
        cli.registerConverter(Arm.class, text -> converted(Arm::named, text, ""));
        cli.registerConverter(ChannelPlan.class, text -> converted(ChannelPlan::parse, text, "--plans: "));
        cli.setExecutionExceptionHandler(Main::handle);
        cli.setParameterExceptionHandler((ex, args) -> {
            CommandLine c = ex.getCommandLine();
            c.getErr().println("dialnet: " + (ex.getCause() instanceof Refused r ? r.getMessage() : ex.getMessage()));
            c.getErr().println("see '" + c.getCommandSpec().qualifiedName() + " --help'");
            c.getErr().flush();
            return BAD_INPUT;
        });
        return cli;
    }

    /** {@code parse} of {@code text}; its complaint, after {@code option}, becomes the one line printed. */
    private static <T> T converted(Function<String, T> parse, String text, String option) {
        try {
            return parse.apply(text);
        } catch (IllegalArgumentException e) {
            throw new Refused(option + e.getMessage());
        }
    }

    /** An option value the library refused, with a message that names the option and what it accepts. */
    private static final class Refused extends TypeConversionException {
        Refused(String message) {
            super(message);
        }
    }

    /** Known failures become one line; a stack trace only with --verbose. */
    private static int handle(Exception e, CommandLine cli, CommandLine.ParseResult parsed) {
        boolean verbose = false;
        for (CommandLine.ParseResult p = parsed; p != null; p = p.subcommand()) {
            verbose |= p.hasMatchedOption("--verbose");
        }
        boolean badInput = e instanceof IllegalArgumentException
                || e instanceof DataFormatException
                || e instanceof CheckpointException
                || e instanceof ArtifactException;
        cli.getErr().println("dialnet: " + (badInput ? "" : "failed: ") + message(e));
        if (verbose) {
            e.printStackTrace(cli.getErr());
        }
        cli.getErr().flush();
        return badInput ? BAD_INPUT : FAILED;
    }

    private static String message(Throwable e) {
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }

    /** Prints Dialnet's version. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"dialnet " + Provenance.version()};
        }
    }
}
