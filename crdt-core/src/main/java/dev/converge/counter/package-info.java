/**
 * Replicated counters: {@link dev.converge.counter.GCounter} (grow-only) and
 * {@link dev.converge.counter.PNCounter} (increments and decrements). Concurrent increments on
 * different replicas all count, whatever the order of merges.
 */
package dev.converge.counter;
