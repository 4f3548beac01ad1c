package io.dialnet.cli;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.stream.Collectors;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParameterException;

/**
 * Option defaults from {@code --config FILE}: a properties file whose keys are a command's long
 * option names without the dashes ({@code epochs = 30}); options on the command line win. A key
 * the command has no option for is an error, so a misspelt key is never silently ignored.
 * (picocli's {@code @FILE} argument files work too, for whole argument lists.)
 */
final class ConfigFile {
    private ConfigFile() {}

    static void apply(CommandLine root, String[] args) {
        List<String> list = List.of(args);
        int at = list.indexOf("--config");
        Path file = at >= 0 && at + 1 < args.length
                ? Path.of(args[at + 1])
                : list.stream()
                        .filter(a -> a.startsWith("--config="))
                        .map(a -> Path.of(a.substring(9)))
                        .findFirst()
                        .orElse(null);
        if (file == null || args.length == 0 || !root.getSubcommands().containsKey(args[0])) {
            return;
        }
        CommandLine command = root.getSubcommands().get(args[0]);
        Properties properties = read(command, file);
        CommandSpec spec = command.getCommandSpec();
        Set<String> known = spec.options().stream()
                .map(o -> o.longestName().replaceFirst("^--?", ""))
                .collect(Collectors.toSet());
        for (String key : properties.stringPropertyNames()) {
            if (!known.contains(key)) {
                throw new ParameterException(
                        command, "--config " + file + ": unknown key '" + key + "' for 'dialnet " + args[0] + "'");
            }
        }
        command.setDefaultValueProvider(arg -> {
            if (arg instanceof OptionSpec option) {
                String value = properties.getProperty(option.longestName().replaceFirst("^--?", ""));
                if (value != null) {
                    return value.trim();
                }
            }
            return arg.defaultValue();
        });
    }

    private static Properties read(CommandLine command, Path file) {
        if (!Files.isRegularFile(file)) {
            throw new ParameterException(command, "--config " + file + ": no such file");
        }
        Properties properties = new Properties();
        try (InputStream in = Files.newInputStream(file)) {
            properties.load(in);
        } catch (IOException | IllegalArgumentException e) {
            throw new ParameterException(command, "--config " + file + ": " + e.getMessage());
        }
        return properties;
    }
}
