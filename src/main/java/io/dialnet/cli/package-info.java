/**
 * The {@code dialnet} command line (picocli): one class per command, whose {@code call()} checks
 * the options, makes one call into the library and prints the answer; option mixins shared by
 * several commands; help texts in the resource bundle {@code io/dialnet/cli/Help.properties}. Bad
 * input exits with code 2 and one line naming the problem; other failures with code 1; stack
 * traces only with {@code --verbose}.
 */
package io.dialnet.cli;
