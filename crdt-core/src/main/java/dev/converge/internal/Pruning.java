package dev.converge.internal;

import dev.converge.ReplicaId;
import dev.converge.causal.CausalContext;
import dev.converge.causal.Dot;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/** Shared steps of pruning a retired replica (see {@link dev.converge.Prunable}). */
public final class Pruning {

  private Pruning() {}

  /**
   * Checks the arguments of a pruning.
   *
   * @param retired the replica that left
   * @param heir the replica taking over
   * @throws NullPointerException if an argument is {@code null}
   * @throws IllegalArgumentException if they are the same replica
   */
  public static void check(ReplicaId retired, ReplicaId heir) {
    Objects.requireNonNull(retired, "retired");
    Objects.requireNonNull(heir, "heir");
    if (retired.equals(heir)) {
      throw new IllegalArgumentException("a replica cannot be its own heir: " + retired);
    }
  }

  /**
   * Fresh dots of {@code heir} for a pruning: mints {@code count} dots above every dot of the heir
   * that {@code context} holds, in order.
   */
  public static final class Minter {
    private CausalContext context;
    private final ReplicaId heir;

    /**
     * A minter over {@code context} (already without the retired replica).
     *
     * @param context the context to extend
     * @param heir the replica whose dots are minted
     */
    public Minter(CausalContext context, ReplicaId heir) {
      this.context = context;
      this.heir = heir;
    }

    /**
     * The next fresh dot of the heir; the context grows to hold it.
     *
     * @return a dot the original context did not hold
     */
    public Dot next() {
      Dot d = context.nextDot(heir);
      context = context.add(d);
      return d;
    }

    /**
     * The context holding every dot minted so far.
     *
     * @return the context
     */
    public CausalContext context() {
      return context;
    }
  }

  /**
   * The dots of {@code dots} not of {@code retired}.
   *
   * @param dots dots
   * @param retired the replica whose dots are dropped
   * @return the others, in order
   */
  public static List<Dot> without(List<Dot> dots, ReplicaId retired) {
    List<Dot> out = new ArrayList<>(dots.size());
    for (Dot d : dots) {
      if (!d.replica().equals(retired)) {
        out.add(d);
      }
    }
    return out;
  }
}
