/**
 * The {@code dialnet} command line (picocli): one class per command, whose {@code call()} checks
 * the options, makes one call into the library and prints the answer; the commands' shared parts in
 * {@code DialnetCommand} (common options, output streams) and {@code RunCommand} (data, model,
 * device, output directory), option groups as mixins; help texts in the resource bundle
 * {@code io/dialnet/cli/Help.properties}. Names (strategy, search method, comparison arm) and
 * channel plans are parsed as options are read, so a bad one fails before any data is. Bad input
 * exits with code 2 and one line naming the problem; other failures with code 1; stack traces only
 * with {@code --verbose}.
 */
package io.dialnet.cli;
