package dev.converge.internal;

import dev.converge.Lattice;
import dev.converge.ReplicaId;
import dev.converge.causal.CausalContext;
import dev.converge.causal.VersionVector;
import dev.converge.counter.GCounter;
import dev.converge.map.ORMap;
import dev.converge.set.ORSet;
import java.util.Objects;

/**
 * Construction paths for Converge's own decoders that skip the defensive copies and re-checks of
 * the public factories. Each type hands its implementation over from its static initializer (the
 * pattern of the JDK's {@code SharedSecrets}); the package is not exported, so on the module path
 * only code in this module can reach it. On the class path any code can: this class is not API,
 * and a caller that breaks the invariants a method states builds invalid values (shared arrays
 * included). Callers own those invariants.
 */
public final class Trusted {

  /** Trusted access to {@link VersionVector}'s arrays. */
  public interface Vectors {
    /**
     * The vector over these arrays, not copied and not checked.
     *
     * @param replicas strictly ascending, no {@code null}; never mutated afterwards (it may be
     *     shared by several vectors)
     * @param counters parallel to {@code replicas}, each at least 1; never mutated afterwards
     * @return the vector (the empty singleton when {@code replicas} is empty)
     */
    VersionVector wrap(ReplicaId[] replicas, long[] counters);

    /**
     * The vector's own replica array, strictly ascending: never mutate it.
     *
     * @param v the vector
     * @return its array
     */
    ReplicaId[] replicas(VersionVector v);
  }

  /** Trusted construction of {@link ORSet}s. */
  public interface Sets {
    /**
     * The set over these entries and this context, not checked.
     *
     * @param entries every key a non-null element, distinct; every dot in {@code context} and
     *     tagging one key only (as {@link DotMap#ofDistinct} builds them from validated input)
     * @param context the set's context
     * @return the set (the empty singleton when both are empty)
     */
    ORSet<?> wrap(DotMap entries, CausalContext context);

    /**
     * The set's own entries, for an encoder that reads the dots without building them: never
     * mutated (a {@link DotMap} cannot be).
     *
     * @param set the set
     * @return its entries
     */
    DotMap entries(ORSet<?> set);
  }

  /** Trusted construction of {@link ORMap}s. */
  public interface Maps {
    /**
     * The map over these entries, this context and this zero value, not checked.
     *
     * @param zero the zero value; every value of {@code entries} has its class
     * @param entries every key non-null and distinct, every slot a {@link Tagged} of at least one
     *     value; every dot in {@code context} and tagging one value only (as
     *     {@link DotMap#ofDistinct} builds them from validated input)
     * @param context the map's context
     * @return the map
     */
    ORMap<?, ?> wrap(Lattice<?> zero, DotMap entries, CausalContext context);
  }

  private static volatile Vectors vectors;
  private static volatile Sets sets;
  private static volatile Maps maps;

  private static final StackWalker WALKER = StackWalker.getInstance(StackWalker.Option.RETAIN_CLASS_REFERENCE);

  private Trusted() {}

  /** Refuses a setter called by another class than {@code owner}, or called twice. */
  private static void checkFirstSet(Class<?> caller, Class<?> owner, Object current) {
    if (caller != owner) {
      throw new IllegalStateException("only " + owner.getSimpleName() + " sets its trusted access, not "
          + caller.getName());
    }
    if (current != null) {
      throw new IllegalStateException(owner.getSimpleName() + "'s trusted access is already set");
    }
  }

  /**
   * Called once, by {@link VersionVector}'s static initializer (any other caller is refused).
   *
   * @param access the implementation
   */
  public static void setVectors(Vectors access) {
    Objects.requireNonNull(access, "access");
    checkFirstSet(WALKER.getCallerClass(), VersionVector.class, vectors);
    vectors = access;
  }

  /**
   * The trusted vector access.
   *
   * @return the implementation {@link VersionVector} registered
   */
  public static Vectors vectors() {
    Vectors v = vectors;
    if (v == null) {
      VersionVector.empty(); // runs VersionVector's static initializer, which sets it
      v = vectors;
    }
    return v;
  }

  /**
   * Called once, by {@link ORSet}'s static initializer (any other caller is refused).
   *
   * @param access the implementation
   */
  public static void setSets(Sets access) {
    Objects.requireNonNull(access, "access");
    checkFirstSet(WALKER.getCallerClass(), ORSet.class, sets);
    sets = access;
  }

  /**
   * The trusted set access.
   *
   * @return the implementation {@link ORSet} registered
   */
  public static Sets sets() {
    Sets s = sets;
    if (s == null) {
      ORSet.empty(); // runs ORSet's static initializer, which sets it
      s = sets;
    }
    return s;
  }

  /**
   * Called once, by {@link ORMap}'s static initializer (any other caller is refused).
   *
   * @param access the implementation
   */
  public static void setMaps(Maps access) {
    Objects.requireNonNull(access, "access");
    checkFirstSet(WALKER.getCallerClass(), ORMap.class, maps);
    maps = access;
  }

  /**
   * The trusted map access.
   *
   * @return the implementation {@link ORMap} registered
   */
  public static Maps maps() {
    Maps m = maps;
    if (m == null) {
      ORMap.empty(GCounter.empty()); // runs ORMap's static initializer, which sets it
      m = maps;
    }
    return m;
  }
}
