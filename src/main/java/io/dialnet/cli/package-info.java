/**
 * The {@code dialnet} command line (picocli): one class per command. Bad input exits with code 2
 * and one line naming the problem; other failures with code 1; stack traces only with
 * {@code --verbose}.
 */
package io.dialnet.cli;
