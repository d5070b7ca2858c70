package dev.converge.register;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * A hybrid logical clock (Kulkarni, Demirbas et al., "Logical Physical Clocks", 2014): issues
 * {@link Timestamp}s that stay close to the wall clock yet respect causality. A stamp issued after
 * observing another stamp is greater than it, even when this node's wall clock is behind.
 *
 * <p>Guarantees:
 *
 * <ul>
 *   <li>thread-safe and lock-free: the state is one packed {@code long} updated by compare-and-set,
 *       so concurrent callers never receive the same stamp. This is the only mutable type of the
 *       package;
 *   <li>monotone: {@link #now()} and {@link #observe(Timestamp)} return a stamp strictly greater
 *       than every stamp this clock issued or observed before, even when the wall clock steps back;
 *   <li>close to the wall clock: a stamp's physical part is at least the wall-clock reading, and
 *       exceeds it only when the wall clock stepped back, when a remote stamp ahead of it was
 *       observed (at most {@link #maxDrift()} ahead at the time), or by overflow carries (below);
 *   <li>bounded drift: {@link #observe(Timestamp)} rejects a remote stamp whose physical part is
 *       more than {@link #maxDrift()} ahead of the local wall clock with a
 *       {@link ClockDriftException}, and leaves the clock unchanged. A node with a broken clock
 *       cannot drag every other node's stamps into the future.
 * </ul>
 *
 * <p>Logical counter overflow: when 65,536 stamps fall within one physical millisecond, the next
 * stamp carries into the physical part (it is the packed stamp plus one), so the clock runs up to a
 * millisecond ahead of the wall clock rather than failing. Only {@link Timestamp#MAX} cannot be
 * followed: the clock then throws {@link IllegalStateException}.
 *
 * <pre>{@code
 * HybridLogicalClock clock = HybridLogicalClock.create();           // system clock, 500 ms drift
 * Timestamp mine = clock.now();                                     // local or send event
 * Timestamp next = clock.observe(remoteStamp);                      // receive event
 * assert next.isAfter(remoteStamp) && next.isAfter(mine);
 * HybridLogicalClock test = HybridLogicalClock.create(() -> 1_000L, Duration.ofMillis(50));
 * }</pre>
 *
 * <p>The wall clock is any {@link LongSupplier} of epoch milliseconds, for example
 * {@code System::currentTimeMillis} or {@code clock::millis} of a {@link java.time.Clock}; it is
 * called once per {@link #now()} or {@link #observe(Timestamp)} and must be thread-safe.
 */
public final class HybridLogicalClock {

  /**
   * The default bound on how far a remote stamp may run ahead of the local wall clock: 500 ms, the
   * default maximum clock offset of CockroachDB. Nodes synchronized by NTP stay well within it.
   */
  public static final Duration DEFAULT_MAX_DRIFT = Duration.ofMillis(500);

  private final LongSupplier wallClock;
  private final long maxDriftMillis;
  /** The packed greatest stamp issued or observed so far; 0 ({@link Timestamp#MIN}) at first. */
  private final AtomicLong last = new AtomicLong();

  private HybridLogicalClock(LongSupplier wallClock, long maxDriftMillis) {
    this.wallClock = wallClock;
    this.maxDriftMillis = maxDriftMillis;
  }

  /**
   * A clock on the system wall clock ({@link System#currentTimeMillis()}) with
   * {@link #DEFAULT_MAX_DRIFT}.
   *
   * @return a new clock
   */
  public static HybridLogicalClock create() {
    return create(System::currentTimeMillis, DEFAULT_MAX_DRIFT);
  }

  /**
   * A clock on the given wall clock with {@link #DEFAULT_MAX_DRIFT}.
   *
   * @param wallClockMillis the wall clock, in milliseconds since the epoch
   * @return a new clock
   * @throws NullPointerException if {@code wallClockMillis} is {@code null}
   */
  public static HybridLogicalClock create(LongSupplier wallClockMillis) {
    return create(wallClockMillis, DEFAULT_MAX_DRIFT);
  }

  /**
   * A clock on the given wall clock that rejects remote stamps more than {@code maxDrift} ahead of
   * it.
   *
   * @param wallClockMillis the wall clock, in milliseconds since the epoch
   * @param maxDrift how far ahead of the local wall clock a remote stamp may be, zero or positive,
   *     in whole milliseconds (finer parts are truncated)
   * @return a new clock
   * @throws NullPointerException if an argument is {@code null}
   * @throws IllegalArgumentException if {@code maxDrift} is negative or longer than
   *     {@link Timestamp#MAX_MILLIS} ms (the message shows it)
   */
  public static HybridLogicalClock create(LongSupplier wallClockMillis, Duration maxDrift) {
    Objects.requireNonNull(wallClockMillis, "wallClockMillis");
    Objects.requireNonNull(maxDrift, "maxDrift");
    if (maxDrift.isNegative() || maxDrift.compareTo(Duration.ofMillis(Timestamp.MAX_MILLIS)) > 0) {
      throw new IllegalArgumentException(
          "maxDrift must be in [0, " + Timestamp.MAX_MILLIS + "] ms, got " + maxDrift);
    }
    return new HybridLogicalClock(wallClockMillis, maxDrift.toMillis());
  }

  /**
   * A new stamp for a local or send event: greater than every stamp issued or observed before, and
   * at least the wall clock.
   *
   * <p>In packed form: {@code max(last + 1, wall << 16)}, which is the HLC send rule (the physical
   * part becomes {@code max(last.physical, wall)}; the counter resets to 0 when the wall clock moved
   * past it, else increments).
   *
   * @return the new stamp
   * @throws IllegalStateException if the wall clock returns a value outside
   *     {@code [0, Timestamp.MAX_MILLIS]}, or if the last stamp is {@link Timestamp#MAX}
   */
  public Timestamp now() {
    long wall = packedWall(readWall());
    while (true) {
      long prev = last.get();
      long next = Math.max(successor(prev), wall);
      if (last.compareAndSet(prev, next)) {
        return Timestamp.fromLong(next);
      }
    }
  }

  /**
   * Merges a stamp received from another node (the HLC receive event) and returns the stamp of
   * the receive event: greater than {@code remote} and than every stamp issued or observed before.
   *
   * <p>In packed form: {@code max(last + 1, remote + 1, wall << 16)}, which is the HLC receive rule.
   *
   * @param remote the stamp carried by a received message or state
   * @return the new stamp
   * @throws NullPointerException if {@code remote} is {@code null}
   * @throws ClockDriftException if {@code remote}'s physical part is more than {@link #maxDrift()}
   *     ahead of the local wall clock; the clock is then unchanged
   * @throws IllegalStateException if the wall clock returns a value outside
   *     {@code [0, Timestamp.MAX_MILLIS]}, or if the result would pass {@link Timestamp#MAX}
   */
  public Timestamp observe(Timestamp remote) {
    Objects.requireNonNull(remote, "remote");
    long wallMillis = readWall();
    if (remote.physicalMillis() - wallMillis > maxDriftMillis) {
      throw new ClockDriftException(remote, wallMillis, maxDriftMillis);
    }
    long wall = packedWall(wallMillis);
    long afterRemote = successor(remote.asLong());
    while (true) {
      long prev = last.get();
      long next = Math.max(Math.max(successor(prev), afterRemote), wall);
      if (last.compareAndSet(prev, next)) {
        return Timestamp.fromLong(next);
      }
    }
  }

  /**
   * The greatest stamp issued or observed so far, without issuing a new one.
   *
   * @return the last stamp, {@link Timestamp#MIN} before the first event
   */
  public Timestamp last() {
    return Timestamp.fromLong(last.get());
  }

  /**
   * How far ahead of the local wall clock a remote stamp may be.
   *
   * @return the bound, in whole milliseconds
   */
  public Duration maxDrift() {
    return Duration.ofMillis(maxDriftMillis);
  }

  private long readWall() {
    long millis = wallClock.getAsLong();
    if (millis < 0 || millis > Timestamp.MAX_MILLIS) {
      throw new IllegalStateException(
          "wall clock returned " + millis + " ms, outside [0, " + Timestamp.MAX_MILLIS + "] ms since the epoch");
    }
    return millis;
  }

  private static long packedWall(long millis) {
    return millis << Timestamp.LOGICAL_BITS;
  }

  /** The next packed stamp: logical + 1, carrying into the physical part when the counter is full. */
  private static long successor(long packed) {
    if (packed == Long.MAX_VALUE) {
      throw new IllegalStateException("clock exhausted: no stamp follows " + Timestamp.MAX);
    }
    return packed + 1;
  }

  /** Returns the last stamp and the drift bound, for example {@code HybridLogicalClock{last=..., maxDrift=500 ms}}. */
  @Override
  public String toString() {
    return "HybridLogicalClock{last=" + last() + ", maxDrift=" + maxDriftMillis + " ms}";
  }

  /**
   * A remote stamp ran too far ahead of the local wall clock: its physical part is more than the
   * clock's maximum drift after the local wall-clock reading. Either the remote node's clock or
   * this node's clock is wrong; the stamp was not observed and the clock is unchanged.
   *
   * <p>An {@link IllegalArgumentException}: the clock is fine and stays usable; the argument was
   * refused.
   */
  public static final class ClockDriftException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    /** The rejected stamp, packed (a {@link Timestamp} is not serializable). */
    private final long remote;
    /** The local wall-clock reading, in milliseconds since the epoch. */
    private final long localWallMillis;
    /** The bound, in milliseconds. */
    private final long maxDriftMillis;

    ClockDriftException(Timestamp remote, long localWallMillis, long maxDriftMillis) {
      super("remote timestamp " + remote + " is " + (remote.physicalMillis() - localWallMillis)
          + " ms ahead of the local wall clock " + Instant.ofEpochMilli(localWallMillis)
          + " (" + localWallMillis + " ms), more than the max drift of " + maxDriftMillis + " ms");
      this.remote = remote.asLong();
      this.localWallMillis = localWallMillis;
      this.maxDriftMillis = maxDriftMillis;
    }

    /**
     * The rejected remote stamp.
     *
     * @return the stamp
     */
    public Timestamp remote() {
      return Timestamp.fromLong(remote);
    }

    /**
     * The local wall-clock reading it was checked against.
     *
     * @return milliseconds since the epoch
     */
    public long localWallMillis() {
      return localWallMillis;
    }

    /**
     * The bound that was exceeded.
     *
     * @return the clock's maximum drift
     */
    public Duration maxDrift() {
      return Duration.ofMillis(maxDriftMillis);
    }

    /**
     * How far ahead of the local wall clock the remote stamp was.
     *
     * @return the remote physical part minus the local wall clock, more than {@link #maxDrift()}
     */
    public Duration drift() {
      return Duration.ofMillis(remote().physicalMillis() - localWallMillis);
    }
  }
}
