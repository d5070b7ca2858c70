/**
 * Registers: a single replicated value.
 *
 * <ul>
 *   <li>{@link dev.converge.register.LWWRegister}: last writer wins by {@code (timestamp, writer)},
 *       a total and deterministic order; reports the write it discards, so a lost write is never
 *       silent;
 *   <li>{@link dev.converge.register.MVRegister}: the multi-value register, which keeps every
 *       concurrent write (a write supersedes exactly the values it has seen);
 *   <li>{@link dev.converge.register.Timestamp}: a hybrid logical clock stamp, wall-clock
 *       milliseconds and a logical counter packed in one {@code long};
 *   <li>{@link dev.converge.register.HybridLogicalClock}: issues stamps that follow the wall clock
 *       yet order a write after every write it has observed, with bounded drift.
 * </ul>
 */
package dev.converge.register;
