/**
 * Causality tracking: {@link dev.converge.causal.Dot} (one event),
 * {@link dev.converge.causal.VersionVector} (a downward-closed set of events per replica),
 * {@link dev.converge.causal.CausalContext} (a version vector plus events received out of order),
 * {@link dev.converge.causal.DottedVersionVector} (the exact clock of one event) and
 * {@link dev.converge.causal.Siblings} (a DVVSet: a server-side store of concurrent values that
 * never loses a write).
 */
package dev.converge.causal;
