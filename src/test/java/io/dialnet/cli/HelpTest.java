package io.dialnet.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiConsumer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code --help} of every command, as a user sees it. */
@Tag("fast")
class HelpTest {
    /**
     * Issue 14: a {@code %} in an option's description made picocli print {@code [picocli WARN]}
     * lines (descriptions are format strings) on {@code dialnet train --help}. Every command's help
     * must come out clean: exit 0, a usage line, and no picocli warning.
     */
    @Test
    void issue14EveryCommandsHelpPrintsWithoutPicocliWarnings() {
        List<List<String>> commands = new ArrayList<>();
        collect(Main.commandLine(), new ArrayList<>(), commands);
        assertThat(commands).hasSizeGreaterThan(10);
        // picocli's tracer writes its warnings to System.err, not to the command's streams.
        ByteArrayOutputStream warnings = new ByteArrayOutputStream();
        PrintStream saved = System.err;
        System.setErr(new PrintStream(warnings, true, StandardCharsets.UTF_8));
        try {
            for (List<String> command : commands) {
                List<String> args = new ArrayList<>(command);
                args.add("--help");
                StringWriter out = new StringWriter();
                StringWriter err = new StringWriter();
                int code = Main.execute(new PrintWriter(out), new PrintWriter(err), args.toArray(String[]::new));
                String all = out + err.toString() + warnings.toString(StandardCharsets.UTF_8);
                assertThat(code).as("dialnet %s --help", command).isZero();
                assertThat(out.toString()).as("dialnet %s --help", command).contains("Usage: dialnet");
                assertThat(all).as("dialnet %s --help", command).doesNotContain("picocli WARN");
            }
        } finally {
            System.setErr(saved);
        }
    }

    /** Every option of every command says what it does (descriptions live in Help.properties; one was missing). */
    @Test
    void everyOptionIsDescribed() {
        List<String> undescribed = new ArrayList<>();
        walk(
                Main.commandLine(),
                new ArrayList<>(),
                (cli, path) -> cli.getCommandSpec().options().stream()
                        .filter(o -> String.join("", o.description()).isBlank())
                        .forEach(o -> undescribed.add(cli.getCommandSpec().qualifiedName() + " " + o.longestName())));
        assertThat(undescribed).isEmpty();
    }

    private static void collect(CommandLine cli, List<String> path, List<List<String>> out) {
        walk(cli, path, (command, at) -> out.add(List.copyOf(at)));
    }

    /** {@code cli} and every subcommand under it (aliases and picocli's help once), each with its path. */
    private static void walk(CommandLine cli, List<String> path, BiConsumer<CommandLine, List<String>> visit) {
        visit.accept(cli, path);
        cli.getSubcommands().forEach((name, sub) -> {
            if (sub.getCommandSpec().name().equals(name) && !name.equals("help")) {
                List<String> deeper = new ArrayList<>(path);
                deeper.add(name);
                walk(sub, deeper, visit);
            }
        });
    }
}
