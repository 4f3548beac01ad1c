/**
 * Running methods end to end, as the commands start them: a training run, a subnet search and
 * the comparison of every method (its presets, its arms, its tables and the multi-seed protocol
 * report), each reading its data, building its model, running and writing its results, tables
 * and plots. Above {@code search}, {@code train} and {@code report}, which it combines; below the
 * command line.
 */
package io.dialnet.experiment;
