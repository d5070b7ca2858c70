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

  /**
   * One trusted access: set once, by its owner's static initializer, and read by Converge's
   * decoders, which run that initializer when they read it first.
   */
  private static final class Slot<T> {
    private final Class<?> owner;
    /** Runs the owner's static initializer (a call into the class). */
    private final Runnable initializer;
    private volatile T access;

    Slot(Class<?> owner, Runnable initializer) {
      this.owner = owner;
      this.initializer = initializer;
    }

    /** Refuses a caller other than the owner, and a second call. */
    void set(Class<?> caller, T value) {
      Objects.requireNonNull(value, "access");
      if (caller != owner) {
        throw new IllegalStateException("only " + owner.getSimpleName() + " sets its trusted access, not "
            + caller.getName());
      }
      if (access != null) {
        throw new IllegalStateException(owner.getSimpleName() + "'s trusted access is already set");
      }
      access = value;
    }

    T get() {
      T a = access;
      if (a == null) {
        initializer.run();
        a = access;
      }
      return a;
    }
  }

  private static final Slot<Vectors> VECTORS = new Slot<>(VersionVector.class, VersionVector::empty);
  private static final Slot<Sets> SETS = new Slot<>(ORSet.class, ORSet::empty);
  private static final Slot<Maps> MAPS = new Slot<>(ORMap.class, () -> ORMap.empty(GCounter.empty()));

  private static final StackWalker WALKER = StackWalker.getInstance(StackWalker.Option.RETAIN_CLASS_REFERENCE);

  private Trusted() {}

  /**
   * Called once, by {@link VersionVector}'s static initializer (any other caller is refused).
   *
   * @param access the implementation
   */
  public static void setVectors(Vectors access) {
    VECTORS.set(WALKER.getCallerClass(), access);
  }

  /**
   * The trusted vector access.
   *
   * @return the implementation {@link VersionVector} registered
   */
  public static Vectors vectors() {
    return VECTORS.get();
  }

  /**
   * Called once, by {@link ORSet}'s static initializer (any other caller is refused).
   *
   * @param access the implementation
   */
  public static void setSets(Sets access) {
    SETS.set(WALKER.getCallerClass(), access);
  }

  /**
   * The trusted set access.
   *
   * @return the implementation {@link ORSet} registered
   */
  public static Sets sets() {
    return SETS.get();
  }

  /**
   * Called once, by {@link ORMap}'s static initializer (any other caller is refused).
   *
   * @param access the implementation
   */
  public static void setMaps(Maps access) {
    MAPS.set(WALKER.getCallerClass(), access);
  }

  /**
   * The trusted map access.
   *
   * @return the implementation {@link ORMap} registered
   */
  public static Maps maps() {
    return MAPS.get();
  }
}
