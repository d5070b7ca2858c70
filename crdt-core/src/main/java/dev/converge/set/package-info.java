/**
 * Replicated sets: {@link dev.converge.set.ORSet}, the add-wins observed-remove set without
 * tombstones (the shopping cart).
 */
package dev.converge.set;
