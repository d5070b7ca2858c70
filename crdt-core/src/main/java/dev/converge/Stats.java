package dev.converge;

/**
 * How much metadata a replicated value carries, so operators can watch its growth (riak_dt's
 * {@code stats}, Pekko's estimated size).
 *
 * @param replicas the replicas the value tracks (entries of its vector or causal context)
 * @param elements the elements, keys or values it holds
 * @param dots the dots kept individually: one per element or value, more after concurrent writes
 * @param cloud the dots its causal context holds out of order
 * @param estimatedBytes an estimate of its size in Converge's Kryo format, uncompressed (exact
 *     for counters and vectors; values inside collections estimated: strings by their length,
 *     numbers as 5 bytes, other values as 8)
 */
public record Stats(int replicas, int elements, long dots, int cloud, long estimatedBytes) {

  /**
   * Validates the figures.
   *
   * @param replicas the replicas the value tracks
   * @param elements the elements, keys or values it holds
   * @param dots the dots kept individually
   * @param cloud the dots held out of order
   * @param estimatedBytes the estimated encoded size
   * @throws IllegalArgumentException if a figure is negative
   */
  public Stats {
    if (replicas < 0 || elements < 0 || dots < 0 || cloud < 0 || estimatedBytes < 0) {
      throw new IllegalArgumentException("stats must be >= 0, got replicas=" + replicas + ", elements=" + elements
          + ", dots=" + dots + ", cloud=" + cloud + ", estimatedBytes=" + estimatedBytes);
    }
  }
}
